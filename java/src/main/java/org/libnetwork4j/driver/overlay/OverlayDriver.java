package org.libnetwork4j.driver.overlay;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.libnetwork4j.AlreadyExistsException;
import org.libnetwork4j.ForbiddenException;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.PortMapping;
import org.libnetwork4j.driver.Capabilities;
import org.libnetwork4j.driver.EndpointAlias;
import org.libnetwork4j.driver.EndpointRequest;
import org.libnetwork4j.driver.EndpointSetup;
import org.libnetwork4j.driver.HostContext;
import org.libnetwork4j.driver.JoinRequest;
import org.libnetwork4j.driver.JoinResult;
import org.libnetwork4j.driver.NetworkRequest;
import org.libnetwork4j.driver.NetworkSettings;
import org.libnetwork4j.driver.RestorableDriver;
import org.libnetwork4j.driver.Subnet;
import org.libnetwork4j.kernel.Addr;
import org.libnetwork4j.kernel.Link;
import org.libnetwork4j.kernel.LinkChange;
import org.libnetwork4j.kernel.Netlink;
import org.libnetwork4j.kernel.VethPair;
import org.libnetwork4j.kernel.VethSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The "overlay" driver's data plane: networks that span hosts over VXLAN, as libnetwork's
 * overlay driver builds them, with the peers programmed statically from a
 * {@link PeerDirectory} (no multicast group, no learning from traffic).
 *
 * <p>Per network, a namespace of its own ({@link NetworkPlane}) holds, per IPv4 subnet, a
 * bridge with the gateway address and a VXLAN device ({@code local} the advertise address,
 * UDP 4789, learning off) made in the host namespace and moved in. It is made at the
 * network's first join, as libnetwork does, and removed with the network. An endpoint's join
 * is a veth pair whose one end is on the bridge and whose other end is born in the sandbox,
 * as the bridge driver's; the driver then publishes the endpoint to the directory, and
 * withdraws it at leave. For every network it has, the driver watches the directory and
 * programs each remote peer (one whose host is another) into the network's namespace: a
 * permanent neighbour entry and an FDB entry on the VXLAN device, and the peer's host on the
 * device's flooding list.
 *
 * <p>ARP, as libnetwork's: the VXLAN device is in proxy mode and answers its containers'
 * requests from the neighbour entries; no request or reply crosses the underlay, so a
 * container's first packet to another host does not depend on that host knowing it yet.
 * The other direction does: a container asking for a peer its host has not heard of yet gets
 * no answer (the device drops what it cannot answer), so the driver, once it programs new
 * peers, sends gratuitous ARPs for them on the bridge, and a container that asked takes the
 * MAC then rather than at its next try a second later. The flooding lists stay for the
 * other broadcasts and multicasts, which cross hosts here (libnetwork's do not); unicast no
 * longer needs them, so a host enters the others' lists with its first endpoint, the earliest
 * the directory tells of it.
 *
 * <p>Differences from libnetwork, and why: containers get no default route (Docker reaches
 * out of an overlay through a second network, docker_gwbridge, which is not this driver's);
 * the namespace stays until the network is deleted rather than going with its last endpoint
 * (a container that comes and goes does not rebuild it); broadcasts other than ARP reach
 * the remote hosts (head-end replication through the flooding lists).
 *
 * <p>MTU: the underlay's (the link holding the advertise address) minus the 50 bytes of
 * VXLAN over IPv4, on the bridges, the VXLAN devices and the veths, unless the network's
 * options give one.
 */
public final class OverlayDriver implements RestorableDriver, AutoCloseable {
    /** The driver's type, as networks name it. */
    public static final String TYPE = "overlay";
    /** What VXLAN over IPv4 adds to a frame: outer IPv4 (20), UDP (8), VXLAN (8), Ethernet (14). */
    public static final int VXLAN_OVERHEAD = 50;

    private static final Logger LOG = LoggerFactory.getLogger(OverlayDriver.class);
    private static final Capabilities CAPABILITIES = new Capabilities(Capabilities.Scope.GLOBAL,
            Capabilities.Scope.GLOBAL, false, true, false);

    private final HostContext host;
    private final Path runDir;
    private final InetAddress advertise;
    private final VniAllocator vniAllocator;
    private final PeerDirectory directory;
    private final Map<String, OverlayNetwork> networks = new ConcurrentHashMap<>();

    /**
     * A driver for one host.
     *
     * @param host             the host namespace, where the VXLAN devices are created (their
     *                         UDP sockets stay there, on the underlay)
     * @param runDir           the directory the networks' namespaces are mounted in, created
     *                         if missing; the same across restarts, for them to be found again
     * @param advertiseAddress this host's address on the underlay: the VXLAN devices' local
     *                         address, and the vtep of the peers it publishes
     * @param vnis             the VNIs of networks created without a vxlanid_list
     * @param peers            where endpoints are published and peers watched
     */
    public OverlayDriver(HostContext host, Path runDir, InetAddress advertiseAddress, VniAllocator vnis,
            PeerDirectory peers) {
        this.host = Objects.requireNonNull(host, "host");
        this.runDir = Objects.requireNonNull(runDir, "runDir");
        this.advertise = Objects.requireNonNull(advertiseAddress, "advertiseAddress");
        this.vniAllocator = Objects.requireNonNull(vnis, "vnis");
        this.directory = Objects.requireNonNull(peers, "peers");
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** Global scope and connectivity, addresses from the controller's IPAM. */
    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public NetworkSettings parseNetworkOptions(Map<String, String> options) {
        return OverlaySettings.parse(options);
    }

    // ---- networks ----

    /**
     * Checks the request, takes its VNIs (the options' or the allocator's), and watches the
     * network's peers; the namespace waits for the first join. Nothing is left if it throws.
     */
    @Override
    public void createNetwork(NetworkRequest req) {
        OverlaySettings s = settings(req);
        List<Integer> given = s.vnis();
        if (!given.isEmpty() && given.size() < req.v4().size()) {
            throw new InvalidParameterException("option \"" + OverlaySettings.VXLANID_LIST + "\" gives "
                    + given.size() + " VNIs for " + req.v4().size() + " IPv4 subnets: one each is needed");
        }
        if (given.isEmpty() && req.v4().size() > 1) {
            throw new InvalidParameterException("a network of " + req.v4().size() + " IPv4 subnets needs option \""
                    + OverlaySettings.VXLANID_LIST + "\": the VNI allocator gives one VNI per network");
        }
        int mtu = s.mtu() > 0 ? s.mtu() : underlayMtu() - VXLAN_OVERHEAD;
        List<Integer> vnis;
        if (given.isEmpty()) {
            vnis = List.of(vniAllocator.allocate(req.id()));
        } else {
            vniAllocator.reserve(req.id(), given); // across hosts too: no other network gets them
            vnis = given;
        }
        try {
            register(req, vnis, mtu, given.isEmpty());
        } catch (RuntimeException e) {
            releaseVni(req.id(), e);
            throw e;
        }
    }

    private static OverlaySettings settings(NetworkRequest req) {
        if (!(req.settings() instanceof OverlaySettings s)) {
            throw new InvalidParameterException("overlay network " + req.name() + ": settings " + req.settings()
                    + " are not the overlay driver's");
        }
        if (req.v4().isEmpty()) {
            throw new InvalidParameterException("overlay network " + req.name() + " needs an IPv4 subnet");
        }
        return s;
    }

    /** The network in the driver's map, watching its peers; undone whole if the watch fails. */
    private OverlayNetwork register(NetworkRequest req, List<Integer> vnis, int mtu, boolean allocated) {
        List<OverlayNetwork.Segment> segments = new ArrayList<>();
        for (int i = 0; i < req.v4().size(); i++) {
            segments.add(new OverlayNetwork.Segment(req.v4().get(i), vnis.get(i)));
        }
        OverlayNetwork n = new OverlayNetwork(req.id(), req.name(), segments, req.v6(), mtu, allocated, advertise);
        synchronized (networks) {
            if (networks.containsKey(req.id())) {
                throw new AlreadyExistsException("overlay network " + req.id() + " exists");
            }
            for (OverlayNetwork other : networks.values()) {
                for (OverlayNetwork.Segment a : other.segments) {
                    for (OverlayNetwork.Segment b : segments) {
                        if (a.vni() == b.vni()) {
                            // one VNI on one UDP port per host: the kernel would refuse its device
                            throw new ForbiddenException("VNI " + b.vni() + " is used by overlay network "
                                    + other.name);
                        }
                    }
                }
            }
            networks.put(req.id(), n);
        }
        try {
            // outside any lock of ours: the directory may call the listener (n) on this thread
            n.subscription = directory.watch(req.id(), n);
        } catch (RuntimeException e) {
            networks.remove(req.id());
            throw e;
        }
        return n;
    }

    /** The MTU of the link holding the advertise address. */
    private int underlayMtu() {
        return host.withNetlink(nl -> {
            for (Addr a : nl.addrs()) {
                if (a.prefix().address().equals(advertise)) {
                    return nl.link(a.ifindex()).mtu();
                }
            }
            throw new NotFoundException("no link of the host namespace has the advertise address "
                    + IpAddresses.format(advertise));
        });
    }

    /**
     * Removes the namespace (and with it the bridges and VXLAN devices), stops watching the
     * peers and gives allocated VNIs back. If the namespace cannot be removed, the network
     * stays as it was.
     */
    @Override
    public void deleteNetwork(String networkId) {
        OverlayNetwork n = networks.get(networkId);
        if (n == null) {
            return;
        }
        NetworkPlane p = n.detach(true);
        if (p != null) {
            try {
                p.destroy();
            } catch (RuntimeException e) {
                n.revive();
                throw e;
            }
        }
        // not under n's monitor: the directory may be delivering to n, under its own lock
        PeerDirectory.Subscription sub = n.subscription;
        if (sub != null) {
            sub.close();
        }
        networks.remove(networkId);
        releaseVni(networkId, null); // allocated or reserved: both go back
    }

    private void releaseVni(String networkId, RuntimeException during) {
        try {
            vniAllocator.release(networkId);
        } catch (RuntimeException e) {
            if (during != null) {
                during.addSuppressed(e);
            } else {
                // the kernel is clean and the network gone; only the allocator's record is left
                LOG.warn("overlay network {}: its VNI could not be released", networkId, e);
            }
        }
    }

    /** The VNIs, the namespace, the MTU and the remote peers known. */
    @Override
    public Map<String, String> networkInfo(String networkId) {
        OverlayNetwork n = networks.get(networkId);
        if (n == null) {
            return Map.of();
        }
        Map<String, String> m = new LinkedHashMap<>();
        m.put("vni", n.segments.stream().map(s -> Integer.toString(s.vni())).collect(Collectors.joining(",")));
        m.put("namespace", runDir.resolve(NetworkPlane.namespaceName(networkId)).toString());
        m.put("mtu", Integer.toString(n.mtu));
        m.put("remotePeers", Integer.toString(n.remotePeers().size()));
        return m;
    }

    // ---- endpoints ----

    /** The MAC asked for, else Docker's 02:42 and the IPv4 address. */
    @Override
    public EndpointSetup createEndpoint(EndpointRequest req) {
        OverlayNetwork n = network(req.networkId());
        if (!req.ports().isEmpty()) {
            throw new InvalidParameterException("overlay network " + n.name + " publishes no ports");
        }
        OverlayNetwork.Endpoint ep = new OverlayNetwork.Endpoint(req.ipv4(), req.ipv6(), req.macOrDerived());
        n.endpoints.put(req.endpointId(), ep);
        return new EndpointSetup(ep.mac);
    }

    @Override
    public void deleteEndpoint(String networkId, String endpointId) {
        OverlayNetwork n = networks.get(networkId);
        if (n != null) {
            n.endpoints.remove(endpointId);
        }
    }

    // ---- join and leave ----

    /**
     * Makes the network's namespace if this is its first join, then the veth pair in one
     * request: one end on the segment's bridge, up, with the join's label in its alias (for a
     * restart to find it) and no IPv6 link-local address (a layer-2 port); the other born in
     * the sandbox under its final name with the endpoint's MAC. The endpoint's publication
     * starts first and is awaited once the sandbox has the interface up (the result's
     * afterUp), so that a remote store's round trip overlaps the kernel's work: a peer the
     * other hosts know a moment before its veth exists costs nothing, what they send meanwhile
     * finds no port and is dropped. No gateway: an overlay network gives no way out.
     */
    @Override
    public JoinResult join(JoinRequest req) {
        OverlayNetwork n = network(req.networkId());
        OverlayNetwork.Endpoint ep = n.endpoints.get(req.endpointId());
        if (ep == null) {
            throw new NotFoundException("endpoint " + req.endpointId() + " not found in overlay network " + n.name);
        }
        NetworkPlane plane = plane(n);
        OverlayNetwork.Segment seg = n.segmentFor(ep.ipv4);
        String peerName = req.sandbox().nextInterfaceName(req.interfacePrefix());
        Netlink nl = plane.netlink();
        List<Peer> peers = n.peersOf(ep, advertise);
        PeerDirectory.Publication publication = directory.publishAll(peers);
        ep.publishing = publication; // a leave that comes first waits for it before withdrawing
        VethPair pair = null;
        try {
            pair = nl.createVeth(VethSpec.of(vethName(req.endpointId()), peerName)
                    .peerIn(req.sandbox().netlink()).master(plane.bridgeIndex(seg.vni())).mtu(n.mtu).up()
                    .peerMac(ep.mac));
            nl.change(pair.host().index(), LinkChange.NONE.alias(alias(req.endpointId(), req.label()))
                    .ipv6LinkLocal(false));
        } catch (RuntimeException e) {
            undoJoin(ep, peers, pair == null ? 0 : pair.host().index(), nl, e);
            throw e;
        }
        ep.nsIndex = pair.host().index();
        String hostEnd = pair.host().name();
        int hostIndex = pair.host().index();
        return JoinResult.inSandbox(pair.peer().index(), peerName, null, null, () -> {
            settle(nl, hostEnd, seg.bridgeName());
            ep.publishing = null; // awaited here; the caller's locks keep a leave out meanwhile
            try {
                publication.await();
            } catch (RuntimeException e) {
                // undone here, not by the caller's leave: that one withdraws before it deletes,
                // and stops at a store it cannot reach. Nothing to withdraw: a publication that
                // failed has taken back what it could (the directory's contract)
                undoJoin(ep, List.of(), hostIndex, nl, e);
                throw e;
            }
        }, true);
    }

    /**
     * A join that failed: its publication waited for, its peers withdrawn (as far as the
     * directory can be reached: the others go with the lease), its veth pair deleted.
     * Everything that fails is added to cause.
     */
    private void undoJoin(OverlayNetwork.Endpoint ep, List<Peer> peers, int hostIndex, Netlink nl,
            RuntimeException cause) {
        if (awaitQuietly(ep)) {
            for (Peer p : peers) {
                try {
                    directory.withdraw(p);
                } catch (RuntimeException w) {
                    cause.addSuppressed(w);
                }
            }
        }
        if (hostIndex != 0) {
            try {
                nl.deleteLink(hostIndex); // takes the sandbox's end along
            } catch (RuntimeException cleanup) {
                cause.addSuppressed(cleanup);
            }
        }
        ep.nsIndex = 0;
    }

    /**
     * Waits for a publication still under way; its failure is not the caller's. False if it
     * failed: the directory has then taken back what it could, and withdrawing again would
     * only ask an unreachable store once more.
     */
    private static boolean awaitQuietly(OverlayNetwork.Endpoint ep) {
        PeerDirectory.Publication p = ep.publishing;
        ep.publishing = null;
        if (p != null) {
            try {
                p.await();
            } catch (RuntimeException failed) {
                return false;
            }
        }
        return true;
    }

    /**
     * Once the sandbox's end is up, its peer on the bridge has carrier, but the kernel attaches
     * its queue and enables the bridge port from its link-watch worker, some milliseconds
     * later, and drops what crosses meanwhile: the container's first ARP request or the
     * device's answer to it, so that its first packet waits a second for the ARP retry (4 of
     * 20 "warm" rounds of the overlay benchmark). As the bridge driver does, settled here.
     */
    private static void settle(Netlink nl, String hostEnd, String bridge) {
        nl.settle(hostEnd);
        nl.settle(bridge);
    }

    /** The network's namespace, made now if it is the first join. */
    private NetworkPlane plane(OverlayNetwork n) {
        synchronized (n) {
            NetworkPlane p = n.plane();
            if (p == null) {
                if (n.deleted()) {
                    throw new NotFoundException("overlay network " + n.name + " is being deleted");
                }
                p = NetworkPlane.make(host, runDir, n, advertise);
                n.attach(p);
            }
            return p;
        }
    }

    /**
     * Withdraws the endpoint first (the other hosts stop sending to it), then deletes its veth
     * pair unless the sandbox's namespace takes it along. If the directory cannot be reached,
     * this throws and the endpoint stays joined.
     */
    @Override
    public void leave(String networkId, String endpointId, boolean sandboxGone) {
        OverlayNetwork n = networks.get(networkId);
        OverlayNetwork.Endpoint ep = n == null ? null : n.endpoints.get(endpointId);
        if (ep == null || ep.nsIndex == 0) {
            return;
        }
        if (awaitQuietly(ep)) { // a withdrawal must not overtake the publication on its way
            for (Peer p : n.peersOf(ep, advertise)) {
                directory.withdraw(p);
            }
        }
        NetworkPlane plane = n.plane();
        if (!sandboxGone && plane != null) {
            try {
                plane.netlink().deleteLink(ep.nsIndex);
            } catch (NotFoundException gone) {
                // the pair is gone already: that is what leave wants
            }
        }
        ep.nsIndex = 0;
    }

    // ---- restart ----

    /** The VNIs, whether they came from the allocator, and the MTU. */
    @Override
    public Map<String, String> networkState(String networkId) {
        OverlayNetwork n = network(networkId);
        Map<String, String> m = new LinkedHashMap<>();
        m.put("vnis", n.segments.stream().map(s -> Integer.toString(s.vni())).collect(Collectors.joining(",")));
        m.put("vniAllocated", Boolean.toString(n.vniAllocated));
        m.put("mtu", Integer.toString(n.mtu));
        return m;
    }

    /**
     * Takes up the network with its stored VNIs and MTU: its namespace as it is if it is
     * there whole (traffic never stops), else to be made at the next join (after a reboot);
     * a VXLAN device a crash left in the host namespace goes. Then the peers are watched
     * again: their snapshot is compared with the static entries the namespace holds; those of
     * peers that left while no driver watched are removed, the others replaced where they
     * differ, the missing added.
     */
    @Override
    public void restoreNetwork(NetworkRequest req, Map<String, String> state) {
        OverlaySettings s = settings(req);
        List<Integer> vnis;
        boolean allocated;
        if (state.containsKey("vnis")) {
            vnis = parseStoredVnis(state.get("vnis"));
            allocated = Boolean.parseBoolean(state.get("vniAllocated"));
        } else {
            allocated = s.vnis().isEmpty();
            vnis = allocated ? List.of(vniAllocator.allocate(req.id())) : s.vnis();
            if (!allocated) {
                vniAllocator.reserve(req.id(), vnis); // held already, unless the allocator forgot
            }
        }
        if (vnis.size() < req.v4().size()) {
            throw new InvalidParameterException("overlay network " + req.name() + ": " + vnis.size()
                    + " VNIs stored for " + req.v4().size() + " IPv4 subnets");
        }
        int mtu = state.containsKey("mtu") ? Integer.parseInt(state.get("mtu"))
                : s.mtu() > 0 ? s.mtu() : underlayMtu() - VXLAN_OVERHEAD;
        NetworkPlane.discardHostLeftovers(host, req.id());
        OverlayNetwork n = new OverlayNetwork(req.id(), req.name(), segments(req, vnis), req.v6(), mtu, allocated,
                advertise);
        Optional<NetworkPlane> adopted = NetworkPlane.adopt(runDir, n);
        if (adopted.isEmpty()) {
            NetworkPlane.discard(host, runDir, req.id()); // a half-made one, or nothing
        }
        adopted.ifPresent(n::adopt);
        synchronized (networks) {
            networks.put(req.id(), n);
        }
        try {
            n.subscription = directory.watch(req.id(), n);
        } catch (RuntimeException e) {
            networks.remove(req.id());
            adopted.ifPresent(NetworkPlane::release);
            throw e;
        }
    }

    private static List<OverlayNetwork.Segment> segments(NetworkRequest req, List<Integer> vnis) {
        List<OverlayNetwork.Segment> l = new ArrayList<>();
        for (int i = 0; i < req.v4().size(); i++) {
            Subnet sub = req.v4().get(i);
            l.add(new OverlayNetwork.Segment(sub, vnis.get(i)));
        }
        return l;
    }

    private static List<Integer> parseStoredVnis(String v) {
        List<Integer> l = new ArrayList<>();
        for (String p : v.split(",")) {
            l.add(Integer.parseInt(p.trim()));
        }
        return l;
    }

    /**
     * Removes the namespace and any VXLAN device of the network, and gives back an allocated
     * VNI.
     */
    @Override
    public void discardNetwork(NetworkRequest req, Map<String, String> state) {
        OverlayNetwork n = networks.remove(req.id());
        if (n != null) {
            NetworkPlane p = n.detach(true);
            if (p != null) {
                p.release();
            }
            if (n.subscription != null) {
                n.subscription.close();
            }
        }
        NetworkPlane.discard(host, runDir, req.id());
        boolean allocated = state.containsKey("vniAllocated") ? Boolean.parseBoolean(state.get("vniAllocated"))
                : req.settings() instanceof OverlaySettings s && s.vnis().isEmpty();
        if (allocated) {
            releaseVni(req.id(), null);
        }
    }

    /** The labels in the aliases of the veth ends in every network's namespace. */
    @Override
    public Map<String, String> joinLabels() {
        Map<String, String> labels = new LinkedHashMap<>();
        for (OverlayNetwork n : networks.values()) {
            NetworkPlane p = n.plane();
            if (p != null) {
                for (Link l : p.endpointLinks()) {
                    String[] a = parseAlias(l.alias());
                    labels.put(a[0], a[1]);
                }
            }
        }
        return labels;
    }

    /**
     * The endpoint's veth end in the network's namespace, found by its alias; the sandbox's
     * end is the index the pair names (its name is the controller's to read). The endpoint is
     * published again (a directory that kept it takes it as it is).
     */
    @Override
    public Optional<JoinResult> restoreJoin(JoinRequest req) {
        OverlayNetwork n = networks.get(req.networkId());
        OverlayNetwork.Endpoint ep = n == null ? null : n.endpoints.get(req.endpointId());
        NetworkPlane p = n == null ? null : n.plane();
        if (ep == null || p == null) {
            return Optional.empty();
        }
        Optional<Link> end = find(p, req.endpointId());
        if (end.isEmpty()) {
            return Optional.empty();
        }
        for (Peer peer : n.peersOf(ep, advertise)) {
            directory.publish(peer);
        }
        ep.nsIndex = end.get().index();
        return Optional.of(JoinResult.inSandbox(end.get().peerIndex(), null, null, null, null, true));
    }

    /** Deletes the endpoint's veth pair if it is there, and withdraws the endpoint. */
    @Override
    public void discardJoin(String networkId, String endpointId) {
        OverlayNetwork n = networks.get(networkId);
        if (n == null) {
            return;
        }
        NetworkPlane p = n.plane();
        if (p != null) {
            find(p, endpointId).ifPresent(l -> deleteQuietly(p, l));
        }
        OverlayNetwork.Endpoint ep = n.endpoints.get(endpointId);
        if (ep != null) {
            for (Peer peer : n.peersOf(ep, advertise)) {
                directory.withdraw(peer);
            }
            ep.nsIndex = 0;
        }
    }

    /** Overlay endpoints publish no ports. */
    @Override
    public List<PortMapping> restoreExternalConnectivity(String networkId, String endpointId,
            List<PortMapping> mappings) {
        return List.of();
    }

    /** Deletes veths of ours in the networks' namespaces whose endpoint nobody claims. */
    @Override
    public List<String> removeOrphans(Set<String> joined) {
        List<String> removed = new ArrayList<>();
        for (OverlayNetwork n : networks.values()) {
            NetworkPlane p = n.plane();
            if (p == null) {
                continue;
            }
            for (Link l : p.endpointLinks()) {
                String eid = parseAlias(l.alias())[0];
                if (!joined.contains(eid)) {
                    deleteQuietly(p, l);
                    removed.add("veth " + l.name() + " of endpoint " + eid + " in overlay network " + n.name);
                }
            }
        }
        return removed;
    }

    private static Optional<Link> find(NetworkPlane p, String endpointId) {
        for (Link l : p.endpointLinks()) {
            if (parseAlias(l.alias())[0].equals(endpointId)) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }

    private static void deleteQuietly(NetworkPlane p, Link l) {
        try {
            p.netlink().deleteLink(l.index());
        } catch (NotFoundException gone) {
            // gone already
        }
    }

    /**
     * Stops watching peers and closes the handles of the networks' namespaces, leaving the
     * kernel as it is and the endpoints published: what a restarted driver takes up
     * ({@link #restoreNetwork}). The driver is not to be used afterwards.
     */
    @Override
    public void close() {
        for (OverlayNetwork n : networks.values()) {
            PeerDirectory.Subscription sub = n.subscription;
            if (sub != null) {
                sub.close();
            }
            NetworkPlane p = n.detach(true);
            if (p != null) {
                p.release();
            }
        }
        networks.clear();
    }

    // ---- names ----

    /** The veth end in the network's namespace: unique there, as endpoint ids are. */
    static String vethName(String endpointId) {
        return "ve" + endpointId.substring(0, 12);
    }

    /** As the bridge driver's host ends: {@code lnw4j endpoint=ID LABEL}. */
    static String alias(String endpointId, String label) {
        return EndpointAlias.of(endpointId, label);
    }

    /** The endpoint id and label an alias of ours holds, or null for any other alias. */
    static String[] parseAlias(String alias) {
        return EndpointAlias.parse(alias);
    }

    private OverlayNetwork network(String id) {
        OverlayNetwork n = networks.get(id);
        if (n == null) {
            throw new NotFoundException("overlay network " + id + " not found");
        }
        return n;
    }
}
