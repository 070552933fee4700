package org.libnetwork4j.plugin;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.libnetwork4j.AlreadyExistsException;
import org.libnetwork4j.Endpoint;
import org.libnetwork4j.EndpointInfo;
import org.libnetwork4j.EndpointOptions;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.IpamConfig;
import org.libnetwork4j.Labels;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.NetworkOptions;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.PortBinding;
import org.libnetwork4j.PortMapping;
import org.libnetwork4j.Protocol;
import org.libnetwork4j.RetryableException;
import org.libnetwork4j.Sandbox;
import org.libnetwork4j.SandboxOptions;

/**
 * Docker's remote network driver protocol (plugin API 1.2, {@code NetworkDriver.*}) on a
 * controller's public API: dockerd's networks of driver "libnetwork4j" are bridge networks of
 * the controller, its endpoints the controller's endpoints, and each of its sandboxes a
 * sandbox whose caller moves interfaces in
 * ({@link SandboxOptions#callerMovesInterfaces}).
 *
 * <p>Names: a Docker network is the controller's network {@code docker-} plus the first 12
 * digits of its id, labelled with the whole id; an endpoint is named likewise; a Docker sandbox (its
 * SandboxKey's last element, 12 digits) is the container {@code docker-<key>}. dockerd gives
 * the driver ids only, never its names.
 *
 * <p>Published ports come with CreateEndpoint (dockerd's {@code com.docker.network.portmap})
 * and go live when the controller elects the endpoint its sandbox's gateway endpoint, which is
 * at the join: ProgramExternalConnectivity and RevokeExternalConnectivity then have nothing
 * left to do.
 */
final class DockerNetworkDriver {
    /** The label that carries dockerd's whole id on the controller's network and endpoint. */
    static final String DOCKER_ID = "org.libnetwork4j.docker.id";
    static final String PREFIX = "docker-";


    private final NetworkController controller;
    private final ObjectMapper json;

    DockerNetworkDriver(NetworkController controller, ObjectMapper json) {
        this.controller = controller;
        this.json = json;
    }

    static String networkName(String dockerId) {
        return PREFIX + Requests.shortId(dockerId, "NetworkID");
    }

    /**
     * Handles NetworkDriver.METHOD.
     *
     * @return the reply, or empty for a method the protocol does not have (404)
     */
    Optional<JsonNode> call(String method, JsonNode body) {
        return Optional.ofNullable(switch (method) {
            case "GetCapabilities" -> json.createObjectNode().put("Scope", "local").put("ConnectivityScope", "local");
            case "CreateNetwork" -> createNetwork(body);
            case "DeleteNetwork" -> deleteNetwork(body);
            case "CreateEndpoint" -> createEndpoint(body);
            case "EndpointOperInfo" -> endpointOperInfo(body);
            case "DeleteEndpoint" -> deleteEndpoint(body);
            case "Join" -> join(body);
            case "Leave" -> leave(body);
            // connectivity follows the controller's gateway election, done at the join and the leave
            case "ProgramExternalConnectivity", "RevokeExternalConnectivity" -> {
                network(body);
                yield json.createObjectNode();
            }
            // a local driver has no peers to learn of
            case "DiscoverNew", "DiscoverDelete" -> json.createObjectNode();
            default -> null;
        });
    }

    private JsonNode createNetwork(JsonNode body) {
        String id = Requests.text(body, "NetworkID");
        NetworkOptions.Builder o = NetworkOptions.builder().label(DOCKER_ID, id);
        JsonNode options = body.path("Options");
        JsonNode generic = options.path(Labels.GENERIC_DATA);
        for (Iterator<Map.Entry<String, JsonNode>> it = generic.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            o.option(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString());
        }
        o.enableIpv6(options.path(Labels.ENABLE_IPV6).asBoolean(false));
        o.internal(options.path(Labels.INTERNAL).asBoolean(false));
        boolean any = false;
        for (String family : new String[] {"IPv4Data", "IPv6Data"}) {
            for (JsonNode d : body.path(family)) {
                IpPrefix pool = Requests.prefix(d, "Pool");
                IpamConfig.Builder c = IpamConfig.builder().subnet(pool.toString());
                if (d.hasNonNull("Gateway") && !d.get("Gateway").asText().isEmpty()) {
                    c.gateway(IpAddresses.format(Requests.prefix(d, "Gateway").address()));
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = d.path("AuxAddresses").fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    c.auxAddress(e.getKey(), IpAddresses.format(Requests.prefix(e.getValue().asText(),
                            family + ".AuxAddresses." + e.getKey()).address()));
                }
                o.ipam(c.build());
                any = true;
            }
        }
        if (!any) {
            throw new InvalidParameterException("CreateNetwork: no IPv4Data: a network of this "
                    + "driver needs a subnet from an IPAM driver");
        }
        controller.newNetwork("bridge", networkName(id), o.build());
        return json.createObjectNode();
    }

    private JsonNode deleteNetwork(JsonNode body) {
        try {
            network(body).delete();
        } catch (NotFoundException gone) {
            // dockerd retries a delete that failed half-way: gone is deleted
        }
        return json.createObjectNode();
    }

