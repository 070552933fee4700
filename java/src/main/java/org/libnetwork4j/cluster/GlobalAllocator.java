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
 */
public final class GlobalAllocator {
    /** Docker's range of overlay VNIs. */
    public static final int VNI_FIRST = 256;
    /** The largest VNI (24 bits). */
    public static final int VNI_LAST = (1 << 24) - 1;

    private static final int SPREAD = 16;
    private static final int ATTEMPTS = 1000;
    private static final int VIEWS = 256;

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
            InetAddress a;
            String key;
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
                a = lost ? free.get(ThreadLocalRandom.current().nextInt(free.size())) : free.get(0);
                key = prefix + IpAddresses.format(a);
                view.claiming.add(key);
                view.floor.put(range, f.first());
            }
            EtcdStore.Claim c = null;
            try {
                c = store.createOrKeys(key, value, false, prefix);
            } finally {
                synchronized (view) {
                    view.claiming.remove(key);
                    if (c == null) {
                        view.floor.clear(); // it may be free still, below the floor
                    }
                }
            }
            if (c.created()) {
                view.took(key);
                return a;
            }
            view.replace(c.keys());
            fresh = true;
            lost = true;
        }
        throw new RetryableException("network " + networkId + ": " + ATTEMPTS + " address requests in a row lost"
                + " their race (" + store.name() + ")");
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
     */
    public void releaseAddress(String networkId, InetAddress address, String owner) {
        String key = addressKey(networkId, address);
        store.deleteIf(key, owner.getBytes(StandardCharsets.UTF_8));
        View v = views.get(networkId);
        if (v != null) {
            v.gave(key); // another's still: the next claim of it loses its race and lists again
        }
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
