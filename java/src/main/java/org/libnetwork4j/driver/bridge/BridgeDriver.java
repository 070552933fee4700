package org.libnetwork4j.driver.bridge;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.libnetwork4j.ForbiddenException;
import org.libnetwork4j.MacAddress;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.PortMapping;
import org.libnetwork4j.driver.Capabilities;
import org.libnetwork4j.driver.EndpointOperInfo;
import org.libnetwork4j.driver.EndpointRequest;
import org.libnetwork4j.driver.EndpointSetup;
import org.libnetwork4j.driver.HostContext;
import org.libnetwork4j.driver.JoinRequest;
import org.libnetwork4j.driver.JoinResult;
import org.libnetwork4j.driver.NetworkRequest;
import org.libnetwork4j.driver.NetworkSettings;
import org.libnetwork4j.driver.ResolverSite;
import org.libnetwork4j.driver.RestorableDriver;
import org.libnetwork4j.driver.bridge.BridgeState.BridgeEndpoint;
import org.libnetwork4j.driver.bridge.BridgeState.BridgeNetwork;
import org.libnetwork4j.firewall.Firewall;
import org.libnetwork4j.kernel.VethPair;
import org.libnetwork4j.portmapper.PortMapper;

/**
 * The "bridge" driver: one Linux bridge per network in the host namespace, carrying the
 * gateway address ({@link BridgeSetup}); its NAT, isolation and published ports in nftables
 * ({@link BridgeConnectivity}); one veth pair per joined endpoint, whose peer is created
 * directly in the sandbox's namespace under its final name (never moved: a move costs ~18 ms
 * of kernel time) ({@link BridgePairs}); its restart ({@link BridgeRestore}).
 *
 * <p>Differences from libnetwork, and why: libnetwork creates the veth pair when the endpoint
 * is created and moves one end into the sandbox on join; here the pair is created on join,
 * because only then is the sandbox's namespace known, and creating the peer there is what makes
 * a join take half a millisecond. A bridge that exists already is adopted and left in place
 * when the network is deleted (only the addresses this driver added go).
 */
public final class BridgeDriver implements RestorableDriver {
    /** The driver's type, as networks name it. */
    public static final String TYPE = "bridge";

    private final HostContext host;
    private final Map<String, BridgeNetwork> networks = new ConcurrentHashMap<>();
    private final BridgeSetup setup;
    private final BridgeConnectivity connectivity;
    private final BridgeRestore restore;
    private final HostEndNames names = new HostEndNames();
    private final BridgePairs pairs;

