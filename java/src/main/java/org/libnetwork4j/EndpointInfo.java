package org.libnetwork4j;

import java.net.InetAddress;
import java.util.List;

/**
 * What an endpoint is.
 *
 * @param id            64 hex digits ({@link Endpoint#id})
 * @param name          its name, unique in its network
 * @param networkId     the id of its network
 * @param interfaceName its interface in the sandbox (eth0...), null while not joined; in a
 *                      sandbox whose caller moves interfaces in
 *                      ({@link SandboxOptions#callerMovesInterfaces}), its name in the host
 *                      namespace, where the join left it (Docker's SrcName)
 * @param mac           its interface's MAC, null where the driver makes no interface (host,
 *                      null)
 * @param ipv4          address and prefix length, null on a network without IPv4 (host, null)
 * @param ipv6          address and prefix length, null on a network without IPv6
 * @param gatewayV4     the network's IPv4 gateway, null if none (internal, host, null)
 * @param gatewayV6     the network's IPv6 gateway, null if none (no IPv6, internal, host, null)
 * @param sandboxId     the sandbox it is joined to, null if none
 * @param ports         published ports as they are now (empty unless the endpoint is its
 *                      sandbox's gateway endpoint)
 * @param aliases       its other names on the network ({@link EndpointOptions#aliases})
 * @param dstPrefix     for a join the caller carries into the container itself
 *                      ({@link SandboxOptions#callerMovesInterfaces}): the prefix of the
 *                      interface's name there, "eth" for eth0 (Docker's DstPrefix); else null
 */
public record EndpointInfo(String id, String name, String networkId, String interfaceName,
        MacAddress mac, IpPrefix ipv4, IpPrefix ipv6, InetAddress gatewayV4,
        InetAddress gatewayV6, String sandboxId, List<PortMapping> ports, List<String> aliases,
        String dstPrefix) {
    /**
     * Copies ports and aliases into immutable lists.
     *
     * @param id            the endpoint's id
     * @param name          its name
     * @param networkId     its network's id
     * @param interfaceName its interface in the sandbox, or null
     * @param mac           its MAC, or null
     * @param ipv4          its IPv4 address and prefix length, or null
     * @param ipv6          its IPv6 address and prefix length, or null
     * @param gatewayV4     the network's IPv4 gateway, or null
     * @param gatewayV6     the network's IPv6 gateway, or null
     * @param sandboxId     the sandbox it is joined to, or null
     * @param ports         published ports, not null
     * @param aliases       its aliases, not null
     * @param dstPrefix     the prefix of its name in the container, for a join the caller
     *                      carries in itself; else null
     */
    public EndpointInfo {
        ports = List.copyOf(ports);
        aliases = List.copyOf(aliases);
    }
}
