package org.libnetwork4j.controller;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.kernel.Netlink;
import org.libnetwork4j.kernel.Netns;
import org.libnetwork4j.kernel.Route;

/**
 * A kernel in memory for controller tests without root: namespaces with their interfaces and
 * routes, and a {@link Host} on it. It outlives controllers, as the kernel outlives a killed
 * process. Any operation can be made to fail once ({@link #failOn}).
 */
final class FakeKernel {
    static final Path NETNS_DIR = Path.of("/fake/run/netns");
    static final Path HOST_KEY = Path.of("/fake/host");

    /** A namespace: its interfaces by index and its routes. */
    static final class Ns {
        final Map<Integer, Iface> ifaces = new LinkedHashMap<>();
        final List<Route> routes = new ArrayList<>();
    }

    /** An interface: its name, whether it is up, its addresses. */
    static final class Iface {
        String name;
        boolean up;
        final Set<String> addresses = new HashSet<>();

        Iface(String name) {
            this.name = name;
        }
    }

    final Map<Path, Ns> namespaces = new LinkedHashMap<>();
    final Ns host = new Ns();
    final List<String> log = new ArrayList<>();
    private final Set<String> failures = new HashSet<>();
    private int nextIndex = 2;
    int firewallRestores;

    FakeKernel() {
        namespaces.put(HOST_KEY, host);
    }

    /** The next call of op ("configure", "moveIn", "addRoutes", "createSandbox", ...) fails. */
    synchronized void failOn(String op) {
        failures.add(op);
    }

    /** Told of each operation as it is logged, before it may fail (for tests that look inside). */
    volatile java.util.function.Consumer<String> observer = op -> { };

    synchronized void check(String op) {
        log.add(op);
        observer.accept(op);
        if (failures.remove(op)) {
            throw new org.libnetwork4j.InternalException(op + ": injected", 0, op, "fake", null);
        }
    }

    synchronized int newIndex() {
        return nextIndex++;
    }

    Host host() {
        return new FakeHost();
    }

    private final class FakeHost implements Host {
        @Override
        public SandboxOs callerMovesSandbox() {
            throw new UnsupportedOperationException("not faked: sandboxes whose caller moves interfaces in");
        }

        @Override
        public SandboxOs createSandbox(String id, boolean hostNamespace) {
            check("createSandbox");
            if (hostNamespace) {
                return new FakeOs(HOST_KEY, host);
            }
            Path key = NETNS_DIR.resolve(id.substring(0, 12));
            Ns ns = new Ns();
            ns.ifaces.put(1, new Iface("lo"));
            ns.ifaces.get(1).up = true;
            namespaces.put(key, ns);
            return new FakeOs(key, ns);
        }

        /**
         * A runtime's namespace at path (made here if the test has not): external, so its
         * delete leaves it. What adoption does in the kernel is tested on the real one.
         */
        @Override
        public SandboxOs adoptSandbox(Path path) {
            check("adoptSandbox");
            return new FakeOs(path, namespaces.computeIfAbsent(path, p -> new Ns()), true);
        }

        @Override
        public SandboxOs openAdoptedSandbox(Path key, String identity) {
            Ns ns = namespaces.get(key);
            if (ns == null || !identity.equals(key.toString())) {
                throw new NotFoundException("adopted namespace " + key + " is gone");
            }
            return new FakeOs(key, ns, true);
        }

        @Override
        public SandboxOs openSandbox(Path key, boolean hostNamespace) {
            Ns ns = namespaces.get(key);
            if (ns == null) {
                throw new NotFoundException("open namespace " + key + ": No such file or directory (ENOENT)");
            }
            return new FakeOs(key, ns);
        }

        @Override
        public List<Path> sandboxNamespaces() {
            return namespaces.keySet().stream().filter(p -> p.startsWith(NETNS_DIR)).toList();
        }

        @Override
        public boolean ownsNamespace(Path key) {
            return key.startsWith(NETNS_DIR);
        }