    /**
     * firewall and ports may be null for a driver that only parses options (tests).
     *
     * @param host     the host namespace, where bridges and the host ends of veths live
     * @param firewall the host namespace's nftables rules, for NAT, isolation and published
     *                 ports
     * @param ports    the host ports held for published ports
     */
    public BridgeDriver(HostContext host, Firewall firewall, PortMapper ports) {
        this.host = host;
        this.setup = new BridgeSetup(host);
        this.connectivity = new BridgeConnectivity(host, firewall, ports);
        this.restore = new BridgeRestore(host, networks, setup, connectivity, names);
        this.pairs = new BridgePairs(host, connectivity, names);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Capabilities capabilities() {
        return Capabilities.local();
    }

    @Override
    public NetworkSettings parseNetworkOptions(Map<String, String> options) {
        return BridgeSettings.parse(options);
    }

    // ---- networks ----

    @Override
    public void createNetwork(NetworkRequest req) {
        if (req.v4().size() > 1 || req.v6().size() > 1) {
            // as Docker's: one gateway per family on the bridge, which every container routes by
            throw new ForbiddenException("bridge network " + req.name() + ": bridge driver doesn't support multiple"
                    + " subnets (subnet: " + (req.v4().size() > 1 ? req.v4().size() + " IPv4" : req.v6().size()
                            + " IPv6") + ")");
        }
        BridgeNetwork n = new BridgeNetwork(req, BridgeState.bridgeName(req));
        synchronized (networks) {
            for (BridgeNetwork other : networks.values()) {
                if (other.bridgeName.equals(n.bridgeName)) {
                    throw new ForbiddenException("bridge " + n.bridgeName + " is already used by network "
                            + other.networkName);
                }
            }
            // registered before the kernel work, so two creators of one bridge name cannot race
            networks.put(req.id(), n);
        }
        try {
            setup.setUp(n, req);
            try {
                connectivity.addNetwork(n, req);
            } catch (RuntimeException e) {
                try {
                    setup.tearDown(n);
                } catch (RuntimeException u) {
                    e.addSuppressed(u);
                }
                throw e;
            }
        } catch (RuntimeException e) {
            networks.remove(req.id());
            throw e;
        }
    }

    @Override
    public void deleteNetwork(String networkId) {
        BridgeNetwork n = networks.get(networkId);
        if (n == null) {
            return;
        }
        connectivity.removeNetwork(n);
        if (n.adopted) {
            setup.tearDown(n); // the addresses we added go; the bridge is its owner's
        } else {
            setup.retire(n);
        }
        networks.remove(networkId);
    }

    /**
     * The gateways, on which the bridge's containers reach the host; none for a network made
     * as Docker's default bridge, which has no DNS in Docker either.
     */
    @Override
    public Optional<ResolverSite> resolverSite(String networkId) {
        BridgeNetwork n = networks.get(networkId);
        if (n == null || n.settings.defaultBridge()) {
            return Optional.of(ResolverSite.NONE);
        }
        List<InetAddress> l = new ArrayList<>(2);
        if (n.gatewayV4 != null) {
            l.add(n.gatewayV4);
        }
        if (n.gatewayV6 != null) {
            l.add(n.gatewayV6);
        }
        return Optional.of(new ResolverSite(host.namespace(), l));
    }

    @Override
    public Map<String, String> networkInfo(String networkId) {
        BridgeNetwork n = networks.get(networkId);
        if (n == null) {
            return Map.of();
        }
        Map<String, String> m = new LinkedHashMap<>();
        m.put("bridge", n.bridgeName);
        m.put("adopted", Boolean.toString(n.adopted));
        m.put("ports", Integer.toString(n.ports()));
        return m;
    }

    // ---- endpoints ----

    /**
     * The MAC is the one asked for, else Docker's choice: 02:42 and the four bytes of the IPv4
     * address; random without one.
     */
    @Override
    public EndpointSetup createEndpoint(EndpointRequest req) {
        BridgeNetwork n = network(req.networkId());
        MacAddress mac = req.macOrDerived();
        n.endpoints.put(req.endpointId(), new BridgeEndpoint(mac, req));
        return new EndpointSetup(mac);
    }

    @Override
    public void deleteEndpoint(String networkId, String endpointId) {
        BridgeNetwork n = networks.get(networkId);
        if (n != null) {
            n.endpoints.remove(endpointId);
        }
    }

    @Override
    public EndpointOperInfo endpointOperInfo(String networkId, String endpointId) {
        List<PortMapping> ports = connectivity.published(endpointId);
        return ports.isEmpty() ? EndpointOperInfo.NONE : new EndpointOperInfo(ports);
    }

    // ---- join and leave ----

    /**
     * The veth pair in one request, the host end on the bridge and up, the peer born in the
     * sandbox; then, in one more, the host end's alias (the join's label, for a restart to
     * find it by) and no IPv6 link-local address on it: a bridge port is a layer-2 port, and
     * without one it sends none of the autoconfiguration traffic the bridge would flood to
     * every other port. In time: the port has no carrier until the peer comes up.
     */
    @Override
    public JoinResult join(JoinRequest req) {
        BridgeNetwork n = network(req.networkId());
        BridgeEndpoint ep = n.endpoints.get(req.endpointId());
        if (ep == null) {
            throw new NotFoundException("endpoint " + req.endpointId() + " not found in bridge network "
                    + n.networkName);
        }
        n.addPort();
        String peer = req.sandbox().nextInterfaceName(req.interfacePrefix());
        HostEndNames.Claim name = names.claim(req.endpointId(), 0);
        try {
            VethPair pair = host.withNetlink(nl -> pairs.create(nl, n, ep, req, name, peer));
            String hostEnd = pair.host().name();
            return JoinResult.inSandbox(pair.peer().index(), peer, n.gatewayV4ForJoin(), n.gatewayV6ForJoin(),
                    () -> pairs.settle(n, hostEnd), true);
        } catch (RuntimeException e) {
            n.removePort();
            throw e;
        }
    }

    /**
     * The pair deleted before this returns: a join's rollback (and any caller of the SPI) gets
     * back a host as it was. A leave proper goes through {@link #leaveAdopted}.
     */
    @Override
    public void leave(String networkId, String endpointId, boolean sandboxGone) {
        leave(networkId, endpointId, sandboxGone, false);
    }

    /**
     * A leave whose port is out of service before this returns and whose pair is deleted in
     * the background. A veth's delete waits 20-25 ms for RCU in the kernel (an RCU barrier
     * after the link lock is dropped), longer than the rest of a CNI DEL together, and an
     * adopted namespace that stays does not take our interface along. So: the host end marked
     * deleted in its alias (a restart in between finds the mark and finishes the delete,
     * {@link BridgeRestore#removeOrphans}); the container's end down, which takes the pair's
     * carrier (the host end stays on its bridge, a disabled port, unless the bridge is near its
     * port limit: {@link BridgePairs#retire}), and renamed out of the way, so that the next
     * interface of that name can be made in that namespace at once; then
     * {@link HostContext#deleteRetiredLater} (the host end is in its group), which the
     * controller's close waits for. The host end's name is the endpoint's own (issue 21): a pending delete
     * holds no name another endpoint wants, and a rejoin of this one waits for it ({@link BridgePairs#create}).
     * Whatever stands in the way of that (the container's end not where the join left it, its
     * new name taken, a long backlog) makes it the synchronous delete of {@link #leave}.
     * Not for a join's rollback: that must leave nothing behind by the time it throws. The
     * controller uses it where a runtime's namespace stays (CNI DEL, adopted sandboxes).
     *
     * @param networkId  the endpoint's network
     * @param endpointId the endpoint leaving its sandbox, which stays
     */
    @Override
    public void leaveAdopted(String networkId, String endpointId) {
        leave(networkId, endpointId, false, true);
    }

    private void leave(String networkId, String endpointId, boolean sandboxGone, boolean background) {
        BridgeNetwork n = networks.get(networkId);
        BridgeEndpoint ep = n == null ? null : n.endpoints.get(endpointId);
        if (ep == null || ep.hostIndex == 0) {
            return;
        }
        if (background) {
            pairs.retire(n, ep, endpointId);
        } else if (!sandboxGone) {
            pairs.deleteNow(ep.hostIndex, null);
        }
        names.release(ep.hostEnd, endpointId);
        ep.hostIndex = 0;
        ep.hostEnd = null;
        ep.sandbox = null;
        ep.peerIndex = 0;
        n.removePort();
    }

    @Override
    public void programExternalConnectivity(String networkId, String endpointId) {
        BridgeNetwork n = network(networkId);
        BridgeEndpoint ep = n.endpoints.get(endpointId);
        if (ep != null) {
            connectivity.program(n, ep, endpointId);
        }
    }

    @Override
    public void revokeExternalConnectivity(String networkId, String endpointId) {
        BridgeNetwork n = networks.get(networkId);
        BridgeEndpoint ep = n == null ? null : n.endpoints.get(endpointId);
        if (ep != null) {
            connectivity.revoke(ep, endpointId);
        }
    }

    // ---- restart ----

    @Override
    public Map<String, String> networkState(String networkId) {
        return BridgeRestore.networkState(network(networkId));
    }

    @Override
    public void restoreNetwork(NetworkRequest request, Map<String, String> state) {
        restore.restoreNetwork(request, state);
    }

    @Override
    public void discardNetwork(NetworkRequest request, Map<String, String> state) {
        setup.discard(request, state);
    }

    @Override
    public Map<String, String> joinLabels() {
        return restore.joinLabels();
    }

    @Override
    public void prepareRecordedJoins(Set<String> endpointIds) {
        restore.prepareRecordedJoins(endpointIds);
    }

    @Override
    public Optional<JoinResult> restoreJoin(JoinRequest request) {
        return restore.restoreJoin(request);
    }

    @Override
    public void discardJoin(String networkId, String endpointId) {
        restore.discardJoin(networkId, endpointId);
    }

    @Override
    public List<PortMapping> restoreExternalConnectivity(String networkId, String endpointId,
            List<PortMapping> mappings) {
        return restore.restoreExternalConnectivity(networkId, endpointId, mappings);
    }

    @Override
    public List<String> removeOrphans(Set<String> joined) {
        return restore.removeOrphans(joined);
    }

    private BridgeNetwork network(String id) {
        BridgeNetwork n = networks.get(id);
        if (n == null) {
            throw new NotFoundException("bridge network " + id + " not found");
        }
        return n;
    }
}
