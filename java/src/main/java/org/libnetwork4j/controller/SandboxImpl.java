package org.libnetwork4j.controller;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import org.libnetwork4j.Endpoint;
import org.libnetwork4j.ForbiddenException;
import org.libnetwork4j.InternalException;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.Sandbox;
import org.libnetwork4j.SandboxOptions;
import org.libnetwork4j.driver.JoinResult;
import org.libnetwork4j.driver.SandboxContext;
import org.libnetwork4j.store.EndpointRecord;
import org.libnetwork4j.store.SandboxRecord;
import org.libnetwork4j.store.State;
import org.libnetwork4j.store.StoredObject;
import org.libnetwork4j.kernel.Addr;
import org.libnetwork4j.kernel.Netlink;
import org.libnetwork4j.kernel.Netns;
import org.libnetwork4j.kernel.Route;
import org.libnetwork4j.kernel.Sysctl;

/**
 * A sandbox of the default controller: libnetwork's sandbox and its OS layer (osl) in one.
 * It owns a named network namespace under the run directory and a netlink handle bound to it,
 * programs the interfaces drivers create there (addresses, up, routes), elects the gateway
 * endpoint, and keeps the hosts and resolv.conf files. Its lock guards the joined endpoints
 * and everything about them; it is the last lock in the controller's order.
 */
final class SandboxImpl implements Sandbox, SandboxContext {
    /** A new namespace's loopback is always ifindex 1 (LOOPBACK_IFINDEX): no lookup needed. */
    private static final int LOOPBACK_INDEX = 1;

    /**
     * Written into each sandbox namespace when it is made (by the thread that makes it, so for
     * free). Interfaces get no IPv6 unless their network has it (Docker's rule: a join to an
     * IPv6 network turns it back on for its interface); that also spares every join the
     * link-local address, duplicate address detection and solicitations, which the bridge
     * floods to every port. And no router advertisement is ever obeyed: a container could
     * otherwise route its neighbours (CVE-2020-13401). Loopback exists before these apply and
     * keeps ::1.
     */
    private static final Map<String, String> SANDBOX_SYSCTLS = Map.of(
            "net/ipv6/conf/all/accept_ra", "0",
            "net/ipv6/conf/default/accept_ra", "0",
            "net/ipv6/conf/default/disable_ipv6", "1");
    private static final boolean KERNEL_HAS_IPV6 = Files.isDirectory(Path.of("/proc/sys/net/ipv6"));

    private final DefaultController controller;
    private final String id;
    private final String containerId;
    private final SandboxOptions options;
    private final Path key;
    private final Netns netns;       // null when the sandbox is the host's namespace
    private final Netlink netlink;   // likewise
    private final Path filesDir;

    private final ReentrantLock lock = new ReentrantLock();
    private final List<Attachment> attachments = new ArrayList<>(); // guarded by lock
    private final Map<String, Integer> nextIndex = new HashMap<>(); // guarded by lock
    private Attachment gateway;                                     // guarded by lock
    private String hostsContent;                                    // guarded by lock
    private List<String> peerLines = List.of();                     // guarded by lock
    private boolean deleting;                                       // guarded by lock
    private boolean deleted;                                        // guarded by lock

    /** An endpoint joined here, and what its join made. */
    private record Attachment(EndpointImpl ep, JoinResult jr, int priority) {
        GatewayOrder.Candidate candidate() {
            return new GatewayOrder.Candidate(priority, ep.networkImpl().internal(),
                    ep.networkImpl().name(), ep.name());
        }

        boolean hasGateway() {
            return jr.gatewayV4() != null || jr.gatewayV6() != null;
        }
    }

    private SandboxImpl(DefaultController controller, String id, String containerId, SandboxOptions options,
            Path key, Netns netns, Netlink netlink, Path filesDir) {
        this.controller = controller;
        this.id = id;
        this.containerId = containerId;
        this.options = options;
        this.key = key;
        this.netns = netns;
        this.netlink = netlink;
        this.filesDir = filesDir;
    }

