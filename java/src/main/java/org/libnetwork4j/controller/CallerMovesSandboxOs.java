package org.libnetwork4j.controller;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.NotSupportedException;
import org.libnetwork4j.kernel.Netlink;
import org.libnetwork4j.kernel.Netns;
import org.libnetwork4j.kernel.Route;

/**
 * The OS layer of a sandbox whose caller owns the container's namespace and moves interfaces
 * into it itself (SandboxOptions#callerMovesInterfaces): dockerd, serving a container through
 * our network plugin. dockerd calls the plugin's Join before the container's namespace exists
 * (runc makes it later, and dockerd's setkey hook then moves the interfaces in), so a join can
 * only leave the interface in the host namespace, under a temporary name, for dockerd to take.
 *
 * <p>Drivers therefore see the host's namespace as this sandbox's: a veth's peer is born
 * there. Everything inside the container (addresses, routes, up) is the caller's, so the
 * configuring calls do nothing, and there is nothing to read back at a restart.
 */
final class CallerMovesSandboxOs implements SandboxOs {
    private final HostNamespace host;
    private Netlink netlink; // guarded by this; opened on first use
    private boolean closed;  // guarded by this

    CallerMovesSandboxOs(HostNamespace host) {
        this.host = host;
    }

    @Override
    public boolean callerMovesInterfaces() {
        return true;
    }

    @Override
    public Path key() {
        return host.path();
    }

    @Override
    public boolean isHostNamespace() {
        return false;
    }

    /** The namespace the caller moves interfaces into is the caller's: never ours to delete. */
    @Override
    public boolean isExternal() {
        return true;
    }

    @Override
    public Netns netns() {
        return host.namespace();
    }

    /**
     * A handle of its own, bound to the host's namespace: the pool's handles are lent for one
     * call, and a driver keeps this one across its join's requests.
     */
    @Override
    public synchronized Netlink netlink() {
        if (netlink == null) {
            if (closed) {
                throw new NotFoundException(this + " is closed: its sandbox is deleted or its controller closed");
            }
            netlink = Netlink.open(host.namespace());
        }
        return netlink;
    }

    @Override
    public int moveIn(String srcName, String dstName) {
        throw new NotSupportedException("the caller of this sandbox moves interfaces into its namespace itself");
    }

    @Override
    public void moveOut(int index, String srcName) {
        // the caller moves its interfaces back out before their endpoints leave
    }

    @Override
    public void configure(int ifindex, String ifname, IpPrefix ipv4, IpPrefix ipv6, List<Route> staticRoutes,
            List<Route> then, Runnable whenUp) {
        // the caller's: it gives the interface its addresses and routes once it has moved it in
        whenUp.run();
    }

    @Override
    public void addRoutes(List<Route> routes, boolean ensure) {
        // likewise: the container's default route is the caller's (Docker's sandbox gateway)
    }

    @Override
    public void removeRoutes(List<Route> routes) {
        // likewise
    }

    @Override
    public Map<Integer, InterfaceState> interfaces() {
        return Map.of();
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (netlink != null) {
            netlink.close();
            netlink = null;
        }
    }

    @Override
    public void delete() {
        close();
    }

    @Override
    public String toString() {
        return "a namespace its caller moves interfaces into";
    }
}
