package org.libnetwork4j.driver.bridge;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.PortMapping;
import org.libnetwork4j.driver.HostContext;
import org.libnetwork4j.driver.JoinRequest;
import org.libnetwork4j.driver.JoinResult;
import org.libnetwork4j.driver.NetworkRequest;
import org.libnetwork4j.driver.bridge.BridgeState.BridgeEndpoint;
import org.libnetwork4j.driver.bridge.BridgeState.BridgeNetwork;
import org.libnetwork4j.kernel.Addr;
import org.libnetwork4j.kernel.Link;
import org.libnetwork4j.kernel.LinkChange;

/**
 * The bridge driver's side of a controller's recovery: bridges taken up as they are, joins
 * found again by the aliases of their host ends, leftovers of interrupted work removed.
 */
final class BridgeRestore {
    private final HostContext host;
    private final Map<String, BridgeNetwork> networks;
    private final BridgeSetup setup;
    private final BridgeConnectivity connectivity;
    private final HostEndNames names;
    /**
     * The host's links as {@link #joinLabels} dumped them, for the rest of the recovery:
     * one dump, not one per network and per step (with 10,000 veths a dump is ~100 ms).
     * Null outside a recovery. Links this recovery deleted are taken out of it.
     */
    private Snapshot snapshot;

    /**
     * The links of one dump: by name, and ours by the endpoint their alias names. recorded:
     * a dump of bridge ports after a clean close, without aliases or peer namespace ids,
     * whose ports are taken for the recorded joins named by them.
     */
    private static final class Snapshot {
        final boolean recorded;
        final Map<Integer, Link> byIndex = new LinkedHashMap<>();
        final Map<String, Link> byName = new HashMap<>();
        final Map<String, Link> byOwner = new HashMap<>();
        /** recorded: how many endpoints on record have each name among their candidates. */
        final Map<String, Integer> candidates = new HashMap<>();
        /** recorded: aliases read one port at a time, where a name is ambiguous. */
        final Map<Integer, String> aliases = new HashMap<>();

        Snapshot(boolean recorded) {
            this.recorded = recorded;
        }

        void add(Link l) {
            byIndex.put(l.index(), l);
            byName.put(l.name(), l);
        }

        void remove(Link l) {
            byIndex.remove(l.index());
            byName.remove(l.name());
        }
    }

    BridgeRestore(HostContext host, Map<String, BridgeNetwork> networks, BridgeSetup setup,
            BridgeConnectivity connectivity, HostEndNames names) {
        this.host = host;
        this.networks = networks;
        this.setup = setup;
        this.connectivity = connectivity;
        this.names = names;
    }

