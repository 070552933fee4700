package org.libnetwork4j.cluster;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.MacAddress;
import org.libnetwork4j.driver.overlay.Peer;
import org.libnetwork4j.driver.overlay.PeerDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The overlay driver's peers in etcd: each endpoint joined on a host is the key
 * {@code /libnetwork4j/peers/NETWORK/IP}, written under that host's lease, so that a host that
 * dies or is cut off from etcd drops out of every other host's tables within the lease's time
 * to live; the other hosts learn of peers through a watch. When this host's lease has to be
 * taken anew (it was cut off longer than that), it publishes its peers again.
 */
public final class EtcdPeerDirectory implements PeerDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdPeerDirectory.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EtcdStore store;
    private final Set<Peer> published = ConcurrentHashMap.newKeySet();

    /**
     * Peers through store.
     *
     * @param store the cluster store, open
     */
    public EtcdPeerDirectory(EtcdStore store) {
        this.store = store;
        store.onNewLease(() -> published.forEach(p -> {
            try {
                publishAgain(p);
            } catch (RuntimeException e) { // the next lease, or the peer's next publish, writes it
                LOG.warn("cluster store: peer {} of network {} not published again: {}", p.ip(), p.networkId(),
                        e.getMessage());
            }
        }));
    }

    /**
     * A peer written again under a new lease. The lease's hook read it among the published,
     * but a withdrawal (a leave, a failed publication's cleanup) may have taken it out and
     * deleted its key since, before this put landed: the put would bring it back, under a live
     * lease that nothing withdraws. Checked after the put: a withdrawal that took it out later
     * deletes after the put.
     */
    void publishAgain(Peer p) {
        write(p);
        if (!published.contains(p)) {
            store.deleteIf(key(p), encode(p));
        }
    }

    private static String prefix(String networkId) {
        return EtcdStore.ROOT + "peers/" + networkId + "/";
    }

    private static String key(Peer p) {
        return prefix(p.networkId()) + IpAddresses.format(p.ip());
    }

    private static byte[] encode(Peer p) {
        ObjectNode o = JSON.createObjectNode().put("vni", p.vni()).put("ip", IpAddresses.format(p.ip()))
                .put("mac", p.mac().toString()).put("vtep", IpAddresses.format(p.vtep()));
        return o.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A peer as another host wrote it; null (and logged) for a value that is none. */
    static Peer decode(String networkId, byte[] value) {
        try {
            JsonNode o = JSON.readTree(value);
            return new Peer(networkId, o.path("vni").asInt(), IpAddresses.parse(o.path("ip").asText()),
                    MacAddress.parse(o.path("mac").asText()), IpAddresses.parse(o.path("vtep").asText()));
        } catch (java.io.IOException | RuntimeException e) {
            LOG.warn("cluster store: a peer of network {} that is no peer, left out: {}", networkId, e.getMessage());
            return null;
        }
    }

    private void write(Peer p) {
        store.put(key(p), encode(p), true);
    }

    @Override
    public void publish(Peer peer) {
        published.add(peer); // first: a lease renewed meanwhile writes it again
        try {
            write(peer);
        } catch (RuntimeException e) {
            published.remove(peer);
            throw e;
        }
    }

    /** One transaction for the endpoint's peers (IPv4 and IPv6), under way while the join works. */
    @Override
    public Publication publishAll(List<Peer> peers) {
        Map<String, byte[]> values = new LinkedHashMap<>();
        for (Peer p : peers) {
            values.put(key(p), encode(p));
        }
        published.addAll(peers); // first, as in publish
        EtcdStore.Pending write;
        try {
            write = store.putAllAsync(values, true);
        } catch (RuntimeException e) {
            published.removeAll(peers);
            throw e;
        }
        return () -> {
            try {
                write.await();
            } catch (RuntimeException e) {
                published.removeAll(peers);
                // an answer that did not come may still have been written: taken back while
                // the store can be reached, else it goes with the lease
                for (Peer p : peers) {
                    try {
                        store.deleteIf(key(p), encode(p));
                    } catch (RuntimeException w) {
                        e.addSuppressed(w);
                    }
                }
                throw e;
            }
        };
    }

    @Override
    public void withdraw(Peer peer) {
        published.remove(peer);
        store.deleteIf(key(peer), encode(peer));
    }

    @Override
    public Subscription watch(String networkId, Listener listener) {
        String prefix = prefix(networkId);
        Map<String, Peer> known = new ConcurrentHashMap<>();
        AutoCloseable w = store.watch(prefix, new EtcdStore.Watcher() {
            @Override
            public void snapshot(Map<String, byte[]> all) {
                known.clear();
                all.forEach((k, v) -> {
                    Peer p = decode(networkId, v);
                    if (p != null) {
                        known.put(k, p);
                    }
                });
                listener.snapshot(new HashSet<>(known.values()));
            }

            @Override
            public void put(String key, byte[] value) {
                Peer p = decode(networkId, value);
                if (p == null) {
                    return;
                }
                Peer old = known.put(key, p);
                if (old != null && !old.equals(p)) {
                    listener.removed(old); // the address moved to another endpoint or host
                }
                if (!p.equals(old)) {
                    listener.added(p);
                }
            }

            @Override
            public void deleted(String key) {
                Peer old = known.remove(key);
                if (old != null) {
                    listener.removed(old);
                }
            }
        });
        return () -> {
            try {
                w.close();
            } catch (Exception e) {
                LOG.debug("closing the peer watch of network {}: {}", networkId, e.toString());
            }
        };
    }
}
