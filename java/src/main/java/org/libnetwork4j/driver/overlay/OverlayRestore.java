package org.libnetwork4j.driver.overlay;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.PortMapping;
import org.libnetwork4j.driver.JoinRequest;
import org.libnetwork4j.driver.JoinResult;
import org.libnetwork4j.driver.NetworkRequest;
import org.libnetwork4j.driver.Subnet;
import org.libnetwork4j.kernel.Link;

/**
 * The overlay driver's side of a controller's recovery: networks taken up with their stored
 * VNIs and MTU (their namespaces as they are) or discarded, joins found again by the aliases
 * of their veth ends and published again, leftovers of interrupted work removed.
 */
final class OverlayRestore {
    private final OverlayContext ctx;
    private final OverlaySetup setup;

    OverlayRestore(OverlayContext ctx, OverlaySetup setup) {
        this.ctx = ctx;
        this.setup = setup;
    }

    /** The VNIs, whether they came from the allocator, and the MTU. */
    Map<String, String> networkState(String networkId) {
        OverlayNetwork n = ctx.network(networkId);
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
    void restoreNetwork(NetworkRequest req, Map<String, String> state) {
        OverlaySettings s = OverlaySetup.settings(req);
        List<Integer> vnis;
        boolean allocated;
        if (state.containsKey("vnis")) {
            vnis = parseStoredVnis(state.get("vnis"));
            allocated = Boolean.parseBoolean(state.get("vniAllocated"));
        } else {
            allocated = s.vnis().isEmpty();
            vnis = allocated ? List.of(ctx.vniAllocator().allocate(req.id())) : s.vnis();
            if (!allocated) {
                ctx.vniAllocator().reserve(req.id(), vnis); // held already, unless the allocator forgot
            }
        }
        if (vnis.size() < req.v4().size()) {
            throw new InvalidParameterException("overlay network " + req.name() + ": " + vnis.size()
                    + " VNIs stored for " + req.v4().size() + " IPv4 subnets");
        }
        int mtu = state.containsKey("mtu") ? Integer.parseInt(state.get("mtu"))
                : s.mtu() > 0 ? s.mtu() : setup.underlayMtu() - OverlayDriver.VXLAN_OVERHEAD;
        NetworkPlane.discardHostLeftovers(ctx.host(), req.id());
        OverlayNetwork n = new OverlayNetwork(req.id(), req.name(), segments(req, vnis), req.v6(), mtu, allocated,
                ctx.advertise());
        Optional<NetworkPlane> adopted = NetworkPlane.adopt(ctx.runDir(), n);
        if (adopted.isEmpty()) {
            NetworkPlane.discard(ctx.host(), ctx.runDir(), req.id()); // a half-made one, or nothing
        }
        adopted.ifPresent(n::adopt);
        synchronized (ctx.networks()) {
            ctx.networks().put(req.id(), n);
        }
        try {
            n.subscription = ctx.directory().watch(req.id(), n);
        } catch (RuntimeException e) {
            ctx.networks().remove(req.id());
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
    void discardNetwork(NetworkRequest req, Map<String, String> state) {
        OverlayNetwork n = ctx.networks().remove(req.id());
        if (n != null) {
            NetworkPlane p = n.detach(true);
            if (p != null) {
                p.release();
            }
            if (n.subscription != null) {
                n.subscription.close();
            }
        }
        NetworkPlane.discard(ctx.host(), ctx.runDir(), req.id());
        boolean allocated = state.containsKey("vniAllocated") ? Boolean.parseBoolean(state.get("vniAllocated"))
                : req.settings() instanceof OverlaySettings s && s.vnis().isEmpty();
        if (allocated) {
            setup.releaseVni(req.id(), null);
        }
    }

    /** The labels in the aliases of the veth ends in every network's namespace. */
    Map<String, String> joinLabels() {
        Map<String, String> labels = new LinkedHashMap<>();
        for (OverlayNetwork n : ctx.networks().values()) {
            NetworkPlane p = n.plane();
            if (p != null) {
                for (Link l : p.endpointLinks()) {
                    String[] a = OverlayDriver.parseAlias(l.alias());
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
    Optional<JoinResult> restoreJoin(JoinRequest req) {
        OverlayNetwork n = ctx.networks().get(req.networkId());
        OverlayNetwork.Endpoint ep = n == null ? null : n.endpoints.get(req.endpointId());
        NetworkPlane p = n == null ? null : n.plane();
        if (ep == null || p == null) {
            return Optional.empty();
        }
        Optional<Link> end = find(p, req.endpointId());
        if (end.isEmpty()) {
            return Optional.empty();
        }
        for (Peer peer : n.peersOf(ep, ctx.advertise())) {
            ctx.directory().publish(peer);
        }
        ep.nsIndex = end.get().index();
        return Optional.of(JoinResult.inSandbox(end.get().peerIndex(), null, null, null, null, true));
    }

    /** Deletes the endpoint's veth pair if it is there, and withdraws the endpoint. */
    void discardJoin(String networkId, String endpointId) {
        OverlayNetwork n = ctx.networks().get(networkId);
        if (n == null) {
            return;
        }
        NetworkPlane p = n.plane();
        if (p != null) {
            find(p, endpointId).ifPresent(l -> deleteQuietly(p, l));
        }
        OverlayNetwork.Endpoint ep = n.endpoints.get(endpointId);
        if (ep != null) {
            for (Peer peer : n.peersOf(ep, ctx.advertise())) {
                ctx.directory().withdraw(peer);
            }
            ep.nsIndex = 0;
        }
    }

    /** Overlay endpoints publish no ports. */
    List<PortMapping> restoreExternalConnectivity(String networkId, String endpointId,
            List<PortMapping> mappings) {
        return List.of();
    }

    /** Deletes veths of ours in the networks' namespaces whose endpoint nobody claims. */
    List<String> removeOrphans(Set<String> joined) {
        List<String> removed = new ArrayList<>();
        for (OverlayNetwork n : ctx.networks().values()) {
            NetworkPlane p = n.plane();
            if (p == null) {
                continue;
            }
            for (Link l : p.endpointLinks()) {
                String eid = OverlayDriver.parseAlias(l.alias())[0];
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
            if (OverlayDriver.parseAlias(l.alias())[0].equals(endpointId)) {
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
}
