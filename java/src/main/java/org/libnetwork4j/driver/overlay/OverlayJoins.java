package org.libnetwork4j.driver.overlay;

import java.util.List;

import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.driver.JoinRequest;
import org.libnetwork4j.driver.JoinResult;
import org.libnetwork4j.kernel.LinkChange;
import org.libnetwork4j.kernel.Netlink;
import org.libnetwork4j.kernel.VethPair;
import org.libnetwork4j.kernel.VethSpec;

/**
 * The overlay driver's joins and leaves: the network's namespace made at its first join, an
 * endpoint's veth pair between the segment's bridge and the sandbox, and the endpoint's
 * publication to the directory and its withdrawal, with what a failed join leaves undone.
 */
final class OverlayJoins {
    private final OverlayContext ctx;

    OverlayJoins(OverlayContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Makes the network's namespace if this is its first join, then the veth pair in one
     * request: one end on the segment's bridge, up, with the join's label in its alias (for a
     * restart to find it) and no IPv6 link-local address (a layer-2 port); the other born in
     * the sandbox under its final name with the endpoint's MAC. The endpoint's publication
     * starts first and is awaited last, once the whole join is done (the result's finish,
     * after the sandbox's way out), so that a remote store's round trip overlaps the kernel's
     * work: a peer the other hosts know a moment before its veth exists costs nothing, what
     * they send meanwhile finds no port and is dropped. No gateway: an overlay network gives
     * no way out.
     */
    JoinResult join(JoinRequest req) {
        OverlayNetwork n = ctx.network(req.networkId());
        OverlayNetwork.Endpoint ep = n.endpoints.get(req.endpointId());
        if (ep == null) {
            throw new NotFoundException("endpoint " + req.endpointId() + " not found in overlay network " + n.name);
        }
        NetworkPlane plane = plane(n);
        OverlayNetwork.Segment seg = n.segmentFor(ep.ipv4);
        String peerName = req.sandbox().nextInterfaceName(req.interfacePrefix());
        Netlink nl = plane.netlink();
        List<Peer> peers = n.peersOf(ep, ctx.advertise());
        PeerDirectory.Publication publication = ctx.directory().publishAll(peers);
        ep.publishing = publication; // a leave that comes first waits for it before withdrawing
        VethPair pair = null;
        try {
            pair = nl.createVeth(VethSpec.of(OverlayDriver.vethName(req.endpointId()), peerName)
                    .peerIn(req.sandbox().netlink()).master(plane.bridgeIndex(seg.vni())).mtu(n.mtu).up()
                    .peerMac(ep.mac));
            nl.change(pair.host().index(), LinkChange.NONE
                    .alias(OverlayDriver.alias(req.endpointId(), req.label())).ipv6LinkLocal(false));
        } catch (RuntimeException e) {
            undoJoin(ep, peers, pair == null ? 0 : pair.host().index(), nl, e);
            throw e;
        }
        ep.nsIndex = pair.host().index();
        String hostEnd = pair.host().name();
        int hostIndex = pair.host().index();
        return JoinResult.inSandbox(pair.peer().index(), peerName, null, null,
                () -> settle(nl, hostEnd, seg.bridgeName()), true).finishingWith(() -> {
                    try {
                        publication.await();
                    } catch (RuntimeException e) {
                        // the veth goes here, and the caller's leave then finds nothing to do:
                        // that one would withdraw before it deletes, and stop at a store it
                        // cannot reach. Nothing to withdraw: a publication that failed has
                        // taken back what it could (the directory's contract)
                        clear(ep, publication);
                        undoJoin(ep, List.of(), hostIndex, nl, e);
                        throw e;
                    }
                    clear(ep, publication);
                });
    }

    /** Forgets a publication awaited, unless a later join's has taken its place meanwhile. */
    private static void clear(OverlayNetwork.Endpoint ep, PeerDirectory.Publication awaited) {
        if (ep.publishing == awaited) {
            ep.publishing = null;
        }
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
                    ctx.directory().withdraw(p);
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
                p = NetworkPlane.make(ctx.host(), ctx.runDir(), n, ctx.advertise());
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
    void leave(String networkId, String endpointId, boolean sandboxGone) {
        OverlayNetwork n = ctx.networks().get(networkId);
        OverlayNetwork.Endpoint ep = n == null ? null : n.endpoints.get(endpointId);
        if (ep == null || ep.nsIndex == 0) {
            return;
        }
        if (awaitQuietly(ep)) { // a withdrawal must not overtake the publication on its way
            for (Peer p : n.peersOf(ep, ctx.advertise())) {
                ctx.directory().withdraw(p);
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
}
