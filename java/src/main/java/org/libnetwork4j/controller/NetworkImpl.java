package org.libnetwork4j.controller;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.libnetwork4j.Endpoint;
import org.libnetwork4j.EndpointOptions;
import org.libnetwork4j.ForbiddenException;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkEvent;
import org.libnetwork4j.NetworkException;
import org.libnetwork4j.NetworkInfo;
import org.libnetwork4j.NetworkOptions;
import org.libnetwork4j.driver.Capabilities;
import org.libnetwork4j.driver.Driver;
import org.libnetwork4j.driver.EndpointRequest;
import org.libnetwork4j.driver.EndpointSetup;
import org.libnetwork4j.driver.NetworkRequest;
import org.libnetwork4j.driver.NetworkSettings;
import org.libnetwork4j.driver.ResolverSite;
import org.libnetwork4j.driver.RestorableDriver;
import org.libnetwork4j.store.EndpointRecord;
import org.libnetwork4j.store.NetworkRecord;
import org.libnetwork4j.store.State;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A network of the default controller: its endpoints, its addresses, its driver's network. */
final class NetworkImpl implements Network {
    private static final Logger LOG = LoggerFactory.getLogger(NetworkImpl.class);

    private final Context ctx;
    private final Registry<NetworkImpl> registry;
    private final Sandboxes sandboxes;
    private final String id;
    private final String name;
    private final String type;
    private final Driver driver;
    private final NetworkOptions options;
    private final NetworkSettings settings;
    private final boolean internal;
    private final boolean enableIpv6;
    private final String interfacePrefix;
    private final NetworkAddresses addresses;
    private final Instant created;
    private final Registry<EndpointImpl> endpoints;
    private final AtomicInteger aliased = new AtomicInteger();
    private volatile List<InetAddress> resolvers = List.of();
    /**
     * The listeners are not started yet: the driver is asked for its site at the next join (it
     * may have named none yet, or the network not been joined, or a listen failed).
     */
    private volatile boolean siteAwaited;
    /** A listen failed (port 53 taken): when, in nanoTime. Guarded by this. */
    private long failedAt;
    private boolean retrying; // guarded by this
    /** How long after a failed listen joins leave the port alone; tests shorten it. */
    static volatile long listenRetryNanos = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    /**
     * Set when a delete its driver refused could not publish the network in the cluster again
     * (the store away, or its name taken there meanwhile): the cluster then holds none of its
     * addresses, not even its gateways', so it can give out no more here; it can be deleted,
     * and a later refused delete that publishes it again clears this.
     */
    private volatile String outOfCluster;

    /** What the controller read from a create request or a stored record. */
    record Spec(String id, String name, String type, NetworkOptions options, NetworkSettings settings, boolean internal,
            boolean enableIpv6, String interfacePrefix, Instant created) {
    }

    NetworkImpl(Context ctx, Registry<NetworkImpl> registry, Sandboxes sandboxes, Driver driver, Spec spec,
            NetworkAddresses addresses) {
        this.ctx = ctx;
        this.registry = registry;
        this.sandboxes = sandboxes;
        this.id = spec.id();
        this.name = spec.name();
        this.type = spec.type();
        this.driver = driver;
        this.options = spec.options();
        this.settings = spec.settings();
        this.internal = spec.internal();
        this.enableIpv6 = spec.enableIpv6();
        this.interfacePrefix = spec.interfacePrefix();
        this.addresses = addresses;
        this.created = spec.created();
        this.endpoints = new Registry<>("endpoint", EndpointImpl::id, EndpointImpl::name,
                n -> "endpoint with name " + n + " already exists in network " + name);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return type;
    }

    Driver driver() {
        return driver;
    }

    /** The controller's networks (for an endpoint's way out, found by name). */
    Registry<NetworkImpl> registry() {
        return registry;
    }

    boolean internal() {
        return internal;
    }

    String interfacePrefix() {
        return interfacePrefix;
    }

    NetworkAddresses addresses() {
        return addresses;
    }

    /** What the driver is asked to make (or take up). */
    NetworkRequest request() {
        return new NetworkRequest(id, name, settings, internal, enableIpv6, addresses.subnets(true),
                addresses.subnets(false));
    }

