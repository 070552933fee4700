package org.libnetwork4j.controller;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.libnetwork4j.NetworkEvent;
import org.libnetwork4j.NetworkException;
import org.libnetwork4j.driver.Driver;
import org.libnetwork4j.store.NetworkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this host follows of the cluster store, from the controller's open to its close: the
 * cluster's networks, made or deleted here as the store has them, and the names of the
 * other hosts' endpoints on them, told to this host's resolver. Without a cluster store
 * ({@link Shared#NONE}) both watches are empty.
 */
final class ClusterWatch {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterWatch.class);
    /**
     * How long the controller's open waits for the other hosts' names to be told, the resolver
     * held, once the watch has started (which may itself take up to the store's call timeout
     * when etcd is slow). Past it the resolver answers without them until they come.
     */
    private static final long FIRST_NAMES_MS = 5_000;

    private final Context ctx;
    private final Networks networks;
    private final Shared.Subscription globalWatch; // the cluster's networks, once recovery is done
    private final Shared.Subscription namesWatch;  // the other hosts' names on them
    private final RemoteNames remoteNames = new RemoteNames();
    private volatile boolean closed;

    /** Starts both watches; one that cannot start (the store away) is logged and left out. */
    ClusterWatch(Context ctx, Networks networks) {
        this.ctx = ctx;
        this.networks = networks;
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
            remoteNames.awaitFirst();
        } catch (NetworkException e) {
            LOG.warn("cluster store: the other hosts' names are not known here: {}", e.getMessage());
            names = () -> { };
        }
        this.namesWatch = names;
    }

    /** The controller closes: what the watches still tell changes nothing here. */
    void stop() {
        closed = true;
    }

    /** Stops both watches, each a step of the controller's close. */
    void close(Teardown t) {
        t.step(globalWatch::close);
        t.step(namesWatch::close);
    }

    /**
     * The names of the other hosts' endpoints on the cluster's networks, in this host's
     * resolver: a container here finds a container there by name, in the scope of the
     * networks they share. Told on the cluster store's watch thread, one change at a time.
     */
    private final class RemoteNames implements Shared.NameWatcher {
        // by "network/endpoint": kept also for a network not taken up here yet, whose names
        // are told to the resolver once it is (networkUp)
        private final Map<String, Shared.RemoteName> known = new java.util.concurrent.ConcurrentHashMap<>();
        private final CountDownLatch first = new CountDownLatch(1);

        /**
         * Waits until the first snapshot is told, at most FIRST_NAMES_MS: the store read it
         * before the watch started, and hands it over on its watch thread (behind the
         * networks' snapshot, which may take networks up). Past the wait the names come
         * later, as after any break of the watch.
         */
        void awaitFirst() {
            try {
                if (!first.await(FIRST_NAMES_MS, TimeUnit.MILLISECONDS)) {
                    LOG.warn("cluster store: the other hosts' names not told within {} ms; they come once told",
                            FIRST_NAMES_MS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void all(List<Shared.RemoteName> names) {
            try {
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
            } finally {
                first.countDown();
            }
        }

        @Override
        public void up(Shared.RemoteName n) {
            known.put(n.networkId() + "/" + n.endpointId(), n);
            ctx.names().join(n.networkId(), n.endpointId(), null, n.names(), n.ipv4(), n.ipv6()); // no asker here
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
                    ctx.names().join(n.networkId(), n.endpointId(), null, n.names(), n.ipv4(), n.ipv6()));
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
            for (NetworkImpl n : networks.registry.all()) {
                if (n.isGlobal() && !ids.contains(n.id())) {
                    dropCopy(n);
                }
            }
        }

        @Override
        public void up(NetworkRecord r) {
            if (closed || networks.registry.find(r.id()) != null) {
                return;
            }
            try {
                NetworkImpl stale = networks.registry.findByKey(r.name());
                if (stale != null && stale.isGlobal()) {
                    dropCopy(stale); // deleted and made again elsewhere while we did not watch
                }
                Driver driver = ctx.drivers().get(r.type());
                var spec = new NetworkImpl.Spec(r.id(), r.name(), r.type(), r.options(),
                        driver.parseNetworkOptions(Networks.driverOptions(r.options())), r.internal(), r.enableIpv6(),
                        r.interfacePrefix(), r.created());
                NetworkImpl n = networks.registry.create(r.name(), all -> { },
                        () -> networks.make(driver, spec, () -> NetworkAddresses.restore(networks.ipamOf(r.options()),
                                r.allocations()).forScope(driver, ctx.shared(), r.id())));
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
            NetworkImpl n = networks.registry.findByKey(name);
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
}
