package org.libnetwork4j.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.libnetwork4j.Endpoint;
import org.libnetwork4j.EndpointOptions;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.NetworkException;
import org.libnetwork4j.NetworkInfo;
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

        @Option(names = {"-d", "--driver"}, defaultValue = "bridge", description = "bridge, host or null")
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

        @Option(names = "--label", paramLabel = "KEY=VALUE", description = "label (repeatable)")
        Map<String, String> labels = new LinkedHashMap<>();

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public void run() {
            NetworkOptions options;
            try {
                // the same translation as the Engine API's POST /networks/create
                options = DockerNetworks.options(ipv6, internal, opts, labels,
                        DockerNetworks.ipamFromFlags(subnets, gateways, ipRanges, aux));
            } catch (InvalidParameterException e) {
                throw new Lnw.CliException(e.getMessage());
            }
            try (NetworkController c = parent.lnw.controller()) {
                Network n = c.newNetwork(driver, name, options);
                out(parent).println(n.id());
            }
        }
    }

    static <T> T parse(String what, String text, java.util.function.Function<String, T> parser) {
        try {
            return parser.apply(text);
        } catch (InvalidParameterException e) {
            throw new Lnw.CliException("invalid " + what + " \"" + text + "\"");
        }
    }

    @Command(name = "ls", aliases = "list", description = "List networks.", mixinStandardHelpOptions = true)
    static final class Ls implements Runnable {
        @ParentCommand
        NetworkCommand parent;

        @picocli.CommandLine.Mixin
        ListOptions list;

        @Override
        public void run() {
            boolean json = list.json();
            PrintWriter out = out(parent);
            try (NetworkController c = parent.lnw.controller()) {
                List<NetworkInfo> infos = c.networks().stream().map(Network::info).toList();
                if (list.quiet) {
                    infos.forEach(i -> out.println(i.id().substring(0, 12)));
                } else if (json) {
                    List<Map<String, Object>> rows = new ArrayList<>();
                    for (NetworkInfo i : infos) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("ID", i.id().substring(0, 12));
                        m.put("Name", i.name());
                        m.put("Driver", i.driver());
                        m.put("Scope", i.scope());
                        m.put("IPv6", i.enableIpv6());
                        m.put("Internal", i.internal());
                        m.put("Labels", i.labels());
                        m.put("CreatedAt", i.created().toString());
                        rows.add(m);
                    }
                    Output.jsonLines(out, rows);
                } else {
                    List<List<String>> rows = new ArrayList<>();
                    for (NetworkInfo i : infos) {
                        rows.add(List.of(i.id().substring(0, 12), i.name(), i.driver(), i.scope()));
                    }
                    Output.table(out, List.of("NETWORK ID", "NAME", "DRIVER", "SCOPE"), rows);
                }
            }
        }
    }

    @Command(name = "inspect", description = "Show networks as JSON, with docker's field names.",
            mixinStandardHelpOptions = true)
    static final class Inspect implements Runnable {
        @ParentCommand
        NetworkCommand parent;

        @Parameters(paramLabel = "NAME|ID", arity = "1..*")
        List<String> names;

        @Override
        public void run() {
            try (NetworkController c = parent.lnw.controller()) {
                List<Object> docs = new ArrayList<>();
                for (String n : names) {
                    docs.add(Docker.network(c, Lnw.network(c, n)));
                }
                Output.json(out(parent), docs);
            }
        }
    }

    @Command(name = "rm", aliases = "remove", description = "Remove networks.", mixinStandardHelpOptions = true)
    static final class Rm implements Runnable {
        @ParentCommand
        NetworkCommand parent;

        @Parameters(paramLabel = "NAME|ID", arity = "1..*")
        List<String> names;

        @Override
        public void run() {
            try (NetworkController c = parent.lnw.controller()) {
                Batch.each(names, parent.lnw.err(), n -> {
                    Lnw.network(c, n).delete();
                    out(parent).println(n);
                });
            }
        }
    }

    @Command(name = "prune", description = "Remove every network without endpoints.", mixinStandardHelpOptions = true)
    static final class Prune implements Runnable {
        @ParentCommand
        NetworkCommand parent;

        @Override
        public void run() {
            PrintWriter out = out(parent);
            try (NetworkController c = parent.lnw.controller()) {
                List<String> deleted = new ArrayList<>();
                for (Network n : c.networks()) {
                    if (n.endpoints().isEmpty() && !List.of("host", "null").contains(n.type())) {
                        n.delete();
                        deleted.add(n.name());
                    }
                }
                if (!deleted.isEmpty()) {
                    out.println("Deleted Networks:");
                    deleted.forEach(out::println);
                }
            }
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

        @Parameters(index = "0", paramLabel = "NETWORK")
        String network;

        @Parameters(index = "1", paramLabel = "SANDBOX")
        String sandbox;

        @Override
        public void run() {
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
                    ep.join(sb);
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

        @Parameters(index = "0", paramLabel = "NETWORK")
        String network;

        @Parameters(index = "1", paramLabel = "SANDBOX")
        String sandbox;

        @Override
        public void run() {
            try (NetworkController c = parent.lnw.controller()) {
                Network n = Lnw.network(c, network);
                Sandbox sb = Lnw.sandbox(c, sandbox);
                Endpoint ep = sb.endpoints().stream().filter(e -> e.network().id().equals(n.id())).findFirst()
                        .orElseThrow(() -> new Lnw.CliException("sandbox \"" + sandbox + "\" is not connected to"
                                + " network \"" + network + "\""));
                ep.leave(sb);
                ep.delete(false);
            }
        }
    }
}
