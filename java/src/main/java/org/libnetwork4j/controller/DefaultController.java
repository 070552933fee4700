package org.libnetwork4j.controller;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

import org.libnetwork4j.AlreadyExistsException;
import org.libnetwork4j.ControllerConfig;
import org.libnetwork4j.ForbiddenException;
import org.libnetwork4j.InternalException;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.IpamConfig;
import org.libnetwork4j.Labels;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.NetworkException;
import org.libnetwork4j.NetworkOptions;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.RecoveryReport;
import org.libnetwork4j.Sandbox;
import org.libnetwork4j.SandboxOptions;
import org.libnetwork4j.driver.Driver;
import org.libnetwork4j.driver.NetworkRequest;
import org.libnetwork4j.driver.NetworkSettings;
import org.libnetwork4j.driver.Subnet;
import org.libnetwork4j.driver.bridge.BridgeDriver;
import org.libnetwork4j.driver.host.HostDriver;
import org.libnetwork4j.driver.none.NullDriver;
import org.libnetwork4j.firewall.Firewall;
import org.libnetwork4j.ipam.DefaultIpam;
import org.libnetwork4j.ipam.PoolRequest;
import org.libnetwork4j.portmapper.PortMapper;
import org.libnetwork4j.store.SqliteStore;
import org.libnetwork4j.store.State;
import org.libnetwork4j.store.StateDirLock;
import org.libnetwork4j.store.StoredObject;

/**
 * The default {@link NetworkController}.
 *
 * <p><b>Locks.</b> Each object has one lock, always taken in this order and never the other
 * way round: controller, then network, then endpoint, then sandbox. Uniqueness of a name is
 * checked under the lock of the map it goes into, and the name is reserved there (a pending
 * set) while the kernel work runs without that lock, so that creating one network does not
 * stall everything else. Kernel work for a join or leave runs under the endpoint's and the
 * sandbox's locks only.
 */
public final class DefaultController implements NetworkController {
    private final ControllerConfig config;
    private final StateDirLock stateLock;
    private final SqliteStore store;
    private final HostNamespace host;
    private final Firewall firewall;
    private final PortMapper ports;
    private final DefaultIpam ipam;
    private final Map<String, Driver> drivers;
    private final Path sandboxFiles;
    private final Path netnsDir;

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, NetworkImpl> networks = new LinkedHashMap<>(); // guarded by lock
    private final Set<String> pendingNetworks = new HashSet<>();              // guarded by lock
    private final Map<String, SandboxImpl> sandboxes = new LinkedHashMap<>(); // guarded by lock
    private final Set<String> pendingContainers = new HashSet<>();            // guarded by lock
    private volatile boolean closed;
    private final RecoveryReport recovery;

    /**
     * Opens the state directory (taking its lock, then the store), the host namespace and its
     * firewall, and reconciles what the store holds with the kernel before anything else can
     * happen (see {@link Recovery}).
     */
    public DefaultController(ControllerConfig config) {
        this.config = config;
        this.sandboxFiles = config.runDir().resolve("sandboxes");
        this.netnsDir = config.runDir().resolve("netns");
        Teardown undo = new Teardown();
        try {
            this.stateLock = StateDirLock.acquire(config.stateDir(), config.lockWait());
            undo.push(stateLock::close);
            this.store = SqliteStore.open(config.stateDir());
            undo.push(store::close);
            this.host = new HostNamespace(config.hostNamespace());
            undo.push(host::close);
            try {
                Files.createDirectories(sandboxFiles);
                Files.createDirectories(netnsDir);
            } catch (IOException e) {
                throw new InternalException("create directories under " + config.runDir() + ": " + e.getMessage(),
                        0, "create controller", config.runDir().toString(), e);
            }
            this.firewall = new Firewall(host.namespace());
            undo.push(firewall::close);
            this.ports = new PortMapper(host.namespace());
            undo.push(ports::close);
            this.ipam = new DefaultIpam(config.addressPools().isEmpty()
                    ? DefaultIpam.LOCAL_DEFAULTS : config.addressPools(), host::overlapsHostRoute);
            Map<String, Driver> d = new LinkedHashMap<>();
            d.put(BridgeDriver.TYPE, new BridgeDriver(host, firewall, ports));
            d.put(HostDriver.TYPE, new HostDriver());
            d.put(NullDriver.TYPE, new NullDriver());
            this.drivers = Map.copyOf(d);
            this.recovery = new Recovery(this).run(store.load());
        } catch (RuntimeException e) {
            for (SandboxImpl s : sandboxes.values()) {
                undo.push(s::closeHandles);
            }
            undo.runReversed(e);
            throw e;
        }
    }

