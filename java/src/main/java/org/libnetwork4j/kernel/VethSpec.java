package org.libnetwork4j.kernel;

import java.util.Objects;

import org.libnetwork4j.MacAddress;

/**
 * A veth pair to create in one request (`ip link add NAME type veth peer PEER netns NS`): the
 * peer is born inside {@code peerNamespace}'s namespace under its final name, never moved.
 * {@code VethSpec.of("veth1", "eth0").peerIn(sandbox).master(bridge).up()}.
 *
 * @param name          NAME, the end created in the namespace of the handle that creates the
 *                      pair (1-15 bytes, no '/', ':' or whitespace; checked at creation)
 * @param peerName      PEER, the other end's name, with the same rules
 * @param peerNamespace handle of the namespace the peer is created in; null: next to NAME
 * @param master        ifindex of a bridge for NAME, 0 for none
 * @param mtu           for both ends, 0 for the kernel's default
 * @param bringUp       NAME comes up at once (the peer cannot: the kernel refuses)
 * @param peerMac       the peer's address, null for a random one
 */
public record VethSpec(String name, String peerName, Netlink peerNamespace, int master,
        int mtu, boolean bringUp, MacAddress peerMac) {

    /**
     * Requires both names.
     *
     * @param name          NAME, not null
     * @param peerName      PEER, not null
     * @param peerNamespace handle of the peer's namespace, null for NAME's
     * @param master        ifindex of a bridge for NAME, 0 for none
     * @param mtu           for both ends, 0 for the kernel's default
     * @param bringUp       NAME comes up at once
     * @param peerMac       the peer's address, null for a random one
     */
    public VethSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(peerName, "peerName");
    }

    /**
     * A pair with both ends in one namespace, no master, the kernel's MTU and addresses, down.
     *
     * @param name     NAME, the end that stays with the creating handle
     * @param peerName PEER, the other end
     * @return the spec
     */
    public static VethSpec of(String name, String peerName) {
        return new VethSpec(name, peerName, null, 0, 0, false, null);
    }

    /**
     * @param ns handle of the namespace to create the peer in, null for NAME's
     * @return a copy whose peer is born there
     */
    public VethSpec peerIn(Netlink ns) {
        return new VethSpec(name, peerName, ns, master, mtu, bringUp, peerMac);
    }

    /**
     * @param bridgeIndex ifindex of the bridge NAME becomes a port of, 0 for none
     * @return a copy with that master
     */
    public VethSpec master(int bridgeIndex) {
        return new VethSpec(name, peerName, peerNamespace, bridgeIndex, mtu, bringUp, peerMac);
    }

    /**
     * @param value MTU in bytes for both ends, 0 for the kernel's default
     * @return a copy with that MTU
     */
    public VethSpec mtu(int value) {
        return new VethSpec(name, peerName, peerNamespace, master, value, bringUp, peerMac);
    }

    /** @return a copy whose NAME end is created up (the peer stays down) */
    public VethSpec up() {
        return new VethSpec(name, peerName, peerNamespace, master, mtu, true, peerMac);
    }

    /**
     * @param mac the peer's address, null for a random one
     * @return a copy with that peer address, sent in the create request itself
     */
    public VethSpec peerMac(MacAddress mac) {
        return new VethSpec(name, peerName, peerNamespace, master, mtu, bringUp, mac);
    }
}
