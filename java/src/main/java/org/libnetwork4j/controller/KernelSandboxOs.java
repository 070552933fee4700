package org.libnetwork4j.controller;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import org.libnetwork4j.AlreadyExistsException;
import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.kernel.Addr;
import org.libnetwork4j.kernel.Link;
import org.libnetwork4j.kernel.Netlink;
import org.libnetwork4j.kernel.Netns;
import org.libnetwork4j.kernel.Route;

/** A sandbox's namespace in the kernel, and a netlink handle bound to it. */
final class KernelSandboxOs implements SandboxOs {
    /** A new namespace's loopback is always ifindex 1 (LOOPBACK_IFINDEX): no lookup needed. */
    private static final int LOOPBACK_INDEX = 1;
    private static final boolean KERNEL_HAS_IPV6 = Files.isDirectory(Path.of("/proc/sys/net/ipv6"));

    /**
     * Nothing is written into a sandbox's /proc/sys. Each namespace that looks up its
     * /proc/sys/net leaves a dentry of that name under the one /proc/sys root, all in one hash
     * chain, which every later lookup walks: with 10,000 sandboxes that did, creating one took
     * 20 ms instead of 0.7 (benchmarks/RESULTS.md). What the sysctls gave is had otherwise:
     * an interface of a network without IPv6 makes no link-local address (set before it is up,
     * in {@link #configure}), so it sends none of the IPv6 start-up traffic the bridge would
     * flood to every port; and router advertisements never reach a container's port (the
     * firewall drops them in the bridge, see Ruleset), so none is obeyed (CVE-2020-13401).
     */
    private final HostNamespace host;
    private final Path key;
    private final Netns netns; // null when the sandbox is the host's namespace
    private Netlink netlink;   // likewise; else opened on first use (guarded by this)
    private boolean closed;    // guarded by this
    private final boolean external; // adopted: someone else's namespace, never deleted here

    private KernelSandboxOs(HostNamespace host, Path key, Netns netns, Netlink netlink) {
        this(host, key, netns, netlink, false);
    }

    private KernelSandboxOs(HostNamespace host, Path key, Netns netns, Netlink netlink, boolean external) {
        this.host = host;
        this.key = key;
        this.netns = netns;
        this.netlink = netlink;
        this.external = external;
    }

    /**
     * Someone else's namespace at path (a runtime's /proc/PID/ns/net or bind mount), loopback
     * up. It is referred to by its path, checked to be the same namespace at each use, and
     * never mounted here: when its process exits the path goes, and the sandbox with it.
     */
    static KernelSandboxOs adopt(HostNamespace host, Path path) {
        Netns opened = Netns.open(path);
        Netlink nl = null;
        try {
            if (opened.id().equals(host.namespace().id())) {
                throw new org.libnetwork4j.InvalidParameterException("namespace " + path
                        + " is the host's own: a sandbox there is made with useHostNamespace");
            }
            nl = Netlink.open(opened);
            nl.setUp(LOOPBACK_INDEX);
            return new KernelSandboxOs(host, path, held(opened), nl, true);
        } catch (RuntimeException e) {
            if (nl != null) {
                nl.close();
            }
            opened.close();
            throw e;
        }
    }

    /**
     * An adopted namespace after a restart, if path is still the namespace identity names
     * ("DEVICE:INODE", as recorded).
     *
     * @throws NotFoundException if it is gone, or another namespace is at path now
     */
    static KernelSandboxOs openAdopted(HostNamespace host, Path path, String identity) {
        Netns opened = Netns.open(path);
        String now = identity(opened);
        if (!now.equals(identity)) {
            opened.close();
            throw new NotFoundException("namespace " + path + " is another one now (" + now + ", was " + identity + ")");
        }
        return new KernelSandboxOs(host, path, held(opened), null, true);
    }

    /** How a namespace is recorded: "DEVICE:INODE" of its nsfs file. */
    static String identity(Netns ns) {
        return ns.id().device() + ":" + ns.id().inode();
    }

    /** A namespace bind-mounted at dir/name, loopback up; nothing left if a step fails. */
    static KernelSandboxOs create(HostNamespace host, Path dir, String name) {
        Netns ns = Netns.createAt(dir, name);
        Netlink nl = null;
        try {
            nl = Netlink.open(ns);
            nl.setUp(LOOPBACK_INDEX);
            return new KernelSandboxOs(host, dir.resolve(name), held(ns), nl);
        } catch (RuntimeException e) {
            Teardown t = new Teardown();
            if (nl != null) {
                t.step(nl::close);
            }
            t.step(ns::delete);
            t.suppressInto(e);
            throw e;
        }
    }

    /** The host's own namespace, for a host-namespace sandbox: nothing of it is ours. */
    static KernelSandboxOs hostNamespace(HostNamespace host) {
        return new KernelSandboxOs(host, host.path(), null, null);
    }

    /**
     * A namespace made before a restart, checked to be there by one stat, no descriptor
     * opened (Netns#atPath); its netlink handle is opened when first needed. Opening one
     * enters the namespace on a thread of its own (~100 us): for every sandbox at once, that
     * alone would take a restart with 10,000 of them past a second, and most of them have
     * nothing to ask of the kernel then.
     *
     * @throws org.libnetwork4j.NetworkException if gone
     */
    static KernelSandboxOs open(HostNamespace host, Path key) {
        return new KernelSandboxOs(host, key, Netns.atPath(key), null);
    }

