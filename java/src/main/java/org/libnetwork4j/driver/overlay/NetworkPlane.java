package org.libnetwork4j.driver.overlay;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.libnetwork4j.NetworkException;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.driver.HostContext;
import org.libnetwork4j.driver.Subnet;
import org.libnetwork4j.firewall.Firewall;
import org.libnetwork4j.kernel.Addr;
import org.libnetwork4j.kernel.Arp;
import org.libnetwork4j.kernel.BridgeSpec;
import org.libnetwork4j.kernel.Link;
import org.libnetwork4j.kernel.Ndisc;
import org.libnetwork4j.kernel.Neighbour;
import org.libnetwork4j.kernel.Netlink;
import org.libnetwork4j.kernel.Netns;
import org.libnetwork4j.kernel.VxlanSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The namespace of one overlay network on this host, as libnetwork's overlay sandbox: bind
 * mounted at {@code RUNDIR/ov-<first 12 of the network id>}, holding per segment a bridge
 * with the gateway address and a VXLAN device on it. Endpoints' veths join the bridges.
 *
 * <p>The VXLAN device is created in the host namespace and then moved in: the kernel opens
 * its UDP socket in the namespace the device was created in (its link-netns), which is where
 * the underlay is, while the device itself, its bridge and its tables are out of the host's
 * sight in the network's namespace. Creating it inside would put its socket where there is no
 * route to the other hosts.
 */
final class NetworkPlane {
    private static final Logger LOG = LoggerFactory.getLogger(NetworkPlane.class);

    private final Netns netns;
    private final Netlink netlink;
    private final Map<Integer, Integer> bridges = new HashMap<>(); // by VNI
    private final Map<Integer, Integer> vxlans = new HashMap<>();

    private NetworkPlane(Netns netns, Netlink netlink) {
        this.netns = netns;
        this.netlink = netlink;
    }

    /** The file the network's namespace is mounted at, in runDir. */
    static String namespaceName(String networkId) {
        return "ov-" + networkId.substring(0, 12);
    }

    /** The handle of the network's namespace, open while the plane is. */
    Netlink netlink() {
        return netlink;
    }

    /** The network's namespace, open while the plane is. */
    Netns netns() {
        return netns;
    }

    int bridgeIndex(int vni) {
        return bridges.getOrDefault(vni, 0);
    }

    /**
     * Tells the containers on the bridge of vni's segment of remote peers: gratuitous ARPs on
     * the bridge for IPv4, unsolicited neighbour advertisements on each container's port for
     * IPv6. Neither may cross the tunnel: the peer's own host would learn the peer's MAC on its
     * VXLAN port, away from the peer's veth. For ARP the VXLAN device in proxy mode sees to
     * that (it takes every ARP frame it is given, the kernel's arp_reduce, and encapsulates
     * none); it swallows neighbour solicitations only, so advertisements go to the ports
     * themselves and never through the bridge.
     *
     * @param ports the local endpoints' veth ends on that bridge
     */
    void announce(int vni, List<Neighbour> peers, List<Integer> ports) {
        int br = bridgeIndex(vni);
        if (br == 0) {
            return;
        }
        List<Neighbour> v4 = peers.stream().filter(n -> n.ip() instanceof Inet4Address).toList();
        List<Neighbour> v6 = peers.stream().filter(n -> !(n.ip() instanceof Inet4Address)).toList();
        Arp.announce(netns, br, v4);
        Ndisc.announce(netns, ports, v6);
    }

    /** The VXLAN device of the segment of vni, 0 for a VNI that is not the network's. */
    int vxlanIndex(int vni) {
        return vxlans.getOrDefault(vni, 0);
    }

