package org.libnetwork4j.kernel;

import java.net.InetAddress;
import java.util.Objects;

import org.libnetwork4j.MacAddress;
import org.libnetwork4j.internal.jni.LnwNeigh;

/**
 * A forwarding database entry of a bridge or VXLAN device (`bridge fdb add MAC dev IF [dst IP]
 * self permanent`). On a VXLAN device, {@code remote} is the tunnel endpoint behind which MAC
 * lives; the all-zero MAC with several remotes is the flooding list.
 *
 * @param ifindex the bridge or VXLAN device the entry belongs to
 * @param mac     the destination MAC
 * @param remote  the VXLAN tunnel endpoint, IPv4 or IPv6; null for none (a bridge's entry)
 */
public record FdbEntry(int ifindex, MacAddress mac, InetAddress remote) {
    /**
     * Requires a MAC.
     *
     * @param ifindex the bridge or VXLAN device
     * @param mac     the destination MAC, not null
     * @param remote  the VXLAN tunnel endpoint, null for none
     */
    public FdbEntry {
        Objects.requireNonNull(mac, "mac");
    }

    LnwNeigh toNative() {
        LnwNeigh n = new LnwNeigh();
        n.ifindex = ifindex;
        n.lladdr_len = 6;
        System.arraycopy(mac.toBytes(), 0, n.lladdr, 0, 6);
        if (remote != null) {
            byte[] a = remote.getAddress();
            n.dst_len = a.length;
            System.arraycopy(a, 0, n.dst, 0, a.length);
        }
        return n;
    }
}