    /** The network as the store keeps it. */
    NetworkRecord record(State state, Map<String, String> driverState) {
        return new NetworkRecord(id, name, type, state, created, options, internal, enableIpv6, interfacePrefix,
                addresses.records(), driverState);
    }

    /**
     * Makes this network's names known to the embedded resolver; its listeners start where the
     * driver offers a site (a bridge's gateways), now or at the network's next join, and its
     * sandboxes' resolv.conf names them. A driver that has no site yet (an overlay network
     * before this host's first join) is asked again after each join ({@link #listenOnceReady}).
     *
     * @param now whether to start them now: a network taken up at a restart has containers
     *            asking already; a new one has none until its first join, which starts them
     *            (as Docker starts a container's resolver with its sandbox). Until then the
     *            network holds no socket, and its create does no work for a resolver it may
     *            never need: the listeners were 43% of a create (benchmarks/RESULTS.md)
     */
    synchronized void serveNames(boolean now) {
        ctx.names().addNetwork(id, name, internal);
        resolvers = List.of();
        siteAwaited = true;
        retrying = false;
        if (now) {
            listenOnceReady();
        }
    }

    /**
     * Starts the listeners if they are not yet and the driver names its site. Cheap once they
     * are: one volatile read per join.
     *
     * <p>A listen that fails (port 53 taken on the gateway by a program that shares nothing)
     * is tried again by a join at most every {@link #listenRetryNanos}: the program may go, and
     * since the listeners start at the first join rather than at the create, it had longer to
     * come. Meanwhile the network's containers keep the host's nameservers; those that joined
     * before a retry succeeds keep them until their sandbox's files are next written.
     */
    void listenOnceReady() {
        if (!siteAwaited) {
            return;
        }
        synchronized (this) {
            if (!siteAwaited || retrying && System.nanoTime() - failedAt < listenRetryNanos) {
                return;
            }
            Optional<ResolverSite> site = driver.resolverSite(id);
            if (site.isEmpty()) {
                return;
            }
            boolean failed = false;
            try {
                if (!site.get().addresses().isEmpty()) {
                    resolvers = ctx.names().listen(id, site.get().namespace(), site.get().addresses());
                    failed = resolvers.isEmpty() && ctx.names().serves();
                }
            } catch (RuntimeException e) { // as when port 53 is taken: the network works, without a listener
                LOG.warn("no embedded DNS for network {}: {}; its containers keep the host's nameservers", name,
                        e.getMessage());
                failed = true;
            } finally {
                retrying = failed;
                if (failed) {
                    failedAt = System.nanoTime();
                } else {
                    // after resolvers: a join that reads this unlocked, false, must find them set
                    siteAwaited = false;
                }
            }
        }
    }

    /**
     * Closes the listeners ahead of the driver's delete (the network has no endpoint, nobody
     * asks): those in a namespace of the driver's (an overlay's) would keep it alive, with
     * what the delete could not remove, for as long as they are open. The names stay.
     */
    private synchronized void stopListening() {
        resolvers = List.of();
        siteAwaited = false;
        retrying = false;
        ctx.names().listen(id, null, List.of());
    }

    /**
     * The delete failed: the network serves again from its next join, as a new one does (it
     * has no endpoint: nobody asks until then).
     */
    private synchronized void listenAgain() {
        siteAwaited = true;
        retrying = false;
    }

    synchronized void stopNames() {
        resolvers = List.of();
        siteAwaited = false;
        ctx.names().removeNetwork(id);
    }

    /** Where the embedded resolver listens for this network's containers; empty if it does not. */
    List<InetAddress> resolvers() {
        return resolvers;
    }

    /** Whether any endpoint of this network has aliases (else nobody's hosts file needs its peers). */
    boolean hasAliases() {
        return aliased.get() > 0;
    }

    /** An endpoint taken up after a restart (its addresses are reserved already). */
    EndpointImpl restoredEndpoint(EndpointRecord r) {
        EndpointImpl ep = new EndpointImpl(ctx, this, sandboxes, r.id(), r.name(), r.options(), r.ipv4(), r.ipv6(),
                r.mac());
        endpoints.add(ep);
        if (!ep.aliases().isEmpty()) {
            aliased.incrementAndGet();
        }
        return ep;
    }

