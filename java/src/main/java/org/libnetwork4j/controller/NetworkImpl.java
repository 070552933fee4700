package org.libnetwork4j.controller;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

import org.libnetwork4j.AlreadyExistsException;
import org.libnetwork4j.Endpoint;
import org.libnetwork4j.EndpointOptions;
import org.libnetwork4j.ForbiddenException;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkException;
import org.libnetwork4j.NetworkInfo;
import org.libnetwork4j.NetworkOptions;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.driver.Driver;
import org.libnetwork4j.driver.EndpointRequest;
import org.libnetwork4j.driver.EndpointSetup;
import org.libnetwork4j.ipam.DefaultIpam;
import org.libnetwork4j.store.NetworkRecord;
import org.libnetwork4j.store.State;

/** A network of the default controller. Its lock guards its endpoint map and its state. */
final class NetworkImpl implements Network {
    private final DefaultController controller;
    private final String id;
    private final String name;
    private final String type;
    private final Driver driver;
    private final NetworkOptions options;
    private final boolean internal;
    private final boolean enableIpv6;
    private final String interfacePrefix;
    private final List<DefaultController.IpamAllocation> allocations;
    private final Instant created;

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, EndpointImpl> endpoints = new LinkedHashMap<>(); // guarded by lock
    // by name, so that a name check costs the same with 1 or 1000 endpoints
    private final Map<String, EndpointImpl> byName = new java.util.HashMap<>(); // guarded by lock
    private int aliased;                                                       // guarded by lock
    private final Set<String> pendingNames = new HashSet<>();                  // guarded by lock
    private boolean deleting;                                                  // guarded by lock
    private boolean deleted;                                                   // guarded by lock

