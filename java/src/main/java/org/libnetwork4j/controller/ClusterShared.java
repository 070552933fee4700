package org.libnetwork4j.controller;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
 */
final class ClusterShared implements Shared {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterShared.class);
    private static final String GATEWAY = "gateway";

    private final EtcdStore store;
    private final GlobalAllocator allocator;
    private final OverlayDriver overlay;
    private final EtcdNameDirectory names;
    private final String me;

    private ClusterShared(EtcdStore store, GlobalAllocator allocator, OverlayDriver overlay, InetAddress advertise) {
        this.store = store;
        this.allocator = allocator;
        this.overlay = overlay;
        this.names = new EtcdNameDirectory(store);
        this.me = "host " + IpAddresses.format(advertise);
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
    }

    @Override
    public InetAddress take(String networkId, IpPrefix subnet, IpPrefix range, InetAddress preferred) {
        return allocator.requestAddress(networkId, subnet, range, preferred, me);
    }

    @Override
    public void give(String networkId, InetAddress a) {
        allocator.releaseAddress(networkId, a, me);
    }

    @Override
    public boolean othersHold(String networkId) {
        for (byte[] v : store.list(EtcdStore.ROOT + "ipam/" + networkId + "/").values()) {
            String owner = new String(v, StandardCharsets.UTF_8);
            if (!owner.equals(GATEWAY) && !owner.equals(me)) {
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
