package org.libnetwork4j.kernel;

import java.util.List;
import java.util.Objects;

import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.internal.jni.LnwErr;
import org.libnetwork4j.internal.jni.LnwNative;

/** Unsolicited neighbour advertisements: what {@link Arp} does for IPv4, for IPv6. */
public final class Ndisc {
    static {
        NativeLoader.ensureLoaded();
    }

    private Ndisc() {
    }

    /**
     * One unsolicited neighbour advertisement per neighbour and link: from the neighbour's
     * address and MAC to all nodes (ff02::1), with the override flag, sent on each of
     * {@code links} of {@code ns} itself. A host behind such a link that has an entry for the
     * address (waiting for an answer, failed, or with another MAC) takes the MAC at once and
     * sends what it had queued for it; the others make none (the kernel's default,
     * accept_untracked_na off).
     *
     * <p>Why on the links and not on a bridge above them, as {@link Arp#announce}: a bridge
     * floods a multicast to every port, a VXLAN device's too, and a VXLAN device in proxy mode
     * swallows ARP but sends advertisements on. One that reached the neighbour's own host would
     * teach that host's bridge that the neighbour's MAC is behind the tunnel.
     *
     * @param ns         the namespace of the links
     * @param links      the links (indexes in ns), for instance a bridge's container ports
     * @param neighbours the addresses and their MACs, IPv6 only; their own ifindex is not used
     * @throws InvalidParameterException if an address is not IPv6, a link index is not
     *         positive, or ns is closed
     * @throws org.libnetwork4j.NetworkException (typed by errno) if a send fails; the ones
     *         before it went out
     */
    public static void announce(Netns ns, List<Integer> links, List<Neighbour> neighbours) {
        Objects.requireNonNull(ns, "ns");
        if (neighbours.isEmpty() || links.isEmpty()) {
            return;
        }
        byte[] entries = Neighbour.pack(neighbours, 16, "announce neighbour");
        int[] ifindexes = links.stream().mapToInt(Integer::intValue).toArray();
        ns.withFd("announce neighbour", fd -> {
            LnwErr err = new LnwErr();
            if (LnwNative.lnw_ndisc_announce(fd, ifindexes, ifindexes.length, entries, neighbours.size(), err) < 0) {
                throw Errors.of(err, "links " + links + " of " + ns);
            }
            return null;
        });
    }
}
