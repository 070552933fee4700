package org.libnetwork4j.cluster;

import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import org.libnetwork4j.AlreadyExistsException;
import org.libnetwork4j.ForbiddenException;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.PoolExhaustedException;
import org.libnetwork4j.RetryableException;

/**
 * What networks that span hosts allocate together: their endpoints' addresses and their VNIs,
 * each taken by one etcd transaction that writes its key only if nobody holds it
 * ({@link EtcdStore#create}). A host that loses the race for a candidate tries another; no
 * value is ever given out twice, whatever the number of hosts and threads asking at once.
 *
 * <p>An address is the key {@code /libnetwork4j/ipam/NETWORK/ADDRESS}, a VNI
 * {@code /libnetwork4j/vni/VNI}; the value names the owner (an endpoint, a network). They are
 * not leased: an address outlives its host's absence (a host restarted after a crash finds
 * its endpoints' addresses still its own), and goes with an explicit release.
 *
 * <p>The lowest free value is asked for first, as one host alone would give it; a host that
 * loses the race then picks at random among the lowest few free ones, so that racing hosts
 * part after their first collision.
 *
 * <p>An address is an endpoint's, on the path of every attach: it costs one round trip to etcd
 * when this host's belief of what the network holds is right (its last listing, with what it
 * took and gave back since): the transaction that claims the address believed free also
 * lists the network's keys if it finds that address taken, so a belief gone stale (another
 * host took it) costs that one round trip and refreshes the belief. What decides is always the
 * transaction, never the belief: a stale one can cost a race, never give an address twice.
 * A host can take spares in that transaction ({@link #requestAddresses}), and hand them over
 * to their users later ({@link #handOverLater}).
 */
public final class GlobalAllocator {
    /** Docker's range of overlay VNIs. */
    public static final int VNI_FIRST = 256;
    /** The largest VNI (24 bits). */
    public static final int VNI_LAST = (1 << 24) - 1;

    private static final int SPREAD = 16;
    private static final int ATTEMPTS = 1000;
    private static final int VIEWS = 256;
    // at most one spare for this many free addresses. Spares are their host's alone: one host
    // cannot give out another's. Taken only while a subnet is far from its end, they are used
    // up by their hosts' next endpoints long before it, rather than stranded when it comes
    private static final int FREE_PER_SPARE = 64;

