package org.libnetwork4j.driver.macvlan;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.libnetwork4j.ForbiddenException;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.MacAddress;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.PortMapping;
import org.libnetwork4j.driver.Capabilities;
import org.libnetwork4j.driver.EndpointRequest;
import org.libnetwork4j.driver.EndpointSetup;
import org.libnetwork4j.driver.HostContext;
import org.libnetwork4j.driver.JoinRequest;
import org.libnetwork4j.driver.JoinResult;
import org.libnetwork4j.driver.NetworkRequest;
import org.libnetwork4j.driver.RestorableDriver;
import org.libnetwork4j.driver.SandboxContext;
import org.libnetwork4j.driver.Subnet;
import org.libnetwork4j.kernel.BridgeSpec;
import org.libnetwork4j.kernel.Link;
import org.libnetwork4j.kernel.LinkChange;
import org.libnetwork4j.kernel.Netlink;

/**
 * What the macvlan and ipvlan drivers share (libnetwork's drivers of those names): each
 * endpoint is a device on a parent link of the host, born straight in the sandbox's namespace
 * under its final name, with the endpoint's address on the parent's own network. There is no
 * bridge of ours, no NAT and no published port: the container is a machine on the parent's
 * LAN, and its gateway (the network's gateway address) is a router there.
 *
 * <p>The parent, Docker's {@code parent} option:
 * <ul>
 * <li>a link of the host namespace, used as it is;</li>
 * <li>{@code NAME.ID} when no such link exists: an 802.1q VLAN device made on NAME, and removed
 *     with the network (a kernel without CONFIG_VLAN_8021Q is named in the error);</li>
 * <li>none: the network is internal, on a parent of its own, {@code dm-} and the first 12 of
 *     the network's id. Docker makes a dummy device; this one is an empty bridge, which isolates
 *     the same way and needs no CONFIG_DUMMY, absent from some kernels.</li>
 * </ul>
 *
 * <p>Restart: the device lives in the sandbox, alias {@code lnw4j-sub ENDPOINT_ID}, and is found
 * there again by it. No join label is stamped (the controller then records joins before they
 * return), since finding labels would mean visiting every sandbox's namespace at restart.
 *
 * <p>The embedded DNS resolver listens on networks' gateways in the host, which for these
 * networks are routers elsewhere: their containers resolve through the host's nameservers.
 */
abstract class SubInterfaceDriver implements RestorableDriver {
    static final String PARENT = "parent";
    private static final String ALIAS = "lnw4j-sub ";
    private static final Pattern VLAN = Pattern.compile("(.{1,10})\\.(\\d{1,4})");

    private final HostContext host;
    private final Map<String, SubNetwork> networks = new ConcurrentHashMap<>();

    /**
     * A network: its parent and whether we made it, its subnets (none where it gives no way
     * out), its endpoints.
     */
    static final class SubNetwork {
        final String id;
        final SubSettings settings;
        final int parentIndex;
        final String parentName;
        final boolean madeParent;
        final List<Subnet> routed;
        final Map<String, SubEndpoint> endpoints = new ConcurrentHashMap<>();

        SubNetwork(String id, SubSettings settings, int parentIndex, String parentName, boolean madeParent,
                List<Subnet> routed) {
            this.id = id;
            this.settings = settings;
            this.parentIndex = parentIndex;
            this.parentName = parentName;
            this.madeParent = madeParent;
            this.routed = List.copyOf(routed);
        }

        /** The gateway of the subnet that holds addr, as libnetwork's; null for none. */
        InetAddress gatewayFor(IpPrefix addr) {
            if (addr != null) {
                for (Subnet s : routed) {
                    if (s.prefix().contains(addr.address())) {
                        return s.gateway();
                    }
                }
            }
            return null;
        }

        JoinResult joined(int index, String name, SubEndpoint ep) {
            return JoinResult.inSandbox(index, name, gatewayFor(ep.ipv4), gatewayFor(ep.ipv6), null, false);
        }
    }

