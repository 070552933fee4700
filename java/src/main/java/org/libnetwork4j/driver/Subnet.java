package org.libnetwork4j.driver;

import java.net.InetAddress;

import org.libnetwork4j.IpPrefix;

/**
 * An allocated subnet and its gateway address.
 *
 * @param prefix  the subnet, as a network address and prefix length
 * @param gateway its gateway address, inside it
 */
public record Subnet(IpPrefix prefix, InetAddress gateway) {
    /**
     * The gateway with the subnet's prefix length, as it goes on a bridge.
     *
     * @return for gateway 172.18.0.1 in 172.18.0.0/16, {@code 172.18.0.1/16}
     */
    public IpPrefix gatewayPrefix() {
        return new IpPrefix(gateway, prefix.length());
    }
}
