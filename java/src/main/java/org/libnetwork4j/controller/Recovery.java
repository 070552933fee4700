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
import org.libnetwork4j.IpamConfig;
import org.libnetwork4j.NetworkException;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.PortMapping;
import org.libnetwork4j.RecoveryReport;
import org.libnetwork4j.driver.Driver;
import org.libnetwork4j.driver.EndpointRequest;
import org.libnetwork4j.driver.JoinRequest;
import org.libnetwork4j.driver.JoinResult;
import org.libnetwork4j.driver.NetworkRequest;
import org.libnetwork4j.driver.Subnet;
import org.libnetwork4j.ipam.PoolRequest;
import org.libnetwork4j.kernel.Netns;
import org.libnetwork4j.store.EndpointRecord;
import org.libnetwork4j.store.NetworkRecord;
import org.libnetwork4j.store.SandboxRecord;
import org.libnetwork4j.store.State;
import org.libnetwork4j.store.Store;
import org.libnetwork4j.store.StoredObject;

/**
 * Reconciles the store with the kernel when a controller opens, before anyone can use it, in
 * libnetwork's order:
 * <ol>
 * <li>what unreadable records held stays reserved (their subnets and addresses);
 * <li>networks: taken up as they are (a bridge gone with a reboot is made again); interrupted
 * creates undone, interrupted deletes finished; IPAM gets every network's pools back;
 * <li>sandboxes: reopened by their namespace's path; one whose namespace is gone is dropped;
 * an interrupted create is undone;
 * <li>endpoints: their addresses reserved again before any new allocation; joins taken up
 * from the kernel as they are; interrupted joins undone and leaves finished; endpoints of a
 * dropped sandbox removed with it (as libnetwork's sandbox cleanup does);
 * <li>each sandbox's gateway endpoint elected again and its published ports made live with
 * the host ports they had; interrupted sandbox deletes finished;
 * <li>kernel objects of ours that no record claims removed: host ends of veths on our
 * bridges, namespaces and files under the run directory.
 * </ol>
 * All of it inside one {@link org.libnetwork4j.firewall.Firewall#restore}: the firewall's
 * tables are replaced once, atomically, at the end, so live containers and their published
 * ports never lose a rule. Nothing alive is touched otherwise: no link, address, route or
 * namespace of a live object is deleted or made again.
 */
final class Recovery {
    private final DefaultController c;
    private final List<String> restored = new ArrayList<>();
    private final List<String> rolledBack = new ArrayList<>();
    private final List<String> finished = new ArrayList<>();
    private final List<String> dropped = new ArrayList<>();
    private final List<String> orphans = new ArrayList<>();
    private final List<String> quarantined = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    private final Map<String, NetworkImpl> networks = new LinkedHashMap<>();
    private final Map<String, SandboxImpl> sandboxes = new LinkedHashMap<>();
    private final Set<String> unknownNetworks = new HashSet<>();
    private final Map<String, List<PortMapping>> storedPorts = new HashMap<>();
    private final Set<String> joined = new HashSet<>();        // endpoints whose interfaces are claimed
    private final Set<String> keptSandboxes = new HashSet<>(); // sandbox ids whose namespace and files stay

    Recovery(DefaultController c) {
        this.c = c;
    }

    RecoveryReport run(Store.Snapshot snap) {
        c.firewall().restore(() -> {
            reserveQuarantinedNetworks(snap.quarantined());
            snap.networks().stream().sorted(Comparator.comparing(NetworkRecord::created)).forEach(this::network);
            reserveQuarantinedEndpoints(snap.quarantined());
            List<SandboxRecord> deleting = new ArrayList<>();
            for (SandboxRecord r : snap.sandboxes()) {
                sandbox(r, deleting);
            }
            for (EndpointRecord r : snap.endpoints()) {
                endpoint(r);
            }
            for (SandboxImpl sb : sandboxes.values()) {
                for (PortMapping m : sb.restoreGateway(storedPorts)) {
                    warnings.add("host port " + m + " of the sandbox of container " + sb.containerId()
                            + " is taken by another program: its rule is in place, the port is not reserved");
                }
                sb.persistJoined();
            }
            for (SandboxRecord r : deleting) {
                removeLeftovers(r);
                c.forget(r);
                finished.add("delete of the sandbox of container " + r.containerId());
            }
            removeOrphans();
        });
        for (SandboxImpl sb : sandboxes.values()) {
            sb.refreshPeers(); // aliases of peers, as the store says they are now
        }
        return new RecoveryReport(restored, rolledBack, finished, dropped, orphans, quarantined, warnings);
    }

    // ---- unreadable records ----

