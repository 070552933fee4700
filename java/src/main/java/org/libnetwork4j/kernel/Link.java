package org.libnetwork4j.kernel;

import java.util.Optional;

import org.libnetwork4j.MacAddress;
import org.libnetwork4j.internal.jni.LnwLink;
import org.libnetwork4j.internal.jni.LnwNative;

/**
 * A link as the kernel reported it (`ip -d link show`).
 *
 * @param index       its ifindex, in its namespace
 * @param name        its interface name
 * @param kind        "veth", "bridge", "macvlan", "vxlan"... or "" for a device without one
 * @param flags       IFF_* (see {@link #isUp()}, {@link #hasCarrier()})
 * @param mtu         in bytes
 * @param master      ifindex of the bridge it is enslaved to, 0 if none
 * @param group       its link group ({@code ip link set X group G}), 0 for the default one
 * @param peerIndex   IFLA_LINK: the veth peer's or lower device's ifindex, 0 if none
 * @param peerNetnsId the namespace id of {@code peerIndex} as seen from here, -1 if local
 * @param operState   its operational state, IF_OPER_* (RFC 2863: 6 is up, 2 down)
 * @param mac         its hardware address, null unless it has a 6-byte one
 * @param alias       its alias ({@code ip link set X alias A}), "" if none; read from dumps
 *                    ({@link Netlink#links}) only, "" elsewhere
 */
public record Link(int index, String name, String kind, int flags, int mtu, int master,
        int group, int peerIndex, int peerNetnsId, int operState, MacAddress mac, String alias) {

    static Link of(LnwLink l) {
        return of(l, "");
    }

    static Link of(LnwLink l, String alias) {
        MacAddress mac = l.mac_len == 6 ? MacAddress.of(l.mac) : null;
        return new Link(l.index, Errors.cString(l.name), Errors.cString(l.kind), l.flags, l.mtu,
                l.master, l.group, l.link, l.link_netnsid, l.operstate, mac, alias);
    }

    /**
     * Administratively up (IFF_UP).
     *
     * @return whether IFF_UP is set in {@link #flags()}
     */
    public boolean isUp() {
        return (flags & LnwNative.IFF_UP) != 0;
    }

    /**
     * Carrier present (IFF_LOWER_UP).
     *
     * @return whether IFF_LOWER_UP is set in {@link #flags()}
     */
    public boolean hasCarrier() {
        return (flags & LnwNative.IFF_LOWER_UP) != 0;
    }

    /** @return its hardware address, empty unless it has a 6-byte one (see {@link #mac()}) */
    public Optional<MacAddress> macAddress() {
        return Optional.ofNullable(mac);
    }
}
