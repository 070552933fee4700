package org.libnetwork4j.driver;

import java.net.InetAddress;
import java.util.Map;

import org.libnetwork4j.IpPrefix;

/**
 * An allocated subnet, its gateway address and the addresses reserved in it by name.
 *
 * @param prefix       the subnet, as a network address and prefix length
 * @param gateway      its gateway address, inside it
 * @param auxAddresses addresses reserved for devices outside the controller's control
 *                     ({@code --aux-address}), by name; a remote plugin is told of them
 */
public record Subnet(IpPrefix prefix, InetAddress gateway, Map<String, InetAddress> auxAddresses) {

    /**
     * Copies auxAddresses (null becomes empty).
     *
     * @param prefix       the subnet
     * @param gateway      its gateway
     * @param auxAddresses reserved addresses by name, or null for none
     */
    public Subnet {
        auxAddresses = auxAddresses == null ? Map.of() : Map.copyOf(auxAddresses);
    }

    /**
     * A subnet with no address reserved by name.
     *
     * @param prefix  the subnet
     * @param gateway its gateway
     */
    public Subnet(IpPrefix prefix, InetAddress gateway) {
        this(prefix, gateway, Map.of());
    }

    /**
     * The gateway with the subnet's prefix length, as it goes on a bridge.
     *
     * @return for gateway 172.18.0.1 in 172.18.0.0/16, {@code 172.18.0.1/16}
     */
    public IpPrefix gatewayPrefix() {
        return new IpPrefix(gateway, prefix.length());
    }
}
