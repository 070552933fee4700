package org.libnetwork4j.kernel;

import java.net.InetAddress;
import java.util.Objects;

/**
 * A VXLAN device (`ip link add NAME type vxlan id VNI [local IP] [dev PARENT] dstport PORT
 * [nolearning] [proxy] [mtu M]`). Port 0 means IANA's 4789 (the kernel's own default is 8472).
 *
 * @param name        its interface name
 * @param vni         the VXLAN network identifier, 1 to 16777215 (checked at creation)
 * @param local       the source address of its tunnel packets, IPv4 or IPv6; null: the kernel
 *                    picks one per packet from the route
 * @param parentIndex ifindex of its underlay link ({@code dev PARENT}), 0 for none
 * @param port        the UDP destination port of its tunnel packets, 0 for 4789
 * @param learning    whether it learns remote MACs from the packets it receives; off, only
 *                    the {@link FdbEntry FDB entries} it is given steer its packets
 * @param proxy       whether it answers ARP requests and IPv6 neighbour solicitations itself
 *                    from the {@link Neighbour neighbour entries} it is given; on, it sends
 *                    none of them through the tunnel and drops those it cannot answer
 * @param mtu         in bytes, 0 for the kernel's default
 */
public record VxlanSpec(String name, int vni, InetAddress local, int parentIndex, int port,
        boolean learning, boolean proxy, int mtu) {
    /**
     * Requires a name.
     *
     * @param name        its interface name, not null
     * @param vni         the VXLAN network identifier, 1 to 16777215
     * @param local       the source address of its tunnel packets, null for the kernel's choice
     * @param parentIndex ifindex of its underlay link, 0 for none
     * @param port        the UDP destination port, 0 for 4789
     * @param learning    it learns remote MACs from what it receives
     * @param proxy       it answers ARP and neighbour solicitations from its neighbour table
     * @param mtu         in bytes, 0 for the kernel's default
     */
    public VxlanSpec {
        Objects.requireNonNull(name, "name");
    }

    /**
     * A VXLAN device on port 4789 without learning or ARP proxy, with no local address, parent
     * or MTU of its own.
     *
     * @param name its interface name
     * @param vni  its VXLAN network identifier, 1 to 16777215
     * @return the spec
     */
    public static VxlanSpec of(String name, int vni) {
        return new VxlanSpec(name, vni, null, 0, 0, false, false, 0);
    }

    /**
     * @param ip the source address of its tunnel packets, null for the kernel's choice
     * @return a copy with that local address
     */
    public VxlanSpec local(InetAddress ip) {
        return new VxlanSpec(name, vni, ip, parentIndex, port, learning, proxy, mtu);
    }

    /**
     * @param ifindex ifindex of its underlay link, 0 for none
     * @return a copy on that parent
     */
    public VxlanSpec parent(int ifindex) {
        return new VxlanSpec(name, vni, local, ifindex, port, learning, proxy, mtu);
    }

    /**
     * @param p the UDP destination port, 0 for 4789
     * @return a copy on that port
     */
    public VxlanSpec port(int p) {
        return new VxlanSpec(name, vni, local, parentIndex, p, learning, proxy, mtu);
    }

    /**
     * @param on whether it learns remote MACs from what it receives (see {@link #learning()})
     * @return a copy with that setting
     */
    public VxlanSpec learning(boolean on) {
        return new VxlanSpec(name, vni, local, parentIndex, port, on, proxy, mtu);
    }

    /**
     * @param on whether it answers ARP and neighbour solicitations itself (see {@link #proxy()})
     * @return a copy with that setting
     */
    public VxlanSpec proxy(boolean on) {
        return new VxlanSpec(name, vni, local, parentIndex, port, learning, on, mtu);
    }

    /**
     * @param m MTU in bytes, 0 for the kernel's default
     * @return a copy with that MTU
     */
    public VxlanSpec mtu(int m) {
        return new VxlanSpec(name, vni, local, parentIndex, port, learning, proxy, m);
    }
}
