package org.libnetwork4j.driver.remote;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.Labels;
import org.libnetwork4j.MacAddress;
import org.libnetwork4j.NetworkException;
import org.libnetwork4j.NotSupportedException;
import org.libnetwork4j.PortBinding;
import org.libnetwork4j.PortMapping;
import org.libnetwork4j.RetryableException;
import org.libnetwork4j.driver.Capabilities;
import org.libnetwork4j.driver.EndpointOperInfo;
import org.libnetwork4j.driver.EndpointRequest;
import org.libnetwork4j.driver.EndpointSetup;
import org.libnetwork4j.driver.JoinRequest;
import org.libnetwork4j.driver.JoinResult;
import org.libnetwork4j.driver.NetworkRequest;
import org.libnetwork4j.driver.NetworkSettings;
import org.libnetwork4j.driver.NodeDiscovery;
import org.libnetwork4j.driver.RestorableDriver;
import org.libnetwork4j.driver.Subnet;
import org.libnetwork4j.http.BadResponseException;
import org.libnetwork4j.http.ResponseTimeoutException;
import org.libnetwork4j.kernel.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Docker network plugin as a driver (libnetwork's remote driver): each method one call of
 * the plugin's {@code NetworkDriver} protocol (plugin API 1.2), as {@link
 * org.libnetwork4j.driver.Driver} maps them. The plugin makes the interface of a join in the
 * host namespace and names it (SrcName); the controller moves it into the sandbox under the
 * plugin's prefix (DstPrefix) and back out at leave ({@link JoinResult.Iface.ToMove}).
 *
 * <p>A plugin keeps its networks itself across restarts, as with dockerd, which never sends
 * CreateNetwork twice for one network: a restarted controller takes its networks up without a
 * call (a plugin would refuse to create an id it has), and joins as the store has them.
 * Only leftovers of work cut short are sent to the plugin again (DeleteNetwork, Leave).
 *
 * <p>Not called: EndpointOperInfo. Its answer is a free-form map with nothing this library
 * reads (published ports are the controller's only for its own drivers), and the controller
 * asks for it at every join and leave: a plugin slow to answer it would slow each of them.
 */
public final class RemoteDriver implements RestorableDriver {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteDriver.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PluginClient plugin;
    private final Capabilities capabilities;

    /** The network options a plugin gets as they were given (Docker's generic options). */
    private record GenericOptions(Map<String, String> options) implements NetworkSettings {
    }

    private RemoteDriver(PluginClient plugin, Capabilities capabilities) {
        this.plugin = plugin;
        this.capabilities = capabilities;
    }

    /**
     * Activates the plugin and asks for its capabilities, as dockerd does when a network
     * first names it.
     *
     * @param plugin the plugin
     * @return the driver
     * @throws NotSupportedException if the plugin does not implement {@code NetworkDriver}
     * @throws NetworkException      if a call fails ({@link PluginClient#call})
     */
    public static RemoteDriver activate(PluginClient plugin) {
        plugin.activateAs("NetworkDriver", "network driver");
        JsonNode caps = plugin.call("NetworkDriver.GetCapabilities", JSON.createObjectNode());
        Capabilities.Scope scope = scope(plugin, caps, "Scope", Capabilities.Scope.LOCAL);
        Capabilities.Scope connectivity = scope(plugin, caps, "ConnectivityScope", scope);
        LOG.info("activated network plugin {} ({} scope)", plugin, scope.label());
        return new RemoteDriver(plugin, new Capabilities(scope, connectivity, false, true, false));
    }

    /**
     * Finds the plugin name with locator and activates it.
     *
     * @param locator where plugins are
     * @param name    the plugin's name, the driver's type
     * @param timeout how long one call may wait for its answer
     * @param retry   how long a call that cannot connect is tried again
     * @return the driver, or empty if no plugin of that name is there
     * @throws NetworkException if it is there but cannot be activated
     */
    public static Optional<RemoteDriver> load(PluginLocator locator, String name, Duration timeout, Duration retry) {
        return locator.find(name).map(address -> activate(new PluginClient(name, address, timeout, retry)));
    }

    private static Capabilities.Scope scope(PluginClient plugin, JsonNode caps, String field,
            Capabilities.Scope otherwise) {
        String s = caps.path(field).asText("");
        return switch (s) {
            case "" -> otherwise;
            case "local" -> Capabilities.Scope.LOCAL;
            case "global", "swarm" -> Capabilities.Scope.GLOBAL;
            default -> throw new BadResponseException("plugin \"" + plugin.name()
                    + "\": NetworkDriver.GetCapabilities: " + field + " \"" + s + "\" is neither local nor global",
                    null);
        };
    }

    @Override
    public String type() {
        return plugin.name();
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    /** Any option: the plugin gets them under {@code com.docker.network.generic}. */
    @Override
    public NetworkSettings parseNetworkOptions(Map<String, String> options) {
        return new GenericOptions(Map.copyOf(options));
    }

    @Override
    public void createNetwork(NetworkRequest request) {
        ObjectNode body = JSON.createObjectNode();
        body.put("NetworkID", request.id());
        ObjectNode options = body.putObject("Options");
        ObjectNode generic = options.putObject(Labels.GENERIC_DATA);
        if (request.settings() instanceof GenericOptions g) {
            g.options().forEach(generic::put);
        }
        options.put(Labels.ENABLE_IPV6, request.enableIpv6());
        options.put(Labels.INTERNAL, request.internal());
        String space = capabilities.scope() == Capabilities.Scope.GLOBAL ? "GlobalDefault" : "LocalDefault";
        ipamData(body.putArray("IPv4Data"), request.v4(), space);
        ipamData(body.putArray("IPv6Data"), request.v6(), space);
        callUndoingIfUnanswered("NetworkDriver.CreateNetwork", body, () -> deleteNetwork(request.id()));
    }

    /**
     * A call that makes something. If the plugin got it but its answer never came whole (it
     * hung, died or answered garbage), it may have made it: the undo is sent, best effort,
     * before the failure is thrown. An error the plugin answered made nothing, and a call that
     * could not connect was not sent.
     */
    private JsonNode callUndoingIfUnanswered(String method, JsonNode body, Runnable undo) {
        try {
            return plugin.call(method, body);
        } catch (ResponseTimeoutException | BadResponseException e) {
            undo(e, undo);
            throw e;
        }
    }

    private static void ipamData(ArrayNode out, List<Subnet> subnets, String space) {
        for (Subnet s : subnets) {
            ObjectNode d = out.addObject();
            d.put("AddressSpace", space);
            d.put("Pool", s.prefix().toString());
            if (s.gateway() != null) {
                d.put("Gateway", s.gatewayPrefix().toString());
            }
            ObjectNode aux = d.putObject("AuxAddresses");
            s.auxAddresses().forEach((k, v) -> aux.put(k, new IpPrefix(v, s.prefix().length()).toString()));
        }
    }

    @Override
    public void deleteNetwork(String networkId) {
        plugin.call("NetworkDriver.DeleteNetwork", JSON.createObjectNode().put("NetworkID", networkId));
    }

    /**
     * Sends the endpoint's addresses and the MAC asked for; the plugin may choose a MAC if none
     * was asked for, and must change nothing it was sent (libnetwork's rule): otherwise the
     * endpoint is deleted again and the create fails.
     */
    @Override
    public EndpointSetup createEndpoint(EndpointRequest request) {
        ObjectNode body = ids(request.networkId(), request.endpointId());
        ObjectNode iface = body.putObject("Interface");
        if (request.ipv4() != null) {
            iface.put("Address", request.ipv4().toString());
        }
        if (request.ipv6() != null) {
            iface.put("AddressIPv6", request.ipv6().toString());
        }
        if (request.mac() != null) {
            iface.put("MacAddress", request.mac().toString());
        }
        ObjectNode options = body.putObject("Options");
        if (!request.ports().isEmpty()) {
            ArrayNode ports = options.putArray(Labels.PORT_MAP);
            for (PortBinding p : request.ports()) {
                ObjectNode o = ports.addObject();
                o.put("Proto", switch (p.protocol()) {
                    case TCP -> 6;
                    case UDP -> 17;
                    case SCTP -> 132;
                });
                o.put("Port", p.containerPort());
                o.put("HostIP", p.hostIp() == null ? "" : IpAddresses.format(p.hostIp()));
                o.put("HostPort", p.hostPort());
                o.put("HostPortEnd", p.hostPortEnd());
            }
        }
        JsonNode reply = callUndoingIfUnanswered("NetworkDriver.CreateEndpoint", body,
                () -> deleteEndpoint(request.networkId(), request.endpointId())).path("Interface");
        try {
            checkKept(reply, "Address", request.ipv4());
            checkKept(reply, "AddressIPv6", request.ipv6());
            String mac = reply.path("MacAddress").asText("");
            if (mac.isEmpty()) {
                return new EndpointSetup(request.mac());
            }
            MacAddress given = parse("CreateEndpoint", "Interface.MacAddress", mac, MacAddress::parse);
            if (request.mac() != null && !request.mac().equals(given)) {
                throw invalid("CreateEndpoint", "it changed the MAC address " + request.mac() + " to " + given);
            }
            return new EndpointSetup(given);
        } catch (NetworkException e) {
            undo(e, () -> deleteEndpoint(request.networkId(), request.endpointId()));
            throw e;
        }
    }

    private void checkKept(JsonNode iface, String field, IpPrefix sent) {
        String got = iface.path(field).asText("");
        if (got.isEmpty()) {
            return;
        }
        IpPrefix p = parse("CreateEndpoint", "Interface." + field, got, IpPrefix::parse);
        if (sent == null || !sent.equals(p)) {
            throw invalid("CreateEndpoint", "it gave the address " + got + " where "
                    + (sent == null ? "none" : sent.toString()) + " was sent: addresses are IPAM's");
        }
    }

    /** See the class: the plugin is not asked. */
    @Override
    public EndpointOperInfo endpointOperInfo(String networkId, String endpointId) {
        return EndpointOperInfo.NONE;
    }

    @Override
    public void deleteEndpoint(String networkId, String endpointId) {
        plugin.call("NetworkDriver.DeleteEndpoint", ids(networkId, endpointId));
    }

    /**
     * Join: SandboxKey is the sandbox's namespace path. The interface the plugin names (in the
     * host namespace) is for the controller to move in; what the answer says wrong (an
     * address that is none) undoes the join with Leave.
     */
    @Override
    public JoinResult join(JoinRequest request) {
        ObjectNode body = ids(request.networkId(), request.endpointId());
        body.put("SandboxKey", request.sandbox().netns().path().map(Path::toString).orElse(""));
        body.putObject("Options");
        JsonNode reply = callUndoingIfUnanswered("NetworkDriver.Join", body,
                () -> leave(request.networkId(), request.endpointId(), false));
        try {
            JsonNode names = reply.path("InterfaceName");
            String src = names.path("SrcName").asText("");
            String prefix = names.path("DstPrefix").asText("");
            JoinResult.Iface iface = src.isEmpty() ? JoinResult.Iface.NONE
                    : new JoinResult.Iface.ToMove(src, prefix.isEmpty() ? request.interfacePrefix() : prefix);
            InetAddress gw4 = address(reply, "Gateway");
            InetAddress gw6 = address(reply, "GatewayIPv6");
            List<Route> routes = new ArrayList<>();
            for (JsonNode r : reply.path("StaticRoutes")) {
                routes.add(route(r));
            }
            return new JoinResult(iface, gw4, gw6, routes, null, false);
        } catch (NetworkException e) {
            undo(e, () -> leave(request.networkId(), request.endpointId(), false));
            throw e;
        }
    }

    private InetAddress address(JsonNode reply, String field) {
        String s = reply.path(field).asText("");
        return s.isEmpty() ? null : parse("Join", field, s, IpAddresses::parse);
    }

    /** A static route: RouteType 0 through NextHop, 1 on the link (Docker's types). */
    private Route route(JsonNode r) {
        IpPrefix dst = parse("Join", "StaticRoutes.Destination", r.path("Destination").asText(""), IpPrefix::parse);
        int type = r.path("RouteType").asInt(-1);
        if (type == 1) {
            return Route.to(dst);
        }
        if (type != 0) {
            throw invalid("Join", "route to " + dst + " has RouteType " + r.path("RouteType")
                    + " (0 next hop, 1 connected)");
        }
        InetAddress nh = parse("Join", "StaticRoutes.NextHop", r.path("NextHop").asText(""), IpAddresses::parse);
        return Route.to(dst).via(nh);
    }

    /** The protocol's Leave carries no hint that the namespace goes: sandboxGone is not sent. */
    @Override
    public void leave(String networkId, String endpointId, boolean sandboxGone) {
        plugin.call("NetworkDriver.Leave", ids(networkId, endpointId));
    }

    @Override
    public void programExternalConnectivity(String networkId, String endpointId) {
        ObjectNode body = ids(networkId, endpointId);
        body.putObject("Options");
        plugin.call("NetworkDriver.ProgramExternalConnectivity", body);
    }

    @Override
    public void revokeExternalConnectivity(String networkId, String endpointId) {
        plugin.call("NetworkDriver.RevokeExternalConnectivity", ids(networkId, endpointId));
    }

    @Override
    public void discoverNew(NodeDiscovery node) {
        plugin.call("NetworkDriver.DiscoverNew", discovery(node));
    }

    @Override
    public void discoverDelete(NodeDiscovery node) {
        plugin.call("NetworkDriver.DiscoverDelete", discovery(node));
    }

    private static ObjectNode discovery(NodeDiscovery node) {
        ObjectNode body = JSON.createObjectNode();
        body.put("DiscoveryType", 1); // libnetwork's NodeDiscovery
        body.putObject("DiscoveryData").put("Address", IpAddresses.format(node.address())).put("self", node.self());
        return body;
    }

    // ---- after a restart ----

    /** Nothing: the plugin keeps its networks itself. */
    @Override
    public Map<String, String> networkState(String networkId) {
        return Map.of();
    }

    /**
     * Takes the network up without a call: the plugin has it already (dockerd never sends a
     * second CreateNetwork for it, and a plugin refuses an id it has).
     */
    @Override
    public void restoreNetwork(NetworkRequest request, Map<String, String> state) {
    }

    /**
     * A create or delete cut short: DeleteNetwork, in case the plugin has it. An error it
     * answers (it does not have the network) counts as gone; one that comes from not reaching
     * it keeps the record for the next start.
     */
    @Override
    public void discardNetwork(NetworkRequest request, Map<String, String> state) {
        try {
            deleteNetwork(request.id());
        } catch (NetworkException e) {
            if (unreachable(e)) {
                throw e;
            }
            LOG.info("discard network {}: {} (taken as gone)", request.name(), e.getMessage());
        }
    }

    /** None: the plugin's interfaces carry no label of ours; every join is stored before it returns. */
    @Override
    public Map<String, String> joinLabels() {
        return Map.of();
    }

    @Override
    public void prepareRecordedJoins(Set<String> endpointIds) {
    }

    /**
     * The join as the store has it: the plugin keeps its side. The controller does not know
     * the interface's index in the sandbox from here, so the join is taken up without one:
     * at its leave the plugin's Leave removes the interface where it is.
     */
    @Override
    public Optional<JoinResult> restoreJoin(JoinRequest request) {
        return Optional.of(JoinResult.NOTHING);
    }

    /** A join cut short: Leave, in case the plugin made something; its errors are logged. */
    @Override
    public void discardJoin(String networkId, String endpointId) {
        try {
            leave(networkId, endpointId, false);
        } catch (NetworkException e) {
            LOG.info("discard join of endpoint {}: {}", endpointId, e.getMessage());
        }
    }

    /** Nothing to call: the plugin kept its connectivity across the restart. */
    @Override
    public List<PortMapping> restoreExternalConnectivity(String networkId, String endpointId,
            List<PortMapping> mappings) {
        return List.of();
    }

    /** None: what a plugin made is the plugin's. */
    @Override
    public List<String> removeOrphans(Set<String> joined) {
        return List.of();
    }

    // ---- helpers ----

    private static ObjectNode ids(String networkId, String endpointId) {
        return JSON.createObjectNode().put("NetworkID", networkId).put("EndpointID", endpointId);
    }

    /** Whether e says the plugin was not reached or did not answer, rather than what it answered. */
    private static boolean unreachable(NetworkException e) {
        return e instanceof RetryableException || e instanceof BadResponseException;
    }

    private <T> T parse(String method, String field, String text, java.util.function.Function<String, T> parser) {
        try {
            return parser.apply(text);
        } catch (RuntimeException e) {
            throw new BadResponseException("plugin \"" + plugin.name() + "\": NetworkDriver." + method + ": " + field
                    + " \"" + text + "\" is not valid: " + e.getMessage(), e);
        }
    }

    private InvalidParameterException invalid(String method, String why) {
        return new InvalidParameterException("plugin \"" + plugin.name() + "\": NetworkDriver." + method + ": " + why,
                0, "NetworkDriver." + method, plugin.name(), null);
    }

    private static void undo(NetworkException e, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException again) {
            e.addSuppressed(again);
        }
    }

    @Override
    public String toString() {
        return "remote driver " + plugin;
    }
}
