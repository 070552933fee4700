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
 * closed before the command starts, so a long command holds no lock.
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
        try (NetworkController c = lnw.controller()) {
            Sandbox s = Lnw.sandbox(c, sandbox);
            key = s.key();
        }
        List<String> cmd = !command.isEmpty() && command.get(0).equals("--") ? command.subList(1, command.size()) : command;
        if (cmd.isEmpty()) {
            throw new Lnw.CliException("no command to run in sandbox \"" + sandbox + "\"");
        }
        if (lnw.session != null) {
            // run by lnw daemon: the client enters the namespace and becomes the command, on
            // the caller's terminal
            lnw.session.handOff(key, cmd);
            return 0;
        }
        List<String> argv = new ArrayList<>(List.of("nsenter", "--net=" + key, "--"));
        argv.addAll(cmd);
        Process p;
        try {
            p = new ProcessBuilder(argv).inheritIO().start();
        } catch (IOException e) {
            throw new Lnw.CliException("cannot run nsenter (util-linux): " + e.getMessage());
        }
        return p.waitFor();
    }
}