    /**
     * Makes the namespace and its devices. A leftover at the namespace's path (a crash of an
     * earlier incarnation that recovery did not see) is removed first. Whatever fails leaves
     * nothing behind.
     */
    static NetworkPlane make(HostContext host, Path runDir, OverlayNetwork n, InetAddress local) {
        String nsName = namespaceName(n.id);
        if (Files.exists(runDir.resolve(nsName))) {
            discard(host, runDir, n.id);
        }
        Netns ns = Netns.createAt(runDir, nsName);
        NetworkPlane p;
        try {
            p = new NetworkPlane(ns, Netlink.open(ns));
        } catch (RuntimeException e) {
            ns.delete();
            throw e;
        }
        try {
            boolean first = true;
            for (OverlayNetwork.Segment s : n.segments) {
                p.makeSegment(host, n, s, local, first ? n.v6 : List.of());
                first = false;
            }
            // the controller's resolver listens on the gateways here (OverlayDriver.resolverSite)
            Firewall.guardResolverNamespace(ns);
            return p;
        } catch (RuntimeException e) {
            try {
                p.destroy();
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    private void makeSegment(HostContext host, OverlayNetwork n, OverlayNetwork.Segment s, InetAddress local,
            List<Subnet> v6) {
        // multicast snooping off: IPv6 neighbour discovery works on a new port at once
        Link br = netlink.createBridge(BridgeSpec.of(s.bridgeName()).mtu(n.mtu).mcastSnooping(false).up());
        bridges.put(s.vni(), br.index());
        netlink.addAddr(Addr.of(br.index(), s.subnet().gatewayPrefix()));
        for (Subnet sub : v6) {
            netlink.addAddr(Addr.of(br.index(), sub.gatewayPrefix()).nodad());
        }
        String hostName = s.vxlanHostName(n.id);
        host.withNetlink(h -> {
            // proxy, as libnetwork's: the device answers its containers' ARP requests from the
            // neighbour entries the directory gives. Sent through the tunnel instead, a request
            // is answered only if the other host knows this one already (an FDB entry for the
            // asking container's MAC), which it does not while the directory's news of this
            // host's first container is on its way; the kernel asks again only a second later.
            Link vx = h.createVxlan(VxlanSpec.of(hostName, s.vni()).local(local).learning(false).proxy(true)
                    .mtu(n.mtu));
            try {
                h.moveTo(vx.index(), netns, s.vxlanName());
            } catch (RuntimeException e) {
                try {
                    h.deleteLink(vx.index());
                } catch (RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e;
            }
            return null;
        });
        int vx = netlink.link(s.vxlanName()).index();
        vxlans.put(s.vni(), vx);
        netlink.setMaster(vx, br.index());
        netlink.setUp(vx);
    }

    /**
     * The namespace of an earlier driver, if it is there whole (every segment's bridge and
     * VXLAN device): taken as it is, traffic never stops. Missing pieces (a crash while it was
     * made) leave it to be removed and made again at the next join.
     */
    static Optional<NetworkPlane> adopt(Path runDir, OverlayNetwork n) {
        Path path = runDir.resolve(namespaceName(n.id));
        if (!Files.exists(path)) {
            return Optional.empty();
        }
        Netns ns;
        try {
            ns = Netns.open(path);
        } catch (NetworkException notANamespace) {
            return Optional.empty(); // a file left unmounted: make() removes it
        }
        NetworkPlane p;
        try {
            p = new NetworkPlane(ns, Netlink.open(ns));
        } catch (RuntimeException e) {
            ns.close();
            throw e;
        }
        for (OverlayNetwork.Segment s : n.segments) {
            Optional<Link> br = p.netlink.findLink(s.bridgeName());
            Optional<Link> vx = p.netlink.findLink(s.vxlanName());
            if (br.isEmpty() || vx.isEmpty() || !"vxlan".equals(vx.get().kind())) {
                p.netlink.close();
                ns.close();
                return Optional.empty();
            }
            p.bridges.put(s.vni(), br.get().index());
            p.vxlans.put(s.vni(), vx.get().index());
        }
        try {
            Firewall.guardResolverNamespace(ns); // again: one made by an older version has none
        } catch (RuntimeException e) {
            // traffic goes on; only a query during the resolver's next restart may be refused
            LOG.warn("overlay network {}: the resolver's restart rules could not be put in its namespace: {}",
                    n.name, e.getMessage());
        }
        return Optional.of(p);
    }

    /**
     * Removes the namespace. The VXLAN devices are deleted first, by hand: the kernel removes
     * a namespace's devices only once its last reference is gone, later, on a worker, and until
     * then their VNIs stay taken on the host's UDP port, so that the network could not be made
     * again at once. Then the handle is closed (a netlink socket keeps its namespace alive)
     * and the mount removed; the kernel takes the bridges and what is left of veths along.
     */
    void destroy() {
        RuntimeException failure = null;
        for (int vx : vxlans.values()) {
            try {
                netlink.deleteLink(vx);
            } catch (NotFoundException gone) {
                // deleted already: what we want
            } catch (RuntimeException e) {
                failure = add(failure, e);
            }
        }
        netlink.close();
        try {
            netns.delete();
        } catch (RuntimeException e) {
            failure = add(failure, e);
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Closes the handles and leaves the namespace as it is (the driver is closing). */
    void release() {
        netlink.close();
        netns.close();
    }

    /** The veth ends of endpoints in the namespace, with their aliases. */
    List<Link> endpointLinks() {
        List<Link> out = new ArrayList<>();
        for (Link l : netlink.links()) {
            if ("veth".equals(l.kind()) && OverlayDriver.parseAlias(l.alias()) != null) {
                out.add(l);
            }
        }
        return out;
    }

    /**
     * Removes whatever an earlier incarnation of the network left, making nothing: a VXLAN
     * device still in the host namespace (a crash between its creation and its move) and the
     * namespace, with its VXLAN devices deleted first (see {@link #destroy}).
     */
    static void discard(HostContext host, Path runDir, String networkId) {
        discardHostLeftovers(host, networkId);
        Path path = runDir.resolve(namespaceName(networkId));
        if (!Files.exists(path)) {
            return;
        }
        try (Netns ns = Netns.open(path); Netlink nl = Netlink.open(ns)) {
            for (Link l : nl.links()) {
                if ("vxlan".equals(l.kind())) {
                    try {
                        nl.deleteLink(l.index());
                    } catch (NotFoundException gone) {
                        // gone meanwhile
                    }
                }
            }
        } catch (NetworkException notANamespace) {
            LOG.debug("{} is not a namespace any more; removing the file", path, notANamespace);
        }
        try {
            Netns.delete(path);
        } catch (NotFoundException gone) {
            // removed meanwhile
        }
    }

    /**
     * Deletes VXLAN devices of the network still in the host namespace under their transient
     * names ({@code vx-<vni>-<first 5 of the id>}): a crash between a device's creation and its
     * move leaves one, holding its VNI on the host's UDP port.
     */
    static void discardHostLeftovers(HostContext host, String networkId) {
        String suffix = "-" + networkId.substring(0, 5);
        host.withNetlink(h -> {
            for (Link l : h.links()) {
                if ("vxlan".equals(l.kind()) && l.name().startsWith("vx-") && l.name().endsWith(suffix)
                        && l.name().length() == 15) {
                    try {
                        h.deleteLink(l.index());
                    } catch (NotFoundException gone) {
                        // gone meanwhile
                    }
                }
            }
            return null;
        });
    }

    private static RuntimeException add(RuntimeException first, RuntimeException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }
}
