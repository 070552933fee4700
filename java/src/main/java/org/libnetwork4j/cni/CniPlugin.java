package org.libnetwork4j.cni;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.libnetwork4j.AlreadyExistsException;
import org.libnetwork4j.Endpoint;
import org.libnetwork4j.EndpointInfo;
import org.libnetwork4j.EndpointOptions;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.JoinOptions;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.NetworkException;
import org.libnetwork4j.NetworkOptions;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.ResolvConf;
import org.libnetwork4j.RetryableException;
import org.libnetwork4j.Sandbox;
import org.libnetwork4j.SandboxOptions;

/**
 * libnetwork4j as a CNI plugin (spec 1.1): {@code {"type": "libnetwork4j", "network": "NAME"}}
 * attaches a runtime's container to a libnetwork4j network, so that its addresses, ports, DNS
 * and recovery are the controller's.
 *
 * <ul>
 * <li>ADD: the network (made as a bridge network when the configuration gives a {@code subnet}
 *     and it does not exist), the container's sandbox adopting CNI_NETNS, an endpoint called
 *     {@code cni_CONTAINERID_IFNAME} joined under CNI_IFNAME, with the runtime's
 *     {@code portMappings}; the result names its interface, address, gateway and route. The
 *     host ports are published as CNI's portmap plugin does, without a socket held on them:
 *     runtimes that reserve host ports (podman, CRI-O) bind them themselves, and a bind of
 *     ours would make theirs fail. With the {@code aliases} capability, the runtime's
 *     aliases for this CNI network (podman gives the container's name) become the endpoint's
 *     aliases, so that the network's DNS answers them; so does the container's name,
 *     CNI_ARGS' {@code K8S_POD_NAME} (podman's and Kubernetes').</li>
 * <li>DEL: that endpoint leaves and goes (the sandbox too, with its last one; the namespace is
 *     the runtime's and stays). Deleting what is not there succeeds.</li>
 * <li>CHECK: the attachment is there, in that namespace, with prevResult's address.</li>
 * <li>GC: every attachment of the network's made here that {@code cni.dev/valid-attachments}
 *     does not list is removed.</li>
 * <li>STATUS: ready once the controller opens. VERSION: the versions below.</li>
 * </ul>
 * In a chain, ADD's result keeps what the plugins before it gave (prevResult) and adds ours.
 * Errors are CNI's JSON on stdout with a non-zero exit: 1 incompatible version, 3 unknown
 * container (CHECK), 4 missing environment, 6 undecodable input, 7 invalid configuration, 11
 * try again later, 100 an attachment that exists already, 101 any other failure.
 */
