package org.libnetwork4j.driver;

import java.util.List;

import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.MacAddress;
import org.libnetwork4j.PortBinding;

/**
 * An endpoint to prepare.
 *
 * @param ipv4 its IPv4 address with the subnet's prefix length, or null
 * @param ipv6 its IPv6 address, or null
 * @param mac  the MAC asked for, or null: the driver chooses
 * @param ports ports to publish while the endpoint is its sandbox's gateway endpoint
 */
public record EndpointRequest(String networkId, String endpointId, IpPrefix ipv4, IpPrefix ipv6,
        MacAddress mac, List<PortBinding> ports) {
    public EndpointRequest {
        ports = List.copyOf(ports);
    }
}
