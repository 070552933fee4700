package org.libnetwork4j.driver;

import java.util.List;

/**
 * A network to create.
 *
 * @param v4 the IPv4 subnets with their gateways (empty for host/null)
 * @param v6 the IPv6 subnets, when the network has IPv6
 */
public record NetworkRequest(String id, String name, NetworkSettings settings, boolean internal,
        boolean enableIpv6, List<Subnet> v4, List<Subnet> v6) {
    public NetworkRequest {
        v4 = List.copyOf(v4);
        v6 = List.copyOf(v6);
    }
}