    @Override
    public RecoveryReport recoveryReport() {
        return recovery;
    }

    /** Stores these in one transaction; a failure is the operation's failure. */
    void persist(StoredObject... objects) {
        store.put(objects);
    }

    /** Removes these records in one transaction. */
    void forget(StoredObject... objects) {
        store.delete(objects);
    }

    SqliteStore store() {
        return store;
    }

    Map<String, Driver> drivers() {
        return drivers;
    }

    PortMapper ports() {
        return ports;
    }

    /**
     * After a join or leave on n by sandbox sb: sb's hosts file gets the aliases of its peers
     * on its networks; and if the endpoint has aliases, every other sandbox on n gets them (or
     * loses them). Called with no lock held; each sandbox takes only its own.
     */
    void refreshHosts(NetworkImpl n, SandboxImpl sb, boolean peersToo) {
        if (!peersToo && !n.hasAliases()) {
            // The usual case. n adds no line to sb's hosts file nor takes one away, and sb's
            // other networks did not change. (peersToo is checked first: an endpoint with
            // aliases that was just deleted no longer counts in n, but its lines are still in
            // its peers' files.)
            return;
        }
        sb.refreshPeers();
        if (peersToo) {
            refreshHosts(n);
        }
    }

    /** Every sandbox joined to n rewrites its hosts file's alias lines. */
    void refreshHosts(NetworkImpl n) {
        java.util.Set<SandboxImpl> seen = new java.util.HashSet<>();
        for (org.libnetwork4j.Endpoint e : n.endpoints()) {
            SandboxImpl s = ((EndpointImpl) e).joinedSandbox();
            if (s != null && seen.add(s)) {
                s.refreshPeers();
            }
        }
    }

    /** Registers what recovery took up, before the controller is handed out. */
    void restored(NetworkImpl n) {
        networks.put(n.id(), n);
    }

    void restored(SandboxImpl s) {
        sandboxes.put(s.id(), s);
    }

    ControllerConfig config() {
        return config;
    }

    HostNamespace host() {
        return host;
    }

    DefaultIpam ipam() {
        return ipam;
    }

    Firewall firewall() {
        return firewall;
    }

    @Override
    public void reloadFirewall() {
        checkOpen();
        firewall.reload();
    }

    /** Where sandboxes keep their hosts and resolv.conf: runDir/sandboxes/ID. */
    Path sandboxFiles() {
        return sandboxFiles;
    }

    /** Where sandbox namespaces are bind-mounted: runDir/netns. */
    Path netnsDir() {
        return netnsDir;
    }

    private void checkOpen() {
        if (closed) {
            throw new ForbiddenException("the network controller is closed");
        }
    }

    private Driver driver(String type) {
        Driver d = drivers.get(type);
        if (d == null) {
            throw new NotFoundException("network driver \"" + type + "\" not found (known: "
                    + String.join(", ", drivers.keySet()) + ")");
        }
        return d;
    }

    @Override
    public void configureNetworkDriver(String type, Map<String, String> options) {
        checkOpen();
        driver(type).configure(Map.copyOf(options));
    }

    // ---- networks ----