    void removeEndpoint(EndpointImpl ep) {
        if (endpoints.remove(ep) && !ep.aliases().isEmpty()) {
            aliased.decrementAndGet();
        }
    }

    List<EndpointImpl> endpointList() {
        return endpoints.all();
    }

    @Override
    public Endpoint createEndpoint(String epName, EndpointOptions opts) {
        try {
            Ids.checkName(epName, "endpoint");
            if (outOfCluster != null) {
                throw new ForbiddenException("network " + name + " is no longer in the cluster store (" + outOfCluster
                        + "): it takes no new endpoints; delete it and create it again");
            }
            EndpointImpl ep = endpoints.create(epName, all -> { }, () -> newEndpoint(epName, opts));
            if (!ep.aliases().isEmpty()) {
                aliased.incrementAndGet();
            }
            LOG.debug("created {}", ep);
            ctx.events().publish(NetworkEvent.Type.ENDPOINT, NetworkEvent.CREATE, ep.id(),
                    Map.of("name", ep.name(), "network", name));
            return ep;
        } catch (NetworkException e) {
            throw e.withContext("create endpoint \"" + epName + "\" on network \"" + name + "\"");
        }
    }

    /** Addresses from IPAM, the driver, the store; undone in reverse if a step fails. */
    private EndpointImpl newEndpoint(String epName, EndpointOptions opts) {
        boolean v4 = addresses.of(true) != null;
        boolean v6 = addresses.of(false) != null;
        if (!v4 && opts.ipv4() != null || !v6 && opts.ipv6() != null) {
            throw new InvalidParameterException("network " + name + " has no "
                    + (opts.ipv4() != null ? "IPv4" : "IPv6") + " subnet for a static address");
        }
        String epId = Ids.newId();
        Teardown undo = new Teardown();
        try {
            IpPrefix ip4 = v4 ? addresses.request(true, opts.ipv4()) : null;
            undo.push(() -> addresses.release(ip4, null));
            IpPrefix ip6 = v6 ? addresses.request(false, opts.ipv6()) : null;
            undo.push(() -> addresses.release(null, ip6));
            // a global network's ports are published on the container's way out (GatewayBridge)
            EndpointSetup setup = driver.createEndpoint(new EndpointRequest(id, epId, ip4, ip6, opts.mac(),
                    isGlobal() ? List.of() : opts.ports(), opts.hostPortsHeldByCaller()));
            undo.push(() -> driver.deleteEndpoint(id, epId));
            EndpointImpl ep = new EndpointImpl(ctx, this, sandboxes, epId, epName, opts, ip4, ip6, setup.mac());
            // nothing in the kernel yet: stored once, made
            ctx.store().put(Records.of(ep, null, null, List.of()));
            return ep;
        } catch (RuntimeException e) {
            undo.runReversed(e);
            throw e;
        }
    }

    @Override
    public List<Endpoint> endpoints() {
        return List.copyOf(endpoints.all());
    }

    /** The endpoint of that name, or null: for a caller to whom none is no failure. */
    EndpointImpl findEndpoint(String epName) {
        return endpoints.findByKey(epName);
    }

    @Override
    public Endpoint endpointByName(String epName) {
        return endpoints.byKey(epName, () -> "endpoint " + epName + " not found in network " + name);
    }

    @Override
    public Endpoint endpointById(String epId) {
        return endpoints.byIdOrPrefix(epId);
    }

    @Override
    public NetworkInfo info() {
        List<NetworkInfo.IpamData> data = new ArrayList<>();
        for (var a : addresses.all()) {
            data.add(new NetworkInfo.IpamData(a.subnet(), a.ipRange(), a.gateway(), a.aux()));
        }
        Map<String, String> driverInfo = new LinkedHashMap<>(driver.networkInfo(id));
        if (!"eth".equals(interfacePrefix)) {
            driverInfo.put("container_iface_prefix", interfacePrefix);
        }
        return new NetworkInfo(id, name, type, driver.capabilities().scope().label(), created, internal, enableIpv6,
                options.ipam(), data, options.options(), options.labels(), driverInfo,
                options.ipamDriver() == null ? NetworkOptions.DEFAULT_IPAM : options.ipamDriver(),
                options.ipamOptions());
    }

