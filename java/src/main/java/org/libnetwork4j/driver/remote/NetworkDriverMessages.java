package org.libnetwork4j.driver.remote;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.Labels;
import org.libnetwork4j.MacAddress;
import org.libnetwork4j.PortBinding;
import org.libnetwork4j.driver.Capabilities;
import org.libnetwork4j.driver.EndpointRequest;
import org.libnetwork4j.driver.EndpointSetup;
import org.libnetwork4j.driver.JoinRequest;
import org.libnetwork4j.driver.JoinResult;
import org.libnetwork4j.driver.NetworkRequest;
import org.libnetwork4j.driver.NetworkSettings;
import org.libnetwork4j.driver.NodeDiscovery;
import org.libnetwork4j.driver.Subnet;
import org.libnetwork4j.http.BadResponseException;
import org.libnetwork4j.kernel.Route;

/**
 * The wire format of the plugin's {@code NetworkDriver} protocol for {@link RemoteDriver}: the
 * JSON body of each call, made from the driver SPI's requests, and the answers read back into
 * its results. An answer that does not parse, or breaks the protocol's rules, fails with the
 * plugin's name and the call in the message; undoing what the call made is the driver's.
 */
final class NetworkDriverMessages {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PluginClient plugin;

    /** The network options a plugin gets as they were given (Docker's generic options). */
    record GenericOptions(Map<String, String> options) implements NetworkSettings {
    }

    NetworkDriverMessages(PluginClient plugin) {
        this.plugin = plugin;
    }

    /** The body of a call that sends nothing (GetCapabilities). */
    static ObjectNode empty() {
        return JSON.createObjectNode();
    }

    /** A scope of the GetCapabilities answer; otherwise if the field is not there. */
    Capabilities.Scope scope(JsonNode caps, String field, Capabilities.Scope otherwise) {
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

    /** CreateNetwork: the options given, IPv6 and internal, and the subnets in space. */
    static ObjectNode createNetwork(NetworkRequest request, Capabilities.Scope scope) {
        ObjectNode body = JSON.createObjectNode();
        body.put("NetworkID", request.id());
        ObjectNode options = body.putObject("Options");
        ObjectNode generic = options.putObject(Labels.GENERIC_DATA);
        if (request.settings() instanceof GenericOptions g) {
            g.options().forEach(generic::put);
        }
        options.put(Labels.ENABLE_IPV6, request.enableIpv6());
        options.put(Labels.INTERNAL, request.internal());
        String space = scope == Capabilities.Scope.GLOBAL ? "GlobalDefault" : "LocalDefault";
        ipamData(body.putArray("IPv4Data"), request.v4(), space);
        ipamData(body.putArray("IPv6Data"), request.v6(), space);
        return body;
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

    /** DeleteNetwork's body. */
    static ObjectNode network(String networkId) {
        return JSON.createObjectNode().put("NetworkID", networkId);
    }

    /** CreateEndpoint: the endpoint's addresses, the MAC asked for, its published ports. */
    static ObjectNode createEndpoint(EndpointRequest request) {
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
        return body;
    }

    /**
     * CreateEndpoint's answer: the MAC the plugin chose, if none was asked for; it must
     * change nothing it was sent (libnetwork's rule).
     */
    EndpointSetup endpointSetup(EndpointRequest request, JsonNode answer) {
        JsonNode reply = answer.path("Interface");
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

    /** Join: SandboxKey is the sandbox's namespace path. */
    static ObjectNode join(JoinRequest request) {
        ObjectNode body = ids(request.networkId(), request.endpointId());
        body.put("SandboxKey", request.sandbox().netns().path().map(Path::toString).orElse(""));
        body.putObject("Options");
        return body;
    }

    /**
     * Join's answer: the interface the plugin names (in the host namespace) for the
     * controller to move in under its prefix, the gateways and the static routes.
     */
    JoinResult joinResult(JoinRequest request, JsonNode reply) {
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

    /** ProgramExternalConnectivity: the ids and no options. */
    static ObjectNode withOptions(String networkId, String endpointId) {
        ObjectNode body = ids(networkId, endpointId);
        body.putObject("Options");
        return body;
    }

    static ObjectNode discovery(NodeDiscovery node) {
        ObjectNode body = JSON.createObjectNode();
        body.put("DiscoveryType", 1); // libnetwork's NodeDiscovery
        body.putObject("DiscoveryData").put("Address", IpAddresses.format(node.address())).put("self", node.self());
        return body;
    }

    /** The body of the calls about one endpoint. */
    static ObjectNode ids(String networkId, String endpointId) {
        return JSON.createObjectNode().put("NetworkID", networkId).put("EndpointID", endpointId);
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
}
