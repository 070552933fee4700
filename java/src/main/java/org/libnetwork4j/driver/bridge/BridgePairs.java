package org.libnetwork4j.driver.bridge;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.libnetwork4j.AlreadyExistsException;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.RetryableException;
import org.libnetwork4j.driver.HostContext;
import org.libnetwork4j.driver.JoinRequest;
import org.libnetwork4j.driver.SandboxContext;
import org.libnetwork4j.driver.bridge.BridgeState.BridgeEndpoint;
import org.libnetwork4j.driver.bridge.BridgeState.BridgeNetwork;
import org.libnetwork4j.kernel.Link;
import org.libnetwork4j.kernel.LinkChange;
import org.libnetwork4j.kernel.Netlink;
import org.libnetwork4j.kernel.VethPair;
import org.libnetwork4j.kernel.VethSpec;

/**
 * The bridge driver's veth pairs, one per joined endpoint: made with the peer born in the
 * sandbox under a host-end name of the endpoint's that is free, settled once the sandbox's end
 * is up, and deleted at leave, at once or, where the sandbox stays, in the background
 * ({@link BridgeDriver#leaveAdopted}).
 */
final class BridgePairs {
    /** The most pairs whose delete runs in the background at once (see {@link BridgeDriver#leaveAdopted}). */
    static final int MAX_PENDING_DELETES = 256;

    private final HostContext host;
    private final BridgeConnectivity connectivity;
    private final HostEndNames names;
    /** Host ends of left joins whose delete runs in the background, by name. */
    private final Map<String, CompletableFuture<Void>> leaving = new ConcurrentHashMap<>();

    BridgePairs(HostContext host, BridgeConnectivity connectivity, HostEndNames names) {
        this.host = host;
        this.connectivity = connectivity;
        this.names = names;
    }