    /** An endpoint, its addresses, and once joined where its device is. */
    static final class SubEndpoint {
        final MacAddress mac;
        final boolean macAskedFor;
        final IpPrefix ipv4;
        final IpPrefix ipv6;
        volatile SandboxContext sandbox;
        volatile int index;

        SubEndpoint(MacAddress mac, boolean macAskedFor, IpPrefix ipv4, IpPrefix ipv6) {
            this.mac = mac;
            this.macAskedFor = macAskedFor;
            this.ipv4 = ipv4;
            this.ipv6 = ipv6;
        }
    }

    /** A network's parsed options: the parent's name (null for none) and the kind's mode. */
    interface SubSettings extends org.libnetwork4j.driver.NetworkSettings {
        String parent();
    }

    SubInterfaceDriver(HostContext host) {
        this.host = host;
    }

    /**
     * Docker's two options of these drivers: {@code parent}, and the kind's mode option
     * (modeKey) with its values (modes, lower case, the first the default); builds the
     * settings with make. Any other option is refused by name.
     */
    <M> SubSettings parseOptions(Map<String, String> options, String modeKey, Map<String, M> modes,
            java.util.function.BiFunction<String, M, SubSettings> make) {
        String parent = null;
        M mode = modes.values().iterator().next();
        for (Map.Entry<String, String> e : options.entrySet()) {
            if (e.getKey().equals(PARENT)) {
                parent = Parents.check(e.getValue());
            } else if (e.getKey().equals(modeKey)) {
                mode = modes.get(e.getValue().toLowerCase(java.util.Locale.ROOT));
                if (mode == null) {
                    throw new InvalidParameterException("invalid value \"" + e.getValue() + "\" for option \""
                            + modeKey + "\": " + String.join(", ", modes.keySet()));
                }
            } else {
                throw new InvalidParameterException("unknown option \"" + e.getKey() + "\" for driver \"" + type()
                        + "\" (" + PARENT + ", " + modeKey + ")");
            }
        }
        return make.apply(parent, mode);
    }

    /**
     * Makes the device name on parentIndex, born in target's namespace with mac (null for the
     * kinds that take the parent's); returns it as it is there.
     */
    abstract Link createDevice(Netlink hostNl, String name, int parentIndex, SubSettings settings, MacAddress mac,
            Netlink target);

    /** Whether devices of this kind carry their own MAC (macvlan) or the parent's (ipvlan). */
    abstract boolean ownMac();

    /**
     * Whether a device about to die with its namespace holds something on the parent that
     * another endpoint may claim at once (see {@link #release}).
     */
    abstract boolean mustRelease(SubEndpoint ep);

    /** Makes a device about to die with its namespace give up what it holds on the parent. */
    abstract void release(Netlink inside, int index);

    /** Whether one endpoint takes the whole parent (macvlan's passthru). */
    boolean exclusive(SubSettings settings) {
        return false;
    }

    /** Refuses a network the kernel cannot serve, before anything is made (ipvlan's probe). */
    void checkKernel(Netlink hostNl, int parentIndex) {
    }

    @Override
    public Capabilities capabilities() {
        return Capabilities.local();
    }

    @Override
    public void createNetwork(NetworkRequest req) {
        SubSettings s = (SubSettings) req.settings();
        networks.put(req.id(), host.withNetlink(nl -> {
            Parent p = parent(nl, req.id(), s.parent(), true);
            try {
                checkKernel(nl, p.index);
            } catch (RuntimeException e) {
                p.undo(nl, e);
                throw e;
            }
            return network(req, s, p);
        }));
    }

    private static SubNetwork network(NetworkRequest req, SubSettings s, Parent p) {
        // no parent: an island, whatever the request said (as Docker's dummy parent)
        boolean internal = req.internal() || s.parent() == null;
        List<Subnet> routed = new ArrayList<>();
        if (!internal) {
            routed.addAll(req.v4());
            routed.addAll(req.v6());
        }
        return new SubNetwork(req.id(), s, p.index, p.name, p.made, routed);
    }