    private void reserveQuarantinedNetworks(List<Store.Quarantined> qs) {
        for (Store.Quarantined q : qs) {
            quarantined.add(q.kind().name().toLowerCase() + " " + q.id() + ": " + q.reason());
            // what an unreadable record may own in the kernel is not an orphan: it stays
            if (q.kind() == StoredObject.Kind.ENDPOINT) {
                joined.add(q.id());
            } else if (q.kind() == StoredObject.Kind.SANDBOX) {
                keptSandboxes.add(q.id());
            }
            if (q.kind() != StoredObject.Kind.NETWORK) {
                continue;
            }
            unknownNetworks.add(q.id());
            for (String subnet : q.addresses()) {
                try {
                    IpPrefix p = IpPrefix.parse(subnet);
                    c.ipam().requestPool(new PoolRequest(p, null, !p.isIpv4()));
                } catch (RuntimeException e) {
                    warnings.add("subnet " + subnet + " of unreadable network " + q.id() + ": " + e.getMessage());
                }
            }
        }
    }

    private void reserveQuarantinedEndpoints(List<Store.Quarantined> qs) {
        for (Store.Quarantined q : qs) {
            if (q.kind() != StoredObject.Kind.ENDPOINT) {
                continue;
            }
            NetworkImpl n = networks.get(q.parent());
            if (n == null) {
                continue; // its network is gone or unreadable: its whole pool is reserved or free
            }
            for (String a : q.addresses()) {
                try {
                    reserve(n, IpPrefix.parse(a));
                } catch (RuntimeException e) {
                    warnings.add("address " + a + " of unreadable endpoint " + q.id() + ": " + e.getMessage());
                }
            }
        }
    }

    // ---- networks ----

    private void network(NetworkRecord r) {
        Driver d = c.drivers().get(r.type());
        if (d == null) {
            unknownNetworks.add(r.id());
            warnings.add("network " + r.name() + " of unknown driver \"" + r.type() + "\": kept in the store");
            return;
        }
        List<DefaultController.IpamAllocation> allocs = new ArrayList<>();
        try {
            for (NetworkRecord.Allocation a : r.allocations()) {
                allocs.add(DefaultController.IpamAllocation.allocate(c.ipam(),
                        new IpamConfig(a.subnet(), a.ipRange(), a.gateway(), a.aux()), !a.subnet().isIpv4()));
            }
            NetworkRequest req = new NetworkRequest(r.id(), r.name(),
                    d.parseNetworkOptions(DefaultController.driverOptions(r.options())), r.internal(), r.enableIpv6(),
                    subnets(allocs, true), subnets(allocs, false));
            switch (r.state()) {
                case CREATING -> {
                    d.discardNetwork(req);
                    allocs.forEach(a -> a.release(c.ipam()));
                    c.forget(r);
                    rolledBack.add("create of network " + r.name());
                }
                case DELETING -> {
                    d.restoreNetwork(req, r.driverState());
                    d.deleteNetwork(r.id());
                    allocs.forEach(a -> a.release(c.ipam()));
                    c.forget(r);
                    finished.add("delete of network " + r.name());
                }
                default -> {
                    d.restoreNetwork(req, r.driverState());
                    NetworkImpl n = new NetworkImpl(c, r.id(), r.name(), r.type(), d, r.options(), r.internal(),
                            r.enableIpv6(), r.interfacePrefix(), allocs, r.created());
                    networks.put(n.id(), n);
                    c.restored(n);
                    Map<String, String> state = d.networkState(r.id());
                    if (!state.equals(r.driverState())) {
                        c.persist(n.record(State.READY, state)); // made again after a reboot, say
                    }
                    restored.add("network " + r.name());
                }
            }
        } catch (RuntimeException e) {
            // Its pools stay reserved (so nothing overlaps it) and its record stays for the next start.
            unknownNetworks.add(r.id());
            warnings.add("network " + r.name() + " could not be taken up: " + e.getMessage());
        }
    }

    private static List<Subnet> subnets(List<DefaultController.IpamAllocation> allocs, boolean ipv4) {
        return allocs.stream().filter(a -> a.subnet().isIpv4() == ipv4).map(a -> new Subnet(a.subnet(), a.gateway()))
                .toList();
    }

    private void reserve(NetworkImpl n, IpPrefix addr) {
        var alloc = n.allocation(addr.isIpv4());
        if (alloc == null) {
            throw new NotFoundException("network " + n.name() + " has no " + (addr.isIpv4() ? "IPv4" : "IPv6")
                    + " subnet");
        }
        c.ipam().requestAddress(alloc.poolId(), addr.address());
    }

    // ---- sandboxes ----

