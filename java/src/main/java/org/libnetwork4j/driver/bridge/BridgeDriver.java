package org.libnetwork4j.driver.bridge;

import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.libnetwork4j.ForbiddenException;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.MacAddress;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.driver.Driver;
import org.libnetwork4j.driver.EndpointRequest;
import org.libnetwork4j.driver.EndpointSetup;
import org.libnetwork4j.driver.HostContext;
import org.libnetwork4j.driver.JoinRequest;
import org.libnetwork4j.driver.JoinResult;
import org.libnetwork4j.driver.NetworkRequest;
import org.libnetwork4j.driver.NetworkSettings;
import org.libnetwork4j.driver.Subnet;
import org.libnetwork4j.kernel.Addr;
import org.libnetwork4j.kernel.BridgeSpec;
import org.libnetwork4j.kernel.Link;
import org.libnetwork4j.kernel.Netlink;
import org.libnetwork4j.kernel.Sysctl;
import org.libnetwork4j.kernel.VethPair;
import org.libnetwork4j.kernel.VethSpec;

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
    private final Map<String, BridgeNetwork> networks = new ConcurrentHashMap<>();

    public BridgeDriver(HostContext host) {
        this.host = host;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public NetworkSettings parseNetworkOptions(Map<String, String> options) {
        return BridgeSettings.parse(options);
    }

    @Override
    public void createNetwork(NetworkRequest req) {
        BridgeSettings s = (BridgeSettings) req.settings();
        String name = s.bridgeName() != null ? s.bridgeName() : "br-" + req.id().substring(0, 12);
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
    }

    private void setUp(Netlink nl, BridgeNetwork n, NetworkRequest req) {
        Link existing = nl.findLink(n.bridgeName).orElse(null);
        if (existing != null && !"bridge".equals(existing.kind())) {
            throw new InvalidParameterException("bridge name " + n.bridgeName + " is taken by a "
                    + (existing.kind().isEmpty() ? "device" : existing.kind() + " device")
                    + " that is not a bridge");
        }
        n.adopted = existing != null;
        Link br = existing != null ? existing
                : nl.createBridge(BridgeSpec.of(n.bridgeName).mtu(n.settings.mtu()));
        n.bridgeIndex = br.index();
        try {
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
            // A bridge must not configure itself from router advertisements (CVE-2020-13401
            // is the container-side twin); the key is missing when IPv6 is off in the kernel.
            try {
                Sysctl.setAcceptRa(host.namespace(), n.bridgeName, 0);
            } catch (NotFoundException ipv6Off) {
                // nothing to turn off
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
    public void deleteNetwork(String networkId) {
        BridgeNetwork n = networks.get(networkId);
        if (n == null) {
            return;
        }
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
        n.endpoints.put(req.endpointId(), new BridgeEndpoint(mac));
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
        String hostEnd = "veth" + req.endpointId().substring(0, 7);
        try {
            VethPair pair = host.withNetlink(nl -> {
                VethPair p = nl.createVeth(VethSpec.of(hostEnd, peer).peerIn(req.sandbox().netlink())
                        .master(n.bridgeIndex).mtu(n.settings.mtu()).up().peerMac(ep.mac));
                try {
                    // A bridge port is a layer-2 port: no IPv6 link-local, hence none of the
                    // autoconfiguration traffic the bridge would flood to every other port.
                    // In time: the port has no carrier until the peer comes up.
                    nl.setIpv6LinkLocal(p.host().index(), false);
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
        ep.hostIndex = 0;
        synchronized (n) {
            n.ports--;
        }
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
        final java.net.InetAddress gatewayV4;
        final java.net.InetAddress gatewayV6;
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
        volatile int hostIndex;

        BridgeEndpoint(MacAddress mac) {
            this.mac = mac;
        }
    }
}