    /** A parent link found or made, and how to take back what was made. */
    private record Parent(int index, String name, boolean made) {
        void undo(Netlink nl, RuntimeException cause) {
            if (made) {
                try {
                    nl.deleteLink(index);
                } catch (RuntimeException e) {
                    cause.addSuppressed(e);
                }
            }
        }
    }

    /** The parent named (or a stand-in for none), found, or made when make is set. */
    private Parent parent(Netlink nl, String networkId, String name, boolean make) {
        if (name == null) {
            String own = "dm-" + networkId.substring(0, 12);
            Optional<Link> there = nl.findLink(own);
            if (there.isPresent()) {
                return new Parent(there.get().index(), own, true);
            }
            if (!make) {
                throw new NotFoundException("the stand-in parent \"" + own + "\" of network " + networkId + " is gone");
            }
            return new Parent(nl.createBridge(BridgeSpec.of(own).up()).index(), own, true);
        }
        Optional<Link> there = nl.findLink(name);
        if (there.isPresent()) {
            return new Parent(there.get().index(), name, false);
        }
        Matcher m = VLAN.matcher(name);
        if (m.matches() && make) {
            int id = Integer.parseInt(m.group(2));
            Link base = nl.findLink(m.group(1)).orElseThrow(() -> new NotFoundException("parent \"" + name
                    + "\": no interface \"" + m.group(1) + "\" to make VLAN " + id + " on"));
            Link vlan = nl.createVlan(name, base.index(), id);
            try {
                nl.setUp(vlan.index());
            } catch (RuntimeException e) {
                new Parent(vlan.index(), name, true).undo(nl, e);
                throw e;
            }
            return new Parent(vlan.index(), name, true);
        }
        throw new NotFoundException("parent interface \"" + name + "\" not found in the host namespace");
    }

    @Override
    public void deleteNetwork(String networkId) {
        SubNetwork n = networks.remove(networkId);
        if (n != null && n.madeParent) {
            host.deleteLinkLater(n.parentIndex, n.parentName);
        }
    }

    @Override
    public EndpointSetup createEndpoint(EndpointRequest req) {
        SubNetwork n = network(req.networkId());
        if (!req.ports().isEmpty()) {
            throw new InvalidParameterException("endpoint " + req.endpointId() + " on " + type()
                    + " network: no published ports (its container is on the parent's network itself;"
                    + " connect to its address)");
        }
        MacAddress mac = ownMac() ? (req.mac() != null ? req.mac() : MacAddress.random()) : null;
        n.endpoints.put(req.endpointId(), new SubEndpoint(mac, req.mac() != null, req.ipv4(), req.ipv6()));
        return new EndpointSetup(mac);
    }

    @Override
    public void deleteEndpoint(String networkId, String endpointId) {
        SubNetwork n = networks.get(networkId);
        if (n != null) {
            n.endpoints.remove(endpointId);
        }
    }