        @Override
        public void deleteNamespace(Path key) {
            namespaces.remove(key);
        }

        @Override
        public void restoreFirewall(Runnable fill) {
            fill.run();
            firewallRestores++;
        }

        @Override
        public void reloadFirewall() {
        }

        @Override
        public void close() {
        }
    }

    /** A sandbox's OS layer on a fake namespace. */
    final class FakeOs implements SandboxOs {
        private final Path key;
        final Ns ns;
        private final boolean external;

        FakeOs(Path key, Ns ns) {
            this(key, ns, false);
        }

        FakeOs(Path key, Ns ns, boolean external) {
            this.key = key;
            this.ns = ns;
            this.external = external;
        }

        @Override
        public boolean isExternal() {
            return external;
        }

        @Override
        public String identity() {
            return external ? key.toString() : null;
        }

        @Override
        public boolean stillThere() {
            return !external || namespaces.containsKey(key);
        }

        @Override
        public Path key() {
            return key;
        }

        @Override
        public boolean isHostNamespace() {
            return key.equals(HOST_KEY);
        }

        @Override
        public Netns netns() {
            return null;
        }

        @Override
        public Netlink netlink() {
            return null;
        }

        @Override
        public int moveIn(String srcName, String dstName) {
            check("moveIn");
            var e = host.ifaces.entrySet().stream().filter(x -> x.getValue().name.equals(srcName)).findFirst()
                    .orElseThrow(() -> new NotFoundException("no " + srcName + " in the host"));
            host.ifaces.remove(e.getKey());
            e.getValue().name = dstName;
            ns.ifaces.put(e.getKey(), e.getValue());
            return e.getKey();
        }

        @Override
        public void moveOut(int index, String srcName) {
            check("moveOut");
            Iface i = ns.ifaces.remove(index);
            if (i != null) {
                i.name = srcName;
                i.up = false;
                i.addresses.clear();
                ns.routes.removeIf(r -> r.oif() == index);
                host.ifaces.put(index, i);
            }
        }

        @Override
        public void configure(int ifindex, String ifname, IpPrefix ipv4, IpPrefix ipv6, List<Route> staticRoutes,
                List<Route> then, Runnable whenUp) {
            check("configure");
            Iface i = ns.ifaces.get(ifindex);
            if (i == null) {
                throw new NotFoundException("no interface " + ifindex + " in " + key);
            }
            i.up = true;
            whenUp.run();
            if (ipv4 != null) {
                i.addresses.add(ipv4.toString());
            }
            if (ipv6 != null) {
                i.addresses.add(ipv6.toString());
            }
            ns.routes.addAll(staticRoutes);
            ns.routes.addAll(then);
        }

        @Override
        public void addRoutes(List<Route> routes, boolean ensure) {
            check("addRoutes");
            for (Route r : routes) {
                Iface via = ns.ifaces.get(r.oif());
                if (via != null && !via.up) {
                    // as the kernel answers a gateway route through a link that is down
                    throw new org.libnetwork4j.InvalidParameterException("add route " + r.oif()
                            + ": Network is unreachable (ENETUNREACH)");
                }
                if (ns.routes.contains(r)) {
                    if (!ensure) {
                        throw new org.libnetwork4j.AlreadyExistsException("route exists");
                    }
                } else {
                    ns.routes.add(r);
                }
            }
        }

        @Override
        public void removeRoutes(List<Route> routes) {
            check("removeRoutes");
            ns.routes.removeAll(routes);
        }

        @Override
        public Map<Integer, InterfaceState> interfaces() {
            Map<Integer, InterfaceState> m = new HashMap<>();
            ns.ifaces.forEach((k, v) -> m.put(k, new InterfaceState(v.name, v.up, Set.copyOf(v.addresses))));
            return m;
        }

        @Override
        public void close() {
        }

        @Override
        public void delete() {
            check("deleteNamespace");
            if (!isHostNamespace() && !external) { // a runtime's namespace stays
                namespaces.remove(key);
            }
        }
    }
}
