package org.libnetwork4j.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.libnetwork4j.Endpoint;
import org.libnetwork4j.EndpointOptions;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.JoinOptions;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.NetworkException;
import org.libnetwork4j.NetworkOptions;
import org.libnetwork4j.PortBinding;
import org.libnetwork4j.Sandbox;
import org.libnetwork4j.api.DockerNetworks;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "network", description = "Manage networks.", mixinStandardHelpOptions = true,
        subcommands = {NetworkCommand.Create.class, NetworkCommand.Ls.class, NetworkCommand.Inspect.class,
                NetworkCommand.Rm.class, NetworkCommand.Prune.class, NetworkCommand.Connect.class,
                NetworkCommand.Disconnect.class})
final class NetworkCommand implements Runnable {
    @ParentCommand
    Lnw lnw;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a network command is needed");
    }

    static PrintWriter out(NetworkCommand n) {
        return n.spec.commandLine().getOut();
    }

    @Command(name = "create", description = "Create a network; prints its id.", mixinStandardHelpOptions = true)
    static final class Create implements Runnable {
        @ParentCommand
        NetworkCommand parent;

        @Option(names = {"-d", "--driver"}, defaultValue = "bridge",
                description = "bridge, host, null, macvlan, ipvlan, overlay (with a cluster store),"
                        + " or a Docker plugin's name")
        String driver;

        @Option(names = "--subnet", paramLabel = "CIDR", description = "a subnet (repeatable)")
        List<String> subnets = new ArrayList<>();

        @Option(names = "--gateway", paramLabel = "IP", description = "the gateway of the subnet it is in")
        List<String> gateways = new ArrayList<>();

        @Option(names = "--ip-range", paramLabel = "CIDR", description = "allocate from this range of the subnet it is in")
        List<String> ipRanges = new ArrayList<>();

        @Option(names = "--aux-address", paramLabel = "NAME=IP", description = "reserve an address (repeatable)")
        Map<String, String> aux = new LinkedHashMap<>();

        @Option(names = "--ipv6", description = "enable IPv6")
        boolean ipv6;

        @Option(names = "--internal", description = "no access to or from outside")
        boolean internal;

        @Option(names = {"-o", "--opt"}, paramLabel = "KEY=VALUE", description = "driver option (repeatable)")
        Map<String, String> opts = new LinkedHashMap<>();

        @Option(names = "--label", paramLabel = "KEY[=VALUE]", description = "label (repeatable)")
        List<String> labelFlags = new ArrayList<>();

        @Option(names = "--attachable", description = "accepted, and ignored: every local network is attachable")
        boolean attachable;

        @Option(names = "--scope", paramLabel = "local", description = "only local (swarm's scope is not supported)")
        String scope;

        @Option(names = "--ipam-driver", paramLabel = "NAME", description = "default, or a Docker IPAM plugin's name")
        String ipamDriver;

        @Option(names = "--ipam-opt", paramLabel = "KEY=VALUE",
                description = "the IPAM plugin's options (not the default driver's)")
        Map<String, String> ipamOpts = new LinkedHashMap<>();

        @Option(names = "--ingress", description = "not supported (swarm's): refused")
        boolean ingress;

        @Option(names = "--config-only", description = "not supported (swarm's): refused")
        boolean configOnly;

        @Option(names = "--config-from", paramLabel = "NETWORK", description = "not supported (swarm's): refused")
        String configFrom;

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public void run() {
            // docker's --label KEY alone is KEY with an empty value
            Map<String, String> labels = new LinkedHashMap<>();
            for (String l : labelFlags) {
                int eq = l.indexOf('=');
                labels.put(eq < 0 ? l : l.substring(0, eq), eq < 0 ? "" : l.substring(eq + 1));
            }
            NetworkOptions options;
            try {
                // one check per flag, so that the message names it; the words are the Engine API's
                check("--scope", () -> DockerNetworks.checkCreate(scope, null, null, false, false, null));
                check("--ipam-driver", () -> DockerNetworks.checkCreate(null, ipamDriver, null, false, false, null));
                check("--ipam-opt", () -> DockerNetworks.checkCreate(null, ipamDriver, ipamOpts, false, false, null));
                check("--ingress", () -> DockerNetworks.checkCreate(null, null, null, ingress, false, null));
                check("--config-only", () -> DockerNetworks.checkCreate(null, null, null, false, configOnly, null));
                check("--config-from", () -> DockerNetworks.checkCreate(null, null, null, false, false, configFrom));
                // the same translation as the Engine API's POST /networks/create
                options = DockerNetworks.options(ipv6, internal, opts, labels,
                        DockerNetworks.ipamFromFlags(subnets, gateways, ipRanges, aux), ipamDriver, ipamOpts);
            } catch (InvalidParameterException e) {
                throw new Lnw.CliException(e.getMessage());
            }
            if (attachable) {
                parent.lnw.err().println("lnw: warning: " + DockerNetworks.ATTACHABLE_IGNORED);
            }
            try (NetworkController c = parent.lnw.controller()) {
                Network n = c.newNetwork(driver, name, options);
                out(parent).println(n.id());
            }
        }
    }

    /** Runs a check of the Engine API's; its refusal, prefixed with the flag that asked for it. */
    static void check(String flag, Runnable check) {
        try {
            check.run();
        } catch (InvalidParameterException e) {
            throw new Lnw.CliException(flag + ": " + e.getMessage());
        }
    }

    /** docker's --filter KEY=VALUE (repeatable): values by key, the key lower-cased, both trimmed. */
    static Map<String, Set<String>> filters(List<String> flags) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (String f : flags) {
            int eq = f.indexOf('=');
            if (eq < 0) {
                throw new Lnw.CliException("bad format of filter \"" + f + "\" (expected name=value)");
            }
            out.computeIfAbsent(f.substring(0, eq).strip().toLowerCase(Locale.ROOT), k -> new LinkedHashSet<>())
                    .add(f.substring(eq + 1).strip());
        }
        return out;
    }

    /** A --format, parsed; its error names the flag. */
    static GoTemplate template(String flag, String format) {
        try {
            return GoTemplate.parse(format);
        } catch (GoTemplate.TemplateException e) {
            throw new Lnw.CliException("invalid " + flag + " \"" + format + "\": " + e.getMessage());
        }
    }

    static <T> T parse(String what, String text, java.util.function.Function<String, T> parser) {
        try {
            return parser.apply(text);
        } catch (InvalidParameterException e) {
            throw new Lnw.CliException("invalid " + what + " \"" + text + "\"");
        }
    }

    @Command(name = "ls", aliases = "list", description = "List networks, sorted by name.",
            mixinStandardHelpOptions = true)
    static final class Ls implements Runnable {
        /** The docker CLI's default table. */
        static final String DEFAULT_TABLE = "table {{.ID}}\\t{{.Name}}\\t{{.Driver}}\\t{{.Scope}}";

        @ParentCommand
        NetworkCommand parent;

        @Option(names = {"-q", "--quiet"}, description = "only the ids")
        boolean quiet;

        @Option(names = "--no-trunc", description = "whole ids")
        boolean noTrunc;

        @Option(names = "--format", paramLabel = "TEMPLATE", description = "a Go template as docker's"
                + " ({{.ID}} {{.Name}} {{.Driver}} {{.Scope}} {{.IPv6}} {{.Internal}} {{.Labels}} {{.Label \"k\"}}"
                + " {{.CreatedAt}}; \"table ...\" for a table with headers); json: one object per line; table; raw")
        String format;

        @Option(names = {"-f", "--filter"}, paramLabel = "KEY=VALUE", description = "driver, id, label, name, scope,"
                + " type (custom|builtin), dangling: values of a key are alternatives, keys all apply (repeatable)")
        List<String> filter = new ArrayList<>();

        @Override
        public void run() {
            String text = format == null || format.isEmpty() ? "table" : format;
            // the docker CLI's NewNetworkFormat
            text = switch (text) {
                case "table" -> quiet ? "{{.ID}}" : DEFAULT_TABLE;
                case "raw" -> quiet ? "network_id: {{.ID}}"
                        : "network_id: {{.ID}}\\nname: {{.Name}}\\ndriver: {{.Driver}}\\nscope: {{.Scope}}\\n";
                case "json" -> "{{json .}}";
                default -> text;
            };
            boolean table = text.startsWith("table");
            if (table) {
                text = text.substring("table".length());
            }
            // the CLI's preFormat: spaces around it trimmed, \t and \n as typed become tab and newline
            text = text.replaceAll("^ +| +$", "").replace("\\t", "\t").replace("\\n", "\n");
            GoTemplate t = template("--format", text);
            Map<String, Set<String>> filters = filters(filter);
            List<Map<String, Object>> docs;
            try (NetworkController c = parent.lnw.controller()) {
                docs = new ArrayList<>(DockerNetworks.list(c, filters));
            }
            docs.sort((x, y) -> naturalCompare((String) x.get("Name"), (String) y.get("Name")));
            StringBuilder rows = new StringBuilder();
            try {
                for (Map<String, Object> d : docs) {
                    rows.append(t.execute(Docker.lsRow(d, !noTrunc))).append('\n');
                }
                if (table) {
                    rows.insert(0, t.executeHeader(Docker.LS_HEADERS) + "\n");
                }
            } catch (GoTemplate.TemplateException e) {
                throw new Lnw.CliException("template: " + e.getMessage());
            }
            out(parent).print(table ? Output.tabwriter(rows.toString()) : rows);
        }
    }

    /** sortorder.NaturalLess, as the docker CLI sorts networks by name: digit runs compared as numbers. */
    static int naturalCompare(String a, String b) {
        return naturalLess(a, b) ? -1 : naturalLess(b, a) ? 1 : 0;
    }

    private static boolean naturalLess(String s1, String s2) {
        int i1 = 0;
        int i2 = 0;
        while (i1 < s1.length() && i2 < s2.length()) {
            char c1 = s1.charAt(i1);
            char c2 = s2.charAt(i2);
            boolean d1 = c1 >= '0' && c1 <= '9';
            boolean d2 = c2 >= '0' && c2 <= '9';
            if (d1 != d2) {
                return d1; // digits before other characters
            }
            if (!d1) {
                if (c1 != c2) {
                    return c1 < c2;
                }
                i1++;
                i2++;
                continue;
            }
            while (i1 < s1.length() && s1.charAt(i1) == '0') {
                i1++;
            }
            while (i2 < s2.length() && s2.charAt(i2) == '0') {
                i2++;
            }
            int nz1 = i1;
            int nz2 = i2;
            while (i1 < s1.length() && Character.isDigit(s1.charAt(i1)) && s1.charAt(i1) <= '9') {
                i1++;
            }
            while (i2 < s2.length() && Character.isDigit(s2.charAt(i2)) && s2.charAt(i2) <= '9') {
                i2++;
            }
            if (i1 - nz1 != i2 - nz2) {
                return i1 - nz1 < i2 - nz2;
            }
            int cmp = s1.substring(nz1, i1).compareTo(s2.substring(nz2, i2));
            if (cmp != 0) {
                return cmp < 0;
            }
            if (nz1 != nz2) {
                return nz1 < nz2;
            }
        }
        return s1.length() < s2.length();
    }

    @Command(name = "inspect", description = "Show networks as JSON, with docker's field names.",
            mixinStandardHelpOptions = true)
    static final class Inspect implements Runnable {
        @ParentCommand
        NetworkCommand parent;

        @Option(names = {"-f", "--format"}, paramLabel = "TEMPLATE", description = "a Go template over each network's"
                + " document, as docker's ({{.Name}}, {{json .IPAM}}, {{index .Labels \"k\"}}, {{range .Containers}}..."
                + "{{end}}); json: the document")
        String format;

        @Parameters(paramLabel = "NAME|ID", arity = "1..*")
        List<String> names;

        @Override
        public void run() {
            GoTemplate t = format == null || format.isEmpty() || format.equals("json") ? null
                    : template("--format", format);
            List<Map<String, Object>> docs = new ArrayList<>();
            try (NetworkController c = parent.lnw.controller()) {
                for (String n : names) {
                    docs.add(Docker.network(c, Lnw.network(c, n)));
                }
            }
            if (t == null) {
                Output.goJson(out(parent), docs);
                return;
            }
            StringBuilder sb = new StringBuilder();
            for (Map<String, Object> d : docs) {
                String s;
                try {
                    s = t.execute(Docker.typedNetwork(d));
                } catch (GoTemplate.TemplateException typed) {
                    // the docker CLI's fallback: the raw JSON, where .Id, .IPAM.Config[].AuxiliaryAddresses... exist
                    try {
                        s = t.executeStrict(d);
                    } catch (GoTemplate.TemplateException raw) {
                        throw new Lnw.CliException("template: " + raw.getMessage());
                    }
                }
                sb.append(s).append('\n');
            }
            out(parent).print(sb);
        }
    }

    @Command(name = "rm", aliases = "remove", description = "Remove networks.", mixinStandardHelpOptions = true)
    static final class Rm implements Runnable {
        @ParentCommand
        NetworkCommand parent;

        @Option(names = {"-f", "--force"}, description = "no error for a network that does not exist")
        boolean force;

        @Parameters(paramLabel = "NAME|ID", arity = "1..*")
        List<String> names;

        @Override
        public void run() {
            try (NetworkController c = parent.lnw.controller()) {
                Batch.each(names, parent.lnw.err(), n -> {
                    if (force && !exists(c, n)) {
                        return; // docker's rm -f: nothing said for it
                    }
                    Lnw.network(c, n).delete();
                    out(parent).println(n);
                });
            }
        }
    }

    /** Whether a network of that name, id or id prefix exists (an ambiguous prefix does: rm says so). */
    static boolean exists(NetworkController c, String nameOrId) {
        try {
            Lnw.network(c, nameOrId);
            return true;
        } catch (Lnw.CliException e) {
            return c.networks().stream().filter(n -> n.id().startsWith(nameOrId)).count() > 1;
        }
    }

    @Command(name = "prune", description = "Remove every network without endpoints (but host and null networks).",
            mixinStandardHelpOptions = true)
    static final class Prune implements Runnable {
        static final String WARNING = "WARNING! This will remove all custom networks not used by at least one container.\n"
                + "Are you sure you want to continue?";

        @ParentCommand
        NetworkCommand parent;

        @Option(names = {"-f", "--force"}, description = "do not ask for confirmation")
        boolean force;

        @Option(names = "--filter", paramLabel = "KEY=VALUE", description = "until (a time, or a duration back from"
                + " now: 10m), label (k or k=v), label! (not that label) (repeatable)")
        List<String> filter = new ArrayList<>();

        @Override
        public void run() {
            PrintWriter out = out(parent);
            Map<String, Set<String>> filters = filters(filter);
            parent.lnw.handOverIfDaemonListens(); // not after the user answered: the daemon would ask again
            if (!force && !confirmed(out)) {
                return;
            }
            List<String> deleted;
            try (NetworkController c = parent.lnw.controller()) {
                deleted = DockerNetworks.prune(c, filters, java.time.Instant.now());
            }
            if (!deleted.isEmpty()) {
                // docker's output, with its empty line at the end
                out.println("Deleted Networks:");
                deleted.forEach(out::println);
                out.println();
            }
        }

        /** docker's PromptForConfirmation: the question on stdout, yes only for "y" (any case). */
        private boolean confirmed(PrintWriter out) {
            if (parent.lnw.session != null) {
                // the thin client does not carry stdin to the daemon
                throw new Lnw.CliException("network prune asks for confirmation on stdin, which the lnw daemon does"
                        + " not have: give -f");
            }
            out.print(WARNING + " [y/N] ");
            out.flush();
            String answer;
            try {
                answer = new java.io.BufferedReader(new java.io.InputStreamReader(parent.lnw.in,
                        java.nio.charset.StandardCharsets.UTF_8)).readLine();
            } catch (java.io.IOException e) {
                answer = null;
            }
            return answer != null && answer.strip().equalsIgnoreCase("y");
        }
    }

    @Command(name = "connect", description = "Connect a sandbox to a network: an endpoint named after the sandbox,"
            + " joined to it.", mixinStandardHelpOptions = true)
    static final class Connect implements Runnable {
        @ParentCommand
        NetworkCommand parent;

        @Option(names = "--ip", paramLabel = "IP", description = "IPv4 address")
        String ip;

        @Option(names = "--ip6", paramLabel = "IP", description = "IPv6 address")
        String ip6;

        @Option(names = "--alias", paramLabel = "NAME", description = "another name of the sandbox on this network (resolved by the daemon's DNS),"
                + " written into the hosts files of the sandboxes it shares the network with (repeatable)")
        List<String> aliases = new ArrayList<>();

        @Option(names = {"-p", "--publish"}, paramLabel = "[hostIP:][hostPort:]containerPort[/proto]",
                description = "publish a port (repeatable)")
        List<String> publish = new ArrayList<>();

        @Option(names = "--gw-priority", paramLabel = "N", description = "the endpoint's priority as the sandbox's"
                + " gateway: the highest wins (default 0), as docker 28's")
        Integer gwPriority;

        @Option(names = "--driver-opt", paramLabel = "KEY=VALUE", description = "not supported: refused")
        List<String> driverOpts = new ArrayList<>();

        @Option(names = "--link-local-ip", paramLabel = "IP", description = "not supported: refused")
        List<String> linkLocalIps = new ArrayList<>();

        @Option(names = "--link", paramLabel = "CONTAINER", description = "not supported: refused (use --alias)")
        List<String> links = new ArrayList<>();

        @Parameters(index = "0", paramLabel = "NETWORK")
        String network;

        @Parameters(index = "1", paramLabel = "SANDBOX")
        String sandbox;

        @Override
        public void run() {
            // the Engine API's refusals, in its words
            if (!driverOpts.isEmpty()) {
                throw new Lnw.CliException("--driver-opt: " + DockerNetworks.NO_DRIVER_OPTS);
            }
            if (!linkLocalIps.isEmpty()) {
                throw new Lnw.CliException("--link-local-ip: " + DockerNetworks.NO_LINK_LOCAL);
            }
            if (!links.isEmpty()) {
                throw new Lnw.CliException("--link: " + DockerNetworks.NO_LINKS);
            }
            EndpointOptions.Builder b = EndpointOptions.builder();
            if (ip != null) {
                b.ipv4(parse("IPv4 address", ip, s -> {
                    IpAddresses.parse(s);
                    return s;
                }));
            }
            if (ip6 != null) {
                b.ipv6(parse("IPv6 address", ip6, s -> {
                    IpAddresses.parse(s);
                    return s;
                }));
            }
            for (String p : publish) {
                try {
                    b.publish(PortBinding.parse(p));
                } catch (InvalidParameterException e) {
                    throw new Lnw.CliException(e.getMessage());
                }
            }
            aliases.forEach(b::alias);
            try (NetworkController c = parent.lnw.controller()) {
                Network n = Lnw.network(c, network);
                Sandbox sb = Lnw.sandbox(c, sandbox);
                Endpoint ep = n.createEndpoint(sb.containerId(), b.build());
                try {
                    if (gwPriority != null) {
                        ep.join(sb, JoinOptions.priority(gwPriority));
                    } else {
                        ep.join(sb);
                    }
                } catch (NetworkException e) {
                    try {
                        ep.delete(false);
                    } catch (NetworkException cleanup) {
                        e.addSuppressed(cleanup);
                    }
                    throw e;
                }
                if (parent.lnw.session == null) {
                    parent.lnw.err().println("lnw: no lnw daemon is running, so no DNS: names resolve only through"
                            + " the hosts files (--alias); start `lnw daemon` for container names");
                }
            }
        }
    }

    @Command(name = "disconnect", description = "Disconnect a sandbox from a network (its endpoint there is"
            + " removed).", mixinStandardHelpOptions = true)
    static final class Disconnect implements Runnable {
        @ParentCommand
        NetworkCommand parent;

        @Option(names = {"-f", "--force"}, description = "remove the endpoint even if its sandbox is gone or"
                + " cannot be left cleanly (the endpoint named after SANDBOX, as dockerd's)")
        boolean force;

        @Parameters(index = "0", paramLabel = "NETWORK")
        String network;

        @Parameters(index = "1", paramLabel = "SANDBOX")
        String sandbox;

        @Override
        public void run() {
            try (NetworkController c = parent.lnw.controller()) {
                Network n = Lnw.network(c, network);
                Sandbox sb;
                try {
                    sb = Lnw.sandbox(c, sandbox);
                } catch (Lnw.CliException e) {
                    if (!force) {
                        throw e;
                    }
                    sb = null;
                }
                Endpoint ep = sb == null ? null
                        : sb.endpoints().stream().filter(e -> e.network().id().equals(n.id())).findFirst().orElse(null);
                if (ep == null && force) {
                    // forced: the endpoint by the container's name, as dockerd finds it
                    String name = sb == null ? sandbox : sb.containerId();
                    ep = n.endpoints().stream().filter(e -> e.name().equals(name)).findFirst().orElse(null);
                }
                if (ep == null) {
                    throw new Lnw.CliException(sb == null ? "sandbox \"" + sandbox + "\" not found" : "sandbox \""
                            + sandbox + "\" is not connected to network \"" + network + "\"");
                }
                if (force) {
                    ep.delete(true);
                    return;
                }
                ep.leave(sb);
                ep.delete(false);
            }
        }
    }
}
