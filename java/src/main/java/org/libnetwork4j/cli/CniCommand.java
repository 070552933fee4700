package org.libnetwork4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.libnetwork4j.NetworkController;
import org.libnetwork4j.cni.CniPlugin;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code lnw cni}: one CNI plugin call ({@link CniPlugin}), as the {@code lnw-cni} executable
 * makes it. A runtime gives the call in CNI_* variables and the configuration on stdin; the
 * launcher passes both as options ({@code --env}, {@code --config}), since a daemon sees
 * neither the client's environment nor its stdin. Exit code: 0, or 1 with CNI's error JSON.
 */
@Command(name = "cni", hidden = true, description = "One CNI plugin call (lnw-cni).")
final class CniCommand implements java.util.concurrent.Callable<Integer> {
    @ParentCommand
    Lnw lnw;

    @Option(names = "--env", paramLabel = "KEY=VALUE", description = "a CNI_* variable of the call (repeatable)")
    List<String> env = new ArrayList<>();

    @Option(names = "--config", paramLabel = "JSON", description = "the network configuration (default: stdin)")
    String config;

    @Override
    public Integer call() throws IOException {
        Map<String, String> vars = new HashMap<>();
        if (env.isEmpty()) {
            System.getenv().forEach((k, v) -> {
                if (k.startsWith("CNI_")) {
                    vars.put(k, v);
                }
            });
        }
        byte[] stdin = config != null ? config.getBytes(StandardCharsets.UTF_8) : System.in.readNBytes(1 << 20);
        return run(vars, env, stdin, lnw.spec.commandLine().getOut(), lnw::controller);
    }

    /** The call with vars and the --env variables over them; the result or error on out. */
    static int run(Map<String, String> vars, List<String> env, byte[] stdin, PrintWriter out,
            Supplier<NetworkController> controller) {
        for (String e : env) {
            int eq = e.indexOf('=');
            if (eq > 0) {
                vars.put(e.substring(0, eq), e.substring(eq + 1));
            }
        }
        int code = CniPlugin.run(vars, stdin, out, controller);
        out.flush();
        return code;
    }

    /**
     * A request of lnw-cni's to the daemon, exactly as {@code native/client/lnw_cni.c} builds
     * it: {@code --state-dir S [--run-dir R] cni (--env CNI_K=V)... --config JSON}, the
     * directories absolute. The daemon runs such a request without picocli's parse, which took
     * ~0.15 ms of the ~0.35 ms the daemon spent on a CNI call besides its work (warm; more on
     * a fresh daemon), and means the same for it: {@link #of} recognises only what picocli
     * would read as these options and nothing else, and leaves everything else to picocli.
     *
     * @param runDir null if the request names none (the daemon's, then)
     */
    record Call(Path stateDir, Path runDir, List<String> env, String config) {
        /** args as a Call, or null if they are anything but that exact form. */
        static Call of(List<String> args) {
            int n = args.size();
            int i = 0;
            if (n < 6 || !args.get(i).equals("--state-dir") || !absolute(args.get(i + 1))) {
                return null;
            }
            String state = args.get(i + 1);
            String run = null;
            i += 2;
            if (args.get(i).equals("--run-dir")) {
                if (i + 1 >= n || !absolute(args.get(i + 1))) {
                    return null;
                }
                run = args.get(i + 1);
                i += 2;
            }
            if (i >= n || !args.get(i).equals("cni")) {
                return null;
            }
            i++;
            List<String> env = new ArrayList<>();
            // values that picocli could take for an option name or a quoted word stay with it
            while (i + 1 < n && args.get(i).equals("--env")) {
                String v = args.get(i + 1);
                if (!v.startsWith("CNI_") || v.indexOf('=') < 0) {
                    return null;
                }
                env.add(v);
                i += 2;
            }
            // no --env: lnw cni reads the process's CNI_* variables; no --config: its stdin
            if (env.isEmpty() || i + 2 != n || !args.get(i).equals("--config")) {
                return null;
            }
            String config = args.get(i + 1);
            if (config.isEmpty() || config.charAt(0) == '-' || config.charAt(0) == '"' || config.charAt(0) == '\'') {
                return null;
            }
            try {
                return new Call(Path.of(state), run == null ? null : Path.of(run), List.copyOf(env), config);
            } catch (InvalidPathException e) {
                return null; // picocli's conversion error, with its usage exit code
            }
        }

        private static boolean absolute(String dir) {
            return dir.startsWith("/");
        }
    }
}
