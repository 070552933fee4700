package org.libnetwork4j.controller;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.kernel.Netlink;
import org.libnetwork4j.kernel.Netns;
import org.libnetwork4j.kernel.Route;

/**
 * The OS layer of one sandbox (libnetwork's {@code osl.Sandbox}): its network namespace and the
 * interfaces, addresses and routes in it. Calls come with the sandbox's lock held, one at a
 * time.
 */
interface SandboxOs {

    /**
     * The caller moves interfaces into the namespace itself and configures them
     * (SandboxOptions#callerMovesInterfaces): a join leaves the interface in the host.
     */
    default boolean callerMovesInterfaces() {
        return false;
    }

    /** Where the namespace is: a bind mount under the run directory, or the host's own. */
    Path key();

    boolean isHostNamespace();

    /** A namespace made by someone else and adopted: never deleted here (SandboxOptions#netns). */
    default boolean isExternal() {
        return false;
    }

    /** An adopted namespace's identity as recorded ("DEVICE:INODE"); null for our own. */
    default String identity() {
        return null;
    }

    /** Whether the namespace is still there (an adopted one goes with its process). */
    default boolean stillThere() {
        return true;
    }

    /** The namespace, for drivers that make interfaces in it; null for the host's own. */
    Netns netns();

    /** A netlink handle bound to the namespace (opened on first use); null for the host's own. */
    Netlink netlink();

    /**
     * Moves the host's interface srcName in, renamed dstName, in one request; returns its
     * index there. ({@code ip link set dev SRC netns NS name DST})
     */
    int moveIn(String srcName, String dstName);

    /** Moves an interface back to the host, renamed srcName. Moving what is gone succeeds. */
    void moveOut(int index, String srcName);

    /**
     * An interface up (without an IPv6 link-local address unless it gets IPv6), then
     * {@code whenUp}, then its addresses (IPv6 without duplicate detection, so usable at once),
     * its static routes and {@code then}. Up first: the driver settles its end of the link in
     * whenUp (a bridge port forwards only once the kernel's link-watch has seen its carrier),
     * and a process already running in the sandbox (a container joined to one more network)
     * has no address to send from until then; its first ARP request would otherwise be lost,
     * and answered only by its retry a second later.
     */
    void configure(int ifindex, String ifname, IpPrefix ipv4, IpPrefix ipv6, List<Route> staticRoutes,
            List<Route> then, Runnable whenUp);

    /** Adds routes; with {@code ensure}, one that exists already counts as added. */
    void addRoutes(List<Route> routes, boolean ensure);

    /** Removes routes; one that is gone already counts as removed. */
    void removeRoutes(List<Route> routes);

    /**
     * What each interface is now, by index: up or not, and its addresses ("10.0.0.2/24"); for
     * recovery, which takes up only joins that were carried through.
     */
    Map<Integer, InterfaceState> interfaces();

    /** An interface as {@link #interfaces} reports it. */
    record InterfaceState(String name, boolean up, Set<String> addresses) {
    }

    /** Releases the handles; the namespace stays. Idempotent. */
    void close();

    /**
     * Unmounts the namespace (never the host's): the kernel removes it, and every interface in
     * it, as soon as nothing holds it; asynchronously, with no 20 ms synchronous delete per
     * interface. Deleting twice succeeds.
     */
    void delete();
}
