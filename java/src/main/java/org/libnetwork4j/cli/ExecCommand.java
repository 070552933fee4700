package org.libnetwork4j.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.libnetwork4j.NetworkController;
import org.libnetwork4j.Sandbox;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * Runs a command in a sandbox's network namespace, through nsenter(1) (util-linux): a JVM
 * cannot move a thread, let alone a child, into a namespace on its own. The controller is
 * closed before the command starts, so a long command holds no lock. The command sees the
 * sandbox's hosts and resolv.conf at /etc/hosts and /etc/resolv.conf, bind-mounted in a
 * mount namespace of its own, as a runtime would show them to the container: names resolve
 * as they do there.
 */
@Command(name = "exec", description = "Run a command in a sandbox's network namespace; exits with its code.",
        mixinStandardHelpOptions = true)
final class ExecCommand implements java.util.concurrent.Callable<Integer> {
    @ParentCommand
    Lnw lnw;

    @Parameters(index = "0", paramLabel = "SANDBOX")
    String sandbox;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "COMMAND")
    List<String> command;

    @Override
    public Integer call() throws IOException, InterruptedException {
        String key;
        List<String> files;
        try (NetworkController c = lnw.controller()) {
            Sandbox s = Lnw.sandbox(c, sandbox);
            key = s.key();
            files = List.of(s.resolvConfPath().toString(), s.hostsPath().toString());
        }
        List<String> cmd = !command.isEmpty() && command.get(0).equals("--") ? command.subList(1, command.size()) : command;
        if (cmd.isEmpty()) {
            throw new Lnw.CliException("no command to run in sandbox \"" + sandbox + "\"");
        }
        if (lnw.session != null) {
            // run by lnw daemon: the client enters the namespace and becomes the command, on
            // the caller's terminal
            lnw.session.handOff(key, files, cmd);
            return 0;
        }
        List<String> argv = new ArrayList<>(List.of("nsenter", "--net=" + key, "--", "unshare", "--mount",
                "--propagation", "private", "--", "sh", "-c",
                "mount --bind \"$1\" /etc/resolv.conf && mount --bind \"$2\" /etc/hosts && shift 2 && exec \"$@\"",
                "sh", files.get(0), files.get(1)));
        argv.addAll(cmd);
        Process p;
        try {
            ProcessBuilder pb = new ProcessBuilder(argv).inheritIO();
            HandOver.scrub(pb.environment()); // the launcher's and client's notes are not the command's
            p = pb.start();
        } catch (IOException e) {
            throw new Lnw.CliException("cannot run nsenter (util-linux): " + e.getMessage());
        }
        return p.waitFor();
    }
}
