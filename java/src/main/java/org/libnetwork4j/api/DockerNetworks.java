package org.libnetwork4j.api;

import java.net.InetAddress;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

import org.libnetwork4j.Endpoint;
import org.libnetwork4j.EndpointInfo;
import org.libnetwork4j.ForbiddenException;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.IpamConfig;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.NetworkException;
import org.libnetwork4j.NetworkInfo;
import org.libnetwork4j.NetworkOptions;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.Sandbox;

/**
 * Docker's network vocabulary over the public API, shared by the two edges that speak it:
 * {@code lnw network} and the Engine API ({@link EngineApi}). One routine per translation, so
 * that {@code lnw network create --subnet ...} and {@code docker network create --subnet ...}
 * make the same network, and {@code lnw network inspect} and {@code docker network inspect}
 * show the same document.
 */
public final class DockerNetworks {
    /**
     * The names dockerd reserves for its own networks (runconfig's IsPreDefinedNetwork): they
     * cannot be created through the Engine API, and its {@code type=builtin} filter means them.
     */
    public static final Set<String> PREDEFINED = Set.of("bridge", "host", "none", "default", "ingress");

    /** The keys of {@code docker network ls --filter} (dockerd's acceptedNetworkFilters). */
    public static final Set<String> LIST_FILTERS = Set.of("driver", "type", "name", "id", "label", "scope", "dangling");

    /** The keys of {@code docker network prune --filter}. */
    public static final Set<String> PRUNE_FILTERS = Set.of("until", "label", "label!");

    /** Why {@code network connect} refuses link-local addresses ({@code --link-local-ip}, {@code LinkLocalIPs}). */
    public static final String NO_LINK_LOCAL = "link-local addresses are not supported by libnetwork4j";

    /** Why {@code network connect} refuses links ({@code --link}, {@code Links}). */
    public static final String NO_LINKS = "links are not supported by libnetwork4j: use aliases";

    /** Why {@code network connect} refuses endpoint driver options ({@code --driver-opt}, {@code DriverOpts}). */
    public static final String NO_DRIVER_OPTS = "endpoint driver options are not supported by libnetwork4j";

    /** What {@code network create --attachable} is told (swarm's flag: every local network is attachable). */
    public static final String ATTACHABLE_IGNORED = "libnetwork4j ignores Attachable: its networks are all local";

    /** Go's time.RFC3339Nano, as dockerd writes {@code Created}: trailing zeros of the fraction dropped. */
    private static final DateTimeFormatter RFC3339_NANO = new DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd'T'HH:mm:ss")
            .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
            .appendLiteral('Z')
            .toFormatter()
            .withZone(ZoneOffset.UTC);

    private DockerNetworks() {
    }

    /**
     * How a network is to be made, from what {@code docker network create} sends (and
     * {@code lnw network create} takes as flags).
     *
     * @param enableIpv6 {@code --ipv6}
     * @param internal   {@code --internal}
     * @param options    {@code -o key=value}, the driver's options
     * @param labels     {@code --label key=value}
     * @param ipam       the subnets, one per {@code --subnet}
     * @return the options for {@link NetworkController#newNetwork}
     */
    public static NetworkOptions options(boolean enableIpv6, boolean internal, Map<String, String> options,
            Map<String, String> labels, List<IpamConfig> ipam) {
        return options(enableIpv6, internal, options, labels, ipam, null, Map.of());
    }

    /**
     * The same, with an IPAM driver.
     *
     * @param enableIpv6  {@code --ipv6}
     * @param internal    {@code --internal}
     * @param options     {@code -o key=value}, the driver's options
     * @param labels      {@code --label key=value}
     * @param ipam        the subnets, one per {@code --subnet}
     * @param ipamDriver  {@code --ipam-driver}/{@code IPAM.Driver}: an IPAM plugin's name, or
     *                    null, empty or "default" for the controller's own
     * @param ipamOptions {@code --ipam-opt}/{@code IPAM.Options}, for the plugin; null for none
     * @return the options for {@link NetworkController#newNetwork}
     */
    public static NetworkOptions options(boolean enableIpv6, boolean internal, Map<String, String> options,
            Map<String, String> labels, List<IpamConfig> ipam, String ipamDriver, Map<String, String> ipamOptions) {
        NetworkOptions.Builder b = NetworkOptions.builder().enableIpv6(enableIpv6).internal(internal).options(options)
                .ipamDriver(ipamDriver);
        if (ipamOptions != null) {
            b.ipamOptions(ipamOptions);
        }
        labels.forEach(b::label);
        ipam.forEach(b::ipam);
        return b.build();
    }

