package org.libnetwork4j.driver.overlay;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.libnetwork4j.InvalidParameterException;
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
import org.libnetwork4j.driver.ResolverSite;
import org.libnetwork4j.driver.RestorableDriver;

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
 *
 * <p>This class holds the endpoints and the driver's lifecycle; the networks' create and
 * delete are {@link OverlaySetup}'s, joins and leaves {@link OverlayJoins}', the restart
 * {@link OverlayRestore}'s.
 */
public final class OverlayDriver implements RestorableDriver, AutoCloseable {
    /** The driver's type, as networks name it. */
    public static final String TYPE = "overlay";
    /** What VXLAN over IPv4 adds to a frame: outer IPv4 (20), UDP (8), VXLAN (8), Ethernet (14). */
    public static final int VXLAN_OVERHEAD = 50;

    private static final Capabilities CAPABILITIES = Capabilities.global();

    private final Map<String, OverlayNetwork> networks = new ConcurrentHashMap<>();
    private final OverlayContext ctx;
    private final OverlaySetup setup;
    private final OverlayJoins joins;
    private final OverlayRestore restore;

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
        this.ctx = new OverlayContext(Objects.requireNonNull(host, "host"),
                Objects.requireNonNull(runDir, "runDir"),
                Objects.requireNonNull(advertiseAddress, "advertiseAddress"),
                Objects.requireNonNull(vnis, "vnis"), Objects.requireNonNull(peers, "peers"), networks);
        this.setup = new OverlaySetup(ctx);
        this.joins = new OverlayJoins(ctx);
        this.restore = new OverlayRestore(ctx, setup);
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

    @Override
    public void createNetwork(NetworkRequest req) {
        setup.createNetwork(req);
    }

    @Override
    public void deleteNetwork(String networkId) {
        setup.deleteNetwork(networkId);
    }

    @Override
    public Map<String, String> networkInfo(String networkId) {
        return setup.networkInfo(networkId);
    }

    /**
     * The gateways, on the bridges in the network's namespace, once this host has that
     * namespace (from its first join on): each host's containers ask their own host, at the
     * same addresses on every host. Until then, not known yet.
     */
    @Override
    public Optional<ResolverSite> resolverSite(String networkId) {
        OverlayNetwork n = networks.get(networkId);
        if (n == null) {
            return Optional.of(ResolverSite.NONE);
        }
        NetworkPlane p = n.plane();
        if (p == null) {
            return Optional.empty();
        }
        List<InetAddress> l = new ArrayList<>();
        n.segments.forEach(s -> l.add(s.subnet().gateway()));
        n.v6.forEach(s -> l.add(s.gateway()));
        return Optional.of(new ResolverSite(p.netns(), l));
    }

    // ---- endpoints ----

    /** The MAC asked for, else Docker's 02:42 and the IPv4 address. */
    @Override
    public EndpointSetup createEndpoint(EndpointRequest req) {
        OverlayNetwork n = ctx.network(req.networkId());
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

    @Override
    public JoinResult join(JoinRequest req) {
        return joins.join(req);
    }

    @Override
    public void leave(String networkId, String endpointId, boolean sandboxGone) {
        joins.leave(networkId, endpointId, sandboxGone);
    }

    // ---- restart ----

    @Override
    public Map<String, String> networkState(String networkId) {
        return restore.networkState(networkId);
    }

    @Override
    public void restoreNetwork(NetworkRequest req, Map<String, String> state) {
        restore.restoreNetwork(req, state);
    }

    @Override
    public void discardNetwork(NetworkRequest req, Map<String, String> state) {
        restore.discardNetwork(req, state);
    }

    @Override
    public Map<String, String> joinLabels() {
        return restore.joinLabels();
    }

    @Override
    public Optional<JoinResult> restoreJoin(JoinRequest req) {
        return restore.restoreJoin(req);
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
}
