package org.libnetwork4j.driver;

import java.net.InetAddress;

import org.libnetwork4j.IpPrefix;

/** An allocated subnet and its gateway address. */
public record Subnet(IpPrefix prefix, InetAddress gateway) {
    /** The gateway with the subnet's prefix length, as it goes on a bridge. */
    public IpPrefix gatewayPrefix() {
        return new IpPrefix(gateway, prefix.length());
    }
}