    private void sandbox(SandboxRecord r, List<SandboxRecord> deleting) {
        switch (r.state()) {
            case CREATING -> {
                removeLeftovers(r);
                c.forget(r);
                rolledBack.add("create of the sandbox of container " + r.containerId());
            }
            case DELETING -> deleting.add(r);
            default -> {
                try {
                    SandboxImpl sb = SandboxImpl.restore(c, r);
                    sandboxes.put(sb.id(), sb);
                    c.restored(sb);
                    restored.add("sandbox of container " + r.containerId());
                } catch (NetworkException gone) {
                    // a reboot, or someone deleted the namespace: its endpoints go with it
                    removeLeftovers(r);
                    c.forget(r);
                    dropped.add("sandbox of container " + r.containerId() + ": its namespace " + r.key()
                            + " is gone (" + gone.getMessage() + ")");
                }
            }
        }
    }

    /** What a sandbox may have left: its namespace's name (if ours) and its files. */
    private void removeLeftovers(SandboxRecord r) {
        if (!r.options().useHostNamespace()) {
            Path key = Path.of(r.key());
            if (key.startsWith(c.netnsDir()) && Files.exists(key)) {
                try {
                    Netns.delete(key);
                } catch (NetworkException e) {
                    warnings.add("remove namespace " + key + ": " + e.getMessage());
                }
            }
        }
        deleteTree(c.sandboxFiles().resolve(r.id()));
    }

    // ---- endpoints ----

    private void endpoint(EndpointRecord r) {
        NetworkImpl n = networks.get(r.networkId());
        if (n == null) {
            if (!unknownNetworks.contains(r.networkId())) {
                c.forget(r); // its network is gone: nothing of it can be alive
                dropped.add("endpoint " + r.name() + ": its network " + r.networkId() + " is gone");
            }
            return;
        }
        Driver d = n.driver();
        try {
            if (r.ipv4() != null) {
                reserve(n, r.ipv4());
            }
            if (r.ipv6() != null) {
                reserve(n, r.ipv6());
            }
        } catch (RuntimeException e) {
            warnings.add("endpoint " + r.name() + " of network " + n.name() + ": its address cannot be reserved ("
                    + e.getMessage() + "); kept in the store, not taken up");
            return;
        }
        d.createEndpoint(new EndpointRequest(n.id(), r.id(), r.ipv4(), r.ipv6(), r.mac(), r.options().ports()));
        EndpointImpl ep = new EndpointImpl(n, r.id(), r.name(), r.options(), r.ipv4(), r.ipv6(), r.mac());
        n.restored(ep);
        switch (r.state()) {
            case JOINING, LEAVING -> {
                d.discardJoin(n.id(), r.id());
                c.persist(r.unjoined());
                (r.state() == State.JOINING ? rolledBack : finished).add((r.state() == State.JOINING ? "join" : "leave")
                        + " of endpoint " + r.name() + " of network " + n.name());
            }
            case JOINED -> {
                SandboxImpl sb = sandboxes.get(r.sandboxId());
                if (sb == null) {
                    // its sandbox is gone: the endpoint goes with it
                    d.discardJoin(n.id(), r.id());
                    d.deleteEndpoint(n.id(), r.id());
                    n.releaseAddresses(r.ipv4(), r.ipv6());
                    n.removeEndpoint(ep);
                    c.forget(r);
                    dropped.add("endpoint " + r.name() + " of network " + n.name() + ": its sandbox is gone");
                    return;
                }
                var jr = d.restoreJoin(new JoinRequest(n.id(), r.id(), sb, n.interfacePrefix()), r.ifname());
                if (jr.isPresent()) {
                    sb.restoreAttachment(ep, jr.get(), r.priority());
                    storedPorts.put(r.id(), r.ports());
                    joined.add(r.id());
                } else {
                    c.persist(r.unjoined());
                    dropped.add("join of endpoint " + r.name() + " of network " + n.name()
                            + ": its interface is gone");
                }
            }
            default -> {
                // made, not joined: nothing in the kernel
            }
        }
    }

    // ---- leftovers nobody claims ----

    private void removeOrphans() {
        for (Driver d : c.drivers().values()) {
            for (String o : d.removeOrphans(joined)) {
                orphans.add("interface " + o);
            }
        }
        Set<Path> liveKeys = new HashSet<>();
        Set<String> liveIds = new HashSet<>(keptSandboxes);
        for (SandboxImpl sb : sandboxes.values()) {
            liveKeys.add(Path.of(sb.key()));
            liveIds.add(sb.id());
        }
        for (String id : keptSandboxes) {
            liveKeys.add(c.netnsDir().resolve(id.substring(0, Math.min(12, id.length()))));
        }
        for (Path p : list(c.netnsDir())) {
            if (!liveKeys.contains(p)) {
                try {
                    Netns.delete(p);
                    orphans.add("namespace " + p);
                } catch (NetworkException e) {
                    warnings.add("remove namespace " + p + ": " + e.getMessage());
                }
            }
        }
        for (Path p : list(c.sandboxFiles())) {
            if (!liveIds.contains(p.getFileName().toString())) {
                deleteTree(p);
                orphans.add("sandbox files " + p);
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

    private void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            warnings.add("remove " + dir + ": " + e.getMessage());
        }
    }
}