    @Override
    public JoinResult join(JoinRequest req) {
        SubNetwork n = network(req.networkId());
        SubEndpoint ep = endpoint(n, req.endpointId());
        if (exclusive(n.settings)) {
            n.endpoints.forEach((id, other) -> {
                if (other.sandbox != null) {
                    throw new ForbiddenException("join endpoint " + req.endpointId() + ": " + type()
                            + " network " + n.id + " is in passthru mode, and endpoint " + id + " holds its parent");
                }
            });
        }
        String name = req.sandbox().nextInterfaceName(req.interfacePrefix());
        Netlink inside = req.sandbox().netlink();
        Link dev = host.withNetlink(nl -> createDevice(nl, name, n.parentIndex, n.settings, ep.mac, inside));
        try {
            inside.change(dev.index(), LinkChange.NONE.alias(ALIAS + req.endpointId()));
        } catch (RuntimeException e) {
            try {
                inside.deleteLink(dev.index());
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        ep.sandbox = req.sandbox();
        ep.index = dev.index();
        return n.joined(dev.index(), name, ep);
    }

    @Override
    public void leave(String networkId, String endpointId, boolean sandboxGone) {
        SubNetwork n = networks.get(networkId);
        SubEndpoint ep = n == null ? null : n.endpoints.get(endpointId);
        if (ep == null || ep.sandbox == null) {
            return;
        }
        try {
            if (!sandboxGone) {
                ep.sandbox.netlink().deleteLink(ep.index);
            } else if (mustRelease(ep)) {
                // The kernel frees a dead namespace's devices later, on a workqueue, and until
                // then this one would hold what it claims on the parent: the next endpoint to
                // claim it would be refused with EADDRINUSE. Giving it up is one request.
                release(ep.sandbox.netlink(), ep.index);
            }
        } catch (NotFoundException gone) {
            // gone already: what leave wants
        } catch (RuntimeException e) {
            if (!sandboxGone) {
                throw e;
            }
            // the namespace is going: its devices go with it, later
        }
        ep.sandbox = null;
        ep.index = 0;
    }

    private SubNetwork network(String id) {
        SubNetwork n = networks.get(id);
        if (n == null) {
            throw new NotFoundException(type() + " network " + id + " not found");
        }
        return n;
    }

    private SubEndpoint endpoint(SubNetwork n, String id) {
        SubEndpoint ep = n.endpoints.get(id);
        if (ep == null) {
            throw new NotFoundException("endpoint " + id + " not found in " + type() + " network " + n.id);
        }
        return ep;
    }

    // ---- restart ----

    @Override
    public Map<String, String> networkState(String networkId) {
        SubNetwork n = network(networkId);
        return Map.of("parent", n.parentName, "madeParent", Boolean.toString(n.madeParent));
    }

    @Override
    public void restoreNetwork(NetworkRequest req, Map<String, String> state) {
        SubSettings s = (SubSettings) req.settings();
        // a parent we made comes back after a reboot too; one of the host's must be there
        networks.put(req.id(), host.withNetlink(nl -> network(req, s, parent(nl, req.id(), s.parent(),
                Boolean.parseBoolean(state.getOrDefault("madeParent", "false")) || s.parent() == null))));
    }

    @Override
    public void discardNetwork(NetworkRequest req, Map<String, String> state) {
        if (!Boolean.parseBoolean(state.getOrDefault("madeParent", "false"))) {
            return;
        }
        String name = state.get("parent");
        host.withNetlink(nl -> {
            nl.findLink(name).ifPresent(l -> host.deleteLinkLater(l.index(), name));
            return null;
        });
    }

    @Override
    public Map<String, String> joinLabels() {
        return Map.of(); // none stamped: see the class comment
    }

    @Override
    public Optional<JoinResult> restoreJoin(JoinRequest req) {
        SubNetwork n = network(req.networkId());
        SubEndpoint ep = endpoint(n, req.endpointId());
        for (Link l : req.sandbox().netlink().links()) {
            if ((ALIAS + req.endpointId()).equals(l.alias())) {
                ep.sandbox = req.sandbox();
                ep.index = l.index();
                return Optional.of(n.joined(l.index(), l.name(), ep));
            }
        }
        return Optional.empty();
    }

    @Override
    public void discardJoin(String networkId, String endpointId) {
        leave(networkId, endpointId, false);
    }

    @Override
    public List<PortMapping> restoreExternalConnectivity(String networkId, String endpointId,
            List<PortMapping> mappings) {
        return List.of(); // these networks publish no ports
    }

    @Override
    public List<String> removeOrphans(Set<String> joined) {
        return List.of(); // nothing of ours in the host namespace but parents, which follow their networks
    }
}
