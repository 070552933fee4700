package org.libnetwork4j.kernel;

import java.util.Objects;

/** A bridge to create (`ip link add NAME [mtu M] [up] type bridge`); mtu 0 = default. */
public record BridgeSpec(String name, int mtu, boolean bringUp) {
    public BridgeSpec {
        Objects.requireNonNull(name, "name");
    }

    public static BridgeSpec of(String name) {
        return new BridgeSpec(name, 0, false);
    }

    public BridgeSpec mtu(int value) {
        return new BridgeSpec(name, value, bringUp);
    }

    public BridgeSpec up() {
        return new BridgeSpec(name, mtu, true);
    }
}