    static Map<String, String> networkState(BridgeNetwork n) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("bridge", n.bridgeName);
        m.put("adopted", Boolean.toString(n.adopted));
        m.put("addedAddrs", String.join(",", n.addedAddrs.stream().map(a -> a.prefix().toString()).toList()));
        return m;
    }

    /**
     * The bridge as it is: its addresses, MTU and settings are ensured; after a reboot it is
     * made again. Whether it was adopted, and which addresses this driver added to it, come
     * from the stored state.
     */
    void restoreNetwork(NetworkRequest req, Map<String, String> state) {
        String name = state.getOrDefault("bridge", BridgeState.bridgeName(req));
        BridgeNetwork n = new BridgeNetwork(req, name);
        networks.put(req.id(), n);
        try {
            host.withNetlink(nl -> {
                boolean existed = nl.findLink(name).isPresent();
                setup.setUp(nl, n, req, false); // its ports: counted by joinLabels
                if (existed) {
                    n.adopted = Boolean.parseBoolean(state.getOrDefault("adopted", "false"));
                    for (String a : state.getOrDefault("addedAddrs", "").split(",")) {
                        if (!a.isEmpty() && n.addedAddrs.stream().noneMatch(x -> x.prefix().toString().equals(a))) {
                            n.addedAddrs.add(Addr.of(n.bridgeIndex, a));
                        }
                    }
                }
                return null;
            });
            connectivity.addNetwork(n, req);
        } catch (RuntimeException e) {
            networks.remove(req.id());
            throw e;
        }
    }

    /**
     * Dumps the host's links once for the recovery: the labels of our host ends, and the
     * ports of each bridge taken up (which restoreNetwork left uncounted).
     */
    Map<String, String> joinLabels() {
        Set<Integer> bridges = bridgeIndexes();
        Map<String, String> labels = new HashMap<>();
        Snapshot s = new Snapshot(false);
        for (Link l : host.withNetlink(nl -> nl.links())) {
            s.add(l);
            String[] owner = bridges.contains(l.master()) ? BridgeState.parseAlias(l.alias()) : null;
            if (owner != null && BridgeState.candidateOf(owner[0], l.name()) >= 0) {
                labels.put(owner[0], owner[1]);
                s.byOwner.put(owner[0], l);
            }
        }
        countPorts(s);
        snapshot = s;
        return labels;
    }

    private Set<Integer> bridgeIndexes() {
        Set<Integer> bridges = new HashSet<>();
        networks.values().forEach(n -> bridges.add(n.bridgeIndex));
        return bridges;
    }

    /** Each bridge taken up gets the number of its ports in the dump (restoreNetwork left it 0). */
    private void countPorts(Snapshot s) {
        Map<Integer, Integer> ports = new HashMap<>();
        s.byIndex.values().forEach(l -> ports.merge(l.master(), 1, Integer::sum));
        networks.values().forEach(n -> n.setPorts(ports.getOrDefault(n.bridgeIndex, 0)));
    }

    /**
     * After a clean close: the bridges' ports only, as the bridges report them (no labels to
     * read: every join is on record), and each bridge's ports counted. A full dump would cost
     * the kernel O(ports^2) (see Netlink#bridgePorts); this is ~50 ms for 10,000.
     */
    void prepareRecordedJoins(Set<String> endpointIds) {
        Set<Integer> bridges = bridgeIndexes();
        Snapshot s = new Snapshot(true);
        for (Link l : host.withNetlink(nl -> nl.bridgePorts())) {
            if (bridges.contains(l.master())) {
                s.add(l);
            }
        }
        countPorts(s);
        for (String id : endpointIds) {
            for (int k = 0; k < BridgeState.HOST_END_CANDIDATES; k++) {
                String name = BridgeState.hostEnd(id, k);
                if (s.byName.containsKey(name)) {
                    s.candidates.merge(name, 1, Integer::sum);
                }
            }
        }
        snapshot = s;
    }

    /**
     * The join as the kernel has it: the host end on the network's bridge, found by its alias
     * (or, for one a crash left before its alias was set, by the endpoint's names), with its
     * peer in another namespace. The peer is not looked up there: a veth pair dies whole, so a
     * host end whose peer is elsewhere has it still, and the alias names the sandbox it was
     * made in. Asking each sandbox would open a netlink socket in each, the bulk of a restart
     * with thousands of them. The peer's name is left to the controller, which has it on
     * record (or reads it, for a join it has no record of). A host end without our alias
     * gets it now.
     */
    Optional<JoinResult> restoreJoin(JoinRequest req) {
        BridgeNetwork n = network(req.networkId());
        BridgeEndpoint ep = n.endpoints.get(req.endpointId());
        if (ep == null) {
            throw new NotFoundException("endpoint " + req.endpointId() + " not found in bridge network "
                    + n.networkName);
        }
        boolean recorded = snapshot != null && snapshot.recorded;
        Link found = snapshot == null ? null : snapshot.byOwner.get(req.endpointId());
        Link hostLink = found != null ? found : unlabelledHostEnd(n, req.endpointId());
        if (hostLink == null || hostLink.master() != n.bridgeIndex || hostLink.peerIndex() <= 0
                || !recorded && hostLink.peerNetnsId() < 0) {
            discardJoin(req.networkId(), req.endpointId());
            return Optional.empty();
        }
        names.hold(hostLink.name(), req.endpointId());
        ep.hostEnd = hostLink.name();
        ep.hostIndex = hostLink.index();
        ep.sandbox = req.sandbox();
        ep.peerIndex = hostLink.peerIndex();
        // set again, not read: a pair made before ports were isolated (ICC off was then a
        // firewall element) gets its isolation here
        host.withNetlink(nl -> {
            connectivity.addPort(nl, n, hostLink.index());
            return null;
        });
        String[] stamped = found == null ? null : BridgeState.parseAlias(found.alias());
        // after a clean close the alias is the one the join stamped: not read, not rewritten
        if (!recorded && (stamped == null || !req.label().equals(stamped[1]))) {
            host.withNetlink(nl -> {
                nl.change(hostLink.index(), LinkChange.NONE.alias(BridgeState.alias(req.endpointId(), req.label()))
                        .ipv6LinkLocal(false));
                return null;
            });
        }
        // the port is among those setUp counted on the bridge already
        return Optional.of(JoinResult.inSandbox(hostLink.peerIndex(), null, n.gatewayV4ForJoin(),
                n.gatewayV6ForJoin(), null, true));
    }

    /** A port of n named as one of the endpoint's host ends, without an alias of ours. */
    private Link unlabelledHostEnd(BridgeNetwork n, String endpointId) {
        Snapshot s = snapshot;
        for (int k = 0; k < BridgeState.HOST_END_CANDIDATES; k++) {
            String name = BridgeState.hostEnd(endpointId, k);
            Link l = s != null ? s.byName.get(name) : host.withNetlink(nl -> nl.findLink(name).orElse(null));
            if (l == null || l.master() != n.bridgeIndex) {
                continue;
            }
            if (s != null && s.recorded) {
                // a port of ours, unless another endpoint on record may have the same name:
                // then its alias, read for that port alone, tells whose it is
                if (s.candidates.getOrDefault(name, 0) < 2) {
                    return l;
                }
                String alias = s.aliases.computeIfAbsent(l.index(), i -> {
                    try {
                        return host.withNetlink(nl -> nl.alias(i));
                    } catch (NotFoundException gone) {
                        return "";
                    }
                });
                String[] owner = BridgeState.parseAlias(alias);
                if (owner != null && owner[0].equals(endpointId)) {
                    return l;
                }
            } else if (BridgeState.parseAlias(l.alias()) == null) {
                return l;
            }
        }
        return null;
    }

    void discardJoin(String networkId, String endpointId) {
        BridgeNetwork n = networks.get(networkId);
        Snapshot s = snapshot;
        Link labelled = s == null ? null : s.byOwner.remove(endpointId);
        Link l = labelled != null ? labelled : n == null ? null : unlabelledHostEnd(n, endpointId);
        if (l != null) {
            host.withNetlink(nl -> {
                BridgeSetup.deleteQuietly(nl, l.index());
                return null;
            });
            if (s != null) {
                s.remove(l);
            }
        }
        if (n != null) {
            BridgeEndpoint ep = n.endpoints.get(endpointId);
            String name = ep != null && ep.hostEnd != null ? ep.hostEnd : l != null ? l.name() : null;
            if (name != null) {
                names.release(name, endpointId);
            }
            if (ep != null && ep.hostIndex != 0) {
                ep.hostIndex = 0;
                ep.hostEnd = null;
                n.removePort();
            }
        }
    }

    List<PortMapping> restoreExternalConnectivity(String networkId, String endpointId, List<PortMapping> mappings) {
        BridgeNetwork n = network(networkId);
        BridgeEndpoint ep = n.endpoints.get(endpointId);
        return ep == null ? List.of() : connectivity.restore(n, ep, endpointId, mappings);
    }

    /**
     * Ports of our bridges that belong to no joined endpoint: left by a join nobody claims
     * ({@link #isOrphan}). And bridges marked deleted whose removal a restart cut short.
     */
    List<String> removeOrphans(Set<String> joined) {
        Set<String> live = new HashSet<>();
        for (BridgeNetwork n : networks.values()) {
            for (BridgeEndpoint ep : n.endpoints.values()) {
                if (ep.hostEnd != null) {
                    live.add(ep.hostEnd);
                }
            }
        }
        List<String> removed = new ArrayList<>();
        Snapshot s = snapshot;
        host.withNetlink(nl -> {
            List<Link> links = s != null ? List.copyOf(s.byIndex.values()) : nl.links();
            Set<Integer> liveBridges = bridgeIndexes();
            Set<Integer> left = new HashSet<>();
            Set<Integer> gone = new HashSet<>(); // left pairs and deleted bridges
            for (Link l : links) {
                if ("bridge".equals(l.kind()) && BridgeState.isDeletedAlias(l.alias()) && !liveBridges.contains(l.index())) {
                    removed.add("bridge " + l.name() + " (deleted)");
                    gone.add(l.index());
                }
                // a leave's background delete that a crash cut short (BridgeDriver#leave): the
                // mark is only ever set on a pair that is to go
                if ("veth".equals(l.kind()) && BridgeState.isDeletedPortAlias(l.alias())) {
                    removed.add(l.name() + " (left)");
                    left.add(l.index());
                    gone.add(l.index());
                }
            }
            if (!gone.isEmpty()) {
                boolean grouped;
                try {
                    nl.deleteGroup(HostContext.RETIRED_GROUP); // all in one request, as the reaper does
                    grouped = true;
                } catch (RuntimeException notAll) {
                    grouped = false; // one the kernel cannot delete: all one by one
                }
                // one by one: those the group did not hold (marked by an older version), or all
                for (Link l : links) {
                    if (gone.contains(l.index()) && (!grouped || l.group() != HostContext.RETIRED_GROUP)) {
                        BridgeSetup.deleteQuietly(nl, l.index());
                    }
                }
            }
            for (BridgeNetwork n : networks.values()) {
                for (Link l : links) {
                    // a left pair's host end stays on its bridge until its delete, counted there
                    if (l.master() == n.bridgeIndex && left.contains(l.index())) {
                        n.removePort();
                    } else if (l.master() == n.bridgeIndex && !live.contains(l.name()) && isOrphan(l, joined)) {
                        BridgeSetup.deleteQuietly(nl, l.index());
                        n.removePort();
                        removed.add(l.name() + " on " + n.bridgeName);
                    }
                }
            }
            return null;
        });
        snapshot = null;
        return removed;
    }

    /**
     * A port of our bridge that no taken-up join holds: ours if its alias says so (and its
     * endpoint is not claimed by a record recovery could not read), or, without an alias, if
     * named as our host ends are. Other ports of an adopted bridge are someone else's.
     */
    private static boolean isOrphan(Link l, Set<String> joined) {
        String[] owner = BridgeState.parseAlias(l.alias());
        if (owner != null) {
            return !joined.contains(owner[0]);
        }
        if (!BridgeState.isHostEndName(l.name())) {
            return false;
        }
        for (String id : joined) {
            if (BridgeState.candidateOf(id, l.name()) >= 0) {
                return false;
            }
        }
        return true;
    }

    private BridgeNetwork network(String id) {
        BridgeNetwork n = networks.get(id);
        if (n == null) {
            throw new NotFoundException("bridge network " + id + " not found");
        }
        return n;
    }
}