    /** Namespace (unless the host's), loopback up, files; undone if a step fails. */
    static SandboxImpl create(DefaultController c, String id, String containerId, SandboxOptions o) {
        Path filesDir = c.sandboxFiles().resolve(id);
        // named like libnetwork's: the first 12 digits of the sandbox id
        Path key = o.useHostNamespace() ? c.host().path() : c.netnsDir().resolve(id.substring(0, 12));
        SandboxRecord intent = new SandboxRecord(id, containerId, State.CREATING, o, key.toString());
        c.persist(intent);
        Netns ns = null;
        Netlink nl = null;
        try {
            if (!o.useHostNamespace()) {
                ns = Netns.createAt(c.netnsDir(), id.substring(0, 12),
                        KERNEL_HAS_IPV6 ? SANDBOX_SYSCTLS : Map.of());
                nl = Netlink.open(ns);
                nl.setUp(LOOPBACK_INDEX);
            }
            Files.createDirectories(filesDir);
            SandboxImpl sb = new SandboxImpl(c, id, containerId, o, key, ns, nl, filesDir);
            sb.writeHosts(List.of());
            EtcFiles.write(sb.resolvConfPath(),
                    EtcFiles.resolvConf(EtcFiles.readHost(c.config().hostResolvConf()), o));
            c.persist(intent.with(State.READY));
            return sb;
        } catch (IOException | RuntimeException e) {
            Teardown t = new Teardown();
            if (nl != null) {
                t.step(nl::close);
            }
            if (ns != null) {
                t.step(ns::delete);
            }
            t.step(() -> deleteFiles(filesDir));
            t.step(() -> c.forget(intent));
            RuntimeException r = e instanceof RuntimeException re ? re
                    : new InternalException("create sandbox files in " + filesDir + ": " + e.getMessage(),
                            0, "create sandbox", containerId, e);
            t.suppressInto(r);
            throw r;
        }
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String containerId() {
        return containerId;
    }

    @Override
    public String key() {
        return key.toString();
    }

    boolean isHostNamespace() {
        return netns == null;
    }

    @Override
    public Netns netns() {
        return netns;
    }

    @Override
    public Netlink netlink() {
        return netlink;
    }

    @Override
    public String nextInterfaceName(String prefix) {
        lock.lock();
        try {
            int n = nextIndex.merge(prefix, 1, Integer::sum) - 1;
            return prefix + n;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String hostname() {
        return options.hostname();
    }

    @Override
    public String domainname() {
        return options.domainname();
    }

    @Override
    public Path hostsPath() {
        return filesDir.resolve("hosts");
    }

    @Override
    public Path resolvConfPath() {
        return filesDir.resolve("resolv.conf");
    }

    @Override
    public List<Endpoint> endpoints() {
        lock.lock();
        try {
            return attachments.stream().map(a -> (Endpoint) a.ep()).toList();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<Endpoint> gatewayEndpoint() {
        lock.lock();
        try {
            return Optional.ofNullable(gateway).map(Attachment::ep);
        } finally {
            lock.unlock();
        }
    }

    // ---- join and leave (called by EndpointImpl with the endpoint's lock held) ----

    /**
     * The driver makes the interface (driverJoin), then the sandbox gives it its addresses,
     * brings it up, and re-elects the gateway endpoint. Undone in reverse if a step fails.
     */
    void join(EndpointImpl ep, int priority, Supplier<JoinResult> driverJoin) {
        lock.lock();
        try {
            if (deleted || deleting) {
                throw new ForbiddenException("the sandbox of container " + containerId + " is "
                        + (deleted ? "deleted" : "being deleted"));
            }
            // intent: a crash from here on leaves a join that the next start undoes
            controller.persist(ep.record(State.JOINING, this, null, priority, List.of()));
            JoinResult jr;
            try {
                jr = driverJoin.get();
            } catch (RuntimeException e) {
                Teardown t = new Teardown();
                t.step(() -> controller.persist(ep.record(State.READY, null, null, 0, List.of())));
                t.suppressInto(e);
                throw e;
            }
            Attachment a = new Attachment(ep, jr, priority);
            try {
                attachments.add(a);
                // A new gateway endpoint gets its default routes with its addresses, in one
                // batch (see Netlink.apply); the old one's routes must go first, as they are
                // the same default routes.
                boolean routed = electGateway() == a;
                if (routed) {
                    dropGateway();
                }
                configureInterface(ep, jr, routed ? defaultRoutes(a) : List.of());
                ep.networkImpl().driver().interfaceUp(ep.networkImpl().id(), ep.id());
                updateGateway(routed ? a : null);
                writeHosts(ownAddresses());
                persistAttachments(List.of());
                ep.joined(jr.ifname());
            } catch (RuntimeException e) {
                Teardown t = new Teardown();
                t.step(() -> {
                    if (attachments.remove(a) && gateway == a) {
                        ep.networkImpl().driver().revokeExternalConnectivity(ep.networkImpl().id(), ep.id());
                        gateway = null;
                    }
                });
                t.step(() -> ep.networkImpl().driver().leave(ep.networkImpl().id(), ep.id(), false));
                t.step(this::updateGateway);
                t.step(() -> writeHosts(ownAddresses()));
                t.step(() -> persistAttachments(List.of(ep.record(State.READY, null, null, 0, List.of()))));
                t.suppressInto(e);
                throw e;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stores every joined endpoint as it is now (ports move with the gateway endpoint), plus
     * extra, in one transaction. Called with the lock held.
     */
    private void persistAttachments(List<EndpointRecord> extra) {
        List<StoredObject> all = new ArrayList<>(extra);
        for (Attachment x : attachments) {
            var net = x.ep().networkImpl();
            all.add(x.ep().record(State.JOINED, this, x.jr().ifname(), x.priority(),
                    net.driver().publishedPorts(net.id(), x.ep().id())));
        }
        controller.persist(all.toArray(StoredObject[]::new));
    }

    /**
     * Addresses (IPv6 without DAD, so it is usable at once), up, the driver's static routes and
     * then routes, in one batch.
     */
    private void configureInterface(EndpointImpl ep, JoinResult jr, List<Route> then) {
        if (jr.ifindex() == 0) {
            return;
        }
        Netlink.Batch b = new Netlink.Batch();
        if (ep.ipv4() != null) {
            b.addAddr(Addr.of(jr.ifindex(), ep.ipv4()));
        }
        if (ep.ipv6() != null) {
            Sysctl.write(netns, "net/ipv6/conf/" + jr.ifname() + "/disable_ipv6", "0");
            b.addAddr(Addr.of(jr.ifindex(), ep.ipv6()).nodad());
        }
        b.setUp(jr.ifindex());
        for (Route r : jr.staticRoutes()) {
            b.addRoute(r.dev(jr.ifindex()));
        }
        then.forEach(b::addRoute);
        netlink.apply(b);
    }

    /**
     * Removes the endpoint's attachment. Without sandboxGone the driver removes the interface
     * (and with it the routes through it); with it the namespace is about to go and takes
     * everything along, so only bookkeeping is done.
     */
    void leave(EndpointImpl ep, boolean sandboxGone) {
        lock.lock();
        try {
            Attachment a = attachments.stream().filter(x -> x.ep() == ep).findFirst()
                    .orElseThrow(() -> new NotFoundException(ep + " is not attached here"));
            var net = ep.networkImpl();
            if (!sandboxGone) {
                // intent: a crash from here on leaves a leave that the next start finishes
                controller.persist(ep.record(State.LEAVING, this, a.jr().ifname(), a.priority(), List.of()));
            }
            if (gateway == a) {
                net.driver().revokeExternalConnectivity(net.id(), ep.id());
                gateway = null;
            }
            try {
                net.driver().leave(net.id(), ep.id(), sandboxGone);
            } catch (RuntimeException e) {
                if (!sandboxGone) {
                    updateGateway(); // still attached: give it its gateway role back if it had it
                }
                throw e;
            }
            attachments.remove(a);
            if (!sandboxGone) {
                updateGateway();
                writeHosts(ownAddresses());
                persistAttachments(List.of(ep.record(State.READY, null, null, 0, List.of())));
            }
        } finally {
            lock.unlock();
        }
    }

    private void updateGateway() {
        updateGateway(null);
    }

    /** The attachment that should be the gateway endpoint (priority, non-internal, names). */
    private Attachment electGateway() {
        return attachments.stream().filter(Attachment::hasGateway)
                .min(Comparator.comparing(Attachment::candidate, GatewayOrder.ORDER)).orElse(null);
    }

    /**
     * Makes the best candidate the gateway endpoint: default routes via it, ports live.
     * routed: an attachment whose default routes are in place already.
     */
    private void updateGateway(Attachment routed) {
        Attachment best = electGateway();
        if (best == gateway) {
            return;
        }
        dropGateway();
        if (best != null) {
            List<Route> added = new ArrayList<>();
            try {
                if (best != routed) {
                    for (Route r : defaultRoutes(best)) {
                        netlink.addRoute(r);
                        added.add(r);
                    }
                }
                best.ep().networkImpl().driver().programExternalConnectivity(best.ep().networkImpl().id(),
                        best.ep().id());
            } catch (RuntimeException e) {
                for (Route r : added) {
                    try {
                        netlink.delRoute(r);
                    } catch (RuntimeException cleanup) {
                        e.addSuppressed(cleanup);
                    }
                }
                throw e;
            }
            gateway = best;
        }
    }

    /** The gateway endpoint, if any, stops being one: its default routes go, its ports too. */
    private void dropGateway() {
        Attachment old = gateway;
        if (old == null) {
            return;
        }
        // may still be attached (a better one arrived): take its default routes away
        for (Route r : defaultRoutes(old)) {
            try {
                netlink.delRoute(r);
            } catch (NotFoundException gone) {
                // gone already
            }
        }
        old.ep().networkImpl().driver().revokeExternalConnectivity(old.ep().networkImpl().id(), old.ep().id());
        gateway = null;
    }

    private static List<Route> defaultRoutes(Attachment a) {
        List<Route> l = new ArrayList<>();
        if (a.jr().ifindex() == 0) {
            return l;
        }
        if (a.jr().gatewayV4() != null && a.ep().ipv4() != null) {
            l.add(Route.defaultVia(a.jr().gatewayV4(), a.jr().ifindex()));
        }
        if (a.jr().gatewayV6() != null && a.ep().ipv6() != null) {
            l.add(Route.defaultVia(a.jr().gatewayV6(), a.jr().ifindex()));
        }
        return l;
    }

    private List<InetAddress> ownAddresses() {
        List<InetAddress> l = new ArrayList<>();
        for (Attachment a : attachments) {
            if (a.ep().ipv4() != null) {
                l.add(a.ep().ipv4().address());
            }
            if (a.ep().ipv6() != null) {
                l.add(a.ep().ipv6().address());
            }
        }
        return l;
    }

    /** Rewrites the hosts file if its content changes (without a hostname, joins do not). */
    private void writeHosts(List<InetAddress> own) {
        String content = EtcFiles.hosts(options.hostname(), options.domainname(), options.extraHosts(), own,
                peerLines);
        if (!content.equals(hostsContent)) {
            EtcFiles.write(hostsPath(), content);
            hostsContent = content;
        }
    }

    // ---- delete ----

    @Override
    public void delete() {
        List<EndpointImpl> joined;
        lock.lock();
        try {
            if (deleted) {
                return; // deleting twice succeeds
            }
            deleting = true; // no joins from here on
            joined = attachments.stream().map(Attachment::ep).toList();
        } finally {
            lock.unlock();
        }
        // intent: a crash from here on leaves a delete that the next start finishes
        controller.persist(record(State.DELETING));
        // Endpoint locks come before the sandbox's: this one is released while they run.
        Teardown t = new Teardown();
        List<StoredObject> gone = new ArrayList<>();
        for (EndpointImpl ep : joined) {
            t.step(() -> gone.add(ep.removeWithSandbox(this)));
        }
        // Closing the netlink socket drops its reference on the namespace; unmounting drops
        // the last one, and the kernel then removes the namespace and every veth in it,
        // asynchronously: no 20 ms synchronous delete per pair.
        t.step(this::closeHandles);
        if (netns != null) {
            t.step(netns::delete);
        }
        t.step(() -> deleteFiles(filesDir));
        gone.add(record(State.DELETING));
        t.step(() -> controller.forget(gone.toArray(StoredObject[]::new)));
        lock.lock();
        try {
            deleted = true;
        } finally {
            lock.unlock();
        }
        controller.removeSandbox(this);
        // its endpoints' aliases leave the hosts files of the sandboxes it shared networks with
        for (EndpointImpl ep : joined) {
            if (!ep.aliases().isEmpty()) {
                t.step(() -> controller.refreshHosts(ep.networkImpl()));
            }
        }
        try {
            t.throwIfFailed();
        } catch (org.libnetwork4j.NetworkException e) {
            throw e.withContext("delete the sandbox of container \"" + containerId + "\"");
        }
    }

    SandboxRecord record(State state) {
        return new SandboxRecord(id, containerId, state, options, key.toString());
    }

    /**
     * A sandbox recorded before a restart, its namespace reopened by path. Throws
     * NotFoundException or InvalidParameterException if the namespace is gone (a reboot, or
     * someone deleted it).
     */
    static SandboxImpl restore(DefaultController c, SandboxRecord r) {
        SandboxOptions o = r.options();
        Path filesDir = c.sandboxFiles().resolve(r.id());
        if (o.useHostNamespace()) {
            return new SandboxImpl(c, r.id(), r.containerId(), o, c.host().path(), null, null, filesDir);
        }
        Netns ns = Netns.open(Path.of(r.key()));
        try {
            Netlink nl = Netlink.open(ns);
            return new SandboxImpl(c, r.id(), r.containerId(), o, Path.of(r.key()), ns, nl, filesDir);
        } catch (RuntimeException e) {
            ns.close();
            throw e;
        }
    }

    /** An endpoint's join taken up after a restart: the interface is there as it was. */
    void restoreAttachment(EndpointImpl ep, JoinResult jr, int priority) {
        lock.lock();
        try {
            attachments.add(new Attachment(ep, jr, priority));
            // the counter goes on after the highest index in use, as it had
            String name = jr.ifname();
            String prefix = ep.networkImpl().interfacePrefix();
            if (name != null && name.startsWith(prefix) && name.substring(prefix.length()).matches("\\d{1,5}")) {
                int next = Integer.parseInt(name.substring(prefix.length())) + 1;
                nextIndex.merge(prefix, next, Math::max);
            }
            ep.restoreJoined(this, name);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Elects the gateway endpoint again (its default routes are in the kernel already) and
     * makes its published ports live with the host ports they had; returns the mappings
     * whose host port could not be reserved again. Then rewrites the hosts file, in place,
     * only if its content differs.
     */
    List<org.libnetwork4j.PortMapping> restoreGateway(Map<String, List<org.libnetwork4j.PortMapping>> stored) {
        lock.lock();
        try {
            gateway = attachments.stream().filter(Attachment::hasGateway)
                    .min(Comparator.comparing(Attachment::candidate, GatewayOrder.ORDER)).orElse(null);
            List<org.libnetwork4j.PortMapping> unheld = List.of();
            if (gateway != null) {
                var net = gateway.ep().networkImpl();
                unheld = net.driver().restoreExternalConnectivity(net.id(), gateway.ep().id(),
                        stored.getOrDefault(gateway.ep().id(), List.of()));
            }
            String content = EtcFiles.hosts(options.hostname(), options.domainname(), options.extraHosts(),
                    ownAddresses(), peerLines);
            String onDisk;
            try {
                onDisk = Files.readString(hostsPath());
            } catch (IOException e) {
                onDisk = null;
            }
            if (!content.equals(onDisk)) {
                EtcFiles.write(hostsPath(), content);
            }
            hostsContent = content;
            return unheld;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Rewrites the hosts file with the aliases of the other sandboxes' endpoints on this
     * sandbox's networks. Called with no lock held: the peers are read first (network and
     * endpoint state), then only this sandbox's lock is taken to write.
     */
    void refreshPeers() {
        List<NetworkImpl> nets;
        lock.lock();
        try {
            if (deleted || deleting) {
                return;
            }
            nets = attachments.stream().map(a -> a.ep().networkImpl()).distinct().toList();
        } finally {
            lock.unlock();
        }
        List<String> lines = new ArrayList<>();
        for (NetworkImpl n : nets) {
            if (!n.hasAliases()) {
                continue; // the common case: nothing to read, whatever the number of peers
            }
            for (org.libnetwork4j.Endpoint e : n.endpoints()) {
                EndpointImpl peer = (EndpointImpl) e;
                SandboxImpl where = peer.joinedSandbox();
                if (where == null || where == this || peer.aliases().isEmpty()) {
                    continue;
                }
                String names = String.join(" ", peer.aliases());
                if (peer.ipv4() != null) {
                    lines.add(org.libnetwork4j.IpAddresses.format(peer.ipv4().address()) + "\t" + names);
                }
                if (peer.ipv6() != null) {
                    lines.add(org.libnetwork4j.IpAddresses.format(peer.ipv6().address()) + "\t" + names);
                }
            }
        }
        lock.lock();
        try {
            if (deleted || deleting || (lines.isEmpty() && peerLines.isEmpty())) {
                return;
            }
            peerLines = List.copyOf(lines);
            writeHosts(ownAddresses());
        } finally {
            lock.unlock();
        }
    }

    /** Stores the joined endpoints as they are now (after recovery took them up). */
    void persistJoined() {
        lock.lock();
        try {
            persistAttachments(List.of());
        } finally {
            lock.unlock();
        }
    }

    void closeHandles() {
        if (netlink != null) {
            netlink.close();
        }
        if (netns != null) {
            netns.close();
        }
    }

    private static void deleteFiles(Path dir) {
        try {
            if (Files.isDirectory(dir)) {
                try (var files = Files.list(dir)) {
                    for (Path f : (Iterable<Path>) files::iterator) {
                        Files.deleteIfExists(f);
                    }
                }
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new InternalException("delete sandbox files in " + dir + ": " + e.getMessage(), 0,
                    "delete sandbox", dir.toString(), e);
        }
    }

    @Override
    public String toString() {
        return "sandbox " + id.substring(0, 12) + " of container " + containerId;
    }
}
