package org.libnetwork4j.kernel;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

import org.libnetwork4j.InvalidParameterException;
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

    /**
     * Neighbours as the core's announcers take them: each one's address (addressLength bytes,
     * one family), then its MAC.
     *
     * @throws InvalidParameterException naming op and the address of another family
     */
    static byte[] pack(List<Neighbour> neighbours, int addressLength, String op) {
        byte[] entries = new byte[(addressLength + 6) * neighbours.size()];
        int at = 0;
        for (Neighbour n : neighbours) {
            byte[] a = n.ip().getAddress();
            if (a.length != addressLength) {
                throw new InvalidParameterException(op + ": " + n.ip().getHostAddress() + " is not an IPv"
                        + (addressLength == 4 ? 4 : 6) + " address");
            }
            System.arraycopy(a, 0, entries, at, addressLength);
            System.arraycopy(n.mac().toBytes(), 0, entries, at + addressLength, 6);
            at += addressLength + 6;
        }
        return entries;
    }
}