    /**
     * The sandbox keeps one descriptor, its netlink socket (bound to the namespace for good);
     * the namespace itself by its path, opened for the moment of each use. Three per sandbox
     * (the namespace, the socket, and the socket's own copy of the namespace) put a limit of
     * 20,000 descriptors at 6,600 sandboxes.
     */
    private static Netns held(Netns opened) {
        Netns byPath = opened.byPath();
        opened.close();
        return byPath;
    }

    @Override
    public Path key() {
        return key;
    }

    @Override
    public boolean isExternal() {
        return external;
    }

    @Override
    public String identity() {
        return external ? identity(netns) : null;
    }

    @Override
    public boolean stillThere() {
        return netns == null || netns.stillThere();
    }

    @Override
    public boolean isHostNamespace() {
        return netns == null;
    }

    @Override
    public Netns netns() {
        return netns;
    }

    @Override
    public synchronized Netlink netlink() {
        if (netlink == null && netns != null) {
            if (closed) {
                // as a handle opened before and closed with the sandbox would say
                throw new NotFoundException(this + " is closed: its sandbox is deleted or its controller closed");
            }
            netlink = Netlink.open(netns);
        }
        return netlink;
    }

    @Override
    public int moveIn(String srcName, String dstName) {
        try {
            host.withNetlink(nl -> {
                nl.moveTo(nl.link(srcName).index(), netns, dstName);
                return null;
            });
        } catch (AlreadyExistsException taken) {
            // moved, but dstName was taken here: back it goes, as it came
            netlink().findLink(srcName).ifPresent(l -> moveOut(l.index(), srcName));
            throw taken;
        }
        return netlink().link(dstName).index();
    }

    @Override
    public void moveOut(int index, String srcName) {
        try {
            netlink().moveTo(index, host.namespace(), srcName);
        } catch (NotFoundException gone) {
            // moving what is gone succeeds
        }
    }

    @Override
    public void configure(int ifindex, String ifname, IpPrefix ipv4, IpPrefix ipv6, List<Route> staticRoutes,
            List<Route> then, Runnable whenUp) {
        Netlink.Batch up = new Netlink.Batch();
        if (ipv6 == null && KERNEL_HAS_IPV6) {
            up.noLinkLocal(ifindex); // Docker's rule: no IPv6 for it unless its network has it
        }
        up.setUp(ifindex);
        netlink().apply(up);
        whenUp.run();
        Netlink.Batch b = new Netlink.Batch();
        if (ipv4 != null) {
            b.addAddr(Addr.of(ifindex, ipv4));
        }
        if (ipv6 != null) {
            b.addAddr(Addr.of(ifindex, ipv6).nodad());
        }
        for (Route r : staticRoutes) {
            b.addRoute(r.dev(ifindex));
        }
        then.forEach(b::addRoute);
        netlink().apply(b);
    }

    @Override
    public void addRoutes(List<Route> routes, boolean ensure) {
        List<Route> added = new ArrayList<>();
        for (Route r : routes) {
            try {
                netlink().addRoute(r);
                added.add(r);
            } catch (AlreadyExistsException there) {
                if (!ensure) {
                    undoRoutes(added, there);
                    throw there;
                }
            } catch (RuntimeException e) {
                undoRoutes(added, e);
                throw e;
            }
        }
    }

    private void undoRoutes(List<Route> added, RuntimeException failure) {
        try {
            removeRoutes(added);
        } catch (RuntimeException cleanup) {
            failure.addSuppressed(cleanup);
        }
    }

    @Override
    public void removeRoutes(List<Route> routes) {
        for (Route r : routes) {
            try {
                netlink().delRoute(r);
            } catch (NotFoundException gone) {
                // gone already
            }
        }
    }

    @Override
    public Map<Integer, InterfaceState> interfaces() {
        Map<Integer, InterfaceState> m = new HashMap<>();
        for (Link l : netlink().links()) {
            m.put(l.index(), new InterfaceState(l.name(), l.isUp(), new HashSet<>()));
        }
        for (Addr a : netlink().addrs()) {
            InterfaceState s = m.get(a.ifindex());
            if (s != null) {
                s.addresses().add(a.prefix().toString());
            }
        }
        return m;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (netlink != null) {
            netlink.close();
        }
        if (netns != null) {
            netns.close();
        }
    }

    @Override
    public void delete() {
        if (external) {
            close(); // someone else's: our interfaces were taken out by the leaves; the rest is theirs
            return;
        }
        if (netns != null) {
            // Closing the netlink socket drops its reference on the namespace; unmounting
            // drops the last one, and the kernel then removes the namespace and every veth in
            // it, asynchronously: no 20 ms synchronous delete per pair.
            close();
            try {
                Netns.delete(key);
            } catch (NotFoundException gone) {
                // deleting twice succeeds
            }
        }
    }

    @Override
    public String toString() {
        return netns == null ? "the host's namespace" : "namespace " + key;
    }
}
