package org.libnetwork4j.kernel;

import java.util.Objects;

import org.libnetwork4j.MacAddress;

/**
 * A bridge to create (`ip link add NAME [address MAC] [mtu M] [up] type bridge
 * [mcast_snooping 0]`); mtu 0 = default.
 *
 * @param mcastSnooping the kernel's default (true) sends multicast only to ports it has heard a
 *                      listener report from; off, a new port gets IPv6 neighbour discovery at
 *                      once instead of after its first, randomly delayed, MLD report
 * @param mac           the bridge's address, or null for the kernel's choice. The kernel's
 *                      choice does not stay: the bridge takes the lowest address among its
 *                      ports each time a port comes or goes
 */
public record BridgeSpec(String name, int mtu, boolean bringUp, boolean mcastSnooping, MacAddress mac) {
    public BridgeSpec {
        Objects.requireNonNull(name, "name");
    }

    public static BridgeSpec of(String name) {
        return new BridgeSpec(name, 0, false, true, null);
    }

    public BridgeSpec mtu(int value) {
        return new BridgeSpec(name, value, bringUp, mcastSnooping, mac);
    }

    public BridgeSpec up() {
        return new BridgeSpec(name, mtu, true, mcastSnooping, mac);
    }

    public BridgeSpec mcastSnooping(boolean on) {
        return new BridgeSpec(name, mtu, bringUp, on, mac);
    }

    public BridgeSpec mac(MacAddress address) {
        return new BridgeSpec(name, mtu, bringUp, mcastSnooping, address);
    }
}
