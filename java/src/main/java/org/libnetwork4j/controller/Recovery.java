package org.libnetwork4j.controller;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.NetworkException;
import org.libnetwork4j.RecoveryReport;
import org.libnetwork4j.ResolvConf;
import org.libnetwork4j.driver.Driver;
import org.libnetwork4j.driver.RestorableDriver;
import org.libnetwork4j.ipam.Ipam;
import org.libnetwork4j.ipam.PoolRequest;
import org.libnetwork4j.store.EndpointRecord;
import org.libnetwork4j.store.NetworkRecord;
import org.libnetwork4j.store.SandboxRecord;
import org.libnetwork4j.store.State;
import org.libnetwork4j.store.Store;
import org.libnetwork4j.store.StoredObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles the store with the kernel when a controller opens, before anyone can use it, in
 * libnetwork's order:
 * <ol>
 * <li>what unreadable records held stays reserved (their subnets and addresses);
 * <li>networks: taken up as they are (a bridge gone with a reboot is made again); interrupted
 * creates undone, interrupted deletes finished; IPAM gets every network's pools back;
 * <li>sandboxes: reopened by their namespace's path; one whose namespace is gone is dropped;
 * <li>endpoints: their addresses reserved again before any new allocation; joins taken up as
 * the kernel has them ({@link Takeover}), also joins no record tells of, found by the labels
 * their drivers stamped on the kernel; a join the kernel does not hold fully is undone;
 * endpoints of a dropped sandbox removed with it (as libnetwork's sandbox cleanup does);
 * <li>each sandbox's gateway endpoint elected again, its default routes ensured and its
 * published ports made live with the host ports they had;
 * <li>kernel objects of ours that nothing claims removed: host ends of veths on our bridges,
 * namespaces and files under the run directory.
 * </ol>
 * All of it inside one firewall restore: the tables are replaced once, atomically, at the end,
 * so live containers and their published ports never lose a rule. Nothing alive is touched
 * otherwise: no link, address, route or namespace of a live object is deleted or made again.
 */
final class Recovery {
    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

    private final Context ctx;
    private final Registry<NetworkImpl> networkRegistry;
    private final Sandboxes sandboxRegistry;
    final Report report = new Report();

    private final Map<String, NetworkImpl> networks = new LinkedHashMap<>();
    private final Map<String, SandboxImpl> sandboxes = new LinkedHashMap<>();
    private final Set<String> droppedSandboxes = new HashSet<>();
    private final Set<String> unknownNetworks = new HashSet<>();
    /**
     * Networks with an endpoint, whose containers may ask their resolver already. Any endpoint,
     * not only those recorded as joined: a join's record may lag behind its kernel label,
     * which is what the takeover goes by, but its endpoint was recorded before it was made.
     */
    private final Set<String> servedNetworks = new HashSet<>();
    private final Map<String, NetworkException> unavailableDrivers = new HashMap<>();
    private final Set<String> keptSandboxes = new HashSet<>(); // ids whose namespace and files stay
    private final Takeover takeover;
    private ResolvConf hostResolvConf;

    /** What recovery did, as the report says it. */
    static final class Report {
        final List<String> restored = new ArrayList<>();
        final List<String> rolledBack = new ArrayList<>();
        final List<String> finished = new ArrayList<>();
        final List<String> dropped = new ArrayList<>();
        final List<String> orphans = new ArrayList<>();
        final List<String> quarantined = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();
    }

    Recovery(Context ctx, Registry<NetworkImpl> networks, Sandboxes sandboxes) {
        this.ctx = ctx;
        this.networkRegistry = networks;
        this.sandboxRegistry = sandboxes;
        this.takeover = new Takeover(ctx, report);
    }

    /**
     * Reconciles snap with the kernel. The caller holds the resolver's listeners
     * ({@link org.libnetwork4j.dns.NameService#hold}) until the names are all back.
     */
    RecoveryReport run(Store.Snapshot snap) {
        ctx.host().restoreFirewall(() -> {
            reserveQuarantined(snap.quarantined());
            snap.endpoints().forEach(e -> servedNetworks.add(e.networkId()));
            snap.networks().stream().sorted(Comparator.comparing(NetworkRecord::created)).forEach(this::network);
            reserveQuarantinedEndpoints(snap.quarantined());
            // Their namespaces found (a stat each, see Netns#atPath) on every core first:
            // 10,000 of them are 10,000 system calls; the rest is bookkeeping, in order.
            Map<String, Opened> opened = new java.util.concurrent.ConcurrentHashMap<>();
            snap.sandboxes().parallelStream().filter(r -> r.state() == State.READY).forEach(r -> {
                try {
                    opened.put(r.id(), new Opened(r.options().callerMovesInterfaces() ? ctx.host().callerMovesSandbox()
                            : r.adoptedIdentity() != null
                            ? ctx.host().openAdoptedSandbox(Path.of(r.key()), r.adoptedIdentity())
                            : ctx.host().openSandbox(Path.of(r.key()), r.options().useHostNamespace()), null));
                } catch (NetworkException gone) {
                    opened.put(r.id(), new Opened(null, gone));
                }
            });
            snap.sandboxes().forEach(r -> sandbox(r, opened.get(r.id())));
            // After a clean close every join is on record, and reading the kernel's labels of
            // 10,000 joins would cost more than the rest of the recovery (O(joins^2) in the
            // kernel, see Netlink#bridgePorts); after a crash they are how joins that were
            // not stored yet are found.
            Map<String, String> labels = new HashMap<>();
            Set<String> recorded = new HashSet<>();
            snap.endpoints().forEach(r -> recorded.add(r.id()));
            for (RestorableDriver d : ctx.drivers().restorable()) {
                if (snap.cleanClose()) {
                    d.prepareRecordedJoins(recorded);
                } else {
                    labels.putAll(d.joinLabels());
                }
            }
            for (EndpointRecord r : snap.endpoints()) {
                endpoint(r, labels.get(r.id()));
            }
            for (SandboxImpl sb : sandboxes.values()) {
                takeover.finish(sb);
            }
            removeOrphans(snap.cleanClose());
        });
        // Each sandbox's files and names on their own, on every core: with thousands of
        // sandboxes, reading their hosts and resolv.conf files back is most of what is left.
        sandboxes.values().parallelStream().forEach(sb -> {
            sb.restoreHosts(snap.cleanClose());
            HostsPeers.refresh(sb); // aliases of peers, as they are now
        });
        // The sandboxes' resolv.conf files: taken as written when nothing they derive from changed.
        ResolvConfState resolvState = ResolvConfState.now(ctx, hostResolvConf != null ? hostResolvConf
                : ResolvConf.read(ctx.paths().hostResolvConf()));
        boolean asWritten = resolvState.unchangedSince(snap.cleanClose());
        // Names last, once every join is known (the listeners are open, held: see run)
        sandboxes.values().parallelStream().forEach(sb -> sb.restoreNames(asWritten));
        String unsaved = resolvState.save();
        if (unsaved != null) {
            warn(unsaved);
        }
        return new RecoveryReport(report.restored, report.rolledBack, report.finished, report.dropped,
                report.orphans, report.quarantined, report.warnings);
    }

    // ---- unreadable records ----

    private void reserveQuarantined(List<Store.Quarantined> qs) {
        for (Store.Quarantined q : qs) {
            report.quarantined.add(q.kind().name().toLowerCase() + " " + q.id() + ": " + q.reason());
            // what an unreadable record may own in the kernel is not an orphan: it stays
            if (q.kind() == StoredObject.Kind.ENDPOINT) {
                takeover.claim(q.id());
            } else if (q.kind() == StoredObject.Kind.SANDBOX) {
                keptSandboxes.add(q.id());
            } else {
                unknownNetworks.add(q.id());
                for (String subnet : q.addresses()) {
                    try {
                        IpPrefix p = IpPrefix.parse(subnet);
                        ctx.ipam().requestPool(new PoolRequest(p, null, !p.isIpv4()));
                    } catch (RuntimeException e) {
                        warn("subnet " + subnet + " of unreadable network " + q.id() + ": " + e.getMessage());
                    }
                }
            }
        }
    }

    private void reserveQuarantinedEndpoints(List<Store.Quarantined> qs) {
        for (Store.Quarantined q : qs) {
            NetworkImpl n = q.kind() == StoredObject.Kind.ENDPOINT ? networks.get(q.parent()) : null;
            if (n == null) {
                continue; // its network is gone or unreadable: its whole pool is reserved or free
            }
            for (String a : q.addresses()) {
                try {
                    n.addresses().reserve(IpPrefix.parse(a));
                } catch (RuntimeException e) {
                    warn("address " + a + " of unreadable endpoint " + q.id() + ": " + e.getMessage());
                }
            }
        }
    }

    // ---- networks ----

    private void network(NetworkRecord r) {
        Driver d;
        Ipam ipam;
        String ipamDriver = r.options().ipamDriver();
        // keyed apart from network drivers: one plugin name may serve both
        String ipamKey = ipamDriver == null ? null : "IPAM driver " + ipamDriver;
        try {
            NetworkException failed = unavailableDrivers.get(r.type());
            if (failed != null) {
                throw failed;
            }
            d = ctx.drivers().get(r.type());
        } catch (NetworkException e) {
            notTakenUp(r, r.type(), e);
            return;
        }
        try {
            NetworkException failed = ipamKey == null ? null : unavailableDrivers.get(ipamKey);
            if (failed != null) {
                throw failed;
            }
            // an IPAM plugin keeps its pools itself: restore() below takes them as stored
            ipam = ctx.drivers().ipam(ipamDriver, r.options().ipamOptions(), ctx.ipam());
        } catch (NetworkException e) {
            notTakenUp(r, ipamKey, e);
            return;
        }
        NetworkAddresses addresses = null;
        try {
            // a global network's: this host's addresses stay held in the cluster
            addresses = NetworkAddresses.restore(ipam, r.allocations()).forScope(d, ctx.shared(), r.id());
            var spec = new NetworkImpl.Spec(r.id(), r.name(), r.type(), r.options(),
                    d.parseNetworkOptions(Networks.driverOptions(r.options())), r.internal(), r.enableIpv6(),
                    r.interfacePrefix(), r.created());
            NetworkImpl n = new NetworkImpl(ctx, networkRegistry, sandboxRegistry, d, spec, addresses);
            RestorableDriver rd = d instanceof RestorableDriver x ? x : null;
            switch (r.state()) {
                case CREATING, DELETING -> {
                    if (rd != null) {
                        rd.discardNetwork(n.request(), r.driverState());
                    }
                    addresses.releaseAll();
                    ctx.store().delete(r);
                    (r.state() == State.CREATING ? report.rolledBack : report.finished)
                            .add((r.state() == State.CREATING ? "create" : "delete") + " of network " + r.name());
                    LOG.info("{} of network {} finished at recovery", r.state() == State.CREATING ? "create undone"
                            : "delete", r.name());
                }
                default -> {
                    if (rd != null) {
                        rd.restoreNetwork(n.request(), r.driverState());
                    } else {
                        d.createNetwork(n.request());
                    }
                    networks.put(n.id(), n);
                    networkRegistry.add(n);
                    // at once where containers ask (held until every join's names are back, in run);
                    // the others, as a new network, from their first join
                    n.serveNames(servedNetworks.contains(n.id()));
                    var state = n.driverState();
                    if (!state.equals(r.driverState())) {
                        ctx.store().put(n.record(State.READY, state)); // made again after a reboot, say
                    }
                    report.restored.add("network " + r.name());
                }
            }
        } catch (RuntimeException e) {
            // Its pools stay reserved (so nothing overlaps it) and its record stays for the next start.
            unknownNetworks.add(r.id());
            warn("network " + r.name() + " could not be taken up: " + e.getMessage());
        }
    }

    /**
     * A plugin (network or IPAM driver) that is not there (or not answering) now may be next
     * time: the network, its endpoints and their addresses stay on record, reserved, and are
     * not taken up.
     */
    private void notTakenUp(NetworkRecord r, String key, NetworkException e) {
        unavailableDrivers.putIfAbsent(key, e); // asked once: a dead plugin costs one retry bound
        unknownNetworks.add(r.id());
        warn("network " + r.name() + " of driver \"" + r.type() + "\""
                + (r.options().ipamDriver() == null ? "" : " and IPAM driver \"" + r.options().ipamDriver() + "\"")
                + " not taken up, kept in the store: " + e.getMessage());
        if (r.options().ipamDriver() != null) {
            return; // its subnets are the plugin's, not of the controller's own pools
        }
        try {
            NetworkAddresses.restore(ctx.ipam(), r.allocations()); // no new network overlaps it
        } catch (RuntimeException x) {
            warn("subnets of network " + r.name() + " not reserved: " + x.getMessage());
        }
    }

    // ---- sandboxes ----

    /** A sandbox's namespace as {@link Host#openSandbox} gave it, or what that threw. */
    private record Opened(SandboxOs os, NetworkException gone) {
    }

    /** opened: null unless the record is READY. */
    private void sandbox(SandboxRecord r, Opened opened) {
        if (r.state() != State.READY) {
            // written by versions that recorded intents: the create or delete was cut short
            removeLeftovers(r);
            ctx.store().delete(r);
            droppedSandboxes.add(r.id());
            (r.state() == State.CREATING ? report.rolledBack : report.finished).add(
                    (r.state() == State.CREATING ? "create" : "delete") + " of the sandbox of container "
                            + r.containerId());
            return;
        }
        try {
            if (hostResolvConf == null) { // read once, not once per sandbox
                hostResolvConf = ResolvConf.read(ctx.paths().hostResolvConf());
            }
            if (opened.gone() != null) {
                throw opened.gone();
            }
            SandboxImpl sb = SandboxImpl.restore(ctx, sandboxRegistry.registry, r, opened.os(), hostResolvConf);
            sandboxes.put(sb.id(), sb);
            sandboxRegistry.registry.add(sb);
            report.restored.add("sandbox of container " + r.containerId());
        } catch (NetworkException gone) {
            // a reboot, or someone deleted the namespace: its endpoints go with it
            removeLeftovers(r);
            ctx.store().delete(r);
            droppedSandboxes.add(r.id());
            report.dropped.add("sandbox of container " + r.containerId() + ": its namespace " + r.key()
                    + " is gone (" + gone.getMessage() + ")");
            LOG.info("dropped the sandbox of container {}: its namespace {} is gone", r.containerId(), r.key());
        }
    }

    /** What a sandbox may have left: its namespace's name (if ours) and its files. */
    private void removeLeftovers(SandboxRecord r) {
        Path key = Path.of(r.key());
        if (!r.options().useHostNamespace() && ctx.host().ownsNamespace(key)) {
            try {
                ctx.host().deleteNamespace(key);
            } catch (NetworkException e) {
                warn("remove namespace " + key + ": " + e.getMessage());
            }
        }
        deleteFiles(ctx.paths().filesOf(r.id()));
    }

    // ---- endpoints ----

    private void endpoint(EndpointRecord r, String label) {
        NetworkImpl n = networks.get(r.networkId());
        if (n == null) {
            if (!unknownNetworks.contains(r.networkId())) {
                ctx.store().delete(r); // its network is gone: nothing of it can be alive
                report.dropped.add("endpoint " + r.name() + ": its network " + r.networkId() + " is gone");
            } else {
                takeover.claim(r.id()); // its network may be alive: leave its interface be
            }
            return;
        }
        try {
            if (r.ipv4() != null) {
                n.addresses().reserve(r.ipv4());
            }
            if (r.ipv6() != null) {
                n.addresses().reserve(r.ipv6());
            }
        } catch (RuntimeException e) {
            takeover.claim(r.id());
            warn("endpoint " + r.name() + " of network " + n.name() + ": its address cannot be reserved ("
                    + e.getMessage() + "); kept in the store, not taken up");
            return;
        }
        takeover.endpoint(n, r, label, sandboxes, droppedSandboxes);
    }

    // ---- leftovers nobody claims ----

    /**
     * Interfaces no join claims, namespaces and files no sandbox does. After a clean close
     * the run and files directories are as the last controller left them, which removed
     * what it did not keep: with 10,000 sandboxes, listing both is not done for nothing.
     */
    private void removeOrphans(boolean cleanClose) {
        for (RestorableDriver d : ctx.drivers().restorable()) {
            for (String o : d.removeOrphans(takeover.claimed())) {
                report.orphans.add("interface " + o);
            }
        }
        if (!cleanClose) {
            removeOrphanDirectories();
        }
        if (!report.orphans.isEmpty()) {
            LOG.info("removed what no record claims: {}", report.orphans);
        }
    }

    private void removeOrphanDirectories() {
        Set<Path> liveKeys = new HashSet<>();
        Set<String> liveIds = new HashSet<>(keptSandboxes);
        for (SandboxImpl sb : sandboxes.values()) {
            liveKeys.add(Path.of(sb.key()));
            liveIds.add(sb.id());
        }
        for (Path p : ctx.host().sandboxNamespaces()) {
            boolean kept = keptSandboxes.stream().anyMatch(id -> p.getFileName().toString()
                    .equals(id.substring(0, Math.min(12, id.length()))));
            if (!liveKeys.contains(p) && !kept) {
                try {
                    ctx.host().deleteNamespace(p);
                    report.orphans.add("namespace " + p);
                } catch (NetworkException e) {
                    warn("remove namespace " + p + ": " + e.getMessage());
                }
            }
        }
        for (Path p : list(ctx.paths().sandboxFiles())) {
            if (!liveIds.contains(p.getFileName().toString())) {
                deleteFiles(p);
                report.orphans.add("sandbox files " + p);
            }
        }
    }

    private static List<Path> list(Path dir) {
        try (var s = Files.list(dir)) {
            return s.toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private void deleteFiles(Path dir) {
        try {
            SandboxFiles.deleteTree(dir);
        } catch (NetworkException e) {
            warn(e.getMessage());
        }
    }

    private void warn(String w) {
        report.warnings.add(w);
        LOG.warn("recovery: {}", w);
    }
}