    @Override
    public Network newNetwork(String type, String name, NetworkOptions options) {
        checkOpen();
        String context = "create network \"" + name + "\"";
        try {
            Ids.checkName(name, "network");
            Driver driver = driver(type);
            // The edge: Docker's generic labels become typed fields, the rest the driver's
            // settings. Nothing is allocated until all of it has parsed.
            Map<String, String> rest = new LinkedHashMap<>(options.options());
            boolean ipv6 = options.enableIpv6();
            boolean internal = options.internal();
            String prefix = "eth";
            if (rest.containsKey(Labels.ENABLE_IPV6)) {
                ipv6 = Labels.parseBool(Labels.ENABLE_IPV6, rest.remove(Labels.ENABLE_IPV6));
            }
            if (rest.containsKey(Labels.INTERNAL)) {
                internal = Labels.parseBool(Labels.INTERNAL, rest.remove(Labels.INTERNAL));
            }
            if (rest.containsKey(Labels.CONTAINER_IFACE_PREFIX)) {
                prefix = checkPrefix(rest.remove(Labels.CONTAINER_IFACE_PREFIX));
            }
            NetworkSettings settings = driver.parseNetworkOptions(rest);
            List<IpamConfig> v4cfg = options.ipam().stream().filter(c -> !c.isIpv6()).toList();
            List<IpamConfig> v6cfg = options.ipam().stream().filter(IpamConfig::isIpv6).toList();
            if (!driver.usesIpam() && !options.ipam().isEmpty()) {
                throw new InvalidParameterException("the " + type + " driver takes no subnets");
            }
            if (!v6cfg.isEmpty() && !ipv6) {
                throw new InvalidParameterException("an IPv6 subnet (" + v6cfg.get(0).subnet()
                        + ") needs IPv6 enabled on the network");
            }

            lock.lock();
            try {
                if (pendingNetworks.contains(name)
                        || networks.values().stream().anyMatch(n -> n.name().equals(name))) {
                    throw new AlreadyExistsException("network with name " + name + " already exists");
                }
                if (driver.singleInstance()
                        && networks.values().stream().anyMatch(n -> n.type().equals(type))) {
                    throw new ForbiddenException("only one instance of the \"" + type
                            + "\" network is allowed");
                }
                pendingNetworks.add(name);
            } finally {
                lock.unlock();
            }

            String id = Ids.newId();
            List<IpamAllocation> allocs = new ArrayList<>();
            try {
                if (driver.usesIpam()) {
                    for (IpamConfig c : v4cfg.isEmpty() ? List.of(new IpamConfig(null, null, null, null)) : v4cfg) {
                        allocs.add(IpamAllocation.allocate(ipam, c, false));
                    }
                    if (ipv6) {
                        for (IpamConfig c : v6cfg.isEmpty() ? List.of(new IpamConfig(null, null, null, null)) : v6cfg) {
                            allocs.add(IpamAllocation.allocate(ipam, c, true));
                        }
                    }
                }
                List<Subnet> v4 = allocs.stream().filter(a -> a.subnet().isIpv4())
                        .map(a -> new Subnet(a.subnet(), a.gateway())).toList();
                List<Subnet> v6 = allocs.stream().filter(a -> !a.subnet().isIpv4())
                        .map(a -> new Subnet(a.subnet(), a.gateway())).toList();
                NetworkImpl n = new NetworkImpl(this, id, name, type, driver, options, internal, ipv6,
                        prefix, allocs, Instant.now());
                // intent: a crash from here on leaves a create that the next start undoes
                persist(n.record(State.CREATING, Map.of()));
                try {
                    driver.createNetwork(new NetworkRequest(id, name, settings, internal, ipv6, v4, v6));
                    try {
                        persist(n.record(State.READY, driver.networkState(id)));
                    } catch (RuntimeException e) {
                        Teardown t = new Teardown();
                        t.step(() -> driver.deleteNetwork(id));
                        t.suppressInto(e);
                        throw e;
                    }
                } catch (RuntimeException e) {
                    Teardown t = new Teardown();
                    t.step(() -> forget(n.record(State.CREATING, Map.of())));
                    t.suppressInto(e);
                    throw e;
                }
                lock.lock();
                try {
                    networks.put(id, n);
                    pendingNetworks.remove(name);
                } finally {
                    lock.unlock();
                }
                return n;
            } catch (RuntimeException e) {
                Teardown t = new Teardown();
                allocs.forEach(a -> t.step(() -> a.release(ipam)));
                t.suppressInto(e);
                lock.lock();
                try {
                    pendingNetworks.remove(name);
                } finally {
                    lock.unlock();
                }
                throw e;
            }
        } catch (NetworkException e) {
            throw e.withContext(context);
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

    void removeNetwork(NetworkImpl n) {
        lock.lock();
        try {
            networks.remove(n.id());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Network> networks() {
        lock.lock();
        try {
            return List.copyOf(networks.values());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Network networkByName(String name) {
        lock.lock();
        try {
            return networks.values().stream().filter(n -> n.name().equals(name)).findFirst()
                    .orElseThrow(() -> new NotFoundException("network " + name + " not found"));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Network networkById(String id) {
        lock.lock();
        try {
            return Ids.byIdOrPrefix(networks.values(), NetworkImpl::id, id, "network");
        } finally {
            lock.unlock();
        }
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
        if (containerId == null || containerId.isEmpty()) {
            throw new InvalidParameterException("create sandbox: empty container id");
        }
        lock.lock();
        try {
            for (SandboxImpl s : sandboxes.values()) {
                if (s.containerId().equals(containerId)) {
                    throw new AlreadyExistsException("container " + containerId
                            + " already has sandbox " + s.id().substring(0, 12));
                }
            }
            if (!pendingContainers.add(containerId)) {
                throw new AlreadyExistsException("a sandbox for container " + containerId
                        + " is being created");
            }
        } finally {
            lock.unlock();
        }
        try {
            SandboxImpl sb = SandboxImpl.create(this, Ids.newId(), containerId, options);
            lock.lock();
            try {
                sandboxes.put(sb.id(), sb);
            } finally {
                lock.unlock();
            }
            return sb;
        } catch (NetworkException e) {
            throw e.withContext("create sandbox for container \"" + containerId + "\"");
        } finally {
            lock.lock();
            try {
                pendingContainers.remove(containerId);
            } finally {
                lock.unlock();
            }
        }
    }

    /** The container's sandbox, created with options if it has none (join by container id). */
    SandboxImpl sandboxFor(String containerId, SandboxOptions options) {
        // Bounded: a concurrent creator either finishes (we find its sandbox) or fails (we
        // create ours); a third round means the container keeps being created and deleted.
        for (int round = 0; round < 3; round++) {
            try {
                return (SandboxImpl) sandboxByContainerId(containerId);
            } catch (NotFoundException none) {
                try {
                    return (SandboxImpl) newSandbox(containerId, options);
                } catch (AlreadyExistsException raced) {
                    Thread.onSpinWait();
                }
            }
        }
        throw new ForbiddenException("the sandbox of container " + containerId
                + " is being created and deleted concurrently");
    }

    void removeSandbox(SandboxImpl sb) {
        lock.lock();
        try {
            sandboxes.remove(sb.id());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Sandbox> sandboxes() {
        lock.lock();
        try {
            return List.copyOf(sandboxes.values());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Sandbox sandboxById(String id) {
        lock.lock();
        try {
            return Ids.byIdOrPrefix(sandboxes.values(), SandboxImpl::id, id, "sandbox");
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Sandbox sandboxByContainerId(String containerId) {
        lock.lock();
        try {
            return sandboxes.values().stream().filter(s -> s.containerId().equals(containerId))
                    .findFirst().orElseThrow(() -> new NotFoundException("sandbox for container "
                            + containerId + " not found"));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Teardown t = new Teardown();
        for (Sandbox s : sandboxes()) {
            t.step(((SandboxImpl) s)::closeHandles);
        }
        // The rules stay in the kernel; the host ports' reservation sockets go with us.
        t.step(ports::close);
        t.step(firewall::close);
        t.step(host::close);
        t.step(store::close);
        t.step(stateLock::close); // last: the next controller may start as soon as it is free
        t.throwIfFailed();
    }

    /** The subnets of a network: pool, gateway, aux addresses, as allocated. */
    record IpamAllocation(String poolId, org.libnetwork4j.IpPrefix subnet, org.libnetwork4j.IpPrefix ipRange,
            java.net.InetAddress gateway, Map<String, java.net.InetAddress> aux) {

        static IpamAllocation allocate(DefaultIpam ipam, IpamConfig c, boolean ipv6) {
            var pool = ipam.requestPool(new PoolRequest(c.subnet(), c.ipRange(), ipv6));
            try {
                var gw = ipam.requestAddress(pool.id(), c.gateway());
                Map<String, java.net.InetAddress> aux = new LinkedHashMap<>();
                for (var e : c.auxAddresses().entrySet()) {
                    aux.put(e.getKey(), ipam.requestAddress(pool.id(), e.getValue()));
                }
                return new IpamAllocation(pool.id(), pool.subnet(),
                        c.ipRange() != null ? pool.ipRange() : null, gw, aux);
            } catch (RuntimeException e) {
                ipam.releasePool(pool.id()); // releasing the pool releases its addresses
                throw e;
            }
        }

        void release(DefaultIpam ipam) {
            ipam.releasePool(poolId);
        }
    }
}
