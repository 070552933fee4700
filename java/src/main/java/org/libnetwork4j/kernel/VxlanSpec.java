package org.libnetwork4j.kernel;

import java.net.InetAddress;
import java.util.Objects;

/**
 * A VXLAN device (`ip link add NAME type vxlan id VNI [local IP] [dev PARENT] dstport PORT
 * [nolearning] [mtu M]`). Port 0 means IANA's 4789 (the kernel's own default is 8472).
 */
public record VxlanSpec(String name, int vni, InetAddress local, int parentIndex, int port,
        boolean learning, int mtu) {
    public VxlanSpec {
        Objects.requireNonNull(name, "name");
    }

    public static VxlanSpec of(String name, int vni) {
        return new VxlanSpec(name, vni, null, 0, 0, false, 0);
    }

    public VxlanSpec local(InetAddress ip) {
        return new VxlanSpec(name, vni, ip, parentIndex, port, learning, mtu);
    }

    public VxlanSpec parent(int ifindex) {
        return new VxlanSpec(name, vni, local, ifindex, port, learning, mtu);
    }

    public VxlanSpec port(int p) {
        return new VxlanSpec(name, vni, local, parentIndex, p, learning, mtu);
    }

    public VxlanSpec learning(boolean on) {
        return new VxlanSpec(name, vni, local, parentIndex, port, on, mtu);
    }

    public VxlanSpec mtu(int m) {
        return new VxlanSpec(name, vni, local, parentIndex, port, learning, m);
    }
}
