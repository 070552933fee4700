package org.libnetwork4j.kernel;

import java.util.Objects;

import org.libnetwork4j.MacAddress;
import org.libnetwork4j.internal.jni.LnwNative;

/**
 * A macvlan device on a parent link (`ip link add NAME link PARENT [address MAC] type macvlan
 * mode MODE`), born in {@code targetNamespace}'s namespace when that is set (the parent stays
 * put); mac null: the kernel chooses.
 *
 * @param name            its interface name, as it appears in the target namespace
 * @param parentIndex     ifindex of the parent link, in the namespace of the handle that creates
 *                        it
 * @param mode            how it reaches its siblings on the same parent, never null
 * @param targetNamespace handle of the namespace it is born in; null: next to the parent
 * @param mac             its address, null for one the kernel chooses
 */
public record MacvlanSpec(String name, int parentIndex, Mode mode, Netlink targetNamespace,
        MacAddress mac) {

    /** The macvlan modes (`ip link add ... type macvlan mode MODE`). */
    public enum Mode {
        /** No traffic between macvlans of the same parent, not even through the switch. */
        PRIVATE,
        /** Traffic between macvlans of the same parent goes out to the switch, which must send it back. */
        VEPA,
        /** Macvlans of the same parent reach one another directly, inside the kernel. */
        BRIDGE,
        /** One macvlan per parent, which takes the parent's address and puts it in promiscuous mode. */
        PASSTHRU;

        int value() {
            return switch (this) {
                case PRIVATE -> LnwNative.MACVLAN_MODE_PRIVATE;
                case VEPA -> LnwNative.MACVLAN_MODE_VEPA;
                case BRIDGE -> LnwNative.MACVLAN_MODE_BRIDGE;
                case PASSTHRU -> LnwNative.MACVLAN_MODE_PASSTHRU;
            };
        }
    }

    /**
     * Requires a name and a mode.
     *
     * @param name            its interface name, not null
     * @param parentIndex     ifindex of the parent link
     * @param mode            its mode, not null
     * @param targetNamespace handle of the namespace it is born in, null for the parent's
     * @param mac             its address, null for the kernel's choice
     */
    public MacvlanSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(mode, "mode");
    }

    /**
     * A macvlan in {@link Mode#BRIDGE} mode, next to its parent, with an address the kernel
     * chooses.
     *
     * @param name        its interface name
     * @param parentIndex ifindex of the parent link
     * @return the spec
     */
    public static MacvlanSpec of(String name, int parentIndex) {
        return new MacvlanSpec(name, parentIndex, Mode.BRIDGE, null, null);
    }

    /**
     * @param m the mode, not null
     * @return a copy with that mode
     */
    public MacvlanSpec mode(Mode m) {
        return new MacvlanSpec(name, parentIndex, m, targetNamespace, mac);
    }

    /**
     * @param ns handle of the namespace to create it in (the parent stays where it is); null
     *           for the parent's
     * @return a copy born there
     */
    public MacvlanSpec in(Netlink ns) {
        return new MacvlanSpec(name, parentIndex, mode, ns, mac);
    }

    /**
     * With this address (in the create request itself).
     *
     * @param address its MAC, null for one the kernel chooses
     * @return a copy with that address
     */
    public MacvlanSpec mac(MacAddress address) {
        return new MacvlanSpec(name, parentIndex, mode, targetNamespace, address);
    }
}
