package org.libnetwork4j.kernel;

import java.util.Objects;

/**
 * A bridge to create (`ip link add NAME [mtu M] [up] type bridge [mcast_snooping 0]`); mtu 0 =
 * default.
 *
 * @param mcastSnooping the kernel's default (true) sends multicast only to ports it has heard a
 *                      listener report from; off, a new port gets IPv6 neighbour discovery at
 *                      once instead of after its first, randomly delayed, MLD report
 */
public record BridgeSpec(String name, int mtu, boolean bringUp, boolean mcastSnooping) {
    public BridgeSpec {
        Objects.requireNonNull(name, "name");
    }

    public static BridgeSpec of(String name) {
        return new BridgeSpec(name, 0, false, true);
    }

    public BridgeSpec mtu(int value) {
        return new BridgeSpec(name, value, bringUp, mcastSnooping);
    }

    public BridgeSpec up() {
        return new BridgeSpec(name, mtu, true, mcastSnooping);
    }

    public BridgeSpec mcastSnooping(boolean on) {
        return new BridgeSpec(name, mtu, bringUp, on);
    }
}