    /**
     * Refuses what {@code docker network create} can ask for and libnetwork4j does not do, with
     * one message per field whichever edge it came through.
     *
     * @param scope      {@code --scope}/{@code Scope}: null, empty or "local"
     * @param ipamDriver {@code --ipam-driver}/{@code IPAM.Driver}: null, empty, "default" or
     *                   the name of a Docker IPAM plugin (a file name)
     * @param ipamOpts   {@code --ipam-opt}/{@code IPAM.Options}: only with an IPAM plugin, which
     *                   gets them; the controller's own IPAM takes none
     * @param ingress    {@code --ingress}/{@code Ingress}: must be false
     * @param configOnly {@code --config-only}/{@code ConfigOnly}: must be false
     * @param configFrom {@code --config-from}/{@code ConfigFrom.Network}: null or empty
     * @throws InvalidParameterException naming the first field that asks for the unsupported
     */
    public static void checkCreate(String scope, String ipamDriver, Map<String, String> ipamOpts, boolean ingress,
            boolean configOnly, String configFrom) {
        if (!blank(scope) && !scope.equals("local")) {
            throw new InvalidParameterException("scope \"" + scope + "\" is not supported by libnetwork4j: only \"local\"");
        }
        boolean own = blank(ipamDriver) || ipamDriver.equals("default");
        // a plugin's name is a file name where plugins are (as dockerd takes it)
        if (!own && !ipamDriver.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")) {
            throw new InvalidParameterException("IPAM driver \"" + ipamDriver + "\" cannot name a plugin");
        }
        if (ipamOpts != null && !ipamOpts.isEmpty() && own) {
            throw new InvalidParameterException("IPAM options are not supported by libnetwork4j's default IPAM"
                    + " driver, only by IPAM plugins");
        }
        // swarm's kinds of network: libnetwork4j has no swarm
        if (ingress) {
            throw new InvalidParameterException("ingress networks (swarm's) are not supported by libnetwork4j");
        }
        if (configOnly) {
            throw new InvalidParameterException("config-only networks (swarm's) are not supported by libnetwork4j");
        }
        if (!blank(configFrom)) {
            throw new InvalidParameterException("config-from networks (swarm's) are not supported by libnetwork4j");
        }
    }

    /**
     * The networks {@code docker network ls} lists, as dockerd filters them: values of one key
     * are alternatives, keys all apply ({@code name} and {@code id} match a substring or regular
     * expression, {@code driver} and {@code scope} exactly, {@code label} {@code k} or
     * {@code k=v}, {@code type} custom or builtin, {@code dangling} true or false).
     *
     * @param c       the controller
     * @param filters values by key, each key one of {@link #LIST_FILTERS}
     * @return each network's document ({@link #resource}, without {@code Containers}), in the
     *         controller's order
     * @throws InvalidParameterException for an unknown key or a malformed value, in dockerd's words
     */
    public static List<Map<String, Object>> list(NetworkController c, Map<String, Set<String>> filters) {
        return list(c, Filters.of(filters, LIST_FILTERS));
    }

