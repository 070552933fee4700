package org.libnetwork4j.kernel;

import java.net.InetAddress;
import java.util.Objects;

import org.libnetwork4j.MacAddress;
import org.libnetwork4j.internal.jni.LnwNeigh;

/** A permanent neighbour entry (`ip neigh add IP lladdr MAC dev IF nud permanent`). */
public record Neighbour(int ifindex, InetAddress ip, MacAddress mac) {
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