    /**
     * The record says DELETING first (a delete cut short is finished at the next start), then
     * the driver removes its part, the addresses go back to IPAM, and the record goes.
     */
    @Override
    public void delete() {
        delete(true);
    }

    /** Whether this network spans hosts (its driver's scope is global). */
    boolean isGlobal() {
        return driver.capabilities().scope() == Capabilities.Scope.GLOBAL;
    }

    /**
     * A network that spans hosts is deleted in the cluster too, unless another host still has
     * endpoints on it; the other hosts then delete their copies when they see it go
     * (cluster: false, for them).
     */
    void delete(boolean cluster) {
        String context = "delete network \"" + name + "\"";
        if (driver.capabilities().singleInstance()) {
            throw new ForbiddenException("the " + type + " network cannot be deleted").withContext(context);
        }
        try {
            if (!endpoints.sealIfEmpty("network " + name + " is being deleted",
                    names -> "network " + name + " has active endpoints " + names)) {
                return; // deleting twice (or at once) succeeds
            }
        } catch (NetworkException e) {
            throw e.withContext(context);
        }
        if (cluster && isGlobal()) {
            try {
                if (ctx.shared().othersHold(id)) {
                    throw new ForbiddenException("network " + name + " has active endpoints on other hosts");
                }
                ctx.shared().unpublish(record(State.READY, Map.of()));
            } catch (NetworkException e) {
                endpoints.unseal();
                throw e.withContext(context);
            }
        }
        boolean marked = false;
        boolean stopped = false;
        try {
            ctx.store().put(record(State.DELETING, driverState()));
            marked = true;
            stopListening();
            stopped = true;
            driver.deleteNetwork(id);
        } catch (RuntimeException e) { // a driver's bug too: the network stays usable, and deletable
            if (stopped) {
                listenAgain();
            }
            undoDeleting(e, marked, cluster && isGlobal());
            endpoints.unseal();
            throw e instanceof NetworkException ne ? ne.withContext(context) : e;
        }
        // From here the network is gone, in the kernel and here: its subnets and its name are
        // free. The record says DELETING until it goes: if its removal fails (or a kill comes
        // first) the next start finishes the delete, before anything claims those subnets.
        stopNames();
        addresses.releaseAll();
        registry.remove(this);
        LOG.debug("deleted {}", this);
        ctx.events().publish(NetworkEvent.Type.NETWORK, NetworkEvent.DESTROY, id, Map.of("name", name, "type", type));
        try {
            ctx.store().delete(record(State.DELETING, Map.of()));
        } catch (NetworkException e) {
            throw e.withContext(context);
        }
    }

    /**
     * A delete the driver refused: the network lives on, so its record says so again (left
     * DELETING, the next start would finish the delete of a network its user still has) and a
     * global network is in the cluster again. What fails here is added to the driver's error.
     */
    private void undoDeleting(RuntimeException cause, boolean marked, boolean unpublished) {
        if (marked) {
            try {
                ctx.store().put(record(State.READY, driverState()));
            } catch (RuntimeException e) {
                cause.addSuppressed(e);
            }
        }
        if (unpublished) {
            try {
                ctx.shared().publish(record(State.READY, Map.of()));
                outOfCluster = null; // back, with its gateways: it gives out addresses again
            } catch (RuntimeException e) { // the store gone, or the name taken meanwhile elsewhere
                outOfCluster = "published again after a refused delete: " + e.getMessage();
                LOG.warn("{} is no longer in the cluster store: {}", this, e.getMessage());
                cause.addSuppressed(e);
            }
        }
    }

    Map<String, String> driverState() {
        return driver instanceof RestorableDriver r ? r.networkState(id) : Map.of();
    }

    @Override
    public String toString() {
        return "network " + name + " (" + id.substring(0, 12) + ", " + type + ")";
    }
}
