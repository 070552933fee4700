package org.libnetwork4j.driver.overlay;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.libnetwork4j.AlreadyExistsException;
import org.libnetwork4j.ForbiddenException;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.driver.NetworkRequest;
import org.libnetwork4j.kernel.Addr;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The overlay driver's networks, their create and delete: a request checked, its VNIs taken
 * (the options' or the allocator's) and given back, the network registered in the driver's
 * map and its peers watched; at delete its namespace removed. Also what the restart shares
 * with it: a request's settings checked, the underlay's MTU, a VNI given back.
 */
final class OverlaySetup {
    private static final Logger LOG = LoggerFactory.getLogger(OverlaySetup.class);

    private final OverlayContext ctx;

    OverlaySetup(OverlayContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Checks the request, takes its VNIs (the options' or the allocator's), and watches the
     * network's peers; the namespace waits for the first join. Nothing is left if it throws.
     */
    void createNetwork(NetworkRequest req) {
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
        int mtu = s.mtu() > 0 ? s.mtu() : underlayMtu() - OverlayDriver.VXLAN_OVERHEAD;
        List<Integer> vnis;
        if (given.isEmpty()) {
            vnis = List.of(ctx.vniAllocator().allocate(req.id()));
        } else {
            ctx.vniAllocator().reserve(req.id(), given); // across hosts too: no other network gets them
            vnis = given;
        }
        try {
            register(req, vnis, mtu, given.isEmpty());
        } catch (RuntimeException e) {
            releaseVni(req.id(), e);
            throw e;
        }
    }

    static OverlaySettings settings(NetworkRequest req) {
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
        OverlayNetwork n = new OverlayNetwork(req.id(), req.name(), segments, req.v6(), mtu, allocated,
                ctx.advertise());
        synchronized (ctx.networks()) {
            if (ctx.networks().containsKey(req.id())) {
                throw new AlreadyExistsException("overlay network " + req.id() + " exists");
            }
            for (OverlayNetwork other : ctx.networks().values()) {
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
            ctx.networks().put(req.id(), n);
        }
        try {
            // outside any lock of ours: the directory may call the listener (n) on this thread
            n.subscription = ctx.directory().watch(req.id(), n);
        } catch (RuntimeException e) {
            ctx.networks().remove(req.id());
            throw e;
        }
        return n;
    }

    /** The MTU of the link holding the advertise address. */
    int underlayMtu() {
        return ctx.host().withNetlink(nl -> {
            for (Addr a : nl.addrs()) {
                if (a.prefix().address().equals(ctx.advertise())) {
                    return nl.link(a.ifindex()).mtu();
                }
            }
            throw new NotFoundException("no link of the host namespace has the advertise address "
                    + IpAddresses.format(ctx.advertise()));
        });
    }

    /**
     * Removes the namespace (and with it the bridges and VXLAN devices), stops watching the
     * peers and gives allocated VNIs back. If the namespace cannot be removed, the network
     * stays as it was.
     */
    void deleteNetwork(String networkId) {
        OverlayNetwork n = ctx.networks().get(networkId);
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
        ctx.networks().remove(networkId);
        releaseVni(networkId, null); // allocated or reserved: both go back
    }

    void releaseVni(String networkId, RuntimeException during) {
        try {
            ctx.vniAllocator().release(networkId);
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
    Map<String, String> networkInfo(String networkId) {
        OverlayNetwork n = ctx.networks().get(networkId);
        if (n == null) {
            return Map.of();
        }
        Map<String, String> m = new LinkedHashMap<>();
        m.put("vni", n.segments.stream().map(s -> Integer.toString(s.vni())).collect(Collectors.joining(",")));
        m.put("namespace", ctx.runDir().resolve(NetworkPlane.namespaceName(networkId)).toString());
        m.put("mtu", Integer.toString(n.mtu));
        m.put("remotePeers", Integer.toString(n.remotePeers().size()));
        return m;
    }

}
