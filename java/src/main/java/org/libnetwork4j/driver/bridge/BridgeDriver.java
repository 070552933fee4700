package org.libnetwork4j.driver.bridge;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.libnetwork4j.ForbiddenException;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.MacAddress;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.PortBinding;
import org.libnetwork4j.PortMapping;
import org.libnetwork4j.driver.Driver;
import org.libnetwork4j.driver.EndpointRequest;
import org.libnetwork4j.driver.EndpointSetup;
import org.libnetwork4j.driver.HostContext;
import org.libnetwork4j.driver.JoinRequest;
import org.libnetwork4j.driver.JoinResult;
import org.libnetwork4j.driver.NetworkRequest;
import org.libnetwork4j.driver.NetworkSettings;
import org.libnetwork4j.driver.Subnet;
import org.libnetwork4j.firewall.Firewall;
import org.libnetwork4j.firewall.NetworkRules;
import org.libnetwork4j.kernel.Addr;
import org.libnetwork4j.kernel.BridgeSpec;
import org.libnetwork4j.kernel.Link;
import org.libnetwork4j.kernel.Netlink;
import org.libnetwork4j.kernel.Sysctl;
import org.libnetwork4j.kernel.VethPair;
import org.libnetwork4j.kernel.VethSpec;
import org.libnetwork4j.portmapper.PortMapper;

/**
 * The "bridge" driver: one Linux bridge per network in the host namespace, carrying the
 * gateway address; one veth pair per joined endpoint, whose peer is created directly in the
 * sandbox's namespace under its final name (never moved: a move costs ~18 ms of kernel time).
 *
 * <p>Differences from libnetwork, and why: libnetwork creates the veth pair when the endpoint
 * is created and moves one end into the sandbox on join; here the pair is created on join,
 * because only then is the sandbox's namespace known, and creating the peer there is what makes
 * a join take half a millisecond. A bridge that exists already is adopted and left in place
 * when the network is deleted (only the addresses this driver added go).
 */
public final class BridgeDriver implements Driver {
    public static final String TYPE = "bridge";

    /** Port 0 is reserved; the kernel's port numbers are 10 bits (BR_MAX_PORTS = 1024). */
    static final int MAX_PORTS = 1023;

    private final HostContext host;
    private final Firewall firewall;
    private final PortMapper ports;
    private final Map<String, BridgeNetwork> networks = new ConcurrentHashMap<>();

