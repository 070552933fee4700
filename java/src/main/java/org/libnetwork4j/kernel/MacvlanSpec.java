package org.libnetwork4j.kernel;

import java.util.Objects;

import org.libnetwork4j.MacAddress;
import org.libnetwork4j.internal.jni.LnwNative;

/**
 * A macvlan device on a parent link (`ip link add NAME link PARENT [address MAC] type macvlan
 * mode MODE`), born in {@code targetNamespace}'s namespace when that is set (the parent stays
 * put); mac null: the kernel chooses.
 */
public record MacvlanSpec(String name, int parentIndex, Mode mode, Netlink targetNamespace,
        MacAddress mac) {

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
        return new MacvlanSpec(name, parentIndex, Mode.BRIDGE, null, null);
    }

    public MacvlanSpec mode(Mode m) {
        return new MacvlanSpec(name, parentIndex, m, targetNamespace, mac);
    }

    public MacvlanSpec in(Netlink ns) {
        return new MacvlanSpec(name, parentIndex, mode, ns, mac);
    }

    /** With this address (in the create request itself). */
    public MacvlanSpec mac(MacAddress address) {
        return new MacvlanSpec(name, parentIndex, mode, targetNamespace, address);
    }
}
