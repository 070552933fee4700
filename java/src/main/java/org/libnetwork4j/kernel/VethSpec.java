package org.libnetwork4j.kernel;

import java.util.Objects;

import org.libnetwork4j.MacAddress;

/**
 * A veth pair to create in one request (`ip link add NAME type veth peer PEER netns NS`): the
 * peer is born inside {@code peerNamespace}'s namespace under its final name, never moved.
 * {@code VethSpec.of("veth1", "eth0").peerIn(sandbox).master(bridge).up()}.
 *
 * @param peerNamespace handle of the namespace the peer is created in; null: next to NAME
 * @param master        ifindex of a bridge for NAME, 0 for none
 * @param mtu           for both ends, 0 for the kernel's default
 * @param bringUp       NAME comes up at once (the peer cannot: the kernel refuses)
 * @param peerMac       the peer's address, null for a random one
 */
public record VethSpec(String name, String peerName, Netlink peerNamespace, int master,
        int mtu, boolean bringUp, MacAddress peerMac) {

    public VethSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(peerName, "peerName");
    }

    public static VethSpec of(String name, String peerName) {
        return new VethSpec(name, peerName, null, 0, 0, false, null);
    }

    public VethSpec peerIn(Netlink ns) {
        return new VethSpec(name, peerName, ns, master, mtu, bringUp, peerMac);
    }

    public VethSpec master(int bridgeIndex) {
        return new VethSpec(name, peerName, peerNamespace, bridgeIndex, mtu, bringUp, peerMac);
    }

    public VethSpec mtu(int value) {
        return new VethSpec(name, peerName, peerNamespace, master, value, bringUp, peerMac);
    }

    public VethSpec up() {
        return new VethSpec(name, peerName, peerNamespace, master, mtu, true, peerMac);
    }

    public VethSpec peerMac(MacAddress mac) {
        return new VethSpec(name, peerName, peerNamespace, master, mtu, bringUp, mac);
    }
}