    static List<Map<String, Object>> list(NetworkController c, Filters f) {
        Boolean dangling = null;
        if (f.contains("dangling")) {
            String d = f.single("dangling");
            dangling = switch (d == null ? "" : d.toLowerCase(Locale.ROOT)) {
                case "true", "1" -> true;
                case "false", "0" -> false;
                default -> throw new InvalidParameterException("Invalid filter 'dangling=" + d + "'");
            };
        }
        for (String t : f.get("type")) {
            if (!t.equals("custom") && !t.equals("builtin")) {
                throw new InvalidParameterException("invalid filter: 'type'='" + t + "'");
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Network n : c.networks()) {
            Map<String, Object> doc;
            try {
                doc = resource(c, n, false);
            } catch (NotFoundException gone) {
                continue; // deleted since the snapshot
            }
            @SuppressWarnings("unchecked")
            Map<String, String> labels = (Map<String, String>) doc.get("Labels");
            boolean builtin = PREDEFINED.contains(n.name());
            if (!f.exact("driver", n.type()) || !f.match("name", n.name()) || !f.match("id", n.id())
                    || !f.labels("label", labels) || !f.exact("scope", (String) doc.get("Scope"))
                    || f.contains("type") && !f.get("type").contains(builtin ? "builtin" : "custom")) {
                continue;
            }
            if (dangling != null) {
                // dockerd's filterNetworkByUse: its own networks are never dangling
                boolean unused = !builtin && n.endpoints().isEmpty();
                if (unused != dangling) {
                    continue;
                }
            }
            out.add(doc);
        }
        return out;
    }

    /**
     * What {@code docker network prune} removes: every network without endpoints but dockerd's
     * own and the host and null drivers', made before {@code until} (a time or a duration back
     * from now), with each {@code label} and none of the {@code label!}.
     *
     * @param c       the controller
     * @param filters values by key, each key one of {@link #PRUNE_FILTERS}
     * @param now     what a duration in {@code until} counts back from
     * @return the names of the networks deleted; one deleted or put to use meanwhile is skipped
     * @throws InvalidParameterException for an unknown key or a malformed value
     */
    public static List<String> prune(NetworkController c, Map<String, Set<String>> filters, Instant now) {
        return prune(c, Filters.of(filters, PRUNE_FILTERS), now);
    }

    static List<String> prune(NetworkController c, Filters f, Instant now) {
        String untilText = f.single("until");
        Instant until = untilText == null ? null : Filters.time(untilText, now);
        List<String> deleted = new ArrayList<>();
        for (Network n : c.networks()) {
            if (PREDEFINED.contains(n.name()) || List.of("host", "null").contains(n.type())) {
                continue;
            }
            try {
                NetworkInfo info = n.info();
                if (until != null && info.created().isAfter(until) || !f.labels("label", info.labels())
                        || f.get("label!").stream().anyMatch(l -> Filters.matchesLabel(l, info.labels()))
                        || !n.endpoints().isEmpty()) {
                    continue;
                }
                n.delete();
                deleted.add(n.name());
            } catch (NotFoundException | ForbiddenException e) {
                // gone or in use meanwhile: not this prune's
            }
        }
        return deleted;
    }

    /**
     * One subnet as the Engine API's {@code IPAM.Config} entry gives it, its fields as text.
     *
     * @param subnet  {@code Subnet}, or null/empty for one from the default pools
     * @param ipRange {@code IPRange}, or null/empty
     * @param gateway {@code Gateway}, or null/empty
     * @param aux     {@code AuxiliaryAddresses} by name, or null
     * @return the configuration
     * @throws InvalidParameterException if a field is malformed (named), or the gateway, range
     *                                   or an aux address lies outside the subnet
     */
    public static IpamConfig ipamConfig(String subnet, String ipRange, String gateway, Map<String, String> aux) {
        Map<String, InetAddress> auxAddresses = new LinkedHashMap<>();
        if (aux != null) {
            aux.forEach((k, v) -> auxAddresses.put(k, parse("aux-address", v, IpAddresses::parse)));
        }
        return new IpamConfig(blank(subnet) ? null : parse("subnet", subnet, IpPrefix::parse),
                blank(ipRange) ? null : parse("ip-range", ipRange, IpPrefix::parse),
                blank(gateway) ? null : parse("gateway", gateway, IpAddresses::parse), auxAddresses);
    }

    /**
     * Docker's command-line flags as subnets: each {@code --gateway}, {@code --ip-range} and
     * {@code --aux-address} goes to the {@code --subnet} it lies in (as the docker CLI groups
     * them before it sends the request).
     *
     * @param subnets  {@code --subnet} values
     * @param gateways {@code --gateway} values, at most one per subnet
     * @param ipRanges {@code --ip-range} values
     * @param aux      {@code --aux-address} values, name to address
     * @return one configuration per subnet, in the order the subnets were given
     * @throws InvalidParameterException if a value is malformed, lies in no subnet, or a subnet
     *                                   gets two gateways
     */
    public static List<IpamConfig> ipamFromFlags(List<String> subnets, List<String> gateways, List<String> ipRanges,
            Map<String, String> aux) {
        List<IpPrefix> subs = new ArrayList<>();
        for (String s : subnets) {
            subs.add(parse("subnet", s, IpPrefix::parse));
        }
        Map<IpPrefix, InetAddress> gw = new LinkedHashMap<>();
        for (String g : gateways) {
            InetAddress a = parse("gateway", g, IpAddresses::parse);
            IpPrefix in = containing(subs, a, "gateway", g);
            if (gw.put(in, a) != null) {
                throw new InvalidParameterException("two gateways for subnet " + in);
            }
        }
        Map<IpPrefix, IpPrefix> ranges = new LinkedHashMap<>();
        for (String r : ipRanges) {
            IpPrefix p = parse("ip-range", r, IpPrefix::parse);
            ranges.put(containing(subs, p.address(), "ip-range", r), p);
        }
        Map<IpPrefix, Map<String, InetAddress>> auxBy = new LinkedHashMap<>();
        for (var e : aux.entrySet()) {
            InetAddress a = parse("aux-address", e.getValue(), IpAddresses::parse);
            auxBy.computeIfAbsent(containing(subs, a, "aux-address", e.getKey() + "=" + e.getValue()),
                    k -> new LinkedHashMap<>()).put(e.getKey(), a);
        }
        List<IpamConfig> out = new ArrayList<>();
        for (IpPrefix s : subs) {
            out.add(new IpamConfig(s, ranges.get(s), gw.get(s), auxBy.getOrDefault(s, Map.of())));
        }
        return out;
    }

    private static IpPrefix containing(List<IpPrefix> subs, InetAddress a, String flag, String value) {
        return subs.stream().filter(s -> s.contains(a)).findFirst().orElseThrow(() -> new InvalidParameterException(
                "no --subnet contains the " + flag + " \"" + value + "\""));
    }

    private static <T> T parse(String what, String text, Function<String, T> parser) {
        try {
            return parser.apply(text);
        } catch (InvalidParameterException e) {
            throw new InvalidParameterException("invalid " + what + " \"" + text + "\"");
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isEmpty();
    }

    /**
     * A network by what a Docker user calls it, as dockerd resolves it: its full id, else its
     * exact name, else a unique prefix of its id.
     *
     * @param c    the controller
     * @param term a full id, a name or an id prefix
     * @return the network
     * @throws NotFoundException         if none matches ({@code network TERM not found})
     * @throws InvalidParameterException if a prefix matches several
     */
    public static Network find(NetworkController c, String term) {
        Network byName = null;
        List<Network> byPrefix = new ArrayList<>();
        if (!term.isEmpty()) {
            for (Network n : c.networks()) {
                if (n.id().equals(term)) {
                    return n;
                }
                if (n.name().equals(term)) {
                    byName = n; // names are unique per controller
                }
                if (n.id().startsWith(term)) {
                    byPrefix.add(n);
                }
            }
        }
        if (byName != null) {
            return byName;
        }
        if (byPrefix.size() == 1) {
            return byPrefix.get(0);
        }
        if (byPrefix.size() > 1) {
            throw new InvalidParameterException("network " + term + " is ambiguous (" + byPrefix.size()
                    + " matches found based on ID prefix)");
        }
        throw new NotFoundException("network " + term + " not found");
    }

    /**
     * A time as dockerd writes it in JSON (Go's RFC 3339 with nanoseconds, in UTC).
     *
     * @param t the time
     * @return e.g. {@code 2021-05-01T10:00:00.12345Z}
     */
    public static String rfc3339Nano(Instant t) {
        return RFC3339_NANO.format(t);
    }

    /**
     * The network as dockerd 20.10 shows it (the Engine API's NetworkResource), field by field
     * in dockerd's order, with its JSON types: what {@code docker network inspect} prints.
     *
     * <p>{@code IPAM.Config} is dockerd's too: for each address family, the subnets as they were
     * asked for (a gateway only if one was given), or, where none was, the subnet the pools gave
     * and its gateway. {@code Containers} has the joined endpoints keyed by their sandbox's id,
     * the others keyed {@code ep-ENDPOINT_ID}, as dockerd keys endpoints without a container.
     *
     * @param c          the controller, to find the sandboxes of joined endpoints
     * @param n          the network
     * @param containers whether to fill {@code Containers}; dockerd's list leaves it empty
     * @return the document, for Jackson to write
     */
    public static Map<String, Object> resource(NetworkController c, Network n, boolean containers) {
        NetworkInfo i = n.info();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Name", i.name());
        m.put("Id", i.id());
        m.put("Created", rfc3339Nano(i.created()));
        m.put("Scope", i.scope());
        m.put("Driver", i.driver());
        m.put("EnableIPv6", i.enableIpv6());
        Map<String, Object> ipam = new LinkedHashMap<>();
        ipam.put("Driver", i.ipamDriver());
        ipam.put("Options", new TreeMap<>(i.ipamOptions()));
        List<Map<String, Object>> config = new ArrayList<>();
        family(i, true, config);
        family(i, false, config);
        ipam.put("Config", config);
        m.put("IPAM", ipam);
        m.put("Internal", i.internal());
        m.put("Attachable", false);
        m.put("Ingress", false);
        m.put("ConfigFrom", Map.of("Network", ""));
        m.put("ConfigOnly", false);
        // Containers, Options and Labels are Go maps in dockerd: encoding/json writes their keys sorted
        Map<String, Object> eps = new TreeMap<>();
        if (containers) {
            for (Endpoint e : n.endpoints()) {
                EndpointInfo ei = e.info();
                Sandbox sb = null;
                if (ei.sandboxId() != null) {
                    try {
                        sb = c.sandboxById(ei.sandboxId());
                    } catch (NetworkException gone) {
                        // deleted meanwhile: shown as an endpoint without a container
                    }
                }
                if (sb != null) {
                    eps.put(sb.id(), container(sb.containerId(), ei));
                } else {
                    eps.put("ep-" + ei.id(), container(ei.name(), ei));
                }
            }
        }
        m.put("Containers", eps);
        m.put("Options", new TreeMap<>(i.options()));
        m.put("Labels", new TreeMap<>(i.labels()));
        return m;
    }

    /** One family's IPAM.Config entries, as dockerd's buildIpamResources makes them. */
    private static void family(NetworkInfo i, boolean v4, List<Map<String, Object>> out) {
        boolean configured = false;
        for (IpamConfig cfg : i.ipamConfig()) {
            if (cfg.subnet() == null || cfg.subnet().isIpv4() != v4) {
                continue;
            }
            configured = true;
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("Subnet", cfg.subnet().toString());
            if (cfg.ipRange() != null) {
                e.put("IPRange", cfg.ipRange().toString());
            }
            if (cfg.gateway() != null) {
                e.put("Gateway", IpAddresses.format(cfg.gateway()));
            }
            if (!cfg.auxAddresses().isEmpty()) {
                e.put("AuxiliaryAddresses", addresses(cfg.auxAddresses()));
            }
            out.add(e);
        }
        if (configured) {
            return;
        }
        for (NetworkInfo.IpamData d : i.ipam()) {
            if (d.subnet().isIpv4() != v4) {
                continue;
            }
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("Subnet", d.subnet().toString());
            if (d.gateway() != null) {
                e.put("Gateway", IpAddresses.format(d.gateway()));
            }
            out.add(e);
        }
    }

    private static Map<String, String> addresses(Map<String, InetAddress> m) {
        Map<String, String> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, IpAddresses.format(v)));
        return out;
    }

    /**
     * An endpoint's entry in {@code Containers} (the Engine API's EndpointResource).
     *
     * @param name the container's name: the sandbox's container id
     * @param i    the endpoint
     * @return Name, EndpointID, MacAddress, IPv4Address and IPv6Address (CIDR), "" for none
     */
    public static Map<String, Object> container(String name, EndpointInfo i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Name", name);
        m.put("EndpointID", i.id());
        m.put("MacAddress", i.mac() == null ? "" : i.mac().toString());
        m.put("IPv4Address", i.ipv4() == null ? "" : i.ipv4().toString());
        m.put("IPv6Address", i.ipv6() == null ? "" : i.ipv6().toString());
        return m;
    }
}