    private final EtcdStore store;
    // bounded: a network forgotten here (deleted by another host, say) is only listed again
    private final Map<String, View> views = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, View> eldest) {
                    return size() > VIEWS;
                }
            });

    /** What this host believes a network's addresses are; guarded by itself. */
    private static final class View {
        final Set<String> taken = new HashSet<>();
        // claimed now by a thread of this host: the others pick another, instead of a race
        // they would lose against their own host
        final Set<String> claiming = new HashSet<>();
        // by range: below this offset every address is believed taken, so that a request in a
        // network of thousands does not look at each of them again; whatever can free an
        // address (a new listing, a release, a claim that failed) forgets it
        final Map<IpPrefix, Long> floor = new java.util.HashMap<>();
        boolean listed;

        synchronized void replace(Set<String> keys) {
            taken.clear();
            taken.addAll(keys);
            floor.clear();
            listed = true;
        }

        synchronized void took(String key) {
            taken.add(key);
        }

        synchronized void gave(String key) {
            taken.remove(key);
            floor.clear();
        }
    }

    /**
     * Allocates through store.
     *
     * @param store the cluster store, open
     */
    public GlobalAllocator(EtcdStore store) {
        this.store = store;
    }

    private static String addressKey(String networkId, InetAddress a) {
        return EtcdStore.ROOT + "ipam/" + networkId + "/" + IpAddresses.format(a);
    }

    /**
     * Takes an address of a network for owner: preferred, or one of the lowest free of range.
     *
     * @param networkId the network
     * @param range     where a dynamic address comes from (the subnet, or its ip-range)
     * @param subnet    the subnet: its network address (and IPv4 broadcast) are never given
     * @param preferred the address wanted, or null for any free one
     * @param owner     what holds it (an endpoint's id, "gateway")
     * @return the address taken
     * @throws AlreadyExistsException if preferred is taken
     * @throws PoolExhaustedException if range has no free address
     * @throws RetryableException     if the store cannot be reached, or the races do not end
     */
    public InetAddress requestAddress(String networkId, IpPrefix subnet, IpPrefix range, InetAddress preferred,
            String owner) {
        byte[] value = owner.getBytes(StandardCharsets.UTF_8);
        if (preferred != null) {
            if (!subnet.contains(preferred)) {
                throw new InvalidParameterException("address " + IpAddresses.format(preferred) + " is not in subnet "
                        + subnet);
            }
            String key = addressKey(networkId, preferred);
            boolean created = store.create(key, value, false);
            View v = views.get(networkId);
            if (v != null) {
                v.took(key); // this host's or another's: taken either way
            }
            if (!created) {
                throw new AlreadyExistsException("address " + IpAddresses.format(preferred) + " of network "
                        + networkId + " is taken (" + store.name() + ")");
            }
            return preferred;
        }
        return requestAddresses(networkId, subnet, range, 0, owner, null).get(0);
    }

    /**
     * One of the lowest free addresses of range for owner, as {@link #requestAddress} gives
     * it, and in the same transaction up to {@code spares} more of the next lowest free for
     * spareOwner: a host that keeps some at hand gives its next endpoints theirs without a
     * round trip. At most one spare is taken for every {@value #FREE_PER_SPARE} addresses
     * free by this host's belief (none with fewer than {@code 2 * FREE_PER_SPARE}), so that
     * hosts holding spares do not starve one another near a subnet's end; and none after a
     * race lost in this request, where asking for more than one address would only lose
     * again.
     *
     * @param networkId  the network
     * @param subnet     the subnet: its network address (and IPv4 broadcast) are never given
     * @param range      where the addresses come from (the subnet, or its ip-range)
     * @param spares     how many more to take at most, 0 for none
     * @param owner      what holds the first
     * @param spareOwner what holds the others (ignored if spares is 0)
     * @return the addresses taken, the owner's first, the spares' lowest first
     * @throws PoolExhaustedException if range has no free address
     * @throws RetryableException     if the store cannot be reached, or the races do not end
     */
    public List<InetAddress> requestAddresses(String networkId, IpPrefix subnet, IpPrefix range, int spares,
            String owner, String spareOwner) {
        byte[] value = owner.getBytes(StandardCharsets.UTF_8);
        String prefix = EtcdStore.ROOT + "ipam/" + networkId + "/";
        View view = views.computeIfAbsent(networkId, k -> new View());
        boolean lost = false;
        boolean fresh = false; // the belief was read from etcd during this request
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            boolean listed;
            synchronized (view) {
                listed = view.listed;
            }
            if (!listed) {
                view.replace(store.keys(prefix));
                fresh = true;
            }
            List<InetAddress> claim;
            List<String> keys = new ArrayList<>();
            synchronized (view) {
                Free f = lowestFree(subnet, range, view.floor.getOrDefault(range, 0L), view.taken, view.claiming,
                        prefix);
                List<InetAddress> free = f.addresses();
                if (free.isEmpty()) {
                    if (fresh) { // what this host's threads claim now is taken too, whoever wins it
                        throw new PoolExhaustedException("no available address in " + range + " of network "
                                + networkId + " (" + store.name() + ")");
                    }
                    view.listed = false; // other hosts may have given some back: look again
                    continue;
                }
                // the lowest first, as a host alone would give; after a lost race, one of the
                // lowest few at random, so that the racers part
                claim = new ArrayList<>();
                claim.add(lost ? free.get(ThreadLocalRandom.current().nextInt(free.size())) : free.get(0));
                int more = lost ? 0 : (int) Math.min(spares, Math.min(free.size() - 1, spareRoom(view, range)));
                if (more > 0) {
                    claim.addAll(free.subList(1, 1 + more));
                }
                for (InetAddress a : claim) {
                    keys.add(prefix + IpAddresses.format(a));
                }
                view.claiming.addAll(keys);
                view.floor.put(range, f.first());
            }
            EtcdStore.Claim c = null;
            try {
                Map<String, byte[]> values = new java.util.LinkedHashMap<>();
                values.put(keys.get(0), value);
                for (String k : keys.subList(1, keys.size())) {
                    values.put(k, spareOwner.getBytes(StandardCharsets.UTF_8));
                }
                c = store.createAllOrKeys(values, false, prefix);
            } finally {
                synchronized (view) {
                    keys.forEach(view.claiming::remove);
                    if (c == null) {
                        view.floor.clear(); // they may be free still, below the floor
                    }
                }
            }
            if (c.created()) {
                keys.forEach(view::took);
                return claim;
            }
            view.replace(c.keys());
            fresh = true;
            lost = true;
        }
        throw new RetryableException("network " + networkId + ": " + ATTEMPTS + " address requests in a row lost"
                + " their race (" + store.name() + ")");
    }

    /**
     * How many spares a host may hold in a range by this host's belief: as many as a request
     * would take there (see {@link #requestAddresses}), one for every {@value #FREE_PER_SPARE}
     * addresses free, less one.
     *
     * @param networkId the network
     * @param range     the range
     * @return the number, 0 without a belief of the network
     */
    public long spareRoom(String networkId, IpPrefix range) {
        View view = views.get(networkId);
        if (view == null) {
            return 0;
        }
        synchronized (view) {
            return view.listed ? Math.max(0, spareRoom(view, range)) : 0;
        }
    }

    /** One spare for every FREE_PER_SPARE addresses free in range by view, less one; guarded by view. */
    private static long spareRoom(View view, IpPrefix range) {
        return (size(range) - view.taken.size() - view.claiming.size()) / FREE_PER_SPARE - 1;
    }

    /** How many addresses range holds, at most Long.MAX_VALUE. */
    private static long size(IpPrefix range) {
        int host = IpPrefix.bits(range.address()) - range.length();
        return host >= 63 ? Long.MAX_VALUE : 1L << host;
    }

    /**
     * Who holds each address of a network (after a restart: this host's spares, and its
     * endpoints' addresses), in one listing, which is this host's belief of what the network
     * holds from then on.
     *
     * @param networkId the network
     * @return each address and the value its key holds
     */
    public Map<InetAddress, String> holders(String networkId) {
        String prefix = EtcdStore.ROOT + "ipam/" + networkId + "/";
        Map<String, byte[]> all = store.list(prefix);
        views.computeIfAbsent(networkId, k -> new View()).replace(all.keySet());
        Map<InetAddress, String> m = new java.util.LinkedHashMap<>();
        all.forEach((k, held) -> {
            try {
                m.put(IpAddresses.parse(k.substring(prefix.length())), new String(held, StandardCharsets.UTF_8));
            } catch (RuntimeException notAnAddress) {
                // not a key of ours
            }
        });
        return m;
    }

    /**
     * Hands an address from one holder of this host's to another (a spare put to an endpoint's
     * use, or an endpoint's given back to the spares), held back to go with this host's next
     * write to etcd (see
     * {@link EtcdStore#replaceIfLater}).
     *
     * @param networkId the network
     * @param address   the address
     * @param from      what it must hold now
     * @param to        what it holds after
     * @return the change, sent at the latest when awaited
     */
    public EtcdStore.Later handOverLater(String networkId, InetAddress address, String from, String to) {
        return store.replaceIfLater(addressKey(networkId, address), from.getBytes(StandardCharsets.UTF_8),
                to.getBytes(StandardCharsets.UTF_8));
    }

    /** Up to SPREAD free addresses, lowest first, and the offset in the range of the first. */
    private record Free(List<InetAddress> addresses, long first) {
    }

    /**
     * Free addresses of range from offset start on, skipping the subnet's reserved ones and
     * the keys in taken or claiming.
     */
    private static Free lowestFree(IpPrefix subnet, IpPrefix range, long start, Set<String> taken,
            Set<String> claiming, String prefix) {
        int bits = IpPrefix.bits(range.address());
        BigInteger first = new BigInteger(1, range.network().address().getAddress());
        BigInteger size = BigInteger.ONE.shiftLeft(bits - range.length());
        BigInteger subnetFirst = new BigInteger(1, subnet.network().address().getAddress());
        BigInteger subnetLast = subnetFirst.add(BigInteger.ONE.shiftLeft(bits - subnet.length())).subtract(BigInteger.ONE);
        List<InetAddress> free = new ArrayList<>(SPREAD);
        long firstFree = -1;
        // bounded: from start, at most `taken` + `claiming` + SPREAD + 2 candidates to look at
        long limit = start + taken.size() + claiming.size() + SPREAD + 2L;
        for (long i = start; i < limit && BigInteger.valueOf(i).compareTo(size) < 0 && free.size() < SPREAD; i++) {
            BigInteger n = first.add(BigInteger.valueOf(i));
            if (n.equals(subnetFirst) || bits == 32 && n.equals(subnetLast) && subnet.length() < 31) {
                limit++;
                continue;
            }
            InetAddress a = IpAddresses.of(toBytes(n, bits / 8));
            String key = prefix + IpAddresses.format(a);
            if (!taken.contains(key) && !claiming.contains(key)) {
                if (firstFree < 0) {
                    firstFree = i;
                }
                free.add(a);
            }
        }
        return new Free(free, firstFree);
    }

    private static byte[] toBytes(BigInteger n, int len) {
        byte[] raw = n.toByteArray();
        byte[] out = new byte[len];
        int copy = Math.min(raw.length, len);
        System.arraycopy(raw, raw.length - copy, out, len - copy, copy);
        return out;
    }

    /**
     * Gives an address back, if owner holds it.
     *
     * @param networkId the network
     * @param address   the address
     * @param owner     who took it
     * @return whether owner held it (and it is free now)
     */
    public boolean releaseAddress(String networkId, InetAddress address, String owner) {
        String key = addressKey(networkId, address);
        boolean released = store.deleteIf(key, owner.getBytes(StandardCharsets.UTF_8));
        View v = views.get(networkId);
        if (v != null) {
            v.gave(key); // another's still: the next claim of it loses its race and lists again
        }
        return released;
    }

    /**
     * Forgets every address of a network (its delete).
     *
     * @param networkId the network
     */
    public void releaseNetwork(String networkId) {
        views.remove(networkId);
        store.deletePrefix(EtcdStore.ROOT + "ipam/" + networkId + "/");
    }

    /**
     * Takes a VNI for a network: the lowest free from {@link #VNI_FIRST}, or the one asked for.
     *
     * @param networkId the network
     * @param wanted    a VNI asked for (Docker's vxlanid_list), or 0 for any
     * @return the VNI, the network's until {@link #releaseVni}
     * @throws ForbiddenException if wanted is another network's
     */
    public int requestVni(String networkId, int wanted) {
        byte[] value = networkId.getBytes(StandardCharsets.UTF_8);
        String prefix = EtcdStore.ROOT + "vni/";
        if (wanted != 0) {
            if (wanted < 1 || wanted > VNI_LAST) {
                throw new InvalidParameterException("VNI " + wanted + " is not in 1-" + VNI_LAST);
            }
            if (!store.create(prefix + wanted, value, false)
                    && !java.util.Arrays.equals(store.get(prefix + wanted).orElse(null), value)) {
                throw new ForbiddenException("VNI " + wanted + " is used by another overlay network (" + store.name() + ")");
            }
            return wanted;
        }
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Set<String> taken = store.list(prefix).keySet();
            List<Integer> free = new ArrayList<>(SPREAD);
            for (int v = VNI_FIRST; v <= VNI_LAST && free.size() < SPREAD; v++) {
                if (!taken.contains(prefix + v)) {
                    free.add(v);
                }
            }
            if (free.isEmpty()) {
                throw new PoolExhaustedException("no free VNI (" + store.name() + ")");
            }
            int v = attempt == 0 ? free.get(0) : free.get(ThreadLocalRandom.current().nextInt(free.size()));
            if (store.create(prefix + v, value, false)) {
                return v;
            }
        }
        throw new RetryableException("network " + networkId + ": " + ATTEMPTS + " VNI requests in a row lost"
                + " their race (" + store.name() + ")");
    }

    /**
     * Gives a VNI back, if networkId holds it.
     *
     * @param vni       the VNI
     * @param networkId its network
     */
    public void releaseVni(int vni, String networkId) {
        store.deleteIf(EtcdStore.ROOT + "vni/" + vni, networkId.getBytes(StandardCharsets.UTF_8));
    }
}
