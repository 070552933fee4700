package org.libnetwork4j.controller;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.libnetwork4j.AlreadyExistsException;
import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.IpamConfig;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.PoolExhaustedException;
import org.libnetwork4j.driver.Capabilities;
import org.libnetwork4j.driver.Driver;
import org.libnetwork4j.driver.Subnet;
import org.libnetwork4j.ipam.Ipam;
import org.libnetwork4j.ipam.PoolRequest;
import org.libnetwork4j.store.NetworkRecord;

/**
 * A network's subnets as IPAM gave them (pool, gateway, aux addresses), and its endpoints'
 * addresses from them.
 */
final class NetworkAddresses {
    private final Ipam ipam;
    private final List<Allocation> allocations;
    // a global network's: its endpoints' addresses are taken across hosts first (null: local)
    private final Shared shared;
    private final String networkId;

    /** One subnet: the pool, the range addresses come from, the gateway and aux addresses taken. */
    record Allocation(String poolId, IpPrefix subnet, IpPrefix ipRange, InetAddress gateway,
            Map<String, InetAddress> aux) {
    }

    private NetworkAddresses(Ipam ipam, List<Allocation> allocations) {
        this(ipam, allocations, null, null);
    }

    private NetworkAddresses(Ipam ipam, List<Allocation> allocations, Shared shared, String networkId) {
        this.ipam = ipam;
        this.allocations = List.copyOf(allocations);
        this.shared = shared;
        this.networkId = networkId;
    }

    /**
     * The same, for a network that spans hosts: an endpoint's address is taken in the cluster
     * (no other host may give it) and then reserved here as well; the subnets and gateways
     * stay reserved in the local IPAM too, so that no local network overlaps them.
     */
    NetworkAddresses sharedAs(Shared cluster, String id) {
        return new NetworkAddresses(ipam, allocations, cluster, id);
    }

    /** {@link #sharedAs} for a network of a global-scope driver; this, as it is, for a local one. */
    NetworkAddresses forScope(Driver driver, Shared cluster, String id) {
        return driver.capabilities().scope() == Capabilities.Scope.GLOBAL ? sharedAs(cluster, id) : this;
    }

    /** None: a network of a driver without IPAM. */
    static NetworkAddresses none(Ipam ipam) {
        return new NetworkAddresses(ipam, List.of());
    }

    /** Pools for each configuration (one of each family at least); all released on failure. */
    static NetworkAddresses allocate(Ipam ipam, List<IpamConfig> v4, List<IpamConfig> v6, boolean ipv6) {
        List<Allocation> made = new ArrayList<>();
        IpamConfig any = new IpamConfig(null, null, null, null);
        try {
            for (IpamConfig c : v4.isEmpty() ? List.of(any) : v4) {
                made.add(allocate(ipam, c, false));
            }
            if (ipv6) {
                for (IpamConfig c : v6.isEmpty() ? List.of(any) : v6) {
                    made.add(allocate(ipam, c, true));
                }
            }
            return new NetworkAddresses(ipam, made);
        } catch (RuntimeException e) {
            Teardown t = new Teardown();
            made.forEach(a -> t.step(() -> ipam.releasePool(a.poolId())));
            t.suppressInto(e);
            throw e;
        }
    }

    /**
     * The stored subnets reserved again (a restart); with an IPAM that keeps its own state
     * (a plugin), taken as stored, pool ids included, without a call.
     */
    static NetworkAddresses restore(Ipam ipam, List<NetworkRecord.Allocation> stored) {
        if (!ipam.replaysAtRestart()) {
            List<Allocation> kept = new ArrayList<>();
            for (NetworkRecord.Allocation a : stored) {
                if (a.poolId() == null) {
                    throw new InvalidParameterException("subnet " + a.subnet() + ": no pool id stored for " + ipam);
                }
                kept.add(new Allocation(a.poolId(), a.subnet(), a.ipRange(), a.gateway(), a.aux()));
            }
            return new NetworkAddresses(ipam, kept);
        }
        List<IpamConfig> v4 = new ArrayList<>();
        List<IpamConfig> v6 = new ArrayList<>();
        for (NetworkRecord.Allocation a : stored) {
            (a.subnet().isIpv4() ? v4 : v6).add(new IpamConfig(a.subnet(), a.ipRange(), a.gateway(), a.aux()));
        }
        List<Allocation> made = new ArrayList<>();
        try {
            for (IpamConfig c : v4) {
                made.add(allocate(ipam, c, false));
            }
            for (IpamConfig c : v6) {
                made.add(allocate(ipam, c, true));
            }
            return new NetworkAddresses(ipam, made);
        } catch (RuntimeException e) {
            made.forEach(a -> ipam.releasePool(a.poolId()));
            throw e;
        }
    }

    private static Allocation allocate(Ipam ipam, IpamConfig c, boolean ipv6) {
        var pool = ipam.requestPool(new PoolRequest(c.subnet(), c.ipRange(), ipv6));
        try {
            var gw = ipam.requestGateway(pool.id(), c.gateway());
            Map<String, InetAddress> aux = new LinkedHashMap<>();
            for (var e : c.auxAddresses().entrySet()) {
                aux.put(e.getKey(), ipam.requestAddress(pool.id(), e.getValue()));
            }
            return new Allocation(pool.id(), pool.subnet(), c.ipRange() != null ? pool.ipRange() : null, gw, aux);
        } catch (RuntimeException e) {
            ipam.releasePool(pool.id()); // releasing the pool releases its addresses
            throw e;
        }
    }

    List<Allocation> all() {
        return allocations;
    }

