package org.libnetwork4j.kernel;

import java.net.InetAddress;
import java.util.Objects;

import org.libnetwork4j.MacAddress;
import org.libnetwork4j.internal.jni.LnwNeigh;

/**
 * A permanent neighbour entry (`ip neigh add IP lladdr MAC dev IF nud permanent`).
 *
 * @param ifindex ifindex of the link the neighbour is reached through
 * @param ip      the neighbour's address, IPv4 (ARP) or IPv6 (neighbour discovery)
 * @param mac     its link-layer address
 */
public record Neighbour(int ifindex, InetAddress ip, MacAddress mac) {
    /**
     * Requires an address and a MAC.
     *
     * @param ifindex ifindex of the link the neighbour is reached through
     * @param ip      its address, not null
     * @param mac     its link-layer address, not null
     */
    public Neighbour {
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(mac, "mac");
    }

    LnwNeigh toNative() {
        LnwNeigh n = new LnwNeigh();
        n.ifindex = ifindex;
        byte[] a = ip.getAddress();
        n.dst_len = a.length;
        System.arraycopy(a, 0, n.dst, 0, a.length);
        n.lladdr_len = 6;
        System.arraycopy(mac.toBytes(), 0, n.lladdr, 0, 6);
        return n;
    }
}
