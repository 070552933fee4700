package org.libnetwork4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
        for (String e : env) {
            int eq = e.indexOf('=');
            if (eq > 0) {
                vars.put(e.substring(0, eq), e.substring(eq + 1));
            }
        }
        byte[] stdin = config != null ? config.getBytes(StandardCharsets.UTF_8) : System.in.readNBytes(1 << 20);
        PrintWriter out = lnw.spec.commandLine().getOut();
        int code = CniPlugin.run(vars, stdin, out, lnw::controller);
        out.flush();
        return code;
    }
}
