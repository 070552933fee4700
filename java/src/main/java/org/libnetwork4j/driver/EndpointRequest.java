package org.libnetwork4j.driver;

import java.util.List;

import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.MacAddress;
import org.libnetwork4j.PortBinding;

/**
 * An endpoint to prepare.
 *
 * @param networkId  the network it is on
 * @param endpointId its id, 64 hex digits
 * @param ipv4 its IPv4 address with the subnet's prefix length, or null
 * @param ipv6 its IPv6 address, or null
 * @param mac  the MAC asked for, or null: the driver chooses
 * @param ports ports to publish while the endpoint is its sandbox's gateway endpoint
 * @param hostPortsHeldByCaller the caller binds the host ports of ports itself: publish them
 *              without binding sockets to hold them
 */
public record EndpointRequest(String networkId, String endpointId, IpPrefix ipv4, IpPrefix ipv6,
        MacAddress mac, List<PortBinding> ports, boolean hostPortsHeldByCaller) {
    /**
     * Copies ports into an immutable list.
     *
     * @param networkId             the network it is on
     * @param endpointId            its id
     * @param ipv4                  its IPv4 address and prefix length, or null
     * @param ipv6                  its IPv6 address and prefix length, or null
     * @param mac                   the MAC asked for, or null
     * @param ports                 ports to publish, not null
     * @param hostPortsHeldByCaller whether the caller holds the host ports itself
     */
    public EndpointRequest {
        ports = List.copyOf(ports);
    }

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    /**
     * The MAC asked for, else Docker's: 02:42 and the IPv4 address, so that a container keeps
     * its MAC with its address; without IPv4 a random locally administered unicast one.
     *
     * @return the MAC; without one asked for and without IPv4, a new random one on each call
     */
    public MacAddress macOrDerived() {
        if (mac != null) {
            return mac;
        }
        if (ipv4 != null && ipv4.address() instanceof java.net.Inet4Address) {
            byte[] ip = ipv4.address().getAddress();
            return MacAddress.of(new byte[] {0x02, 0x42, ip[0], ip[1], ip[2], ip[3]});
        }
        byte[] b = new byte[6];
        RANDOM.nextBytes(b);
        b[0] = (byte) ((b[0] & 0xFC) | 0x02); // locally administered, unicast
        return MacAddress.of(b);
    }
}
