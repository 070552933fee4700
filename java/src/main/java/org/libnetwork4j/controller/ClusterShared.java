package org.libnetwork4j.controller;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.libnetwork4j.AlreadyExistsException;
import org.libnetwork4j.ControllerConfig;
import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.cluster.EtcdNameDirectory;
import org.libnetwork4j.cluster.EtcdPeerDirectory;
import org.libnetwork4j.cluster.EtcdStore;
import org.libnetwork4j.cluster.EtcdVniAllocator;
import org.libnetwork4j.cluster.GlobalAllocator;
import org.libnetwork4j.driver.Driver;
import org.libnetwork4j.driver.HostContext;
import org.libnetwork4j.driver.overlay.OverlayDriver;
import org.libnetwork4j.store.NetworkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster through etcd ({@link EtcdStore}): the only class of the controller that names
 * etcd's client, so that it is loaded only when a cluster store is configured.
 *
 * <p>Keys: a network's record at {@code networks/NAME} (its name is the cluster's), its
 * subnets claimed at {@code subnets/SUBNET}, its endpoints' addresses through
 * {@link GlobalAllocator} (each address held by the host that took it, its gateways by
 * "gateway"), its peers and VNI through the overlay driver's directory and allocator.
 *
 * <p>Spares: an address request that needs etcd takes a few more addresses in the same
 * transaction, held as "host IP spare", and the host's next endpoints get theirs without a
 * round trip (Calico's IPAM blocks serve the same end). A spare put to use is handed over to
 * "host IP" in this host's next write, which is the endpoint's publication when the join
 * follows within 20 ms (else the change goes alone). An address an endpoint gives back stays
 * the host's as a spare while it holds fewer than a request would take, changed back to
 * "host IP spare" in the next write (the peers' withdrawal that a leave makes first, the next
 * publication), and an endpoint that takes it before that costs no change at all: containers
 * that come and go cost etcd one transaction each way, their publication and their
 * withdrawal. Spares are their host's only, hold no network delete up, survive the host's
 * restart (it takes them up again) and go with the network; what a host that never comes
 * back held stays, as its endpoints' addresses do.
 */
final class ClusterShared implements Shared {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterShared.class);
    private static final String GATEWAY = "gateway";
    private static final String SPARE = " spare";
    /** How many addresses of a network a host takes ahead at most. */
    private static final int SPARES = 8;

    private final EtcdStore store;
    private final GlobalAllocator allocator;
    private final OverlayDriver overlay;
    private final EtcdNameDirectory names;
    private final String me;
    private final String spareMark;
    private final Map<String, Spares> spares = new java.util.concurrent.ConcurrentHashMap<>();
    // spares put to use whose hand-over to this host's endpoints etcd has not confirmed yet
    private final Map<String, EtcdStore.Pending> handing = new java.util.concurrent.ConcurrentHashMap<>();
    // addresses given back by this host's endpoints and kept as spares, whose change back to
    // "host IP spare" is held back or on its way (until then etcd says "host IP")
    private final Map<String, EtcdStore.Later> returning = new java.util.concurrent.ConcurrentHashMap<>();

    /** A network's spares on this host, lowest first. */
    private static final class Spares {
        private final java.util.TreeSet<InetAddress> free = new java.util.TreeSet<>(ClusterShared::compare);
        private boolean adopted;

        synchronized int sizeOf(boolean ipv4) {
            return (int) free.stream().filter(a -> (a.getAddress().length == 4) == ipv4).count();
        }

        synchronized void addAll(List<InetAddress> l) {
            free.addAll(l);
        }

        synchronized InetAddress remove(InetAddress a) {
            return free.remove(a) ? a : null;
        }

        synchronized InetAddress lowestIn(IpPrefix range) {
            for (InetAddress a : free) {
                if (range.contains(a)) {
                    free.remove(a);
                    return a;
                }
            }
            return null;
        }
    }

    private static int compare(InetAddress x, InetAddress y) {
        byte[] a = x.getAddress();
        byte[] b = y.getAddress();
        return a.length != b.length ? Integer.compare(a.length, b.length) : java.util.Arrays.compareUnsigned(a, b);
    }

    private ClusterShared(EtcdStore store, GlobalAllocator allocator, OverlayDriver overlay, InetAddress advertise) {
        this.store = store;
        this.allocator = allocator;
        this.overlay = overlay;
        this.names = new EtcdNameDirectory(store);
        this.me = "host " + IpAddresses.format(advertise);
        this.spareMark = me + SPARE;
    }

    @Override
    public void publishNames(RemoteName n) {
        names.publish(new EtcdNameDirectory.Entry(n.networkId(), n.endpointId(), n.names(), n.ipv4(), n.ipv6(), me));
    }

    @Override
    public void withdrawNames(String networkId, String endpointId) {
        names.withdraw(networkId, endpointId);
    }

    @Override
    public Subscription watchNames(NameWatcher w) {
        AutoCloseable watch = names.watch(new EtcdNameDirectory.Listener() {
            @Override
            public void snapshot(List<EtcdNameDirectory.Entry> all) {
                w.all(all.stream().filter(e -> !e.host().equals(me)).map(ClusterShared::remote).toList());
            }

            @Override
            public void put(EtcdNameDirectory.Entry e) {
                if (!e.host().equals(me)) {
                    w.up(remote(e));
                }
            }

            @Override
            public void deleted(String networkId, String endpointId) {
                w.gone(networkId, endpointId);
            }
        });
        return () -> {
            try {
                watch.close();
            } catch (Exception e) {
                LOG.debug("closing the names' watch: {}", e.toString());
            }
        };
    }

    private static RemoteName remote(EtcdNameDirectory.Entry e) {
        return new RemoteName(e.networkId(), e.endpointId(), e.names(), e.ipv4(), e.ipv6());
    }

    /** Connects to the store and makes the overlay driver on it. */
    static ClusterShared open(ControllerConfig config, HostContext host) {
        EtcdStore store = EtcdStore.connect(config.clusterStore(), config.clusterLeaseTtl());
        try {
            GlobalAllocator allocator = new GlobalAllocator(store);
            OverlayDriver overlay = new OverlayDriver(host, config.runDir().resolve("overlay"),
                    config.advertiseAddress(), new EtcdVniAllocator(store, allocator), new EtcdPeerDirectory(store));
            LOG.info("cluster store {}: this host is {}", store.name(), IpAddresses.format(config.advertiseAddress()));
            return new ClusterShared(store, allocator, overlay, config.advertiseAddress());
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    @Override
    public List<Driver> drivers() {
        return List.of(overlay);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String networkKey(String name) {
        return EtcdStore.ROOT + "networks/" + name;
    }

    private static String subnetKey(IpPrefix subnet) {
        return EtcdStore.ROOT + "subnets/" + subnet.network().toString().replace('/', '_');
    }

    @Override
    public void publish(NetworkRecord r) {
        List<Runnable> undo = new ArrayList<>();
        try {
            for (NetworkRecord.Allocation a : r.allocations()) {
                if (!store.create(subnetKey(a.subnet()), utf8(r.id()), false)) {
                    throw new AlreadyExistsException("subnet " + a.subnet() + " is another network's in the cluster ("
                            + store.name() + ")");
                }
                undo.add(() -> store.deleteIf(subnetKey(a.subnet()), utf8(r.id())));
                if (a.gateway() != null) {
                    allocator.requestAddress(r.id(), a.subnet(), a.subnet(), a.gateway(), GATEWAY);
                }
                for (InetAddress aux : a.aux().values()) {
                    allocator.requestAddress(r.id(), a.subnet(), a.subnet(), aux, GATEWAY);
                }
            }
            undo.add(() -> allocator.releaseNetwork(r.id()));
            if (!store.create(networkKey(r.name()), utf8(r.toJson()), false)) {
                throw new AlreadyExistsException("network with name " + r.name() + " already exists in the cluster ("
                        + store.name() + ")");
            }
        } catch (RuntimeException e) {
            for (int i = undo.size() - 1; i >= 0; i--) {
                try {
                    undo.get(i).run();
                } catch (RuntimeException again) {
                    e.addSuppressed(again);
                }
            }
            throw e;
        }
    }

    @Override
    public void unpublish(NetworkRecord r) {
        store.deleteIf(networkKey(r.name()), utf8(r.toJson()));
        // another record under the name (deleted and made again elsewhere meanwhile) is left alone
        for (NetworkRecord.Allocation a : r.allocations()) {
            store.deleteIf(subnetKey(a.subnet()), utf8(r.id()));
        }
        allocator.releaseNetwork(r.id());
        spares.remove(r.id());
        String mine = r.id() + "/";
        returning.entrySet().removeIf(e -> {
            if (!e.getKey().startsWith(mine)) {
                return false;
            }
            e.getValue().cancel(); // its key went with the network
            return true;
        });
        handing.keySet().removeIf(k -> k.startsWith(mine));
    }

    /**
     * An address for this host. A dynamic one comes from the network's spares if one is in
     * range: no round trip; the cluster learns that it is in use with this host's next write
     * (the endpoint's publication, when it joins), within 20 ms, or when {@link #settle}
     * asks. Without one, the allocator's transaction takes it and up to {@value #SPARES}
     * spares with it. A spare given back a moment ago whose change back to spare has not
     * gone yet needs no change at all. After a restart the first request of each network
     * takes up the spares the cluster says this host holds (one listing), except those an
     * endpoint here uses (a restart between a spare's use and its hand-over): those are handed
     * over now; and the addresses it says this host's endpoints hold that none here uses (a
     * restart between an endpoint's delete and its address's change back to spare) become
     * spares again.
     */
    @Override
    public InetAddress take(String networkId, IpPrefix subnet, IpPrefix range, InetAddress preferred,
            Predicate<InetAddress> usedHere) {
        Spares s = spares.computeIfAbsent(networkId, k -> new Spares());
        adoptOnce(networkId, s, usedHere);
        InetAddress a;
        while ((a = preferred != null ? s.remove(preferred) : s.lowestIn(range)) != null) {
            String k = handKey(networkId, a);
            EtcdStore.Later back = returning.remove(k);
            if (back != null) {
                if (back.cancel()) {
                    return a; // given back a moment ago, and etcd still says "host IP"
                }
                // on its way: the hand-over must not overtake it. Without an answer it may
                // still be made after the hand-over, and mark an endpoint's address spare: the
                // address is left out (etcd holds it for this host either way, and a restart
                // takes it up)
                if (!back.awaitQuietly()) {
                    LOG.warn("address {} of network {} left out of this host's spares: its change back to a"
                            + " spare had no answer", IpAddresses.format(a), networkId);
                    if (preferred != null) {
                        break;
                    }
                    continue;
                }
            }
            // held back to go with the endpoint's publication when it joins: no transaction of
            // its own (alone after 20 ms if no write comes, at once if settle asks first)
            handing.put(k, allocator.handOverLater(networkId, a, spareMark, me));
            return a;
        }
        if (preferred != null) {
            return allocator.requestAddress(networkId, subnet, range, preferred, me);
        }
        List<InetAddress> got = allocator.requestAddresses(networkId, subnet, range,
                Math.max(0, SPARES - s.sizeOf(range.isIpv4())), me, spareMark);
        s.addAll(got.subList(1, got.size()));
        return got.get(0);
    }

    private void adoptOnce(String networkId, Spares s, Predicate<InetAddress> usedHere) {
        synchronized (s) {
            if (s.adopted) {
                return;
            }
            allocator.holders(networkId).forEach((a, holder) -> {
                String k = handKey(networkId, a);
                if (holder.equals(spareMark)) {
                    if (usedHere.test(a)) {
                        allocator.handOverLater(networkId, a, spareMark, me).await(); // sent now
                    } else {
                        s.free.add(a);
                    }
                } else if (holder.equals(me) && !usedHere.test(a) && !returning.containsKey(k)
                        && !handing.containsKey(k)) {
                    // given back and kept as a spare, its change back to "host IP spare" lost
                    // with its process: a spare again
                    try {
                        allocator.handOverLater(networkId, a, me, spareMark).await(); // sent now
                        s.free.add(a);
                    } catch (org.libnetwork4j.NotFoundException released) {
                        // given back to the cluster meanwhile, by a delete of this host's
                    }
                }
            });
            s.adopted = true;
        }
    }

    /**
     * A hand-over etcd could not be asked for (a store away a moment, while the endpoint's
     * publication went through) does not fail the join: the address is this host's either way.
     * It is made again, in the background (the change is idempotent), and a later settle or
     * give waits for that one. A spare that is no longer this host's does fail it.
     */
    @Override
    public void settle(String networkId, InetAddress a) {
        String k = handKey(networkId, a);
        EtcdStore.Pending p = handing.get(k);
        if (p != null) {
            try {
                p.await();
                handing.remove(k, p);
            } catch (org.libnetwork4j.RetryableException unknown) {
                LOG.warn("address {} of network {}: its hand-over to this host's endpoint is made again: {}",
                        IpAddresses.format(a), networkId, unknown.getMessage());
                handing.replace(k, p, allocator.handOverLater(networkId, a, spareMark, me));
            }
        }
    }

    /**
     * Gives an address back. An address of the dynamic range, while the host holds fewer
     * spares of its family than a request would take now (at most {@value #SPARES}, fewer in a
     * small subnet), is kept as a spare: its change back to "host IP spare" is held back to go
     * with this host's next write (the peers' withdrawal of a leave that follows, the next
     * endpoint's publication), and an endpoint that takes it before that needs no change at
     * all. Otherwise it goes back to the cluster. A spare whose hand-over to its endpoint etcd
     * never confirmed (a store away: the endpoint's join failed on it) stays this host's
     * spare, without a round trip; its next use hands it over again.
     */
    @Override
    public void give(String networkId, IpPrefix range, InetAddress a) {
        String k = handKey(networkId, a);
        EtcdStore.Pending p = handing.remove(k);
        Spares s = spares.get(networkId);
        if (p != null) {
            try {
                p.await();
            } catch (org.libnetwork4j.RetryableException unknown) {
                if (s != null) {
                    s.addAll(List.of(a));
                    return;
                }
            } catch (org.libnetwork4j.NotFoundException gone) {
                return; // neither a spare of this host's nor its endpoint's: the network went
            }
        }
        if (s != null && range.contains(a)
                && s.sizeOf(a.getAddress().length == 4) < Math.min(SPARES, allocator.spareRoom(networkId, range))) {
            // known as returning before any take can find it among the spares
            EtcdStore.Later back = allocator.handOverLater(networkId, a, me, spareMark);
            returning.put(k, back);
            s.addAll(List.of(a));
            back.whenDone((made, failed) -> {
                // a take that came first has it now; else a change that failed or was refused
                // (the network went) leaves it out of the spares: etcd still says "host IP"
                // (a restart takes it up), or no longer knows it as this host's
                if (returning.remove(k, back) && !Boolean.TRUE.equals(made) && s.remove(a) != null) {
                    LOG.warn("address {} of network {} left out of this host's spares: its change back to a"
                            + " spare {}", IpAddresses.format(a), networkId,
                            failed != null ? "failed: " + failed.getMessage() : "was refused");
                }
            });
            return;
        }
        allocator.releaseAddress(networkId, a, me);
    }

    private static String handKey(String networkId, InetAddress a) {
        return networkId + "/" + IpAddresses.format(a);
    }

    /**
     * Whether another host holds an address of the network for an endpoint; spares, this
     * host's or another's, hold nothing up (they go with the network).
     */
    @Override
    public boolean othersHold(String networkId) {
        for (byte[] v : store.list(EtcdStore.ROOT + "ipam/" + networkId + "/").values()) {
            String owner = new String(v, StandardCharsets.UTF_8);
            if (!owner.equals(GATEWAY) && !owner.equals(me) && !owner.endsWith(SPARE)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Subscription watch(Watcher w) {
        String prefix = EtcdStore.ROOT + "networks/";
        AutoCloseable watch = store.watch(prefix, new EtcdStore.Watcher() {
            @Override
            public void snapshot(Map<String, byte[]> all) {
                List<NetworkRecord> l = new ArrayList<>();
                all.forEach((k, v) -> decode(k, v, l));
                w.all(l);
            }

            @Override
            public void put(String key, byte[] value) {
                List<NetworkRecord> l = new ArrayList<>(1);
                decode(key, value, l);
                l.forEach(w::up);
            }

            @Override
            public void deleted(String key) {
                w.gone(key.substring(prefix.length()));
            }
        });
        return () -> {
            try {
                watch.close();
            } catch (Exception e) {
                LOG.debug("closing the networks' watch: {}", e.toString());
            }
        };
    }

    private static void decode(String key, byte[] value, List<NetworkRecord> into) {
        try {
            into.add(NetworkRecord.fromJson(new String(value, StandardCharsets.UTF_8)));
        } catch (RuntimeException e) {
            LOG.warn("cluster store: {} holds no network record, left out: {}", key, e.getMessage());
        }
    }

    /** The overlay driver first (its watches), then the store (which revokes the lease). */
    @Override
    public void close() {
        try {
            overlay.close();
            names.close();
        } finally {
            store.close();
        }
    }
}