    /** firewall and ports may be null for a driver that only parses options (tests). */
    public BridgeDriver(HostContext host, Firewall firewall, PortMapper ports) {
        this.host = host;
        this.firewall = firewall;
        this.ports = ports;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public NetworkSettings parseNetworkOptions(Map<String, String> options) {
        return BridgeSettings.parse(options);
    }

    /** The bridge of a network: the name given, or Docker's {@code br-} + 12 digits of its id. */
    private static String bridgeName(NetworkRequest req) {
        BridgeSettings s = (BridgeSettings) req.settings();
        return s.bridgeName() != null ? s.bridgeName() : defaultBridgeName(req.id());
    }

    private static String defaultBridgeName(String networkId) {
        return "br-" + networkId.substring(0, 12);
    }

    @Override
    public void createNetwork(NetworkRequest req) {
        BridgeSettings s = (BridgeSettings) req.settings();
        String name = bridgeName(req);
        synchronized (networks) {
            for (BridgeNetwork other : networks.values()) {
                if (other.bridgeName.equals(name)) {
                    throw new ForbiddenException("bridge " + name + " is already used by network "
                            + other.networkName);
                }
            }
            // registered before the kernel work, so two creators of one bridge name cannot race
            networks.put(req.id(), new BridgeNetwork(req, s, name));
        }
        BridgeNetwork n = networks.get(req.id());
        try {
            host.withNetlink(nl -> {
                setUp(nl, n, req);
                return null;
            });
        } catch (RuntimeException e) {
            networks.remove(req.id());
            throw e;
        }
        try {
            firewall.addNetwork(new NetworkRules(req.id(), n.bridgeName, n.internal, s.enableIpMasquerade(),
                    s.snatIpv4(), s.enableIcc(), subnets(req), gateways(req)));
        } catch (RuntimeException e) {
            RuntimeException u = host.withNetlink(nl -> undo(nl, n));
            if (u != null) {
                e.addSuppressed(u);
            }
            networks.remove(req.id());
            throw e;
        }
    }

    /**
     * The bridge's settings in the host namespace, written in one visit:
     * <ul>
     * <li>no IPv6 configuration from router advertisements (the host-side twin of
     * CVE-2020-13401);
     * <li>no duplicate address detection on it: until its link-local address has passed it
     * (one to two seconds after the bridge goes up) the kernel sends no neighbour
     * solicitation on the bridge at all, so a container's first IPv6 connection in that time
     * would stall; nothing but our own containers shares that link anyway;
     * <li>for a network with external connectivity: ip_forward (and IPv6 forwarding for an
     * IPv6 network), switched on and, as Docker does, never off again, since other networks
     * and software may rely on it by then; and route_localnet, which lets the host reach ports
     * published on 127.0.0.1 (DNAT from loopback to a container), while the raw prerouting
     * rule keeps 127/8 unreachable from outside (CVE-2020-8558).
     * </ul>
     * Keys missing because the kernel has no IPv6 are left out.
     */
    private void bridgeSysctls(BridgeNetwork n, NetworkRequest req) {
        Map<String, String> w = new LinkedHashMap<>();
        if (Files.isDirectory(Path.of("/proc/sys/net/ipv6"))) {
            w.put("net/ipv6/conf/" + n.bridgeName + "/accept_ra", "0");
            w.put("net/ipv6/conf/" + n.bridgeName + "/accept_dad", "0");
            if (!n.internal && req.enableIpv6()) {
                w.put("net/ipv6/conf/all/forwarding", "1");
            }
        }
        if (!n.internal) {
            w.put("net/ipv4/ip_forward", "1");
            w.put("net/ipv4/conf/" + n.bridgeName + "/route_localnet", "1");
        }
        Sysctl.writeAll(host.namespace(), w);
    }

    private static List<IpPrefix> subnets(NetworkRequest req) {
        List<IpPrefix> l = new ArrayList<>();
        req.v4().forEach(sn -> l.add(sn.prefix()));
        req.v6().forEach(sn -> l.add(sn.prefix()));
        return l;
    }

    private static List<InetAddress> gateways(NetworkRequest req) {
        List<InetAddress> l = new ArrayList<>();
        req.v4().forEach(sn -> l.add(sn.gateway()));
        req.v6().forEach(sn -> l.add(sn.gateway()));
        return l;
    }

    private void setUp(Netlink nl, BridgeNetwork n, NetworkRequest req) {
        Link existing = nl.findLink(n.bridgeName).orElse(null);
        if (existing != null && !"bridge".equals(existing.kind())) {
            throw new InvalidParameterException("bridge name " + n.bridgeName + " is taken by a "
                    + (existing.kind().isEmpty() ? "device" : existing.kind() + " device")
                    + " that is not a bridge");
        }
        n.adopted = existing != null;
        // Multicast snooping off on bridges we make: a container's first IPv6 neighbour
        // discovery must not wait for its port's randomly delayed MLD report (~1-2 s).
        // And an address of its own, as Docker does: left to the kernel, the bridge takes the
        // lowest address among its ports each time one comes or goes, and the gateway address
        // the containers have cached stops answering (their packets to it are dropped) until
        // their ARP entries expire. A bridge we adopt keeps what its owner gave it.
        Link br = existing != null ? existing
                : nl.createBridge(BridgeSpec.of(n.bridgeName).mtu(n.settings.mtu()).mcastSnooping(false)
                        .mac(MacAddress.random()));
        n.bridgeIndex = br.index();
        try {
            // Before the bridge goes up: it may have carrier without ports (an adopted one whose
            // address the kernel chose does; ours get carrier with their first port), and then
            // its link-local address is made, and its DAD started, the moment it is up; a later
            // accept_dad=0 does not stop a DAD already running.
            bridgeSysctls(n, req);
            List<Subnet> all = new ArrayList<>(req.v4());
            all.addAll(req.v6());
            List<String> present = nl.addrs(br.index()).stream().map(a -> a.prefix().toString()).toList();
            for (Subnet sn : all) {
                Addr a = Addr.of(br.index(), sn.gatewayPrefix());
                if (!(sn.prefix().isIpv4())) {
                    a = a.nodad();
                }
                if (!present.contains(a.prefix().toString())) {
                    nl.addAddr(a);
                    n.addedAddrs.add(a);
                }
            }
            if (n.adopted && n.settings.mtu() > 0 && br.mtu() != n.settings.mtu()) {
                nl.setMtu(br.index(), n.settings.mtu());
            }
            if (!br.isUp()) {
                nl.setUp(br.index());
            }
            n.ports = (int) nl.links().stream().filter(l -> l.master() == br.index()).count();
        } catch (RuntimeException e) {
            RuntimeException u = undo(nl, n);
            if (u != null) {
                e.addSuppressed(u);
            }
            throw e;
        }
    }

    /**
     * Removes what setUp made: the bridge if this driver created it, else the addresses it
     * added. What is gone already counts as removed. Returns the first failure, or null.
     */
    private static RuntimeException undo(Netlink nl, BridgeNetwork n) {
        RuntimeException first = null;
        if (!n.adopted) {
            try {
                nl.deleteLink(n.bridgeIndex);
            } catch (NotFoundException gone) {
                // deleting what is gone succeeds
            } catch (RuntimeException e) {
                first = e;
            }
            return first;
        }
        for (Addr a : n.addedAddrs) {
            try {
                nl.delAddr(a);
            } catch (NotFoundException gone) {
                // deleting what is gone succeeds
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        return first;
    }

    @Override
    public Map<String, String> networkState(String networkId) {
        BridgeNetwork n = network(networkId);
        Map<String, String> m = new LinkedHashMap<>();
        m.put("bridge", n.bridgeName);
        m.put("adopted", Boolean.toString(n.adopted));
        m.put("addedAddrs", String.join(",", n.addedAddrs.stream().map(a -> a.prefix().toString()).toList()));
        return m;
    }

    /**
     * The bridge as it is (a restart): its addresses, MTU and settings are ensured, which
     * changes nothing on a live bridge; after a reboot it is made again. Whether it was
     * adopted, and which addresses this driver added to it, come from the stored state.
     */
    @Override
    public void restoreNetwork(NetworkRequest req, Map<String, String> state) {
        BridgeSettings s = (BridgeSettings) req.settings();
        String name = state.getOrDefault("bridge", bridgeName(req));
        BridgeNetwork n = new BridgeNetwork(req, s, name);
        networks.put(req.id(), n);
        try {
            host.withNetlink(nl -> {
                boolean existed = nl.findLink(name).isPresent();
                setUp(nl, n, req);
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
            firewall.addNetwork(new NetworkRules(req.id(), n.bridgeName, n.internal, s.enableIpMasquerade(),
                    s.snatIpv4(), s.enableIcc(), subnets(req), gateways(req)));
        } catch (RuntimeException e) {
            networks.remove(req.id());
            throw e;
        }
    }

    /**
     * After an interrupted create: a bridge of Docker's default name ({@code br-} + this id,
     * which nobody else would pick) is removed; a bridge of a given name may be someone's, so
     * only the gateway addresses this network would have put on it are taken off.
     */
    @Override
    public void discardNetwork(NetworkRequest req) {
        String name = bridgeName(req);
        host.withNetlink(nl -> {
            Link br = nl.findLink(name).orElse(null);
            if (br == null) {
                return null;
            }
            if (name.equals(defaultBridgeName(req.id()))) {
                deleteQuietly(nl, br.index());
            } else {
                List<Subnet> all = new ArrayList<>(req.v4());
                all.addAll(req.v6());
                for (Subnet sn : all) {
                    try {
                        nl.delAddr(Addr.of(br.index(), sn.gatewayPrefix()));
                    } catch (NotFoundException absent) {
                        // never added
                    }
                }
            }
            return null;
        });
    }

    private static void deleteQuietly(Netlink nl, int index) {
        try {
            nl.deleteLink(index);
        } catch (NotFoundException gone) {
            // deleting what is gone succeeds
        }
    }

    /** The host end of an endpoint's veth pair: named after the endpoint. */
    private static String hostEnd(String endpointId) {
        return "veth" + endpointId.substring(0, 7);
    }

    @Override
    public Optional<JoinResult> restoreJoin(JoinRequest req, String ifname) {
        BridgeNetwork n = network(req.networkId());
        BridgeEndpoint ep = n.endpoints.get(req.endpointId());
        if (ep == null) {
            throw new NotFoundException("endpoint " + req.endpointId() + " not found in bridge network "
                    + n.networkName);
        }
        Link hostLink = host.withNetlink(nl -> nl.findLink(hostEnd(req.endpointId())).orElse(null));
        Link peer = ifname == null ? null : req.sandbox().netlink().findLink(ifname).orElse(null);
        if (hostLink == null || peer == null || hostLink.master() != n.bridgeIndex) {
            discardJoin(req.networkId(), req.endpointId());
            return Optional.empty();
        }
        ep.hostIndex = hostLink.index();
        if (!n.settings.enableIcc()) {
            firewall.addNoIccPort(hostLink.name(), req.endpointId());
        }
        // the port is among those setUp counted on the bridge already
        return Optional.of(new JoinResult(peer.index(), ifname, n.internal ? null : n.gatewayV4,
                n.internal ? null : n.gatewayV6, List.of()));
    }

    @Override
    public void discardJoin(String networkId, String endpointId) {
        BridgeNetwork n = networks.get(networkId);
        String name = hostEnd(endpointId);
        host.withNetlink(nl -> {
            nl.findLink(name).ifPresent(l -> deleteQuietly(nl, l.index()));
            return null;
        });
        if (n != null) {
            if (!n.settings.enableIcc()) {
                firewall.removeNoIccPort(name);
            }
            BridgeEndpoint ep = n.endpoints.get(endpointId);
            if (ep != null && ep.hostIndex != 0) {
                ep.hostIndex = 0;
                synchronized (n) {
                    n.ports--;
                }
            }
        }
    }

    @Override
    public List<PortMapping> restoreExternalConnectivity(String networkId, String endpointId,
            List<PortMapping> mappings) {
        BridgeNetwork n = network(networkId);
        BridgeEndpoint ep = n.endpoints.get(endpointId);
        if (ep == null || ep.request.ports().isEmpty() || n.internal) {
            return List.of();
        }
        if (mappings.isEmpty()) {
            programExternalConnectivity(networkId, endpointId);
            return List.of();
        }
        List<PortMapping> unheld = ports.restore(endpointId, mappings);
        firewall.publish(endpointId, mappings);
        host.withNetlink(nl -> {
            nl.setHairpin(ep.hostIndex, true);
            return null;
        });
        return unheld;
    }

    /**
     * Ports of our bridges named like our host ends ({@code veth} + 7 hex digits) that belong
     * to no joined endpoint: left by a join whose record was lost. Other ports of an adopted
     * bridge are someone else's and stay.
     */
    @Override
    public List<String> removeOrphans(Set<String> joined) {
        Set<String> live = new HashSet<>();
        joined.forEach(id -> live.add(hostEnd(id)));
        List<String> removed = new ArrayList<>();
        host.withNetlink(nl -> {
            for (BridgeNetwork n : networks.values()) {
                for (Link l : nl.links()) {
                    if (l.master() == n.bridgeIndex && l.name().matches("veth[0-9a-f]{7}") && !live.contains(l.name())) {
                        deleteQuietly(nl, l.index());
                        synchronized (n) {
                            n.ports--;
                        }
                        removed.add(l.name() + " on " + n.bridgeName);
                    }
                }
            }
            return null;
        });
        return removed;
    }

    @Override
    public void deleteNetwork(String networkId) {
        BridgeNetwork n = networks.get(networkId);
        if (n == null) {
            return;
        }
        firewall.removeNetwork(n.bridgeName);
        RuntimeException failure = host.withNetlink(nl -> undo(nl, n));
        if (failure != null) {
            throw failure;
        }
        networks.remove(networkId);
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
        m.put("ports", Integer.toString(n.ports));
        return m;
    }

    @Override
    public EndpointSetup createEndpoint(EndpointRequest req) {
        BridgeNetwork n = network(req.networkId());
        MacAddress mac = req.mac() != null ? req.mac() : macFor(req);
        n.endpoints.put(req.endpointId(), new BridgeEndpoint(mac, req));
        return new EndpointSetup(mac);
    }

    /** Docker's choice: 02:42 and the four bytes of the IPv4 address; random without one. */
    static MacAddress macFor(EndpointRequest req) {
        if (req.ipv4() != null && req.ipv4().address() instanceof Inet4Address) {
            byte[] ip = req.ipv4().address().getAddress();
            return MacAddress.of(new byte[] {0x02, 0x42, ip[0], ip[1], ip[2], ip[3]});
        }
        byte[] b = new byte[6];
        new java.security.SecureRandom().nextBytes(b);
        b[0] = (byte) ((b[0] & 0xFC) | 0x02); // locally administered, unicast
        return MacAddress.of(b);
    }

    @Override
    public void deleteEndpoint(String networkId, String endpointId) {
        BridgeNetwork n = networks.get(networkId);
        if (n != null) {
            n.endpoints.remove(endpointId);
        }
    }

    @Override
    public JoinResult join(JoinRequest req) {
        BridgeNetwork n = network(req.networkId());
        BridgeEndpoint ep = n.endpoints.get(req.endpointId());
        if (ep == null) {
            throw new NotFoundException("endpoint " + req.endpointId() + " not found in bridge network "
                    + n.networkName);
        }
        synchronized (n) {
            if (n.ports >= MAX_PORTS) {
                throw new ForbiddenException("bridge " + n.bridgeName + " has " + n.ports
                        + " ports, the most the kernel allows on one bridge (1024 port numbers, 0"
                        + " reserved); use another network");
            }
            n.ports++;
        }
        String peer = req.sandbox().nextInterfaceName(req.interfacePrefix());
        // Named after the endpoint, so that a half-made pair can be recognised after a crash.
        String hostEnd = hostEnd(req.endpointId());
        try {
            VethPair pair = host.withNetlink(nl -> {
                VethPair p = nl.createVeth(VethSpec.of(hostEnd, peer).peerIn(req.sandbox().netlink())
                        .master(n.bridgeIndex).mtu(n.settings.mtu()).up().peerMac(ep.mac));
                try {
                    // A bridge port is a layer-2 port: no IPv6 link-local, hence none of the
                    // autoconfiguration traffic the bridge would flood to every other port.
                    // In time: the port has no carrier until the peer comes up.
                    nl.setIpv6LinkLocal(p.host().index(), false);
                    if (!n.settings.enableIcc()) {
                        firewall.addNoIccPort(hostEnd, req.endpointId());
                    }
                } catch (RuntimeException e) {
                    try {
                        nl.deleteLink(p.host().index());
                    } catch (RuntimeException cleanup) {
                        e.addSuppressed(cleanup);
                    }
                    throw e;
                }
                return p;
            });
            ep.hostIndex = pair.host().index();
            return new JoinResult(pair.peer().index(), peer,
                    n.internal ? null : n.gatewayV4, n.internal ? null : n.gatewayV6, List.of());
        } catch (RuntimeException e) {
            synchronized (n) {
                n.ports--;
            }
            throw e;
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
    @Override
    public void interfaceUp(String networkId, String endpointId) {
        BridgeNetwork n = network(networkId);
        host.withNetlink(nl -> {
            nl.settle(hostEnd(endpointId));
            nl.settle(n.bridgeName);
            return null;
        });
    }

    @Override
    public void leave(String networkId, String endpointId, boolean sandboxGone) {
        BridgeNetwork n = networks.get(networkId);
        BridgeEndpoint ep = n == null ? null : n.endpoints.get(endpointId);
        if (ep == null || ep.hostIndex == 0) {
            return;
        }
        if (!sandboxGone) {
            try {
                host.withNetlink(nl -> {
                    nl.deleteLink(ep.hostIndex);
                    return null;
                });
            } catch (NotFoundException gone) {
                // the pair is gone already: that is what leave wants
            }
        }
        if (!n.settings.enableIcc()) {
            firewall.removeNoIccPort(hostEnd(endpointId));
        }
        ep.hostIndex = 0;
        synchronized (n) {
            n.ports--;
        }
    }

    @Override
    public void programExternalConnectivity(String networkId, String endpointId) {
        BridgeNetwork n = network(networkId);
        BridgeEndpoint ep = n.endpoints.get(endpointId);
        if (ep == null || ep.request.ports().isEmpty() || n.internal) {
            return;
        }
        // host_binding_ipv4: bindings without a host address take the network's default one
        InetAddress dflt = n.settings.hostBindingIpv4();
        List<PortBinding> bindings = dflt.isAnyLocalAddress() ? ep.request.ports()
                : ep.request.ports().stream().map(b -> b.hostIp() != null ? b
                        : new PortBinding(dflt, b.hostPort(), b.hostPortEnd(),
                                b.containerPort(), b.protocol())).toList();
        var ipv4 = ep.request.ipv4() == null ? null : ep.request.ipv4().address();
        var ipv6 = ep.request.ipv6() == null ? null : ep.request.ipv6().address();
        var mappings = ports.map(endpointId, bindings, ipv4, ipv6);
        try {
            firewall.publish(endpointId, mappings);
            // Hairpin, a container reaching its own published port through the host's address:
            // with br_netfilter the DNAT'd frame is bridged straight back to the port it came
            // from, which a bridge does only in hairpin mode (Docker sets it for the same case).
            host.withNetlink(nl -> {
                nl.setHairpin(ep.hostIndex, true);
                return null;
            });
        } catch (RuntimeException e) {
            firewall.unpublish(endpointId);
            ports.unmap(endpointId);
            throw e;
        }
    }

    @Override
    public void revokeExternalConnectivity(String networkId, String endpointId) {
        BridgeNetwork n = networks.get(networkId);
        BridgeEndpoint ep = n == null ? null : n.endpoints.get(endpointId);
        if (ep == null || ports.mappings(endpointId).isEmpty()) {
            return;
        }
        firewall.unpublish(endpointId);
        ports.unmap(endpointId);
        // Connections tracked with a DNAT to this endpoint would keep steering their flows to
        // an address that is about to go (and may be reused).
        for (var ip : new IpPrefix[] {ep.request.ipv4(), ep.request.ipv6()}) {
            if (ip != null) {
                firewall.forgetConnections(ip.address());
            }
        }
    }

    @Override
    public List<PortMapping> publishedPorts(String networkId, String endpointId) {
        return ports.mappings(endpointId);
    }

    private BridgeNetwork network(String id) {
        BridgeNetwork n = networks.get(id);
        if (n == null) {
            throw new NotFoundException("bridge network " + id + " not found");
        }
        return n;
    }

    /** The driver's state of one network. */
    private static final class BridgeNetwork {
        final String networkName;
        final String bridgeName;
        final BridgeSettings settings;
        final boolean internal;
        final InetAddress gatewayV4;
        final InetAddress gatewayV6;
        final List<Addr> addedAddrs = new ArrayList<>();
        final Map<String, BridgeEndpoint> endpoints = new ConcurrentHashMap<>();
        volatile boolean adopted;
        volatile int bridgeIndex;
        int ports; // guarded by this

        BridgeNetwork(NetworkRequest req, BridgeSettings s, String bridgeName) {
            this.networkName = req.name();
            this.bridgeName = bridgeName;
            this.settings = s;
            this.internal = req.internal();
            this.gatewayV4 = req.v4().isEmpty() ? null : req.v4().get(0).gateway();
            this.gatewayV6 = req.v6().isEmpty() ? null : req.v6().get(0).gateway();
        }
    }

    private static final class BridgeEndpoint {
        final MacAddress mac;
        final EndpointRequest request;
        volatile int hostIndex;

        BridgeEndpoint(MacAddress mac, EndpointRequest request) {
            this.mac = mac;
            this.request = request;
        }
    }
}
