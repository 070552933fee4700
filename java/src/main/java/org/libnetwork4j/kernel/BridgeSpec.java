package org.libnetwork4j.kernel;

import java.util.Objects;

import org.libnetwork4j.MacAddress;

/**
 * A bridge to create (`ip link add NAME [address MAC] [mtu M] [up] type bridge
 * [mcast_snooping 0]`); mtu 0 = default.
 *
 * @param name          the bridge's interface name (1-15 bytes, no '/', ':' or whitespace;
 *                      checked when it is created)
 * @param mtu           in bytes, 0 for the kernel's default
 * @param bringUp       the bridge is created up
 * @param mcastSnooping the kernel's default (true) sends multicast only to ports it has heard a
 *                      listener report from; off, a new port gets IPv6 neighbour discovery at
 *                      once instead of after its first, randomly delayed, MLD report
 * @param mac           the bridge's address, or null for the kernel's choice. The kernel's
 *                      choice does not stay: the bridge takes the lowest address among its
 *                      ports each time a port comes or goes
 */
public record BridgeSpec(String name, int mtu, boolean bringUp, boolean mcastSnooping, MacAddress mac) {
    /**
     * Requires a name.
     *
     * @param name          the bridge's interface name, not null
     * @param mtu           in bytes, 0 for the kernel's default
     * @param bringUp       created up
     * @param mcastSnooping multicast snooping on
     * @param mac           its address, null for the kernel's choice
     */
    public BridgeSpec {
        Objects.requireNonNull(name, "name");
    }

    /**
     * A bridge with the kernel's defaults: its MTU and address, down, multicast snooping on.
     *
     * @param name the bridge's interface name
     * @return the spec
     */
    public static BridgeSpec of(String name) {
        return new BridgeSpec(name, 0, false, true, null);
    }

    /**
     * @param value MTU in bytes, 0 for the kernel's default
     * @return a copy with that MTU
     */
    public BridgeSpec mtu(int value) {
        return new BridgeSpec(name, value, bringUp, mcastSnooping, mac);
    }

    /** @return a copy created up ({@code ip link add ... up}) */
    public BridgeSpec up() {
        return new BridgeSpec(name, mtu, true, mcastSnooping, mac);
    }

    /**
     * @param on whether the bridge snoops multicast (see {@link #mcastSnooping()})
     * @return a copy with that setting
     */
    public BridgeSpec mcastSnooping(boolean on) {
        return new BridgeSpec(name, mtu, bringUp, on, mac);
    }

    /**
     * @param address the bridge's address, null for the kernel's choice (see {@link #mac()})
     * @return a copy with that address, sent in the create request itself
     */
    public BridgeSpec mac(MacAddress address) {
        return new BridgeSpec(name, mtu, bringUp, mcastSnooping, address);
    }
}
