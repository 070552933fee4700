package org.libnetwork4j.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.libnetwork4j.Endpoint;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.Sandbox;
import org.libnetwork4j.SandboxOptions;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "sandbox", description = "Manage sandboxes (a container's network namespace).",
        mixinStandardHelpOptions = true,
        subcommands = {SandboxCommand.Create.class, SandboxCommand.Ls.class, SandboxCommand.Inspect.class,
                SandboxCommand.Rm.class, SandboxCommand.SetKey.class})
final class SandboxCommand implements Runnable {
    @ParentCommand
    Lnw lnw;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a sandbox command is needed");
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    @Command(name = "create", description = "Create a sandbox; prints the path of its network namespace.",
            mixinStandardHelpOptions = true)
    static final class Create implements Runnable {
        @ParentCommand
        SandboxCommand parent;

        @Option(names = "--hostname", paramLabel = "H")
        String hostname;

        @Option(names = "--domainname", paramLabel = "D")
        String domainname;

        @Option(names = "--dns", paramLabel = "IP", description = "nameserver (repeatable)")
        List<String> dns = new ArrayList<>();

        @Option(names = "--dns-search", paramLabel = "D", description = "search domain (repeatable)")
        List<String> search = new ArrayList<>();

        @Option(names = "--add-host", paramLabel = "NAME:IP", description = "a hosts file line (repeatable)")
        List<String> hosts = new ArrayList<>();

        @Option(names = "--netns", paramLabel = "PATH", description = "adopt this network namespace, made by a"
                + " runtime (/proc/PID/ns/net or a bind mount): never deleted here")
        java.nio.file.Path netns;

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public void run() {
            SandboxOptions.Builder b = SandboxOptions.builder();
            if (netns != null) {
                b.netns(netns); // SandboxOptions makes it absolute
            }
            if (hostname != null) {
                b.hostname(hostname);
            }
            if (domainname != null) {
                b.domainname(domainname);
            }
            dns.forEach(d -> NetworkCommand.parse("dns server", d, s -> b.dns(s)));
            search.forEach(b::dnsSearch);
            for (String h : hosts) {
                int colon = h.indexOf(':');
                if (colon <= 0) {
                    throw new Lnw.CliException("invalid add-host \"" + h + "\": want NAME:IP");
                }
                NetworkCommand.parse("add-host", h, s -> b.extraHost(s.substring(0, colon), s.substring(colon + 1)));
            }
            SandboxOptions o = b.build();
            try (NetworkController c = parent.lnw.controller()) {
                parent.out().println(c.newSandbox(name, o).key());
            }
        }
    }

    @Command(name = "ls", aliases = "list", description = "List sandboxes.", mixinStandardHelpOptions = true)
    static final class Ls implements Runnable {
        @ParentCommand
        SandboxCommand parent;

        @picocli.CommandLine.Mixin
        ListOptions list;

        @Override
        public void run() {
            boolean json = list.json();
            PrintWriter out = parent.out();
            try (NetworkController c = parent.lnw.controller()) {
                List<Sandbox> all = c.sandboxes();
                if (list.quiet) {
                    all.forEach(s -> out.println(s.containerId()));
                    return;
                }
                List<List<String>> rows = new ArrayList<>();
                List<Map<String, Object>> docs = new ArrayList<>();
                for (Sandbox s : all) {
                    List<String> nets = s.endpoints().stream().map(e -> e.network().name()).toList();
                    rows.add(List.of(s.id().substring(0, 12), s.containerId(), String.join(",", nets), s.key()));
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("ID", s.id().substring(0, 12));
                    m.put("Name", s.containerId());
                    m.put("Networks", nets);
                    m.put("Key", s.key());
                    docs.add(m);
                }
                if (json) {
                    Output.jsonLines(out, docs);
                } else {
                    Output.table(out, List.of("SANDBOX ID", "NAME", "NETWORKS", "KEY"), rows);
                }
            }
        }
    }

    @Command(name = "inspect", description = "Show sandboxes as JSON.", mixinStandardHelpOptions = true)
    static final class Inspect implements Runnable {
        @ParentCommand
        SandboxCommand parent;

        @Parameters(paramLabel = "NAME", arity = "1..*")
        List<String> names;

        @Override
        public void run() {
            try (NetworkController c = parent.lnw.controller()) {
                List<Object> docs = new ArrayList<>();
                for (String n : names) {
                    docs.add(Docker.sandbox(Lnw.sandbox(c, n)));
                }
                Output.json(parent.out(), docs);
            }
        }
    }

    @Command(name = "rm", aliases = "remove", description = "Remove sandboxes, with their endpoints.",
            mixinStandardHelpOptions = true)
    static final class Rm implements Runnable {
        @ParentCommand
        SandboxCommand parent;

        @Parameters(paramLabel = "NAME", arity = "1..*")
        List<String> names;

        @Override
        public void run() {
            try (NetworkController c = parent.lnw.controller()) {
                Batch.each(names, parent.lnw.err(), n -> {
                    Sandbox s = Lnw.sandbox(c, n);
                    List<Endpoint> eps = s.endpoints();
                    s.delete();
                    parent.out().println(n + (eps.isEmpty() ? "" : " (and its endpoints on "
                            + String.join(", ", eps.stream().map(e -> e.network().name()).toList()) + ")"));
                });
            }
        }
    }

    /**
     * {@code lnw sandbox set-key SANDBOX}: libnetwork's SetKey, for a runtime's hook (runc's or
     * crun's createRuntime, or prestart): the OCI state it writes on stdin names the container's
     * process, whose network namespace the sandbox then adopts, its endpoints moving in.
     */
    @Command(name = "set-key", description = "Move a sandbox into a runtime's network namespace: --netns PATH, or"
            + " the OCI state JSON on stdin (its pid), as a runc createRuntime hook gives it.",
            mixinStandardHelpOptions = true)
    static final class SetKey implements Runnable {
        @ParentCommand
        SandboxCommand parent;

        @Option(names = "--netns", paramLabel = "PATH", description = "the namespace (default: /proc/PID/ns/net of"
                + " the OCI state's pid on stdin)")
        java.nio.file.Path netns;

        @Parameters(paramLabel = "SANDBOX")
        String name;

        @Override
        public void run() {
            java.nio.file.Path target = netns != null ? netns.toAbsolutePath() : fromOciState(System.in);
            try (NetworkController c = parent.lnw.controller()) {
                Lnw.sandbox(c, name).setKey(target);
            }
        }

        /** /proc/PID/ns/net of the OCI state's pid (runtime-spec's state: ociVersion, id, status, pid, bundle). */
        static java.nio.file.Path fromOciState(java.io.InputStream in) {
            com.fasterxml.jackson.databind.JsonNode state;
            try {
                state = new com.fasterxml.jackson.databind.ObjectMapper().readTree(in.readNBytes(1 << 20));
            } catch (java.io.IOException e) {
                throw new Lnw.CliException("set-key: the OCI state on stdin is no JSON: " + e.getMessage());
            }
            long pid = state == null ? 0 : state.path("pid").asLong(0);
            if (pid <= 0) {
                throw new Lnw.CliException("set-key: the OCI state on stdin has no pid (want {\"pid\": N, ...}),"
                        + " or give --netns PATH");
            }
            return java.nio.file.Path.of("/proc", Long.toString(pid), "ns", "net");
        }
    }
}
