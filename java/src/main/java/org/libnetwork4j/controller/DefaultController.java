package org.libnetwork4j.controller;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.libnetwork4j.ControllerConfig;
import org.libnetwork4j.EventSubscription;
import org.libnetwork4j.ForbiddenException;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.IpamConfig;
import org.libnetwork4j.Labels;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.NetworkEvent;
import org.libnetwork4j.NetworkException;
import org.libnetwork4j.NetworkOptions;
import org.libnetwork4j.RecoveryReport;
import org.libnetwork4j.Sandbox;
import org.libnetwork4j.SandboxOptions;
import org.libnetwork4j.driver.Capabilities;
import org.libnetwork4j.driver.Driver;
import org.libnetwork4j.driver.NetworkSettings;
import org.libnetwork4j.firewall.Firewall;
import org.libnetwork4j.ipam.DefaultIpam;
import org.libnetwork4j.ipam.Ipam;
import org.libnetwork4j.store.NetworkRecord;
import org.libnetwork4j.store.State;
import org.libnetwork4j.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link NetworkController}: its networks and sandboxes, and the services they
 * share ({@link Context}). It makes networks and sandboxes and hands them out; everything
 * after that (endpoints, joins, deletes) runs in those objects and calls down, never back here.
 * {@link Wiring#open} builds one on the kernel; tests build one on fakes.
 *
 * <p><b>Locks.</b> Each object has one lock, always taken in this order and never the other
 * way round: network, then endpoint, then sandbox. The registries of networks, endpoints and
 * sandboxes have locks of their own, held only inside them. A name is unique because it is
 * reserved in its registry while the object is made, with no lock held for the kernel work,
 * so that making one object does not stall the others. Kernel work for a join or leave runs
 * under the endpoint's and the sandbox's locks only.
 */
public final class DefaultController implements NetworkController {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultController.class);

    private final Context ctx;
    private final Teardown.Step resources;
    private final Registry<NetworkImpl> networks = new Registry<>("network", NetworkImpl::id, NetworkImpl::name,
            n -> "network with name " + n + " already exists");
    private final Sandboxes sandboxes;
    private final RecoveryReport recovery;
    private final Shared.Subscription globalWatch; // the cluster's networks, once recovery is done
    private final Shared.Subscription namesWatch;  // the other hosts' names on them
    private final RemoteNames remoteNames = new RemoteNames();
    private volatile boolean closed;

    /**
     * A controller on these services: reconciles what the store holds with the kernel before
     * anything else can happen ({@link Recovery}). resources are closed last on close (the
     * store, then the state directory's lock).
     */
    DefaultController(Context ctx, Teardown.Step resources) {
        this.ctx = ctx;
        this.resources = resources;
        this.sandboxes = new Sandboxes(ctx);
        try {
            this.recovery = new Recovery(ctx, networks, sandboxes).run(ctx.store().store().load());
        } catch (RuntimeException e) {
            sandboxes.registry.all().forEach(SandboxImpl::close);
            throw e;
        }
        if (!recovery.clean()) {
            LOG.info("recovery: {}", recovery);
        }
        if (ctx.shared() != Shared.NONE) {
            GatewayBridge.ensure(this);
        }
        Shared.Subscription w;
        try {
            w = ctx.shared().watch(new GlobalNetworks());
        } catch (NetworkException e) {
            // etcd away at start: local networks work; the cluster's are taken up once a
            // later open finds it (the watch itself comes back on its own once it runs)
            LOG.warn("cluster store: the cluster's networks are not taken up: {}", e.getMessage());
            w = () -> { };
        }
        this.globalWatch = w;
        Shared.Subscription names;
        try {
            names = ctx.shared().watchNames(remoteNames);
        } catch (NetworkException e) {
            LOG.warn("cluster store: the other hosts' names are not known here: {}", e.getMessage());
            names = () -> { };
        }
        this.namesWatch = names;
    }

    /**
     * The names of the other hosts' endpoints on the cluster's networks, in this host's
     * resolver: a container here finds a container there by name, in the scope of the
     * networks they share. Told on the cluster store's watch thread, one change at a time.
     */
    private final class RemoteNames implements Shared.NameWatcher {
        private static final String REMOTE = "remote"; // the sandbox such names belong to here
        // by "network/endpoint": kept also for a network not taken up here yet, whose names
        // are told to the resolver once it is (networkUp)
        private final Map<String, Shared.RemoteName> known = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public void all(List<Shared.RemoteName> names) {
            java.util.Set<String> now = new java.util.HashSet<>();
            for (Shared.RemoteName n : names) {
                now.add(n.networkId() + "/" + n.endpointId());
            }
            for (String k : List.copyOf(known.keySet())) {
                if (!now.contains(k)) {
                    String[] p = k.split("/");
                    gone(p[0], p[1]);
                }
            }
            names.forEach(this::up);
        }

        @Override
        public void up(Shared.RemoteName n) {
            known.put(n.networkId() + "/" + n.endpointId(), n);
            ctx.names().join(n.networkId(), n.endpointId(), REMOTE, n.names(), n.ipv4(), n.ipv6());
        }

        @Override
        public void gone(String networkId, String endpointId) {
            if (known.remove(networkId + "/" + endpointId) != null) {
                ctx.names().leave(networkId, endpointId);
            }
        }

        /** A network taken up here: the resolver learns the names it already has elsewhere. */
        void networkUp(String networkId) {
            known.values().stream().filter(n -> n.networkId().equals(networkId)).forEach(n ->
                    ctx.names().join(n.networkId(), n.endpointId(), REMOTE, n.names(), n.ipv4(), n.ipv6()));
        }
    }

    /**
     * The cluster's networks as the store has them: each one this host lacks is made here
     * (its record, as the host that created it published it), and each of this host's that
     * the cluster no longer has is deleted here, unless it still has endpoints on this host.
     * Called on the cluster store's watch thread.
     */
    private final class GlobalNetworks implements Shared.Watcher {
        @Override
        public void all(List<NetworkRecord> records) {
            java.util.Set<String> ids = new java.util.HashSet<>();
            for (NetworkRecord r : records) {
                ids.add(r.id());
                up(r);
            }
            for (NetworkImpl n : networks.all()) {
                if (n.isGlobal() && !ids.contains(n.id())) {
                    dropCopy(n);
                }
            }
        }

        @Override
        public void up(NetworkRecord r) {
            if (closed || networks.find(r.id()) != null) {
                return;
            }
            try {
                NetworkImpl stale = networks.findByKey(r.name());
                if (stale != null && stale.isGlobal()) {
                    dropCopy(stale); // deleted and made again elsewhere while we did not watch
                }
                Driver driver = ctx.drivers().get(r.type());
                var spec = new NetworkImpl.Spec(r.id(), r.name(), r.type(), r.options(),
                        driver.parseNetworkOptions(driverOptions(r.options())), r.internal(), r.enableIpv6(),
                        r.interfacePrefix(), r.created());
                NetworkImpl n = networks.create(r.name(), all -> { },
                        () -> make(driver, spec, () -> NetworkAddresses.restore(ipamOf(r.options()), r.allocations())
                                .forScope(driver, ctx.shared(), r.id())));
                LOG.info("cluster: took up {}", n);
                remoteNames.networkUp(n.id());
                ctx.events().publish(NetworkEvent.Type.NETWORK, NetworkEvent.CREATE, n.id(),
                        Map.of("name", n.name(), "type", n.type()));
            } catch (RuntimeException e) {
                LOG.warn("cluster: network {} ({}) not taken up: {}", r.name(), r.id(), e.getMessage());
            }
        }

        @Override
        public void gone(String name) {
            NetworkImpl n = networks.findByKey(name);
            if (n != null && n.isGlobal()) {
                dropCopy(n);
            }
        }

        private void dropCopy(NetworkImpl n) {
            if (closed) {
                return;
            }
            try {
                n.delete(false);
                LOG.info("cluster: {} is gone from the cluster: deleted here", n);
            } catch (RuntimeException e) {
                LOG.warn("cluster: {} is gone from the cluster, but stays here: {}", n, e.getMessage());
            }
        }
    }

    /**
     * Opens a controller on the kernel, per config (see {@link Wiring}).
     *
     * @param config where its state and run directories are, and how it behaves
     * @return the controller, its recovery done ({@link #recoveryReport}); close it
     * @throws org.libnetwork4j.ForbiddenException if another controller holds the state
     *         directory past the config's lock wait
     * @throws org.libnetwork4j.NetworkException if the store, the host namespace or the
     *         firewall cannot be opened; nothing opened is left open
     */
    public static DefaultController open(ControllerConfig config) {
        return Wiring.open(config);
    }

    @Override
    public RecoveryReport recoveryReport() {
        return recovery;
    }

    Context context() {
        return ctx;
    }

    @Override
    public void reloadFirewall() {
        checkOpen();
        ctx.host().reloadFirewall();
    }

    private void checkOpen() {
        if (closed) {
            throw new ForbiddenException("the network controller is closed");
        }
    }

    @Override
    public void configureNetworkDriver(String type, Map<String, String> options) {
        checkOpen();
        ctx.drivers().get(type).configure(Map.copyOf(options));
    }

    // ---- networks ----

    @Override
    public Network newNetwork(String type, String name, NetworkOptions options) {
        checkOpen();
        try {
            Ids.checkName(name, "network");
            Driver driver = ctx.drivers().get(type);
            Capabilities caps = driver.capabilities();
            // The edge: Docker's generic labels become typed fields, the rest the driver's
            // settings. Nothing is allocated until all of it has parsed.
            Map<String, String> rest = new LinkedHashMap<>(options.options());
            boolean ipv6 = rest.containsKey(Labels.ENABLE_IPV6)
                    ? Labels.parseBool(Labels.ENABLE_IPV6, rest.remove(Labels.ENABLE_IPV6)) : options.enableIpv6();
            boolean internal = rest.containsKey(Labels.INTERNAL)
                    ? Labels.parseBool(Labels.INTERNAL, rest.remove(Labels.INTERNAL)) : options.internal();
            String prefix = rest.containsKey(Labels.CONTAINER_IFACE_PREFIX)
                    ? checkPrefix(rest.remove(Labels.CONTAINER_IFACE_PREFIX)) : "eth";
            NetworkSettings settings = driver.parseNetworkOptions(rest);
            List<IpamConfig> v4 = options.ipam().stream().filter(c -> !c.isIpv6()).toList();
            List<IpamConfig> v6 = options.ipam().stream().filter(IpamConfig::isIpv6).toList();
            if (!caps.usesIpam() && !options.ipam().isEmpty()) {
                throw new InvalidParameterException("the " + type + " driver takes no subnets");
            }
            if (!v6.isEmpty() && !ipv6) {
                throw new InvalidParameterException("an IPv6 subnet (" + v6.get(0).subnet()
                        + ") needs IPv6 enabled on the network");
            }
            // found (and activated) before anything is made: an unknown one leaves nothing behind
            Ipam ipam = caps.usesIpam() ? ipamOf(options) : ctx.ipam();
            var spec = new NetworkImpl.Spec(Ids.newId(), name, type, options, settings, internal, ipv6, prefix,
                    Instant.now());
            boolean global = caps.scope() == Capabilities.Scope.GLOBAL;
            java.util.function.Supplier<NetworkAddresses> addresses = () -> {
                if (!caps.usesIpam()) {
                    return NetworkAddresses.none(ctx.ipam());
                }
                return NetworkAddresses.allocate(ipam, v4, v6, spec.enableIpv6())
                        .forScope(driver, ctx.shared(), spec.id());
            };
            NetworkImpl n = networks.create(name, all -> {
                if (caps.singleInstance() && all.stream().anyMatch(x -> x.type().equals(type))) {
                    throw new ForbiddenException("only one instance of the \"" + type + "\" network is allowed");
                }
            }, () -> {
                NetworkImpl made = make(driver, spec, addresses);
                if (global) {
                    // the cluster's name and subnets are claimed last: a refusal undoes the rest
                    try {
                        ctx.shared().publish(made.record(State.READY, Map.of()));
                    } catch (RuntimeException e) {
                        try {
                            made.delete(false);
                        } catch (RuntimeException again) {
                            e.addSuppressed(again);
                        }
                        throw e;
                    }
                }
                return made;
            });
            LOG.debug("created {}", n);
            ctx.events().publish(NetworkEvent.Type.NETWORK, NetworkEvent.CREATE, n.id(),
                    Map.of("name", n.name(), "type", n.type()));
            return n;
        } catch (NetworkException e) {
            throw e.withContext("create network \"" + name + "\"");
        }
    }

    /** Addresses, the intent, the driver's network, the record; undone if a step fails. */
    private NetworkImpl make(Driver driver, NetworkImpl.Spec spec, java.util.function.Supplier<NetworkAddresses> ips) {
        NetworkAddresses addresses = ips.get();
        Teardown undo = new Teardown();
        undo.push(addresses::releaseAll);
        try {
            NetworkImpl n = new NetworkImpl(ctx, networks, sandboxes, driver, spec, addresses);
            // intent: a crash from here on leaves a create that the next start undoes
            ctx.store().put(n.record(State.CREATING, Map.of()));
            undo.push(() -> ctx.store().delete(n.record(State.CREATING, Map.of())));
            driver.createNetwork(n.request());
            undo.push(() -> driver.deleteNetwork(spec.id()));
            n.serveNames();
            undo.push(n::stopNames);
            ctx.store().put(n.record(State.READY, n.driverState()));
            return n;
        } catch (RuntimeException e) {
            undo.runReversed(e);
            throw e;
        }
    }

    /** A network's options without the generic labels the controller itself reads. */
    static Map<String, String> driverOptions(NetworkOptions options) {
        Map<String, String> rest = new LinkedHashMap<>(options.options());
        rest.remove(Labels.ENABLE_IPV6);
        rest.remove(Labels.INTERNAL);
        rest.remove(Labels.CONTAINER_IFACE_PREFIX);
        return rest;
    }

    private static String checkPrefix(String p) {
        if (p == null || !p.matches("[A-Za-z][A-Za-z0-9_-]{0,10}")) {
            throw new InvalidParameterException("invalid value \"" + p + "\" for option \""
                    + Labels.CONTAINER_IFACE_PREFIX + "\": 1 to 11 letters, digits, '_' or '-',"
                    + " starting with a letter (room is left for the index)");
        }
        return p;
    }

    @Override
    public List<Network> networks() {
        return List.copyOf(networks.all());
    }

    @Override
    public Network networkByName(String name) {
        return networks.byKey(name, () -> "network " + name + " not found");
    }

    @Override
    public Network networkById(String id) {
        return networks.byIdOrPrefix(id);
    }

    @Override
    public void walkNetworks(Predicate<Network> walker) {
        for (Network n : networks()) {
            if (walker.test(n)) {
                return;
            }
        }
    }

    // ---- sandboxes ----

    @Override
    public Sandbox newSandbox(String containerId, SandboxOptions options) {
        checkOpen();
        return sandboxes.create(containerId, options);
    }

    @Override
    public List<Sandbox> sandboxes() {
        return List.copyOf(sandboxes.registry.all());
    }

    @Override
    public Sandbox sandboxById(String id) {
        return sandboxes.registry.byIdOrPrefix(id);
    }

    @Override
    public Sandbox sandboxByContainerId(String containerId) {
        return sandboxes.byContainer(containerId);
    }

    /**
     * Leaves networks, endpoints and sandboxes in the kernel as they are; writes what the
     * store was still to be told, marks it clean if all of that went well, releases the
     * handles, and the state directory last.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Teardown t = new Teardown();
        // first: its forwards borrow the sandboxes' namespaces, closed next
        t.step(ctx.names()::close);
        t.step(ctx.events()::close);
        t.step(ctx.store()::close);
        for (SandboxImpl s : sandboxes.registry.all()) {
            t.step(s::close);
        }
        t.step(globalWatch::close);
        t.step(namesWatch::close);
        t.step(ctx.shared()::close); // before the host: the overlay driver's handles are the host's
        t.step(ctx.host()::close);
        // Everything done is stored and nothing is pending in the kernel: the next controller
        // may take the records as they are (Recovery), without reading every join's label.
        if (t.first() == null) {
            t.step(ctx.store().store()::markClean);
        }
        t.step(resources); // last: the next controller may start as soon as the directory is free
        t.throwIfFailed();
    }

    @Override
    public EventSubscription subscribe(java.util.function.Consumer<NetworkEvent> listener, int capacity) {
        checkOpen();
        return ctx.events().subscribe(listener, capacity);
    }

    // ---- for tests in this package ----

    /** A network's IPAM: the controller's own, or the IPAM plugin its options name. */
    private Ipam ipamOf(NetworkOptions options) {
        return ctx.drivers().ipam(options.ipamDriver(), options.ipamOptions(), ctx.ipam());
    }

    DefaultIpam ipam() {
        return (DefaultIpam) ctx.ipam();
    }

    /** The host namespace's netlink handles, for fault injection. */
    HostNamespace host() {
        return ((KernelHost) ctx.host()).namespace;
    }

    Firewall firewall() {
        return ((KernelHost) ctx.host()).firewall;
    }

    Path sandboxFiles() {
        return ctx.paths().sandboxFiles();
    }

    /** The store behind the controller's deferred writes (for tests). */
    Store store() {
        return ctx.store().store();
    }

    /** Writes the store's deferred records now (for tests). */
    void flushStore() {
        ctx.store().flush();
    }
}
