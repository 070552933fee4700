package org.libnetwork4j.firewall;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

import org.libnetwork4j.IpPrefix;

/**
 * What the firewall needs to know of one bridge network.
 *
 * @param id         the network's id, written as a comment on each of its elements
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
    public NetworkRules {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(bridge, "bridge");
        subnets = subnets.stream().map(IpPrefix::network).toList();
        gateways = List.copyOf(gateways);
    }
}
