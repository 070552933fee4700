package org.libnetwork4j.cluster;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.support.CloseableClient;
import io.etcd.jetcd.watch.WatchEvent;
import io.grpc.stub.StreamObserver;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.RetryableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One controller's connection to the cluster store: etcd 3, at the endpoints configured
 * ({@code etcd://IP:2379}), with a lease of this host's that etcd keeps while the host keeps
 * it alive. What a host publishes about itself (its endpoints as peers) is written under its
 * lease: when the host dies or is cut off, etcd deletes it after the lease's time to live, and
 * the other hosts' watches see it go.
 *
 * <p>Every call has a deadline; one that cannot reach etcd fails at once with a
 * {@link RetryableException} that names the store. Once a call found etcd away, the next ones
 * wait 500 ms at most, until one gets an answer (or the lease's keep-alive does); every 10 s
 * one waits the whole deadline again. Keys live under {@code /libnetwork4j/}.
 */
public final class EtcdStore implements AutoCloseable {
    /** Where every key of ours lives. */
    public static final String ROOT = "/libnetwork4j/";

    private static final Duration CALL = Duration.ofSeconds(5);
    /** A call's deadline while etcd is believed away (the last call had no answer). */
    private static final Duration AWAY = Duration.ofMillis(500);
    /** How long calls wait AWAY only before one waits CALL again. */
    private static final Duration PROBE = Duration.ofSeconds(10);
    /** How long a close waits for the changes it sends (a store away must not hold it up). */
    private static final long CLOSE_WAIT_MS = 2000;
    private static final Logger LOG = LoggerFactory.getLogger(EtcdStore.class);

    private final String name;
    private final Client client;
    private final long ttlSeconds;
    private final List<Runnable> onNewLease = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.concurrent.ScheduledExecutorService retries =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "lnw-cluster-retry");
                t.setDaemon(true);
                return t;
            });
    // Watchers are told here, one change at a time in order: never on the client's event
    // loop, where a watcher that asks etcd something would wait for itself (and hold up the
    // lease's keep-alive until the lease is lost).
    private final java.util.concurrent.ExecutorService watchers =
            java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "lnw-cluster-watch");
                t.setDaemon(true);
                return t;
            });
    private volatile long lease;
    private final java.util.concurrent.atomic.AtomicBoolean renewing = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile CloseableClient keepAlive;
    private volatile boolean closed;
    private volatile long awaySince; // 0 while etcd answers
    private final HeldBack heldBack;

    private EtcdStore(String name, Client client, long ttlSeconds) {
        this.name = name;
        this.client = client;
        this.ttlSeconds = ttlSeconds;
        this.heldBack = new HeldBack(client.getKVClient(), retries);
    }

    /**
     * Takes a new lease and keeps it alive. When the keep-alive stream ends (etcd was away
     * longer than the lease's time to live, or cut off from this host), the lease is gone and
     * so is everything published under it: a new one is taken, as soon as etcd answers, and
     * those who publish are told to publish again ({@link #onNewLease}).
     */
    private void takeLease() {
        long id = await("grant lease", client.getLeaseClient().grant(ttlSeconds), true).getID();
        lease = id;
        keepAlive = client.getLeaseClient().keepAlive(id, new StreamObserver<>() {
            @Override
            public void onNext(LeaseKeepAliveResponse r) {
                if (r.getTTL() <= 0) {
                    lost(id); // etcd says the lease is gone
                } else {
                    awaySince = 0; // etcd answers again
                }
            }

            // jetcd reports a broken keep-alive stream to every lease's observer and keeps the
            // leases, sending again on a new stream half a second later: that is no loss, and
            // taking a new lease for it rewrote everything this host published, once per
            // report while etcd was away. Lost is what jetcd gives up on: a lease etcd says it
            // does not know (an error, not found), or one not renewed within its time to live
            // (the end of the stream, from jetcd's deadline check).
            @Override
            public void onError(Throwable t) {
                if (t instanceof EtcdException e && e.getErrorCode() == ErrorCode.NOT_FOUND) {
                    lost(id);
                }
            }

            @Override
            public void onCompleted() {
                lost(id);
            }
        });
    }

    private void lost(long id) {
        if (closed || lease != id || !renewing.compareAndSet(false, true)) {
            return; // one renewal at a time, each retried until etcd grants a lease
        }
        LOG.warn("cluster store {}: this host's lease {} is lost: taking a new one", name, id);
        retries.schedule(this::renew, 1, TimeUnit.SECONDS);
    }

    private void renew() {
        if (closed) {
            return;
        }
        try {
            CloseableClient old = keepAlive;
            takeLease();
            old.close();
        } catch (RuntimeException e) {
            retries.schedule(this::renew, 1, TimeUnit.SECONDS); // etcd still away
            return;
        }
        renewing.set(false); // the new lease's loss, from here on, is a loss again
        LOG.info("cluster store {}: new lease {}: publishing again", name, lease);
        // each publisher on its own: one that fails must not cost the others, nor another lease
        for (Runnable hook : onNewLease) {
            try {
                hook.run();
            } catch (RuntimeException e) {
                LOG.warn("cluster store {}: publishing again under lease {} failed: {}", name, lease, e.getMessage());
            }
        }
    }

    /**
     * Runs hook each time this host's lease had to be taken anew, after which what was
     * published under the old one is gone from etcd.
     *
     * @param hook what publishes again
     */
    public void onNewLease(Runnable hook) {
        onNewLease.add(hook);
    }

    /**
     * Connects, and takes a lease for this host that is kept alive until {@link #close}.
     *
     * @param endpoints the store, {@code etcd://HOST:PORT} each (one suffices; more for a
     *                  cluster of etcds)
     * @param leaseTtl  how long etcd keeps this host's published keys once it stops hearing
     *                  from it (at least 2 s)
     * @return the connection
     * @throws InvalidParameterException naming an endpoint that is not {@code etcd://HOST:PORT}
     * @throws RetryableException        if etcd cannot be reached within 5 s
     */
    public static EtcdStore connect(List<URI> endpoints, Duration leaseTtl) {
        if (endpoints.isEmpty()) {
            throw new InvalidParameterException("cluster store: no etcd endpoint");
        }
        if (leaseTtl.toSeconds() < 2) {
            throw new InvalidParameterException("cluster store: lease time to live " + leaseTtl + " is under 2 s");
        }
        String[] urls = new String[endpoints.size()];
        for (int i = 0; i < urls.length; i++) {
            URI u = endpoints.get(i);
            if (!"etcd".equals(u.getScheme()) || u.getHost() == null || u.getPort() < 1) {
                throw new InvalidParameterException("cluster store: \"" + u + "\" is not etcd://HOST:PORT");
            }
            urls[i] = "http://" + u.getHost() + ":" + u.getPort();
        }
        String name = "etcd " + String.join(",", urls);
        // The Vert.x jetcd would make for itself keeps a file cache directory in
        // java.io.tmpdir (vertx-cache-UUID) that only a normal exit removes: every daemon with a
        // cluster store that was killed left one. Nothing is served from files through it, so
        // this one has no cache; daemon threads as jetcd's own; jetcd closes it with the client.
        Vertx vertx = Vertx.vertx(new VertxOptions().setUseDaemonThread(true).setFileSystemOptions(
                new FileSystemOptions().setFileCachingEnabled(false).setClassPathResolvingEnabled(false)));
        Client client;
        try {
            client = Client.builder().endpoints(urls).connectTimeout(CALL).vertx(vertx).build();
        } catch (RuntimeException e) {
            vertx.close();
            throw e;
        }
        EtcdStore store = new EtcdStore(name, client, leaseTtl.toSeconds());
        try {
            store.takeLease();
            return store;
        } catch (RuntimeException e) {
            store.closed = true;
            store.retries.shutdownNow();
            client.close();
            throw e;
        }
    }

    /**
     * Which store this is, for messages.
     *
     * @return {@code etcd http://HOST:PORT,...}
     */
    public String name() {
        return name;
    }

    /**
     * The value of a key.
     *
     * @param key the key, under {@link #ROOT}
     * @return its value, or empty if it has none
     */
    public Optional<byte[]> get(String key) {
        GetResponse r = await("get " + key, client.getKVClient().get(bytes(key)));
        return r.getKvs().isEmpty() ? Optional.empty() : Optional.of(r.getKvs().get(0).getValue().getBytes());
    }

    /**
     * Every key under a prefix, in key order.
     *
     * @param prefix the prefix, under {@link #ROOT}
     * @return the keys and their values
     */
    public Map<String, byte[]> list(String prefix) {
        GetResponse r = await("list " + prefix, client.getKVClient().get(bytes(prefix),
                GetOption.builder().isPrefix(true).withSortField(GetOption.SortTarget.KEY).build()));
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (KeyValue kv : r.getKvs()) {
            m.put(kv.getKey().toString(StandardCharsets.UTF_8), kv.getValue().getBytes());
        }
        return m;
    }

    /**
     * Writes a key only if it has no value: the one way a decision is taken across hosts (an
     * address, a VNI), as one etcd transaction.
     *
     * @param key    the key
     * @param value  its value
     * @param leased whether it goes with this host's lease
     * @return true if written, false if the key had a value already
     */
    public boolean create(String key, byte[] value, boolean leased) {
        ByteSequence k = bytes(key);
        TxnResponse r = await("create " + key, client.getKVClient().txn()
                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.version(0)))
                .Then(Op.put(k, ByteSequence.from(value), putOption(leased))).commit());
        return r.isSucceeded();
    }

    /**
     * The keys under a prefix, without their values.
     *
     * @param prefix the prefix, under {@link #ROOT}
     * @return the keys
     */
    public java.util.Set<String> keys(String prefix) {
        GetResponse r = await("list " + prefix, client.getKVClient().get(bytes(prefix), keysOnly()));
        return keySet(r);
    }

    /**
     * What {@link #createAllOrKeys} did.
     *
     * @param created whether the keys were written
     * @param keys    if it was not: every key under the prefix, as etcd held them then
     */
    public record Claim(boolean created, java.util.Set<String> keys) {
    }

    /**
     * Writes keys, each with its own value, only if none has a value, in one transaction; if
     * one has, writes none and reads the keys under prefix in the same transaction: who tried
     * values believed free and lost learns what is taken without another round trip.
     *
     * @param values the keys, under prefix, and their values
     * @param leased whether they go with this host's lease
     * @param prefix what to list if a key is taken
     * @return whether they were written, or the keys
     */
    public Claim createAllOrKeys(Map<String, byte[]> values, boolean leased, String prefix) {
        Cmp[] none = new Cmp[values.size()];
        Op[] puts = new Op[values.size()];
        int i = 0;
        for (Map.Entry<String, byte[]> e : values.entrySet()) {
            ByteSequence k = bytes(e.getKey());
            none[i] = new Cmp(k, Cmp.Op.EQUAL, CmpTarget.version(0));
            puts[i++] = Op.put(k, ByteSequence.from(e.getValue()), putOption(leased));
        }
        TxnResponse r = await("create " + String.join(", ", values.keySet()), client.getKVClient().txn()
                .If(none).Then(puts).Else(Op.get(bytes(prefix), keysOnly())).commit());
        if (r.isSucceeded()) {
            return new Claim(true, java.util.Set.of());
        }
        return new Claim(false, r.getGetResponses().isEmpty() ? java.util.Set.of() : keySet(r.getGetResponses().get(0)));
    }

    private static GetOption keysOnly() {
        return GetOption.builder().isPrefix(true).withKeysOnly(true).build();
    }

    private static java.util.Set<String> keySet(GetResponse r) {
        java.util.Set<String> keys = new java.util.HashSet<>(r.getKvs().size() * 2);
        for (KeyValue kv : r.getKvs()) {
            keys.add(kv.getKey().toString(StandardCharsets.UTF_8));
        }
        return keys;
    }

    /**
     * Writes a key, whatever it held.
     *
     * @param key    the key
     * @param value  its value
     * @param leased whether it goes with this host's lease
     */
    public void put(String key, byte[] value, boolean leased) {
        await("put " + key, client.getKVClient().put(bytes(key), ByteSequence.from(value), putOption(leased)));
    }

    /**
     * Starts writing keys in one transaction (all or none), whatever they held, and returns
     * without waiting for etcd: the caller works meanwhile and then awaits the answer. The
     * changes held back ({@link #replaceIfLater}, {@link #putLater}, {@link #deleteIfLater})
     * go in the same transaction, except one on a key of values, which waits for the next
     * write.
     *
     * @param values the keys and their values
     * @param leased whether they go with this host's lease
     * @return the write under way: its await throws a {@link RetryableException} naming the
     *         store if it failed or had no answer in time
     */
    public Pending putAllAsync(Map<String, byte[]> values, boolean leased) {
        Op[] puts = new Op[values.size()];
        List<ByteSequence> keys = new java.util.ArrayList<>(values.size());
        for (Map.Entry<String, byte[]> e : values.entrySet()) {
            ByteSequence k = bytes(e.getKey());
            puts[keys.size()] = Op.put(k, ByteSequence.from(e.getValue()), putOption(leased));
            keys.add(k);
        }
        String what = "put " + String.join(", ", values.keySet());
        CompletableFuture<TxnResponse> f = heldBack.commitWith(puts, keys);
        return () -> await(what, f);
    }

    /**
     * Replaces a key's value only if it holds expected, held back to go in the transaction of
     * the next write (an endpoint's publication, when it joins), so that it costs no
     * transaction of its own; sent alone if none comes within 20 ms, or when awaited first.
     * Made again after it took effect, it succeeds: a caller that did not see the first answer
     * can make sure.
     *
     * @param key      the key
     * @param expected what it must hold
     * @param value    its new value (not leased)
     * @return the change: its await sends it if it is still held back, and throws a
     *         {@link RetryableException} naming the store if etcd could not be asked, a
     *         {@link org.libnetwork4j.NotFoundException} if the key held neither expected nor
     *         value (nothing was written)
     */
    public Later replaceIfLater(String key, byte[] expected, byte[] value) {
        return new Later("replace " + key, heldBack.hold(bytes(key), ByteSequence.from(expected),
                ByteSequence.from(value), PutOption.DEFAULT), true, () -> key + " holds neither "
                        + new String(expected, StandardCharsets.UTF_8) + " nor "
                        + new String(value, StandardCharsets.UTF_8));
    }

    /**
     * Writes a key, whatever it held, with the next write (in its transaction), or alone
     * within 20 ms; returns at once.
     *
     * @param key    the key
     * @param value  its value
     * @param leased whether it goes with this host's lease
     * @return the write: its await waits for it (without sending it sooner), and throws a
     *         {@link RetryableException} naming the store if it failed or had no answer
     */
    public Later putLater(String key, byte[] value, boolean leased) {
        return new Later("put " + key, heldBack.hold(bytes(key), null, ByteSequence.from(value), putOption(leased)),
                false, null);
    }

    /**
     * Deletes a key if it holds value (what this host wrote there), with the next write (in
     * its transaction), or alone within 20 ms; returns at once.
     *
     * @param key   the key
     * @param value what it must hold
     * @return the delete: its await waits for it (without sending it sooner), and throws a
     *         {@link RetryableException} naming the store if it failed or had no answer, a
     *         {@link org.libnetwork4j.NotFoundException} if the key held another value (nothing
     *         was deleted)
     */
    public Later deleteIfLater(String key, byte[] value) {
        return new Later("delete " + key, heldBack.hold(bytes(key), ByteSequence.from(value), null, null), false,
                () -> key + " holds another value than " + new String(value, StandardCharsets.UTF_8));
    }

    /** A write under way ({@link #putAllAsync}). */
    public interface Pending {
        /**
         * Waits for etcd's answer.
         *
         * @throws RetryableException naming the store if the write failed or had no answer
         */
        void await();
    }

    /** A change held back to go with the next write ({@link #putLater} and its kind). */
    public final class Later implements Pending {
        private final String what;
        private final HeldBack.Change change;
        private final boolean sendOnAwait;
        private final java.util.function.Supplier<String> refused; // null: cannot be refused

        private Later(String what, HeldBack.Change change, boolean sendOnAwait,
                java.util.function.Supplier<String> refused) {
            this.what = what;
            this.change = change;
            this.sendOnAwait = sendOnAwait;
            this.refused = refused;
        }

        @Override
        public void await() {
            if (sendOnAwait) {
                heldBack.sendNow(change); // if it is still held back, it goes now, alone
            }
            // a copy: a timeout cancels what it waits on
            if (!EtcdStore.this.await(what, change.result.copy()) && refused != null) {
                throw new org.libnetwork4j.NotFoundException(refused.get() + " (" + name + ")");
            }
        }

        /**
         * As {@link #await}, for a caller that only needs it over with, whatever came of it.
         *
         * @return true if etcd answered (the change made, or refused), false if it failed or
         *         had no answer in time (it may still be made later)
         */
        public boolean awaitQuietly() {
            try {
                await();
                return true;
            } catch (org.libnetwork4j.NotFoundException notMade) {
                return true; // etcd answered: the key held something else
            } catch (RuntimeException unknown) {
                return false;
            }
        }

        /**
         * Takes the change back if it has not been sent yet. One taken back is not to be
         * awaited: it never completes.
         *
         * @return true if it never will be sent; false if it was (await tells how it went)
         */
        public boolean cancel() {
            return heldBack.cancel(change);
        }

        /**
         * Runs r once etcd has answered, or the change has failed (etcd not asked, or no
         * answer), on the thread that learns it: r must not block.
         *
         * @param r what to do then, told whether the change was made (or found made; null if
         *          it failed) and the failure (null if etcd answered)
         */
        public void whenDone(java.util.function.BiConsumer<Boolean, Throwable> r) {
            change.result.whenComplete(r);
        }

        /**
         * Whether etcd has answered.
         *
         * @return true once it did (whatever the answer); false while the change is held back
         *         or on its way, or if it failed
         */
        public boolean answered() {
            return change.result.isDone() && !change.result.isCompletedExceptionally();
        }
    }

    /**
     * Deletes a key only if it holds value (what this host wrote there), taking along what is
     * held back (as {@link #putAllAsync}).
     *
     * @param key   the key
     * @param value what it must hold
     * @return true if deleted
     */
    public boolean deleteIf(String key, byte[] value) {
        ByteSequence k = bytes(key);
        Cmp holds = new Cmp(k, Cmp.Op.EQUAL, CmpTarget.value(ByteSequence.from(value)));
        Op delete = Op.delete(k, DeleteOption.DEFAULT);
        TxnResponse r = await("delete " + key, heldBack.commitWith(List.of(holds), new Op[] {delete}, List.of(k),
                () -> client.getKVClient().txn().If(holds).Then(delete).commit()));
        return r.isSucceeded();
    }

    /**
     * Deletes every key under a prefix.
     *
     * @param prefix the prefix
     * @return how many were deleted
     */
    public long deletePrefix(String prefix) {
        return await("delete " + prefix, client.getKVClient().delete(bytes(prefix),
                DeleteOption.builder().isPrefix(true).build())).getDeleted();
    }

    /** What a watch is told. */
    public interface Watcher {
        /**
         * Everything under the prefix now: at the start, and again after a watch that broke
         * (etcd away, its history compacted) is made anew; replaces all that was told before.
         *
         * @param all the keys and their values
         */
        void snapshot(Map<String, byte[]> all);

        /**
         * A key written.
         *
         * @param key   the key
         * @param value its value
         */
        void put(String key, byte[] value);

        /**
         * A key deleted (by its owner, or by etcd with its owner's lease).
         *
         * @param key the key
         */
        void deleted(String key);
    }

    /**
     * Watches a prefix: watcher gets a snapshot, then each change after it, in order, on a
     * thread of this store's that may call etcd (not the client's event loop). If the watch breaks (etcd away past what the client resumes),
     * it is made again once etcd answers: a new snapshot first, so no stale key survives.
     *
     * @param prefix  the prefix
     * @param watcher what is told
     * @return closes the watch
     * @throws RetryableException if etcd cannot be reached for the first snapshot
     */
    public AutoCloseable watch(String prefix, Watcher watcher) {
        Resyncing w = new Resyncing(prefix, watcher);
        w.start();
        return w;
    }

    private final class Resyncing implements AutoCloseable {
        private final String prefix;
        private final Watcher watcher;
        private volatile Watch.Watcher current;
        private volatile boolean stopped;
        // Which watch is current: jetcd tells a watch's listener of its end when it is closed,
        // and the resync closes the broken one once the new one is made; taken for a break,
        // that end made the next resync, which closed the watch before it, and so on, once a
        // second for as long as the store was open. Only the current watch's breaks count.
        private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();
        // one resync at a time: a watch that breaks for good reports an error, then its end
        private final java.util.concurrent.atomic.AtomicBoolean resyncing =
                new java.util.concurrent.atomic.AtomicBoolean();

        Resyncing(String prefix, Watcher watcher) {
            this.prefix = prefix;
            this.watcher = watcher;
        }

        void start() {
            GetResponse now = await("list " + prefix, client.getKVClient().get(bytes(prefix),
                    GetOption.builder().isPrefix(true).build()));
            Map<String, byte[]> all = new LinkedHashMap<>();
            for (KeyValue kv : now.getKvs()) {
                all.put(kv.getKey().toString(StandardCharsets.UTF_8), kv.getValue().getBytes());
            }
            deliver(() -> watcher.snapshot(all));
            long next = now.getHeader().getRevision() + 1;
            long mine = generation.incrementAndGet();
            current = client.getWatchClient().watch(bytes(prefix),
                    WatchOption.builder().isPrefix(true).withRevision(next).build(), Watch.listener(response -> {
                        for (WatchEvent e : response.getEvents()) {
                            KeyValue kv = e.getKeyValue();
                            String key = kv.getKey().toString(StandardCharsets.UTF_8);
                            if (e.getEventType() == WatchEvent.EventType.DELETE) {
                                deliver(() -> watcher.deleted(key));
                            } else {
                                byte[] value = kv.getValue().getBytes();
                                deliver(() -> watcher.put(key, value));
                            }
                        }
                    }, error -> brokeIf(mine), () -> brokeIf(mine)));
            if (stopped) {
                // closed while this one was being made: close() closed the one before it (or
                // none), and this one would stay open, unheard, until the store closes
                current.close();
            }
        }

        private void brokeIf(long which) {
            if (which == generation.get()) {
                again();
            }
        }

        private void deliver(Runnable r) {
            if (stopped || closed) {
                return;
            }
            watchers.execute(() -> {
                if (stopped || closed) {
                    return;
                }
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.warn("cluster store {}: a watcher of {} failed: {}", name, prefix, e.toString());
                }
            });
        }

        private void again() {
            if (stopped || closed || !resyncing.compareAndSet(false, true)) {
                return;
            }
            retries.schedule(() -> {
                resyncing.set(false); // a break from here on is the new watch's, or this one's failure
                if (stopped || closed) {
                    return;
                }
                try {
                    Watch.Watcher old = current;
                    start();
                    if (old != null) {
                        old.close();
                    }
                } catch (RuntimeException e) {
                    again(); // etcd still away
                }
            }, 1, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            stopped = true;
            if (current != null) {
                current.close();
            }
        }
    }

    private PutOption putOption(boolean leased) {
        return leased ? PutOption.builder().withLeaseId(lease).build() : PutOption.DEFAULT;
    }

    static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    private <T> T await(String what, CompletableFuture<T> f) {
        return await(what, f, false);
    }

    /**
     * Waits for a call's answer. Once a call found etcd away, the next ones wait 500 ms only,
     * until one gets an answer: an operation that makes several calls (a publication and its
     * cleanup, an address's hand-over) fails in one deadline, not one per call. Every 10 s of
     * that, one call (and every lease grant: full) gets the whole deadline again, so that an
     * etcd that answers slowly, but answers, is heard.
     */
    private <T> T await(String what, CompletableFuture<T> f, boolean full) {
        long since = awaySince;
        boolean shortWait = !full && since != 0 && System.nanoTime() - since < PROBE.toNanos();
        long wait = shortWait ? AWAY.toMillis() : CALL.toMillis();
        try {
            T r = f.get(wait, TimeUnit.MILLISECONDS);
            awaySince = 0;
            return r;
        } catch (TimeoutException e) {
            f.cancel(true);
            away(!shortWait);
            throw new RetryableException("cluster store " + name + ": " + what + ": no answer within "
                    + (wait >= 1000 ? wait / 1000 + " s" : wait + " ms"));
        } catch (java.util.concurrent.CancellationException e) {
            throw new RetryableException("cluster store " + name + ": " + what + ": given up");
        } catch (ExecutionException e) {
            if (answered(e.getCause())) {
                awaySince = 0; // etcd is there: it said no
            } else {
                away(!shortWait);
            }
            throw new RetryableException("cluster store " + name + ": " + what + ": " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryableException("cluster store " + name + ": " + what + ": interrupted");
        }
    }

    /**
     * Whether a call's failure is etcd's own answer (a request too large, a lease it does not
     * know, a revision compacted, ...) rather than no answer: one that says etcd is there, so
     * that the calls after it are not cut to {@link #AWAY} as if it were away.
     */
    static boolean answered(Throwable t) {
        // jetcd hands some failures on as its own exception, others as gRPC's; the codes are
        // gRPC's in both
        String code;
        if (t instanceof EtcdException e) {
            code = e.getErrorCode().name();
        } else if (t instanceof io.grpc.StatusRuntimeException e) {
            code = e.getStatus().getCode().name();
        } else if (t instanceof io.grpc.StatusException e) {
            code = e.getStatus().getCode().name();
        } else {
            return false;
        }
        return switch (code) {
            case "INVALID_ARGUMENT", "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED",
                    "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "UNAUTHENTICATED" -> true;
            default -> false; // UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED, UNKNOWN, INTERNAL, ...
        };
    }

    /** A call failed: etcd is away from now, or still, after a call that waited it out. */
    private void away(boolean afterFullWait) {
        if (awaySince == 0 || afterFullWait) {
            awaySince = System.nanoTime() | 1;
        }
    }

    /**
     * Disconnects. The lease is not revoked: what this host published stays for the lease's
     * time to live, so that a controller restarted within it (which publishes again under a
     * lease of its own) interrupts no traffic; a host gone for good drops out after it.
     */
    @Override
    public void close() {
        // Changes held back for the next write (a spare given back, names withdrawn) have no
        // next write now, and the timer that would send them alone stops here: sent first,
        // or etcd would keep an address as this host's endpoint's after a clean close.
        heldBack.sendAllNow(CLOSE_WAIT_MS);
        closed = true;
        retries.shutdownNow();
        watchers.shutdownNow();
        keepAlive.close();
        client.close();
    }
}