    NetworkImpl(DefaultController controller, String id, String name, String type, Driver driver,
            NetworkOptions options, boolean internal, boolean enableIpv6, String interfacePrefix,
            List<DefaultController.IpamAllocation> allocations, Instant created) {
        this.created = created;
        this.controller = controller;
        this.id = id;
        this.name = name;
        this.type = type;
        this.driver = driver;
        this.options = options;
        this.internal = internal;
        this.enableIpv6 = enableIpv6;
        this.interfacePrefix = interfacePrefix;
        this.allocations = List.copyOf(allocations);
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

    DefaultController controller() {
        return controller;
    }

    boolean internal() {
        return internal;
    }

    String interfacePrefix() {
        return interfacePrefix;
    }

    /** The network as the store keeps it. */
    NetworkRecord record(State state, Map<String, String> driverState) {
        return new NetworkRecord(id, name, type, state, created, options, internal, enableIpv6, interfacePrefix,
                allocations.stream().map(a -> new NetworkRecord.Allocation(a.subnet(), a.ipRange(), a.gateway(),
                        a.aux())).toList(), driverState);
    }

    /** An endpoint taken up after a restart (its addresses are reserved already). */
    void restored(EndpointImpl ep) {
        lock.lock();
        try {
            added(ep);
        } finally {
            lock.unlock();
        }
    }

    /** Called with the lock held. */
    private void added(EndpointImpl ep) {
        endpoints.put(ep.id(), ep);
        byName.put(ep.name(), ep);
        if (!ep.aliases().isEmpty()) {
            aliased++;
        }
    }

    /** Whether any endpoint of this network has aliases (else nobody's hosts file needs its peers). */
    boolean hasAliases() {
        lock.lock();
        try {
            return aliased > 0;
        } finally {
            lock.unlock();
        }
    }

    /** The IPv4 (ipv4 true) or IPv6 subnet's allocation, null if the network has none. */
    DefaultController.IpamAllocation allocation(boolean ipv4) {
        return allocations.stream().filter(a -> a.subnet().isIpv4() == ipv4).findFirst().orElse(null);
    }

    @Override
    public Endpoint createEndpoint(String epName, EndpointOptions opts) {
        String context = "create endpoint \"" + epName + "\" on network \"" + name + "\"";
        try {
            Ids.checkName(epName, "endpoint");
            lock.lock();
            try {
                if (deleted || deleting) {
                    throw new NotFoundException("network " + name + " is " + (deleted ? "deleted" : "being deleted"));
                }
                if (pendingNames.contains(epName)
                        || byName.containsKey(epName)) {
                    throw new AlreadyExistsException("endpoint with name " + epName
                            + " already exists in network " + name);
                }
                pendingNames.add(epName);
            } finally {
                lock.unlock();
            }
            try {
                EndpointImpl ep = newEndpoint(epName, opts);
                lock.lock();
                try {
                    added(ep);
                } finally {
                    lock.unlock();
                }
                return ep;
            } finally {
                lock.lock();
                try {
                    pendingNames.remove(epName);
                } finally {
                    lock.unlock();
                }
            }
        } catch (NetworkException e) {
            throw e.withContext(context);
        }
    }

    /** Addresses from IPAM, then the driver; undone in reverse if a step fails. */
    private EndpointImpl newEndpoint(String epName, EndpointOptions opts) {
        String epId = Ids.newId();
        var v4 = allocation(true);
        var v6 = allocation(false);
        if (v4 == null && opts.ipv4() != null || v6 == null && opts.ipv6() != null) {
            throw new InvalidParameterException("network " + name + " has no "
                    + (opts.ipv4() != null ? "IPv4" : "IPv6") + " subnet for a static address");
        }
        DefaultIpam ipam = controller.ipam();
        IpPrefix ip4 = null;
        IpPrefix ip6 = null;
        try {
            if (v4 != null) {
                ip4 = new IpPrefix(ipam.requestAddress(v4.poolId(), opts.ipv4()), v4.subnet().length());
            }
            if (v6 != null) {
                ip6 = new IpPrefix(ipam.requestAddress(v6.poolId(), opts.ipv6()), v6.subnet().length());
            }
            EndpointSetup setup = driver.createEndpoint(new EndpointRequest(id, epId, ip4, ip6, opts.mac(),
                    opts.ports()));
            EndpointImpl ep = new EndpointImpl(this, epId, epName, opts, ip4, ip6, setup.mac());
            try {
                // nothing in the kernel yet: stored once, made
                controller.persist(ep.record(State.READY, null, null, 0, List.of()));
            } catch (RuntimeException e) {
                driver.deleteEndpoint(id, epId);
                throw e;
            }
            return ep;
        } catch (RuntimeException e) {
            releaseAddresses(ip4, ip6);
            throw e;
        }
    }

    void releaseAddresses(IpPrefix ip4, IpPrefix ip6) {
        DefaultIpam ipam = controller.ipam();
        if (ip4 != null) {
            ipam.releaseAddress(allocation(true).poolId(), ip4.address());
        }
        if (ip6 != null) {
            ipam.releaseAddress(allocation(false).poolId(), ip6.address());
        }
    }

    void removeEndpoint(EndpointImpl ep) {
        lock.lock();
        try {
            if (endpoints.remove(ep.id()) != null) {
                byName.remove(ep.name());
                if (!ep.aliases().isEmpty()) {
                    aliased--;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Endpoint> endpoints() {
        lock.lock();
        try {
            return List.copyOf(endpoints.values());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Endpoint endpointByName(String epName) {
        lock.lock();
        try {
            return java.util.Optional.ofNullable(byName.get(epName))
                    .orElseThrow(() -> new NotFoundException("endpoint " + epName + " not found in network " + name));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Endpoint endpointById(String epId) {
        lock.lock();
        try {
            return Ids.byIdOrPrefix(endpoints.values(), EndpointImpl::id, epId, "endpoint");
        } finally {
            lock.unlock();
        }
    }

    @Override
    public NetworkInfo info() {
        List<NetworkInfo.IpamData> data = new ArrayList<>();
        for (var a : allocations) {
            data.add(new NetworkInfo.IpamData(a.subnet(), a.ipRange(), a.gateway(), a.aux()));
        }
        Map<String, String> driverInfo = new LinkedHashMap<>(driver.networkInfo(id));
        if (!"eth".equals(interfacePrefix)) {
            driverInfo.put("container_iface_prefix", interfacePrefix);
        }
        return new NetworkInfo(id, name, type, "local", created, internal, enableIpv6, options.ipam(),
                data, options.options(), options.labels(), driverInfo);
    }

    @Override
    public void delete() {
        String context = "delete network \"" + name + "\"";
        if (driver.singleInstance()) {
            throw new ForbiddenException("the " + type + " network cannot be deleted").withContext(context);
        }
        lock.lock();
        try {
            if (deleted) {
                return; // deleting twice succeeds
            }
            if (!endpoints.isEmpty() || !pendingNames.isEmpty()) {
                List<String> names = endpoints.values().stream().map(EndpointImpl::name).toList();
                throw new ForbiddenException("network " + name + " has active endpoints " + names)
                        .withContext(context);
            }
            deleting = true;
        } finally {
            lock.unlock();
        }
        try {
            controller.persist(record(State.DELETING, driver.networkState(id)));
            driver.deleteNetwork(id);
        } catch (NetworkException e) {
            lock.lock();
            try {
                deleting = false;
            } finally {
                lock.unlock();
            }
            throw e.withContext(context);
        }
        allocations.forEach(a -> a.release(controller.ipam()));
        // If this write is lost, the record says DELETING: the next start finishes the delete.
        controller.forget(record(State.DELETING, Map.of()));
        lock.lock();
        try {
            deleted = true;
        } finally {
            lock.unlock();
        }
        controller.removeNetwork(this);
    }

    @Override
    public String toString() {
        return "network " + name + " (" + id.substring(0, 12) + ", " + type + ")";
    }
}
