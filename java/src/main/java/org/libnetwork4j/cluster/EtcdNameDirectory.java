package org.libnetwork4j.cluster;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.libnetwork4j.IpAddresses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The names of endpoints on networks that span hosts, for the other hosts' embedded DNS: each
 * joined endpoint is {@code /libnetwork4j/names/NETWORK/ENDPOINT}, written under its host's
 * lease (so a host that dies takes its names along after the lease's time to live) and
 * written again under a new lease when the old one was lost.
 */
public final class EtcdNameDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdNameDirectory.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = EtcdStore.ROOT + "names/";

    /**
     * An endpoint's names.
     *
     * @param networkId  its network
     * @param endpointId the endpoint
     * @param names      its names (container name first)
     * @param ipv4       its IPv4 address, or null
     * @param ipv6       its IPv6 address, or null
     * @param host       the host it is on (its advertise address)
     */
    public record Entry(String networkId, String endpointId, List<String> names, InetAddress ipv4, InetAddress ipv6,
            String host) {
        /**
         * Copies names.
         *
         * @param networkId  its network
         * @param endpointId the endpoint
         * @param names      its names, not null
         * @param ipv4       its IPv4 address, or null
         * @param ipv6       its IPv6 address, or null
         * @param host       its host
         */
        public Entry {
            names = List.copyOf(names);
        }
    }

    /** What a watch is told, in order, on the store's watch thread. */
    public interface Listener {
        /**
         * Every entry now; replaces all told before.
         *
         * @param all the entries
         */
        void snapshot(List<Entry> all);

        /**
         * An entry written.
         *
         * @param e the entry
         */
        void put(Entry e);

        /**
         * An entry gone.
         *
         * @param networkId  its network
         * @param endpointId its endpoint
         */
        void deleted(String networkId, String endpointId);
    }

    private static final int RETRIES = 30; // a second apart: what etcd away longer than that loses, a new lease brings back

    private final EtcdStore store;
    // by key, as written (the same entry encodes to the same bytes, which a withdrawal's
    // compare relies on)
    private final Map<String, Entry> published = new ConcurrentHashMap<>();
    // the last change of each key held back or on its way (one per key at a time: a
    // transaction may not name a key twice), until etcd answers it
    private final Map<String, EtcdStore.Later> pending = new ConcurrentHashMap<>();
    // What cannot ride in another write goes to the writer, one at a time, in order: a
    // publication tried again while etcd is away or under a new lease, a change that must
    // wait for the one before it on its key (the names reach the other hosts through a watch
    // anyway, some milliseconds later). Per key, how many of its tasks are queued or running:
    // while there is one, the key's next change goes there too, behind them.
    private final Map<String, Integer> onWriter = new ConcurrentHashMap<>();
    private final java.util.concurrent.ScheduledExecutorService writer =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "lnw-cluster-names");
                t.setDaemon(true);
                return t;
            });

    /**
     * Names through store.
     *
     * @param store the cluster store, open
     */
    public EtcdNameDirectory(EtcdStore store) {
        this.store = store;
        store.onNewLease(() -> published.forEach((k, v) -> onWriter(k, 0, () -> put(k, v, RETRIES))));
    }

    private static String key(String networkId, String endpointId) {
        return PREFIX + networkId + "/" + endpointId;
    }

    private static byte[] encode(Entry e) {
        ObjectNode o = JSON.createObjectNode();
        ArrayNode names = o.putArray("names");
        e.names().forEach(names::add);
        if (e.ipv4() != null) {
            o.put("ipv4", IpAddresses.format(e.ipv4()));
        }
        if (e.ipv6() != null) {
            o.put("ipv6", IpAddresses.format(e.ipv6()));
        }
        o.put("host", e.host());
        try {
            return JSON.writeValueAsBytes(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException impossible) {
            throw new IllegalStateException(impossible); // a tree of strings always writes
        }
    }

    /** Writes k under the lease while it is still published as e, trying again if etcd is away. */
    private void put(String k, Entry e, int tries) {
        if (published.get(k) != e) {
            return; // withdrawn or published anew meanwhile
        }
        try {
            store.put(k, encode(e), true);
        } catch (RuntimeException failed) {
            if (tries > 1 && !writer.isShutdown()) {
                onWriter(k, 1000, () -> put(k, e, tries - 1));
            } else {
                LOG.warn("cluster store: names {} not published: {}", k, failed.getMessage());
            }
        }
    }

    /**
     * Publishes an endpoint's names under this host's lease; returns at once. The write is
     * held back to go in the transaction of this host's next write (the endpoint's peer
     * publication, when the join is an overlay's), not in one of its own; one that fails is
     * tried again on the directory's thread. Behind a change of the key still on its way (a
     * withdrawal) it goes to that thread too, which waits for that one first.
     *
     * @param e the entry
     */
    public void publish(Entry e) {
        String k = key(e.networkId(), e.endpointId());
        published.put(k, e);
        if (!queuedBehind(k, takeBack(k), () -> put(k, e, RETRIES))) {
            track(k, store.putLater(k, encode(e), true), failed -> onWriter(k, 0, () -> put(k, e, RETRIES - 1)));
        }
    }

    /**
     * Withdraws an endpoint's names; returns at once. The delete is held back to go in the
     * transaction of this host's next write (the endpoint's peer withdrawal, when an overlay
     * endpoint leaves). A publication not sent yet is only taken back; behind one on its way,
     * or tried again, the delete goes to the directory's thread, which waits for it first, so
     * that the delete cannot overtake it.
     *
     * @param networkId  its network
     * @param endpointId the endpoint
     */
    public void withdraw(String networkId, String endpointId) {
        String k = key(networkId, endpointId);
        Entry e = published.remove(k);
        if (e == null) {
            return;
        }
        Before before = takeBack(k);
        boolean queued = queuedBehind(k, before, () -> {
            try {
                store.deleteIf(k, encode(e)); // what this host wrote, and only that
            } catch (RuntimeException failed) {
                // its host's lease takes it along if it dies; a live host's stays until then
                LOG.warn("cluster store: names {} not withdrawn: {}", k, failed.getMessage());
            }
        });
        if (!queued && !before.cancelled()) { // one never sent needs nothing taken back
            track(k, store.deleteIfLater(k, encode(e)), failed -> LOG.warn("cluster store: names {} not withdrawn: {}",
                    k, failed.getMessage()));
        }
    }

    /**
     * The key's last change before a new one: taken back if it was not sent (cancelled), the
     * one to wait for if it is on its way or failed (onItsWay), else none.
     */
    private record Before(boolean cancelled, EtcdStore.Later onItsWay) {
    }

    private Before takeBack(String k) {
        EtcdStore.Later b = pending.remove(k);
        boolean cancelled = b != null && b.cancel();
        return new Before(cancelled, b != null && !cancelled && !b.answered() ? b : null);
    }

    /**
     * Puts task on the writer, behind what is there for k and after the change before has
     * ended, if either is so; false if the key's new change may be held back instead.
     */
    private boolean queuedBehind(String k, Before before, Runnable task) {
        if (before.onItsWay() == null && !onWriter.containsKey(k)) {
            return false;
        }
        onWriter(k, 0, () -> {
            if (before.onItsWay() != null) {
                before.onItsWay().awaitQuietly();
            }
            task.run();
        });
        return true;
    }

    /** Keeps a change of k's in pending until etcd answers it; failed is told a failure. */
    private void track(String k, EtcdStore.Later change, java.util.function.Consumer<Throwable> failed) {
        pending.put(k, change);
        change.whenDone((made, e) -> {
            if (e != null) {
                failed.accept(e); // first: a retry on the writer is what the key's next change finds
            }
            pending.remove(k, change);
        });
    }

    /** Runs a task of k's on the writer after delayMs, counted in onWriter until it has run. */
    private void onWriter(String k, long delayMs, Runnable task) {
        onWriter.merge(k, 1, Integer::sum);
        try {
            writer.schedule(() -> {
                try {
                    task.run();
                } finally {
                    done(k);
                }
            }, delayMs, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            done(k); // closed: the lease keeps or expires what is there
        }
    }

    private void done(String k) {
        onWriter.computeIfPresent(k, (x, n) -> n == 1 ? null : n - 1);
    }

    /** Stops writing; what is queued is dropped (the lease keeps or expires it). */
    public void close() {
        writer.shutdownNow();
    }

    /** An entry as a host wrote it; null (and logged) for one that is none. */
    static Entry decode(String key, byte[] value) {
        try {
            String[] parts = key.substring(PREFIX.length()).split("/");
            JsonNode o = JSON.readTree(value);
            List<String> names = new ArrayList<>();
            o.path("names").forEach(n -> names.add(n.asText()));
            return new Entry(parts[0], parts[1], names,
                    o.hasNonNull("ipv4") ? IpAddresses.parse(o.get("ipv4").asText()) : null,
                    o.hasNonNull("ipv6") ? IpAddresses.parse(o.get("ipv6").asText()) : null, o.path("host").asText());
        } catch (java.io.IOException | RuntimeException e) {
            LOG.warn("cluster store: {} holds no names, left out: {}", key, e.getMessage());
            return null;
        }
    }

    /**
     * Watches every network's names.
     *
     * @param l what is told
     * @return closes the watch
     */
    public AutoCloseable watch(Listener l) {
        return store.watch(PREFIX, new EtcdStore.Watcher() {
            @Override
            public void snapshot(Map<String, byte[]> all) {
                List<Entry> entries = new ArrayList<>();
                all.forEach((k, v) -> {
                    Entry e = decode(k, v);
                    if (e != null) {
                        entries.add(e);
                    }
                });
                l.snapshot(entries);
            }

            @Override
            public void put(String key, byte[] value) {
                Entry e = decode(key, value);
                if (e != null) {
                    l.put(e);
                }
            }

            @Override
            public void deleted(String key) {
                String[] parts = key.substring(PREFIX.length()).split("/");
                if (parts.length == 2) {
                    l.deleted(parts[0], parts[1]);
                }
            }
        });
    }
}
