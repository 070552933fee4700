package org.libnetwork4j.plugin;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.libnetwork4j.AddressPool;
import org.libnetwork4j.Endpoint;
import org.libnetwork4j.ForbiddenException;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.NetworkInfo;
import org.libnetwork4j.ipam.DefaultIpam;
import org.libnetwork4j.ipam.Pool;
import org.libnetwork4j.ipam.PoolRequest;

/**
 * Docker's remote IPAM protocol ({@code IpamDriver.*}). dockerd asks for a network's pool and
 * addresses before it creates the network and its endpoints with the driver, so this ledger
 * runs ahead of the controller: it is the same allocator the controller uses, kept for
 * dockerd's requests, and the controller then reserves what dockerd passes on (a network's
 * subnet and gateway, an endpoint's address).
 *
 * <p>It is not stored: at start it is rebuilt from the controller's networks of dockerd (their
 * subnets, gateways, aux and endpoint addresses), which the controller does store. What
 * dockerd asked for and had not yet passed on when a daemon stopped (a pool before its
 * network's create, an address before its endpoint's) is forgotten; dockerd passes it on
 * within the same operation, or releases it.
 *
 * <p>Subnets chosen for dockerd avoid the controller's other networks.
 */
final class DockerIpam {
    private final NetworkController controller;
    private final ObjectMapper json;
    private final DefaultIpam ledger;

    DockerIpam(NetworkController controller, ObjectMapper json, List<AddressPool> pools) {
        this.controller = controller;
        this.json = json;
        this.ledger = new DefaultIpam(pools.isEmpty() ? DefaultIpam.LOCAL_DEFAULTS : pools, this::usedElsewhere);
        rebuild();
    }

    private boolean usedElsewhere(IpPrefix candidate) {
        for (Network n : controller.networks()) {
            NetworkInfo i = n.info();
            if (i.labels().containsKey(DockerNetworkDriver.DOCKER_ID)) {
                continue; // dockerd's: in the ledger already
            }
            for (NetworkInfo.IpamData d : i.ipam()) {
                if (d.subnet().overlaps(candidate)) {
                    return true;
                }
            }
        }
        return false;
    }

    private void rebuild() {
        for (Network n : controller.networks()) {
            NetworkInfo i = n.info();
            if (!i.labels().containsKey(DockerNetworkDriver.DOCKER_ID)) {
                continue;
            }
            for (NetworkInfo.IpamData d : i.ipam()) {
                Pool p = ledger.requestPool(PoolRequest.of(d.subnet(), null));
                reserve(p, d.gateway());
                d.auxAddresses().values().forEach(a -> reserve(p, a));
                for (Endpoint e : n.endpoints()) {
                    var info = e.info();
                    reserve(p, d.subnet().isIpv4() ? addr(info.ipv4()) : addr(info.ipv6()));
                }
            }
        }
    }

    private static InetAddress addr(IpPrefix p) {
        return p == null ? null : p.address();
    }

    private void reserve(Pool p, InetAddress a) {
        if (a != null && p.subnet().contains(a)) {
            ledger.requestAddress(p.id(), a);
        }
    }

    /**
     * Handles IpamDriver.METHOD.
     *
     * @return the reply, or empty for a method the protocol does not have (404)
     */
    Optional<JsonNode> call(String method, JsonNode body) {
        return Optional.ofNullable(switch (method) {
            case "GetCapabilities" -> json.createObjectNode().put("RequiresMACAddress", false)
                    .put("RequiresRequestReplay", false);
            case "GetDefaultAddressSpaces" -> json.createObjectNode()
                    .put("LocalDefaultAddressSpace", DefaultIpam.ADDRESS_SPACE)
                    .put("GlobalDefaultAddressSpace", "GlobalDefault");
            case "RequestPool" -> requestPool(body);
            case "ReleasePool" -> {
                String pool = Requests.text(body, "PoolID");
                ledger.releasePool(pool);
                yield json.createObjectNode();
            }
            case "RequestAddress" -> requestAddress(body);
            case "ReleaseAddress" -> {
                String pool = Requests.text(body, "PoolID");
                ledger.releaseAddress(pool, IpAddresses.parse(Requests.text(body, "Address")));
                yield json.createObjectNode();
            }
            default -> null;
        });
    }

    private JsonNode requestPool(JsonNode body) {
        String space = body.path("AddressSpace").asText("");
        if (!space.isEmpty() && !space.equals(DefaultIpam.ADDRESS_SPACE)) {
            throw new InvalidParameterException("AddressSpace: \"" + space + "\" is not one of this driver's ("
                    + DefaultIpam.ADDRESS_SPACE + ")");
        }
        String pool = body.path("Pool").asText("");
        String sub = body.path("SubPool").asText("");
        boolean v6 = body.path("V6").asBoolean(false);
        PoolRequest r;
        if (pool.isEmpty()) {
            if (!sub.isEmpty()) {
                throw new InvalidParameterException("SubPool: \"" + sub + "\" given without a Pool");
            }
            r = PoolRequest.any(v6);
        } else {
            IpPrefix subnet = Requests.prefix(pool, "Pool");
            if (subnet.isIpv4() == v6) {
                throw new InvalidParameterException("Pool: " + pool + " is not an IPv" + (v6 ? 6 : 4) + " subnet, as V6 says");
            }
            r = PoolRequest.of(subnet, sub.isEmpty() ? null : Requests.prefix(sub, "SubPool"));
            // the ledger checks its own pools; the controller's other networks are checked
            // here, before dockerd goes on to create a network the controller would refuse
            if (usedElsewhere(subnet)) {
                throw new ForbiddenException("Pool: " + subnet
                        + " overlaps a network of the controller's that is not dockerd's");
            }
        }
        Pool p = ledger.requestPool(r);
        var reply = json.createObjectNode().put("PoolID", p.id()).put("Pool", p.subnet().toString());
        reply.putObject("Data");
        return reply;
    }

    private JsonNode requestAddress(JsonNode body) {
        String poolId = Requests.text(body, "PoolID");
        String wanted = body.path("Address").asText("");
        InetAddress preferred = wanted.isEmpty() ? null : IpAddresses.parse(wanted);
        // The gateway (Options' RequestAddressType com.docker.network.gateway) and the
        // endpoints come from one range, lowest first, as on the controller's own networks:
        // the request type needs nothing of its own.
        InetAddress a = ledger.requestAddress(poolId, preferred);
        var reply = json.createObjectNode().put("Address", IpAddresses.format(a) + "/"
                + ledger.pool(poolId).subnet().length());
        reply.putObject("Data");
        return reply;
    }
}