    /** The IPv4 (ipv4 true) or IPv6 subnet, null if the network has none. */
    Allocation of(boolean ipv4) {
        for (Allocation a : allocations) {
            if (a.subnet().isIpv4() == ipv4) {
                return a;
            }
        }
        return null;
    }

    InetAddress gateway(boolean ipv4) {
        Allocation a = of(ipv4);
        return a == null ? null : a.gateway();
    }

    List<Subnet> subnets(boolean ipv4) {
        return allocations.stream().filter(a -> a.subnet().isIpv4() == ipv4)
                .map(a -> new Subnet(a.subnet(), a.gateway(), a.aux())).toList();
    }

    /** Where an allocation's dynamic addresses come from: its ip-range, else its subnet. */
    private static IpPrefix range(Allocation a) {
        return a.ipRange() != null ? a.ipRange() : a.subnet();
    }

    /**
     * An address of one of the family's subnets, as libnetwork's: {@code preferred}, from the
     * subnet that holds it; or the next free one of the first subnet that has one left.
     *
     * @throws InvalidParameterException if preferred is in none of them
     * @throws PoolExhaustedException if every one of them is full
     */
    IpPrefix request(boolean ipv4, InetAddress preferred) {
        if (preferred != null) {
            return requestIn(holding(ipv4, preferred), preferred);
        }
        if (of(ipv4) == null) {
            throw new NotFoundException("no " + (ipv4 ? "IPv4" : "IPv6") + " subnet");
        }
        PoolExhaustedException full = null;
        for (Allocation a : allocations) {
            if (a.subnet().isIpv4() == ipv4) {
                try {
                    return requestIn(a, null);
                } catch (PoolExhaustedException e) { // the next subnet, if any
                    if (full != null) {
                        e.addSuppressed(full);
                    }
                    full = e;
                }
            }
        }
        throw full;
    }

    /** The allocation of the family whose subnet holds addr. */
    private Allocation holding(boolean ipv4, InetAddress addr) {
        for (Allocation a : allocations) {
            if (a.subnet().isIpv4() == ipv4 && a.subnet().contains(addr)) {
                return a;
            }
        }
        throw new InvalidParameterException("address " + IpAddresses.format(addr)
                + " is in no subnet of the network (" + subnets(ipv4).stream().map(s -> s.prefix().toString())
                        .collect(Collectors.joining(", ")) + ")");
    }

    private IpPrefix requestIn(Allocation a, InetAddress preferred) {
        if (shared == null) {
            return new IpPrefix(ipam.requestAddress(a.poolId(), preferred), a.subnet().length());
        }
        InetAddress taken = shared.take(networkId, a.subnet(), range(a), preferred, this::usedHere);
        try {
            return new IpPrefix(ipam.requestAddress(a.poolId(), taken), a.subnet().length());
        } catch (RuntimeException e) {
            try {
                shared.give(networkId, range(a), taken);
            } catch (RuntimeException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
    }

    /**
     * Whether the local IPAM holds addr for an endpoint: asked of the pool of the subnet that
     * holds it, by taking it and giving it back. False for an address of no subnet of the
     * network's.
     */
    boolean usedHere(InetAddress addr) {
        for (Allocation a : allocations) {
            if (a.subnet().contains(addr)) {
                try {
                    ipam.requestAddress(a.poolId(), addr);
                } catch (AlreadyExistsException used) {
                    return true;
                }
                ipam.releaseAddress(a.poolId(), addr);
                return false;
            }
        }
        return false;
    }

    /**
     * Waits until the cluster knows the endpoint's addresses as in use (see
     * {@link Shared#settle}); nothing for a local network.
     */
    void settle(IpPrefix ip4, IpPrefix ip6) {
        if (shared != null) {
            if (ip4 != null) {
                shared.settle(networkId, ip4.address());
            }
            if (ip6 != null) {
                shared.settle(networkId, ip6.address());
            }
        }
    }

    /** Reserves an address held before a restart (an IPAM plugin holds it still: nothing). */
    void reserve(IpPrefix addr) {
        if (of(addr.isIpv4()) == null) {
            throw new NotFoundException("no " + (addr.isIpv4() ? "IPv4" : "IPv6") + " subnet");
        }
        if (!ipam.replaysAtRestart()) {
            return;
        }
        ipam.requestAddress(holding(addr.isIpv4(), addr.address()).poolId(), addr.address());
    }

    /** Releases endpoint addresses (null ones skipped); releasing twice does nothing. */
    void release(IpPrefix ip4, IpPrefix ip6) {
        if (ip4 != null) {
            ipam.releaseAddress(holding(true, ip4.address()).poolId(), ip4.address());
        }
        if (ip6 != null) {
            ipam.releaseAddress(holding(false, ip6.address()).poolId(), ip6.address());
        }
        if (shared != null) { // after the local release, which cannot fail: the cluster's may
            if (ip4 != null) {
                shared.give(networkId, range(holding(true, ip4.address())), ip4.address());
            }
            if (ip6 != null) {
                shared.give(networkId, range(holding(false, ip6.address())), ip6.address());
            }
        }
    }

    /** Releases the pools, and with them every address. */
    void releaseAll() {
        allocations.forEach(a -> ipam.releasePool(a.poolId()));
    }

    /** As the store keeps them: the pool ids only of an IPAM that keeps them across restarts. */
    List<NetworkRecord.Allocation> records() {
        boolean keepIds = !ipam.replaysAtRestart();
        return allocations.stream().map(a -> new NetworkRecord.Allocation(a.subnet(), a.ipRange(), a.gateway(),
                a.aux(), keepIds ? a.poolId() : null)).toList();
    }
}