public final class CniPlugin {
    /**
     * The newest CNI specification version this plugin speaks, and the one assumed for a
     * configuration that names none.
     */
    public static final String VERSION = "1.1.0";
    static final List<String> SUPPORTED = List.of("0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A CNI error: its code and message, as the spec lists them. */
    static final class CniError extends RuntimeException {
        final int code;

        CniError(int code, String msg) {
            super(msg);
            this.code = code;
        }
    }

    private CniPlugin() {
    }

    /**
     * Runs one plugin call: env (CNI_COMMAND, CNI_CONTAINERID, CNI_NETNS, CNI_IFNAME...), the
     * configuration on stdin; writes the result or the error to out. Returns the exit code.
     * controller is asked for only when the command needs one.
     *
     * @param env        the plugin's environment, CNI_* variables by name
     * @param stdin      the network configuration, JSON
     * @param out        where the result (or CNI's error object) is written, as JSON
     * @param controller opens the controller; called at most once, and what it gives is closed
     *                   before this returns
     * @return the exit code: 0 on success, 1 on an error (its CNI code is in what went to out)
     */
    public static int run(Map<String, String> env, byte[] stdin, PrintWriter out,
            Supplier<NetworkController> controller) {
        String version = VERSION;
        try {
            String command = env.getOrDefault("CNI_COMMAND", "");
            JsonNode conf = decode(stdin);
            version = conf.path("cniVersion").asText(VERSION);
            if (command.equals("VERSION")) {
                out.println(JSON.writeValueAsString(Map.of("cniVersion", VERSION, "supportedVersions", SUPPORTED)));
                return 0;
            }
            if (!SUPPORTED.contains(version)) {
                throw new CniError(1, "cniVersion " + version + " is not supported (" + String.join(", ", SUPPORTED) + ")");
            }
            if (!conf.path("type").asText().equals("libnetwork4j")) {
                throw new CniError(7, "type \"" + conf.path("type").asText() + "\" is not libnetwork4j");
            }
            String network = conf.path("network").asText(conf.path("name").asText(""));
            if (network.isEmpty()) {
                throw new CniError(7, "no \"network\" (nor \"name\") in the configuration");
            }
            try (NetworkController c = controller.get()) {
                switch (command) {
                    case "ADD" -> out.println(JSON.writeValueAsString(add(c, env, conf, network, version)));
                    case "DEL" -> del(c, env, network);
                    case "CHECK" -> check(c, env, conf, network);
                    case "GC" -> gc(c, conf, network);
                    case "STATUS" -> { } // the controller opened: ready
                    default -> throw new CniError(4, "CNI_COMMAND \"" + command + "\": ADD, DEL, CHECK, GC, STATUS or VERSION");
                }
            }
            return 0;
        } catch (CniError e) {
            return error(out, version, e.code, e.getMessage(), "");
        } catch (AlreadyExistsException e) {
            return error(out, version, 100, e.getMessage(), "");
        } catch (InvalidParameterException e) {
            return error(out, version, 7, e.getMessage(), "");
        } catch (RetryableException e) {
            return error(out, version, 11, e.getMessage(), "");
        } catch (NetworkException | IOException e) {
            return error(out, version, 101, e.getMessage(), e.getClass().getSimpleName());
        }
    }

    private static JsonNode decode(byte[] stdin) {
        try {
            JsonNode n = JSON.readTree(stdin);
            if (n == null || !n.isObject()) {
                throw new CniError(6, "the configuration on stdin is no JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new CniError(6, "the configuration on stdin is no JSON: " + e.getMessage());
        }
    }

    private static int error(PrintWriter out, String version, int code, String msg, String details) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("cniVersion", version);
        e.put("code", code);
        e.put("msg", msg == null ? "" : msg);
        if (!details.isEmpty()) {
            e.put("details", details);
        }
        try {
            out.println(JSON.writeValueAsString(e));
        } catch (IOException impossible) {
            out.println("{\"code\": " + code + "}");
        }
        return 1;
    }

    private static String need(Map<String, String> env, String key) {
        String v = env.get(key);
        if (v == null || v.isEmpty()) {
            throw new CniError(4, key + " is not set");
        }
        return v;
    }

    /** CNI_ARGS, "K1=V1;K2=V2", as a map; a part without '=' is ignored. */
    static Map<String, String> cniArgs(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String part : text.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                m.put(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
            }
        }
        return m;
    }

    /** The endpoint of one attachment: the container and its interface name. */
    static String endpointName(String containerId, String ifname) {
        return "cni_" + containerId + "_" + ifname;
    }

    private static Map<String, Object> add(NetworkController c, Map<String, String> env, JsonNode conf,
            String networkName, String version) {
        String cid = need(env, "CNI_CONTAINERID");
        Path netns;
        try {
            netns = Path.of(need(env, "CNI_NETNS"));
        } catch (java.nio.file.InvalidPathException notAPath) { // a NUL in it, say
            throw new CniError(7, "CNI_NETNS is no path: " + notAPath.getMessage());
        }
        String ifname = need(env, "CNI_IFNAME");
        if (!Files.exists(netns)) {
            throw new CniError(7, "CNI_NETNS " + netns + " does not exist");
        }
        Network n = network(c, conf, networkName);
        Sandbox sb;
        try {
            sb = c.sandboxByContainerId(cid);
            if (!sb.key().equals(netns.toString())) {
                throw new CniError(7, "container " + cid + " is in namespace " + sb.key() + ", not " + netns);
            }
        } catch (NotFoundException none) {
            sb = c.newSandbox(cid, SandboxOptions.builder().netns(netns).build());
        }
        EndpointOptions.Builder o = EndpointOptions.builder().hostPortsHeldByCaller();
        for (JsonNode pm : conf.path("runtimeConfig").path("portMappings")) {
            String host = pm.path("hostIP").asText("");
            o.publish((host.isEmpty() ? "" : host + ":") + pm.path("hostPort").asInt() + ":"
                    + pm.path("containerPort").asInt() + "/" + pm.path("protocol").asText("tcp"));
        }
        // The container's name, for the network's DNS: podman and Kubernetes runtimes give it
        // as K8S_POD_NAME (podman's dnsname plugin answers it too); a name that is no DNS name
        // (podman allows '_') is left out rather than failing the container's start. The
        // "aliases" capability gives more names per CNI network (podman: the short id).
        Set<String> names = new LinkedHashSet<>();
        String podName = cniArgs(env.getOrDefault("CNI_ARGS", "")).get("K8S_POD_NAME");
        if (podName != null && SandboxOptions.isName(podName)) {
            names.add(podName);
        }
        for (JsonNode alias : conf.path("runtimeConfig").path("aliases").path(conf.path("name").asText())) {
            names.add(alias.asText());
        }
        names.forEach(o::alias);
        Endpoint ep = n.createEndpoint(endpointName(cid, ifname), o.build());
        try {
            ep.join(sb, JoinOptions.interfaceName(ifname));
        } catch (RuntimeException e) {
            ep.delete(true);
            if (sb.endpoints().isEmpty()) {
                sb.delete();
            }
            throw e;
        }
        return chained(conf.path("prevResult"), result(ep.info(), netns, dns(sb), version));
    }

    /**
     * Our result after the chain's earlier plugins' (prevResult): their interfaces first, ours
     * after them (our addresses' "interface" indexes shifted to match), their addresses,
     * routes and DNS kept, ours added.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> chained(JsonNode prev, Map<String, Object> ours) {
        if (prev.isMissingNode() || !prev.isObject()) {
            return ours;
        }
        Map<String, Object> p = JSON.convertValue(prev, Map.class);
        List<Object> interfaces = new ArrayList<>((List<Object>) p.getOrDefault("interfaces", List.of()));
        int shift = interfaces.size();
        interfaces.addAll((List<Object>) ours.get("interfaces"));
        List<Object> ips = new ArrayList<>((List<Object>) p.getOrDefault("ips", List.of()));
        for (Object o : (List<Object>) ours.get("ips")) {
            Map<String, Object> ip = new LinkedHashMap<>((Map<String, Object>) o);
            ip.put("interface", (Integer) ip.get("interface") + shift);
            ips.add(ip);
        }
        List<Object> routes = new ArrayList<>((List<Object>) p.getOrDefault("routes", List.of()));
        routes.addAll((List<Object>) ours.get("routes"));
        Map<String, Object> r = new LinkedHashMap<>(ours);
        r.put("interfaces", interfaces);
        r.put("ips", ips);
        r.put("routes", routes);
        // ours, if we name a nameserver: the container's resolver is the network's
        r.put("dns", ((Map<?, ?>) ours.get("dns")).isEmpty() ? p.getOrDefault("dns", Map.of()) : ours.get("dns"));
        return r;
    }

    private static Network network(NetworkController c, JsonNode conf, String name) {
        try {
            return c.networkByName(name);
        } catch (NotFoundException none) {
            String subnet = conf.path("subnet").asText("");
            if (subnet.isEmpty()) {
                throw new CniError(7, "network \"" + name + "\" does not exist, and the configuration gives no"
                        + " \"subnet\" to make it with");
            }
            try {
                return c.newNetwork("bridge", name, NetworkOptions.builder().subnet(subnet).build());
            } catch (AlreadyExistsException raced) {
                return c.networkByName(name); // another ADD made it meanwhile
            }
        }
    }

    /**
     * The result's DNS: what the sandbox's own resolv.conf says (the network's resolver while
     * a daemon serves names, else the host's nameservers), for a runtime that writes the
     * container's resolv.conf from the result (podman does), since it does not mount ours.
     */
    static Map<String, Object> dns(Sandbox sb) {
        ResolvConf rc = ResolvConf.read(sb.resolvConfPath());
        Map<String, Object> dns = new LinkedHashMap<>();
        if (!rc.nameservers().isEmpty()) {
            dns.put("nameservers", rc.nameservers());
        }
        if (!rc.search().isEmpty()) {
            dns.put("search", rc.search());
        }
        if (!rc.options().isEmpty()) {
            dns.put("options", rc.options());
        }
        return dns;
    }

    /** CNI's result: the interface in the container, its addresses, the default route, DNS. */
    static Map<String, Object> result(EndpointInfo i, Path netns, Map<String, Object> dns, String version) {
        Map<String, Object> iface = new LinkedHashMap<>();
        iface.put("name", i.interfaceName());
        if (i.mac() != null) {
            iface.put("mac", i.mac().toString());
        }
        iface.put("sandbox", netns.toString());
        List<Map<String, Object>> ips = new ArrayList<>();
        List<Map<String, Object>> routes = new ArrayList<>();
        if (i.ipv4() != null) {
            Map<String, Object> ip = new LinkedHashMap<>();
            ip.put("address", i.ipv4().toString());
            if (i.gatewayV4() != null) {
                ip.put("gateway", i.gatewayV4().getHostAddress());
                routes.add(Map.of("dst", "0.0.0.0/0", "gw", i.gatewayV4().getHostAddress()));
            }
            ip.put("interface", 0);
            ips.add(ip);
        }
        if (i.ipv6() != null) {
            Map<String, Object> ip = new LinkedHashMap<>();
            ip.put("address", i.ipv6().toString());
            if (i.gatewayV6() != null) {
                ip.put("gateway", i.gatewayV6().getHostAddress());
            }
            ip.put("interface", 0);
            ips.add(ip);
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("cniVersion", version);
        r.put("interfaces", List.of(iface));
        r.put("ips", ips);
        r.put("routes", routes);
        r.put("dns", dns);
        return r;
    }

    private static void del(NetworkController c, Map<String, String> env, String networkName) {
        String cid = need(env, "CNI_CONTAINERID");
        String ifname = need(env, "CNI_IFNAME");
        Network n;
        try {
            n = c.networkByName(networkName);
        } catch (NotFoundException none) {
            return; // nothing to delete: DEL succeeds
        }
        remove(c, n, endpointName(cid, ifname), cid);
    }

    /**
     * The attachment's endpoint leaves and goes, and its sandbox with its last endpoint. When
     * it is the sandbox's only endpoint (one CNI network per container, the common case), the
     * sandbox's delete takes it along: one store transaction for both, and no hosts file,
     * resolv.conf or gateway election redone for a sandbox about to go. The spec forbids a
     * runtime to run two operations on one container at once, so no ADD can join between the
     * check and the delete.
     */
    private static void remove(NetworkController c, Network n, String endpoint, String cid) {
        Endpoint ep;
        try {
            ep = n.endpointByName(endpoint);
        } catch (NotFoundException none) {
            return;
        }
        Sandbox sb;
        try {
            sb = c.sandboxByContainerId(cid);
        } catch (NotFoundException gone) {
            sb = null; // dropped already (its namespace went)
        }
        List<Endpoint> joined = sb == null ? List.of() : sb.endpoints();
        if (joined.size() == 1 && joined.get(0).id().equals(ep.id())) {
            sb.delete();
            return;
        }
        ep.delete(true);
        if (sb != null && sb.endpoints().isEmpty()) {
            sb.delete();
        }
    }

    private static void check(NetworkController c, Map<String, String> env, JsonNode conf, String networkName) {
        String cid = need(env, "CNI_CONTAINERID");
        String netns = need(env, "CNI_NETNS");
        String ifname = need(env, "CNI_IFNAME");
        Endpoint ep;
        Sandbox sb;
        try {
            ep = c.networkByName(networkName).endpointByName(endpointName(cid, ifname));
            sb = c.sandboxByContainerId(cid);
        } catch (NotFoundException none) {
            throw new CniError(3, "container " + cid + " has no attachment " + ifname + " on network " + networkName);
        }
        EndpointInfo i = ep.info();
        if (!sb.key().equals(netns) || !ifname.equals(i.interfaceName()) || !sb.id().equals(i.sandboxId())) {
            throw new CniError(3, "container " + cid + ": attachment " + ifname + " is not joined in " + netns);
        }
        for (JsonNode ip : conf.path("prevResult").path("ips")) {
            String want = ip.path("address").asText();
            if (!want.equals(String.valueOf(i.ipv4())) && !want.equals(String.valueOf(i.ipv6()))) {
                throw new CniError(101, "container " + cid + ": prevResult's address " + want + " is not the endpoint's ("
                        + i.ipv4() + ")");
            }
        }
    }

    private static void gc(NetworkController c, JsonNode conf, String networkName) {
        Set<String> valid = new HashSet<>();
        for (JsonNode a : conf.path("cni.dev/valid-attachments")) {
            valid.add(endpointName(a.path("containerID").asText(), a.path("ifname").asText()));
        }
        Network n;
        try {
            n = c.networkByName(networkName);
        } catch (NotFoundException none) {
            return;
        }
        for (Endpoint ep : n.endpoints()) {
            if (ep.name().startsWith("cni_") && !valid.contains(ep.name())) {
                String cid = ep.info().sandboxId() == null ? null
                        : c.sandboxById(ep.info().sandboxId()).containerId();
                ep.delete(true);
                if (cid != null) {
                    try {
                        Sandbox sb = c.sandboxByContainerId(cid);
                        if (sb.endpoints().isEmpty()) {
                            sb.delete();
                        }
                    } catch (NotFoundException gone) {
                        // went with it
                    }
                }
            }
        }
    }
}
