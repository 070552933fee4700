package org.libnetwork4j.controller;

import java.net.InetAddress;
import java.util.List;
import java.util.function.Predicate;

import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.NotSupportedException;
import org.libnetwork4j.driver.Driver;
import org.libnetwork4j.store.NetworkRecord;

/**
 * What networks of a global-scope driver (overlay) share with the controllers of the other
 * hosts, through the cluster store: their records, so that each host has the same networks,
 * and their endpoints' addresses, so that no two hosts give out the same one. {@link #NONE}
 * when no cluster store is configured: such networks are refused then.
 */
interface Shared extends AutoCloseable {

    /** No cluster store. */
    Shared NONE = new NoCluster();

    /**
     * What {@link #NONE} does: global networks refused, nothing shared, nothing watched. Not
     * final: a test's cluster in memory takes the watches and names from it.
     */
    class NoCluster implements Shared {
        @Override
        public List<Driver> drivers() {
            return List.of();
        }

        @Override
        public void publish(NetworkRecord r) {
            throw new NotSupportedException("a network of driver \"" + r.type() + "\" spans hosts: it needs a"
                    + " cluster store (ControllerConfig.clusterStore, lnw --cluster-store etcd://IP:2379)");
        }

        @Override
        public void unpublish(NetworkRecord r) {
        }

        @Override
        public InetAddress take(String networkId, IpPrefix subnet, IpPrefix range, InetAddress preferred,
                Predicate<InetAddress> usedHere) {
            throw new NotSupportedException("no cluster store");
        }

        @Override
        public void settle(String networkId, InetAddress a) {
        }

        @Override
        public void give(String networkId, IpPrefix range, InetAddress a) {
        }

        @Override
        public boolean othersHold(String networkId) {
            return false;
        }

        @Override
        public Subscription watch(Watcher w) {
            return () -> { };
        }

        @Override
        public void publishNames(RemoteName n) {
        }

        @Override
        public void withdrawNames(String networkId, String endpointId) {
        }

        @Override
        public Subscription watchNames(NameWatcher w) {
            w.all(List.of()); // the first snapshot, which a caller may wait for: no names
            return () -> { };
        }

        @Override
        public void close() {
        }
    }

    /** The drivers that need the cluster (overlay), to register beside the local ones. */
    List<Driver> drivers();

    /**
     * Claims the network's name and subnets in the cluster and publishes its record, with its
     * gateways taken; undone if a step fails.
     *
     * @throws org.libnetwork4j.AlreadyExistsException if another host's network has the name
     *         or a subnet
     */
    void publish(NetworkRecord r);

    /** Removes the record, its claims and every address of the network from the cluster. */
    void unpublish(NetworkRecord r);

    /**
     * An address of the network, taken for this host: preferred, or a free one of range. The
     * cluster may learn that it is in use a moment after this returns; {@link #settle} waits
     * until it has.
     *
     * @param usedHere whether an address is an endpoint's on this host (asked of addresses
     *                 the cluster says this host holds spare, after a restart)
     */
    InetAddress take(String networkId, IpPrefix subnet, IpPrefix range, InetAddress preferred,
            Predicate<InetAddress> usedHere);

    /**
     * Waits until the cluster knows an address {@link #take} gave as in use. If the store
     * could not be told, it is told again later and this returns.
     *
     * @throws org.libnetwork4j.NotFoundException if the address is no longer this host's
     */
    void settle(String networkId, InetAddress a);

    /**
     * Gives back an address this host took.
     *
     * @param range what the address came from (the subnet, or its ip-range)
     */
    void give(String networkId, IpPrefix range, InetAddress a);

    /** Whether another host holds an address of the network (it has endpoints there). */
    boolean othersHold(String networkId);

    /** What the cluster's networks do. */
    interface Watcher {
        /** Every network of the cluster now: at the start, and after a watch made anew. */
        void all(List<NetworkRecord> records);

        /** A network published. */
        void up(NetworkRecord r);

        /** A network removed, by its name. */
        void gone(String name);
    }

    /** A watch, until closed. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Watches the cluster's networks: the watcher is told of them all at once, then of each
     * change, one at a time, on the cluster store's watch thread.
     *
     * @throws org.libnetwork4j.RetryableException if the store cannot be reached
     */
    Subscription watch(Watcher w);

    /**
     * An endpoint's names on a network that spans hosts, for the embedded DNS of the others.
     *
     * @param networkId  its network
     * @param endpointId the endpoint
     * @param names      its names (Join.dnsNames)
     * @param ipv4       its IPv4 address, or null
     * @param ipv6       its IPv6 address, or null
     */
    record RemoteName(String networkId, String endpointId, List<String> names, InetAddress ipv4, InetAddress ipv6) {
    }

    /**
     * Publishes a joined endpoint's names under this host's lease. Returns at once: written
     * with this host's next write to the cluster (the endpoint's publication), or in the
     * background, in order with withdrawals, off the join's path.
     */
    void publishNames(RemoteName n);

    /** Withdraws them at its leave, likewise (with the endpoint's withdrawal). */
    void withdrawNames(String networkId, String endpointId);

    /** What the other hosts' names do. */
    interface NameWatcher {
        /** Every other host's names now; replaces all told before. */
        void all(List<RemoteName> names);

        /** Names published by another host. */
        void up(RemoteName n);

        /** Names withdrawn (or gone with their host's lease). */
        void gone(String networkId, String endpointId);
    }

    /**
     * Watches the other hosts' names, on the cluster store's watch thread: a snapshot
     * ({@link NameWatcher#all}) first, then each change.
     */
    Subscription watchNames(NameWatcher w);

    @Override
    void close();
}