    private JsonNode createEndpoint(JsonNode body) {
        Network n = network(body);
        String id = Requests.text(body, "EndpointID");
        JsonNode iface = body.path("Interface");
        EndpointOptions.Builder o = EndpointOptions.builder();
        String v4 = iface.path("Address").asText("");
        String v6 = iface.path("AddressIPv6").asText("");
        String mac = iface.path("MacAddress").asText("");
        if (!v4.isEmpty()) {
            o.ipv4(IpAddresses.format(Requests.prefix(v4, "Interface.Address").address()));
        }
        if (!v6.isEmpty()) {
            o.ipv6(IpAddresses.format(Requests.prefix(v6, "Interface.AddressIPv6").address()));
        }
        if (!mac.isEmpty()) {
            o.mac(mac);
        }
        for (JsonNode p : body.path("Options").path(Labels.PORT_MAP)) {
            o.publish(portBinding(p));
        }
        Endpoint e = n.createEndpoint(PREFIX + Requests.shortId(id, "EndpointID"), o.build());
        // what dockerd sent it keeps; a field it did not send is ours to give (libnetwork
        // refuses a reply that would change an address or MAC it has)
        ObjectNode reply = json.createObjectNode();
        ObjectNode out = reply.putObject("Interface");
        EndpointInfo i = e.info();
        if (v4.isEmpty() && i.ipv4() != null) {
            out.put("Address", i.ipv4().toString());
        }
        if (v6.isEmpty() && i.ipv6() != null) {
            out.put("AddressIPv6", i.ipv6().toString());
        }
        if (mac.isEmpty() && i.mac() != null) {
            out.put("MacAddress", i.mac().toString());
        }
        return reply;
    }

    /** dockerd's port map entry: Proto (6, 17, 132), Port, HostIP, HostPort, HostPortEnd. */
    private static PortBinding portBinding(JsonNode p) {
        Protocol proto = switch (p.path("Proto").asInt(6)) {
            case 6 -> Protocol.TCP;
            case 17 -> Protocol.UDP;
            case 132 -> Protocol.SCTP;
            default -> throw new InvalidParameterException(Labels.PORT_MAP + ": protocol number "
                    + p.path("Proto").asText() + " is none of tcp (6), udp (17), sctp (132)");
        };
        String hostIp = p.path("HostIP").asText("");
        int hostPort = p.path("HostPort").asInt(0);
        int end = p.path("HostPortEnd").asInt(0);
        return new PortBinding(hostIp.isEmpty() ? null : IpAddresses.parse(hostIp), hostPort,
                hostPort == 0 ? 0 : Math.max(end, hostPort), Requests.port(p, "Port"), proto);
    }

    private JsonNode endpointOperInfo(JsonNode body) {
        EndpointInfo i = endpoint(body).info();
        ObjectNode reply = json.createObjectNode();
        ObjectNode v = reply.putObject("Value");
        v.put("id", i.id());
        if (i.interfaceName() != null) {
            v.put("interface", i.interfaceName());
        }
        var ports = v.putArray(Labels.PORT_MAP);
        for (PortMapping m : i.ports()) {
            ports.add(json.valueToTree(Map.of("mapping", m.toString())));
        }
        return reply;
    }

    private JsonNode deleteEndpoint(JsonNode body) {
        try {
            endpoint(body).delete(true);
        } catch (NotFoundException gone) {
            // deleting what is gone succeeds
        }
        return json.createObjectNode();
    }

    private JsonNode join(JsonNode body) {
        Endpoint e = endpoint(body);
        String key = Requests.text(body, "SandboxKey");
        Sandbox sb = sandboxFor(key);
        e.join(sb);
        EndpointInfo i = e.info();
        ObjectNode reply = json.createObjectNode();
        reply.putObject("InterfaceName").put("SrcName", i.interfaceName()).put("DstPrefix", i.dstPrefix());
        if (i.gatewayV4() != null) {
            reply.put("Gateway", IpAddresses.format(i.gatewayV4()));
        }
        if (i.gatewayV6() != null && i.ipv6() != null) {
            reply.put("GatewayIPv6", IpAddresses.format(i.gatewayV6()));
        }
        reply.putArray("StaticRoutes");
        reply.put("DisableGatewayService", false);
        return reply;
    }

    /**
     * The controller's sandbox for a Docker sandbox, made on its first join. Bounded: a
     * concurrent join of the same sandbox either made it (found now) or failed.
     */
    private Sandbox sandboxFor(String key) {
        String name = key.isEmpty() ? "" : Path.of(key).getFileName().toString();
        if (name.isEmpty() || !SandboxOptions.isName(name)) {
            throw new InvalidParameterException("SandboxKey: \"" + key
                    + "\" does not end in a sandbox id");
        }
        String containerId = PREFIX + name;
        for (int round = 0; round < 3; round++) {
            try {
                return controller.sandboxByContainerId(containerId);
            } catch (NotFoundException none) {
                try {
                    return controller.newSandbox(containerId,
                            SandboxOptions.builder().callerMovesInterfaces(true).build());
                } catch (AlreadyExistsException raced) {
                    Thread.onSpinWait();
                }
            }
        }
        throw new RetryableException("the sandbox " + key + " is being made and removed at once");
    }

    private JsonNode leave(JsonNode body) {
        Endpoint e = endpoint(body);
        String sandboxId = e.info().sandboxId();
        if (sandboxId == null) {
            return json.createObjectNode(); // left already: dockerd retries what failed half-way
        }
        Sandbox sb = controller.sandboxById(sandboxId);
        e.leave(sb);
        if (sb.endpoints().isEmpty()) {
            try {
                sb.delete();
            } catch (NotFoundException gone) {
                // a concurrent leave of its other endpoint took it
            }
        }
        return json.createObjectNode();
    }

    private Network network(JsonNode body) {
        String id = Requests.text(body, "NetworkID");
        Network n = controller.networkByName(networkName(id));
        String labelled = n.info().labels().get(DOCKER_ID);
        if (!id.equals(labelled)) {
            throw new NotFoundException("network " + id + " not found (" + n.name() + " is network " + labelled + ")");
        }
        return n;
    }

    private Endpoint endpoint(JsonNode body) {
        Network n = network(body);
        String id = Requests.text(body, "EndpointID");
        return n.endpointByName(PREFIX + Requests.shortId(id, "EndpointID"));
    }
}
