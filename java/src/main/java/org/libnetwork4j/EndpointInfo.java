package org.libnetwork4j;

import java.net.InetAddress;
import java.util.List;

/**
 * What an endpoint is.
 *
 * @param interfaceName its interface in the sandbox (eth0...), null while not joined
 * @param ipv4          address and prefix length, null on a network without IPv4 (host, null)
 * @param gatewayV4     the network's IPv4 gateway, null if none (internal, host, null)
 * @param sandboxId     the sandbox it is joined to, null if none
 * @param ports         published ports as they are now (empty unless the endpoint is its
 *                      sandbox's gateway endpoint)
 * @param aliases       its other names on the network ({@link EndpointOptions#aliases})
 */
public record EndpointInfo(String id, String name, String networkId, String interfaceName,
        MacAddress mac, IpPrefix ipv4, IpPrefix ipv6, InetAddress gatewayV4,
        InetAddress gatewayV6, String sandboxId, List<PortMapping> ports, List<String> aliases) {
    public EndpointInfo {
        ports = List.copyOf(ports);
        aliases = List.copyOf(aliases);
    }
}
