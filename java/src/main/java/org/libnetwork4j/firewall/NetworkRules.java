package org.libnetwork4j.firewall;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

import org.libnetwork4j.IpPrefix;

/**
 * What the firewall needs to know of one bridge network.
 *
 * @param id         the network's id, written as a comment on each of its elements
 * @param bridge     the network's bridge, the key the firewall holds it by
 * @param internal   nothing is forwarded from the bridge to another interface, or into it
 * @param masquerade traffic from the network leaving the host is masqueraded
 *                   ({@code enable_ip_masquerade}); ignored for internal networks
 * @param snatIpv4   SNAT to this address instead of masquerading ({@code host_ipv4}), or null
 * @param icc        containers of the network may talk to each other ({@code enable_icc})
 * @param subnets    the network's subnets, IPv4 and IPv6
 * @param gateways   the bridge's gateway addresses, IPv4 and IPv6
 * @param resolver   the controller's DNS resolver listens on the gateways: port 53 there is
 *                   never DNAT'ed to a published port, and stays silent while it restarts
 */
public record NetworkRules(String id, String bridge, boolean internal, boolean masquerade, InetAddress snatIpv4,
        boolean icc, List<IpPrefix> subnets, List<InetAddress> gateways, boolean resolver) {
    /**
     * Requires id and bridge; subnets are reduced to their network addresses, and both lists
     * copied.
     *
     * @param id         the network's id, not null
     * @param bridge     its bridge, not null
     * @param internal   whether it is internal
     * @param masquerade whether its outgoing traffic is masqueraded
     * @param snatIpv4   the SNAT address, or null
     * @param icc        whether its containers may talk to each other
     * @param subnets    its subnets, not null
     * @param gateways   its gateway addresses, not null
     * @param resolver   whether the DNS resolver listens on its gateways
     */
    public NetworkRules {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(bridge, "bridge");
        subnets = subnets.stream().map(IpPrefix::network).toList();
        gateways = List.copyOf(gateways);
    }
}
