package org.libnetwork4j.driver.overlay;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.libnetwork4j.AlreadyExistsException;
import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.MacAddress;
import org.libnetwork4j.NetworkException;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.driver.Subnet;
import org.libnetwork4j.kernel.FdbEntry;
import org.libnetwork4j.kernel.Neighbour;
import org.libnetwork4j.kernel.Netlink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the overlay driver knows of one network: its segments (one per IPv4 subnet, each with
 * its VNI, bridge and VXLAN device), its endpoints, its namespace once made
 * ({@link NetworkPlane}), and the remote peers the directory reports with what of them is
 * programmed. Peer state and the plane change under this object's monitor.
 */
final class OverlayNetwork implements PeerDirectory.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(OverlayNetwork.class);
    private static final MacAddress FLOOD = new MacAddress(0);

    /**
     * One IPv4 subnet and its VXLAN segment.
     *
     * @param subnet  the subnet and its gateway, which goes on the bridge
     * @param vni     its VNI
     */
    record Segment(Subnet subnet, int vni) {
        /** The bridge, in the network's namespace: {@code ov-} and the VNI in 6 hex digits. */
        String bridgeName() {
            return String.format("ov-%06x", vni);
        }

        /** The VXLAN device, in the network's namespace. */
        String vxlanName() {
            return String.format("vx-%06x", vni);
        }

        /**
         * The VXLAN device's name in the host namespace, between its creation and its move: the
         * network's id in it, so that a crash in between leaves a device that can be told as
         * this network's.
         */
        String vxlanHostName(String networkId) {
            return vxlanName() + "-" + networkId.substring(0, 5);
        }
    }

    /** A local endpoint: its addresses and MAC, and its veth in the network's namespace once joined. */
    static final class Endpoint {
        final IpPrefix ipv4;
        final IpPrefix ipv6;
        final MacAddress mac;
        volatile int nsIndex; // the veth end in the network's namespace; 0 while not joined
        volatile PeerDirectory.Publication publishing; // its peers' publication, until awaited

        Endpoint(IpPrefix ipv4, IpPrefix ipv6, MacAddress mac) {
            this.ipv4 = ipv4;
            this.ipv6 = ipv6;
            this.mac = mac;
        }
    }

    private record NeighKey(int vni, InetAddress ip) {
    }

    private record FdbKey(int vni, MacAddress mac) {
    }

    private record FloodKey(int vni, InetAddress vtep) {
    }

    final String id;
    final String name;
    final List<Segment> segments;
    final List<Subnet> v6;
    final int mtu;
    /** The VNIs came from the allocator, which gets them back when the network goes. */
    final boolean vniAllocated;
    final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
    private final InetAddress self;

    // guarded by this
    private NetworkPlane plane;
    private boolean deleted;
    private boolean heard; // a snapshot came: remote is the directory's view, not a blank
    private final Set<Peer> remote = new LinkedHashSet<>(); // last report wins: newest at the end
    private final Map<NeighKey, MacAddress> neighApplied = new HashMap<>();
    private final Map<FdbKey, InetAddress> fdbApplied = new HashMap<>();
    private final Set<FloodKey> floodApplied = new LinkedHashSet<>();

    volatile PeerDirectory.Subscription subscription;

    OverlayNetwork(String id, String name, List<Segment> segments, List<Subnet> v6, int mtu, boolean vniAllocated,
            InetAddress self) {
        this.id = id;
        this.name = name;
        this.segments = List.copyOf(segments);
        this.v6 = List.copyOf(v6);
        this.mtu = mtu;
        this.vniAllocated = vniAllocated;
        this.self = self;
    }

    /** The segment of an endpoint: the one whose subnet holds its IPv4 address, else the first. */
    Segment segmentFor(IpPrefix ipv4) {
        if (ipv4 != null) {
            for (Segment s : segments) {
                if (s.subnet().prefix().contains(ipv4.address())) {
                    return s;
                }
            }
        }
        return segments.get(0);
    }

    /** The peers that tell the other hosts how to reach a local endpoint: one per address. */
    List<Peer> peersOf(Endpoint ep, InetAddress vtep) {
        int vni = segmentFor(ep.ipv4).vni();
        List<Peer> l = new ArrayList<>(2);
        if (ep.ipv4 != null) {
            l.add(new Peer(id, vni, ep.ipv4.address(), ep.mac, vtep));
        }
        if (ep.ipv6 != null) {
            l.add(new Peer(id, vni, ep.ipv6.address(), ep.mac, vtep));
        }
        return l;
    }

    synchronized NetworkPlane plane() {
        return plane;
    }

    /** Installs a plane just made or taken up, and programs the peers known so far into it. */
    synchronized void attach(NetworkPlane p) {
        plane = p;
        reconcile();
    }

    /**
     * Installs the plane of an earlier driver, taken up as it is: the static entries on its
     * VXLAN devices count as programmed, so that the directory's snapshot removes those of
     * peers that left while no driver watched (until then they stay: traffic to the others
     * goes on), keeps what it still holds untouched, and adds the rest. A dump that fails
     * leaves them unknown, to stay as they are, as before this driver could read them.
     */
    synchronized void adopt(NetworkPlane p) {
        plane = p;
        var nl = p.netlink();
        for (Segment s : segments) {
            int vx = p.vxlanIndex(s.vni());
            try {
                List<Neighbour> neighbours = nl.permanentNeighbours(vx);
                List<FdbEntry> fdb = nl.staticFdb(vx);
                for (Neighbour n : neighbours) {
                    neighApplied.put(new NeighKey(s.vni(), n.ip()), n.mac());
                }
                for (FdbEntry f : fdb) {
                    if (f.remote() == null) {
                        continue; // not one of ours: they all point at a remote host
                    }
                    if (f.mac().equals(FLOOD)) {
                        floodApplied.add(new FloodKey(s.vni(), f.remote()));
                    } else {
                        fdbApplied.put(new FdbKey(s.vni(), f.mac()), f.remote());
                    }
                }
            } catch (NetworkException e) {
                LOG.warn("overlay network {}: the entries of VNI {} could not be read; those of peers gone "
                        + "meanwhile stay until their addresses are used again", name, s.vni(), e);
            }
        }
        reconcile();
    }

    /** Forgets the plane (it is being removed): whatever was programmed goes with it. */
    synchronized NetworkPlane detach(boolean forGood) {
        NetworkPlane p = plane;
        plane = null;
        deleted |= forGood;
        neighApplied.clear();
        fdbApplied.clear();
        floodApplied.clear();
        return p;
    }

    /** A delete that failed: the network takes joins again (its namespace is made anew). */
    synchronized void revive() {
        deleted = false;
    }

    synchronized boolean deleted() {
        return deleted;
    }

    // ---- peers, from the directory ----

    @Override
    public synchronized void snapshot(Set<Peer> peers) {
        remote.clear();
        for (Peer p : peers) {
            if (isRemote(p)) {
                remote.add(p);
            }
        }
        heard = true;
        reconcile();
    }

    @Override
    public synchronized void added(Peer peer) {
        if (isRemote(peer)) {
            remote.remove(peer); // to the end: the newest report of an address or MAC wins
            remote.add(peer);
            reconcile();
        }
    }

    @Override
    public synchronized void removed(Peer peer) {
        if (remote.remove(peer)) {
            reconcile();
        }
    }

    /** This host's own endpoints are on the bridge already: only other hosts' are programmed. */
    private boolean isRemote(Peer p) {
        return p.networkId().equals(id) && !p.vtep().equals(self);
    }

    /** The veth ends of this host's joined endpoints on the bridge of vni's segment. */
    private List<Integer> localPorts(int vni) {
        List<Integer> l = new ArrayList<>();
        for (Endpoint ep : endpoints.values()) {
            int port = ep.nsIndex;
            if (port != 0 && segmentFor(ep.ipv4).vni() == vni) {
                l.add(port);
            }
        }
        return l;
    }

    /** The remote peers the directory reports now (for tests and inspection). */
    synchronized Set<Peer> remotePeers() {
        return Set.copyOf(remote);
    }

    /**
     * Brings the namespace's tables to what the remote peers ask for: a permanent neighbour
     * entry (ip to MAC) and an FDB entry (MAC to the peer's host) on the segment's VXLAN
     * device per peer, and one flooding entry (the all-zero MAC) per remote host, through
     * which broadcasts other than ARP reach the other hosts' bridges (the device answers ARP
     * itself, in proxy mode, and there is no multicast group). Computed afresh from the
     * reported peers and compared with what was programmed, so that a snapshot, a change or a
     * namespace made late all come down to this; an entry the kernel refuses is logged and
     * tried again at the next change.
     */
    private void reconcile() {
        if (plane == null || deleted) {
            return; // remembered in remote; programmed when the namespace is made
        }
        if (!heard) {
            return; // an adopted namespace's tables are compared with the directory's, not a blank
        }
        Map<NeighKey, MacAddress> neigh = new LinkedHashMap<>();
        Map<FdbKey, InetAddress> fdb = new LinkedHashMap<>();
        Set<FloodKey> flood = new LinkedHashSet<>();
        for (Peer p : remote) {
            if (plane.vxlanIndex(p.vni()) == 0) {
                continue; // not a VNI of ours: a peer of another incarnation of the network
            }
            neigh.put(new NeighKey(p.vni(), p.ip()), p.mac());
            fdb.put(new FdbKey(p.vni(), p.mac()), p.vtep());
            flood.add(new FloodKey(p.vni(), p.vtep()));
        }
        var nl = plane.netlink();
        // removals first, so that an address or MAC that moved is free for its new entry
        for (var it = neighApplied.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!neigh.containsKey(e.getKey())) {
                if (kernel("delete neighbour " + e.getKey().ip(), () -> nl.delNeighbour(
                        new Neighbour(plane.vxlanIndex(e.getKey().vni()), e.getKey().ip(), e.getValue())))) {
                    it.remove();
                }
            }
        }
        for (var it = fdbApplied.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().equals(fdb.get(e.getKey()))) {
                if (kernel("delete fdb entry " + e.getKey().mac(), () -> nl.delFdb(
                        new FdbEntry(plane.vxlanIndex(e.getKey().vni()), e.getKey().mac(), e.getValue())))) {
                    it.remove();
                }
            }
        }
        for (var it = floodApplied.iterator(); it.hasNext(); ) {
            FloodKey k = it.next();
            if (!flood.contains(k)) {
                if (kernel("delete flooding entry " + k.vtep(), () -> nl.delFdb(
                        new FdbEntry(plane.vxlanIndex(k.vni()), FLOOD, k.vtep())))) {
                    it.remove();
                }
            }
        }
        Map<Integer, List<Neighbour>> fresh = new LinkedHashMap<>(); // by VNI
        for (var e : neigh.entrySet()) {
            if (!e.getValue().equals(neighApplied.get(e.getKey()))) {
                Neighbour n = new Neighbour(plane.vxlanIndex(e.getKey().vni()), e.getKey().ip(), e.getValue());
                // replace: after a restart the entry may be there already, with an old MAC
                if (kernel("add neighbour " + n.ip(), () -> nl.addNeighbour(n, true))) {
                    neighApplied.put(e.getKey(), e.getValue());
                    fresh.computeIfAbsent(e.getKey().vni(), k -> new ArrayList<>()).add(n);
                }
            }
        }
        for (var e : fdb.entrySet()) {
            if (!e.getValue().equals(fdbApplied.get(e.getKey()))) {
                FdbEntry f = new FdbEntry(plane.vxlanIndex(e.getKey().vni()), e.getKey().mac(), e.getValue());
                if (kernel("add fdb entry " + f.mac(), () -> addFdbReplacing(nl, f))) {
                    fdbApplied.put(e.getKey(), e.getValue());
                }
            }
        }
        for (FloodKey k : flood) {
            if (!floodApplied.contains(k)) {
                FdbEntry f = new FdbEntry(plane.vxlanIndex(k.vni()), FLOOD, k.vtep());
                if (kernel("add flooding entry " + k.vtep(), () -> addFdbAppending(nl, f))) {
                    floodApplied.add(k);
                }
            }
        }
        // Last, with the peers' FDB entries in place for the answers. A local container that
        // asked for one of these addresses before this host heard of it got no answer (the
        // device answers only from its table) and would ask again only a second later; one
        // that cached an old MAC would keep it for seconds. A gratuitous ARP (IPv4) or an
        // unsolicited neighbour advertisement (IPv6) settles both now, and makes no entry in
        // a container that never asked.
        for (var e : fresh.entrySet()) {
            try {
                plane.announce(e.getKey(), e.getValue(), localPorts(e.getKey()));
            } catch (NetworkException x) {
                // the tables are right; a container that asked waits for its own next try
                LOG.warn("overlay network {}: announcing {} new peers failed", name, e.getValue().size(), x);
            }
        }
    }

    /**
     * The MAC's entry pointing at f's remote. The kernel has no replace for a VXLAN FDB
     * entry: one that is there already (a restarted driver's, with another remote) is
     * deleted whole (no remote given deletes every remote of the MAC) and added again.
     */
    private static void addFdbReplacing(Netlink nl, FdbEntry f) {
        try {
            nl.addFdb(f, false);
        } catch (AlreadyExistsException there) {
            nl.delFdb(new FdbEntry(f.ifindex(), f.mac(), null));
            nl.addFdb(f, false);
        }
    }

    private static void addFdbAppending(Netlink nl, FdbEntry f) {
        try {
            nl.addFdb(f, true);
        } catch (AlreadyExistsException there) {
            // that remote is on the flooding list already (a restarted driver's entry)
        }
    }

    /** Runs one kernel change; a NotFound of a delete is success. Whether it is done. */
    private boolean kernel(String what, Runnable op) {
        try {
            op.run();
            return true;
        } catch (NotFoundException gone) {
            return what.startsWith("delete");
        } catch (NetworkException e) {
            LOG.warn("overlay network {}: {} failed, to be tried again at the next peer change", name, what, e);
            return false;
        }
    }
}
