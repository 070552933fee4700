package org.libnetwork4j.kernel;

import java.util.List;
import java.util.Objects;

import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.internal.jni.LnwErr;
import org.libnetwork4j.internal.jni.LnwNative;

/** Gratuitous ARP: telling the hosts on a link which MAC an IPv4 address has now. */
public final class Arp {
    static {
        NativeLoader.ensureLoaded();
    }

    private Arp() {
    }

    /**
     * One gratuitous ARP reply per neighbour, broadcast from its MAC on link {@code ifindex} of
     * {@code ns} (`arping -A -c 1 -I IF -s IP`, with the MAC given). Hosts on the link that
     * have an entry for the address (waiting for an answer, failed, or with another MAC) take
     * the MAC at once and send what they had queued for it; the others make no entry (Linux's
     * arp_accept off, its default).
     *
     * @param ns         the namespace of the link
     * @param ifindex    the link, in ns (a bridge: it floods the broadcast to its ports)
     * @param neighbours the addresses and their MACs, IPv4 only; their own ifindex is not used
     * @throws InvalidParameterException if an address is not IPv4 or ns is closed
     * @throws org.libnetwork4j.NetworkException (typed by errno) if a send fails; the ones
     *         before it went out
     */
    public static void announce(Netns ns, int ifindex, List<Neighbour> neighbours) {
        Objects.requireNonNull(ns, "ns");
        if (neighbours.isEmpty()) {
            return;
        }
        byte[] entries = Neighbour.pack(neighbours, 4, "announce arp");
        ns.withFd("announce arp", fd -> {
            LnwErr err = new LnwErr();
            if (LnwNative.lnw_arp_announce(fd, ifindex, entries, neighbours.size(), err) < 0) {
                throw Errors.of(err, "link index " + ifindex + " of " + ns);
            }
            return null;
        });
    }
}