    /**
     * The pair under the first name of the endpoint that is free: a link of someone else's
     * that holds it makes the kernel refuse with EEXIST, and the next candidate is tried.
     * Whatever fails leaves no pair and no name held.
     */
    VethPair create(Netlink nl, BridgeNetwork n, BridgeEndpoint ep, JoinRequest req,
            HostEndNames.Claim first, String peer) {
        HostEndNames.Claim name = first;
        while (true) {
            VethPair p;
            try {
                p = nl.createVeth(VethSpec.of(name.name(), peer).peerIn(req.sandbox().netlink())
                        .master(n.bridgeIndex).mtu(n.settings.mtu()).up().peerMac(ep.mac));
            } catch (AlreadyExistsException taken) {
                if (awaitLeft(name.name())) {
                    continue; // our own pair of an earlier join, being deleted: its name is free now
                }
                names.release(name.name(), req.endpointId());
                if (nl.findLink(name.name()).isEmpty()) {
                    throw taken; // the peer's name in the sandbox, not ours
                }
                name = names.claim(req.endpointId(), name.candidate() + 1);
                continue;
            } catch (RuntimeException e) {
                names.release(name.name(), req.endpointId());
                throw e;
            }
            try {
                nl.change(p.host().index(), LinkChange.NONE.alias(BridgeState.alias(req.endpointId(), req.label()))
                        .ipv6LinkLocal(false));
                connectivity.addPort(nl, n, p.host().index());
            } catch (RuntimeException e) {
                try {
                    nl.deleteLink(p.host().index());
                } catch (RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
                names.release(name.name(), req.endpointId());
                throw e;
            }
            ep.hostEnd = name.name();
            ep.hostIndex = p.host().index();
            ep.sandbox = req.sandbox();
            ep.peerIndex = p.peer().index();
            return p;
        }
    }

    /**
     * The veth's host end got carrier when the container's end came up, and the bridge got its
     * own with its first live port. The kernel attaches their queues, and enables the port,
     * from its link-watch worker some milliseconds later, and drops what they send meanwhile:
     * the gateway's ARP reply to the container's first packet, which then waits a second for
     * the ARP retry (about every other attach, for a datagram sent at once). Settled here, in
     * that order, a joined container can talk at once (native/tests/test_settle.c).
     */
    void settle(BridgeNetwork n, String hostEnd) {
        host.withNetlink(nl -> {
            nl.settle(hostEnd);
            nl.settle(n.bridgeName);
            return null;
        });
    }

    /** The leave of {@link BridgeDriver#leaveAdopted}: see there. */
    void retire(BridgeNetwork n, BridgeEndpoint ep, String endpointId) {
        int index = ep.hostIndex;
        // Room on the bridge for the pending deletes' ports, which the kernel still counts
        boolean offTheBridge = n.ports() > BridgeState.MAX_PORTS - MAX_PENDING_DELETES;
        // marked for a restart to finish, and in the group the host deletes in batches
        LinkChange left = LinkChange.NONE.alias(BridgeState.deletedPortAlias(endpointId))
                .group(HostContext.RETIRED_GROUP);
        try {
            host.withNetlink(nl -> {
                if (offTheBridge) {
                    // down first: no frame crosses the port from here on, and it leaves the
                    // bridge without carrier (nomaster's RCU wait is the expedited one)
                    nl.change(index, left.up(false));
                    nl.setNoMaster(index);
                } else {
                    // Only marked: the container's end going down (renamePeerAway) takes the
                    // pair's carrier, and from then on a veth drops whatever it would hand its
                    // peer, so no frame crosses; the bridge disables the port and forgets the
                    // MACs learnt on it when its link watch sees the carrier go. Taking this end
                    // down and off the bridge as well cost two requests with an RCU wait each,
                    // a third of a warm CNI DEL (RESULTS.md); its delete does both in the background.
                    nl.change(index, left);
                }
                return null;
            });
        } catch (NotFoundException gone) {
            return; // the pair is gone already: that is what leave wants
        } catch (RuntimeException e) {
            deleteNow(index, e);
            return;
        }
        // The host deletes the pending pairs in batches (256 in ~0.1 s): past a backlog that
        // large, the leave deletes its own pair as it did before. That bounds how long the
        // controller's close waits for them, and so that after a clean close (whose restart
        // reads the bridges' ports without their marks) none is left behind.
        if (leaving.size() < MAX_PENDING_DELETES && renamePeerAway(ep, index)) {
            String name = ep.hostEnd;
            CompletableFuture<Void> done = host.deleteRetiredLater(index, name);
            leaving.put(name, done);
            done.whenComplete((v, e) -> leaving.remove(name, done));
        } else {
            deleteNow(index, null);
        }
    }

    /**
     * The container's end of the pair whose host end is hostIndex: down, then (a link that is
     * up cannot be renamed) {@code lnwdel} and its index in hex, a name unique in that
     * namespace while the link lives. True if done; false if the caller must delete the pair
     * now.
     */
    private static boolean renamePeerAway(BridgeEndpoint ep, int hostIndex) {
        SandboxContext sb = ep.sandbox;
        int peer = ep.peerIndex;
        if (sb == null || peer <= 0) {
            return false;
        }
        try {
            Netlink nl = sb.netlink();
            // the index is the one the kernel gave the pair's peer; checked, as a wrong one would
            // take down someone else's interface
            Link l = nl.link(peer);
            if (!"veth".equals(l.kind()) || l.peerIndex() != hostIndex) {
                return false;
            }
            nl.setDown(peer);
            nl.rename(peer, "lnwdel" + Integer.toHexString(peer));
            return true;
        } catch (RuntimeException e) {
            // not where the join left it (a pair dies whole, so a missing peer was moved, e.g.
            // by a caller that moves interfaces itself), or no name for it: delete it now
            return false;
        }
    }

    /**
     * Waits for the background delete of a host end of ours called name, if one is pending
     * (a rejoin of its endpoint right after its leave wants the name back; waiting keeps the
     * endpoint's names from running out when it leaves and joins in quick turns). True if
     * there was one and it completed; false if there was none, or it failed or took too long
     * (the link is then taken to be someone else's, and the join tries the endpoint's next name).
     */
    private boolean awaitLeft(String name) {
        CompletableFuture<Void> pending = leaving.get(name);
        if (pending == null) {
            return false;
        }
        try {
            pending.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryableException("interrupted waiting for the delete of " + name);
        } catch (ExecutionException | TimeoutException e) {
            leaving.remove(name, pending);
            return false;
        }
        leaving.remove(name, pending);
        return true;
    }

    /** The synchronous delete; a pair gone already counts as deleted. */
    void deleteNow(int index, RuntimeException cause) {
        try {
            host.withNetlink(nl -> {
                nl.deleteLink(index);
                return null;
            });
        } catch (NotFoundException gone) {
            // the pair is gone already: that is what leave wants
        } catch (RuntimeException e) {
            if (cause != null) {
                e.addSuppressed(cause);
            }
            throw e;
        }
    }
}
