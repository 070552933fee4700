package org.libnetwork4j.controller;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.libnetwork4j.AlreadyExistsException;
import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.PoolExhaustedException;
import org.libnetwork4j.store.NetworkRecord;

/**
 * A cluster store in memory, for one host: the networks published by name, the addresses taken
 * per network (its gateways from its publication on), and every publish and unpublish in
 * {@link #calls}. {@link #onPublish} can make
 * the next publications fail (another host took the name meanwhile, the store went away).
 * Watches see no other host's networks; the names of other hosts are {@link #otherHosts}.
 */
final class FakeShared extends Shared.NoCluster {
    final Map<String, NetworkRecord> records = new LinkedHashMap<>(); // by name
    final Map<String, Set<InetAddress>> taken = new LinkedHashMap<>(); // by network id
    final List<String> calls = new ArrayList<>();
    volatile Consumer<NetworkRecord> onPublish = r -> { };
    /** The other hosts' names, which a watch tells namesDelayMs after it starts, as a store's watch thread would. */
    volatile List<Shared.RemoteName> otherHosts = List.of();
    volatile long namesDelayMs;

    @Override
    public Subscription watchNames(NameWatcher w) {
        List<Shared.RemoteName> names = otherHosts;
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(namesDelayMs);
            } catch (InterruptedException e) {
                return; // unwatched
            }
            w.all(names);
        }, "fake-names-watch");
        t.setDaemon(true);
        t.start();
        return t::interrupt;
    }

    @Override
    public synchronized void publish(NetworkRecord r) {
        calls.add("publish " + r.name());
        onPublish.accept(r);
        NetworkRecord there = records.get(r.name());
        if (there != null && !there.id().equals(r.id())) {
            throw new AlreadyExistsException("network " + r.name() + " exists in the cluster");
        }
        records.put(r.name(), r);
        Set<InetAddress> used = taken.computeIfAbsent(r.id(), k -> new HashSet<>());
        for (NetworkRecord.Allocation a : r.allocations()) { // as ClusterShared: its gateways are taken
            if (a.gateway() != null) {
                used.add(a.gateway());
            }
            used.addAll(a.aux().values());
        }
    }

    @Override
    public synchronized void unpublish(NetworkRecord r) {
        calls.add("unpublish " + r.name());
        records.remove(r.name());
        taken.remove(r.id());
    }

    @Override
    public synchronized InetAddress take(String networkId, IpPrefix subnet, IpPrefix range, InetAddress preferred,
            Predicate<InetAddress> usedHere) {
        Set<InetAddress> used = taken.computeIfAbsent(networkId, k -> new HashSet<>());
        if (preferred != null) {
            if (!used.add(preferred)) {
                throw new AlreadyExistsException("address " + preferred.getHostAddress() + " is in use");
            }
            return preferred;
        }
        IpPrefix net = range.network();
        BigInteger first = new BigInteger(1, net.address().getAddress());
        int bits = IpPrefix.bits(net.address());
        BigInteger size = BigInteger.ONE.shiftLeft(bits - net.length());
        for (BigInteger i = BigInteger.ONE; i.compareTo(size.subtract(BigInteger.ONE)) < 0; i = i.add(BigInteger.ONE)) {
            InetAddress a = address(first.add(i), bits / 8);
            if (used.add(a)) {
                return a;
            }
        }
        throw new PoolExhaustedException("no address left in " + range);
    }

    private static InetAddress address(BigInteger value, int bytes) {
        byte[] raw = value.toByteArray();
        byte[] out = new byte[bytes];
        int n = Math.min(raw.length, bytes);
        System.arraycopy(raw, raw.length - n, out, bytes - n, n);
        try {
            return InetAddress.getByAddress(out);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void give(String networkId, IpPrefix range, InetAddress a) {
        Set<InetAddress> used = taken.get(networkId);
        if (used != null) {
            used.remove(a);
        }
    }
}
