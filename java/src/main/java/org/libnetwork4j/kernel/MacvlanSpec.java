package org.libnetwork4j.kernel;

import java.util.Objects;

import org.libnetwork4j.internal.jni.LnwNative;

/**
 * A macvlan device on a parent link (`ip link add NAME link PARENT type macvlan mode MODE`),
 * born in {@code targetNamespace}'s namespace when that is set (the parent stays put).
 */
public record MacvlanSpec(String name, int parentIndex, Mode mode, Netlink targetNamespace) {

    public enum Mode {
        PRIVATE, VEPA, BRIDGE, PASSTHRU;

        int value() {
            return switch (this) {
                case PRIVATE -> LnwNative.MACVLAN_MODE_PRIVATE;
                case VEPA -> LnwNative.MACVLAN_MODE_VEPA;
                case BRIDGE -> LnwNative.MACVLAN_MODE_BRIDGE;
                case PASSTHRU -> LnwNative.MACVLAN_MODE_PASSTHRU;
            };
        }
    }

    public MacvlanSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(mode, "mode");
    }

    public static MacvlanSpec of(String name, int parentIndex) {
        return new MacvlanSpec(name, parentIndex, Mode.BRIDGE, null);
    }

    public MacvlanSpec mode(Mode m) {
        return new MacvlanSpec(name, parentIndex, m, targetNamespace);
    }

    public MacvlanSpec in(Netlink ns) {
        return new MacvlanSpec(name, parentIndex, mode, ns);
    }
}
