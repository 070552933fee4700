package org.libnetwork4j.driver;

import java.util.List;

/**
 * A network to create.
 *
 * @param id         its id, 64 hex digits
 * @param name       its name, unique among the controller's networks
 * @param settings   what {@link Driver#parseNetworkOptions} made of its options
 * @param internal   whether it is internal: no route out of the host, no published ports
 * @param enableIpv6 whether it has IPv6
 * @param v4 the IPv4 subnets with their gateways (empty for host/null)
 * @param v6 the IPv6 subnets, when the network has IPv6
 */
public record NetworkRequest(String id, String name, NetworkSettings settings, boolean internal,
        boolean enableIpv6, List<Subnet> v4, List<Subnet> v6) {
    /**
     * Copies the subnets into immutable lists.
     *
     * @param id         the network's id
     * @param name       its name
     * @param settings   the driver's settings for it
     * @param internal   whether it is internal
     * @param enableIpv6 whether it has IPv6
     * @param v4         its IPv4 subnets, not null
     * @param v6         its IPv6 subnets, not null
     */
    public NetworkRequest {
        v4 = List.copyOf(v4);
        v6 = List.copyOf(v6);
    }
}
