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
import java.util.function.Consumer;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
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
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.RetryableException;

/**
 * One controller's connection to the cluster store: etcd 3, at the endpoints configured
 * ({@code etcd://IP:2379}), with a lease of this host's that etcd keeps while the host keeps
 * it alive. What a host publishes about itself (its endpoints as peers) is written under its
 * lease: when the host dies or is cut off, etcd deletes it after the lease's time to live, and
 * the other hosts' watches see it go.
 *
 * <p>Every call has a deadline; one that cannot reach etcd fails at once with a
 * {@link RetryableException} that names the store. Keys live under {@code /libnetwork4j/}.
 */
public final class EtcdStore implements AutoCloseable {
    /** Where every key of ours lives. */
    public static final String ROOT = "/libnetwork4j/";

    private static final Duration CALL = Duration.ofSeconds(5);

    private final String name;
    private final Client client;
    private final long lease;
    private final CloseableClient keepAlive;

    private EtcdStore(String name, Client client, long lease, CloseableClient keepAlive) {
        this.name = name;
        this.client = client;
        this.lease = lease;
        this.keepAlive = keepAlive;
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
        Client client = Client.builder().endpoints(urls).connectTimeout(CALL).build();
        try {
            long lease = await(name, "grant lease", client.getLeaseClient().grant(leaseTtl.toSeconds()))
                    .getID();
            CloseableClient keepAlive = client.getLeaseClient().keepAlive(lease, new StreamObserver<>() {
                @Override
                public void onNext(LeaseKeepAliveResponse r) {
                }

                @Override
                public void onError(Throwable t) {
                    // etcd unreachable for now: jetcd keeps trying; what it cannot keep, etcd expires
                }

                @Override
                public void onCompleted() {
                }
            });
            return new EtcdStore(name, client, lease, keepAlive);
        } catch (RuntimeException e) {
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
     * This host's lease.
     *
     * @return the lease's id
     */
    public long lease() {
        return lease;
    }

    /**
     * The value of a key.
     *
     * @param key the key, under {@link #ROOT}
     * @return its value, or empty if it has none
     */
    public Optional<byte[]> get(String key) {
        GetResponse r = await(name, "get " + key, client.getKVClient().get(bytes(key)));
        return r.getKvs().isEmpty() ? Optional.empty() : Optional.of(r.getKvs().get(0).getValue().getBytes());
    }

    /**
     * Every key under a prefix, in key order.
     *
     * @param prefix the prefix, under {@link #ROOT}
     * @return the keys and their values
     */
    public Map<String, byte[]> list(String prefix) {
        GetResponse r = await(name, "list " + prefix, client.getKVClient().get(bytes(prefix),
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
        TxnResponse r = await(name, "create " + key, client.getKVClient().txn()
                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.version(0)))
                .Then(Op.put(k, ByteSequence.from(value), putOption(leased))).commit());
        return r.isSucceeded();
    }

    /**
     * Writes a key, whatever it held.
     *
     * @param key    the key
     * @param value  its value
     * @param leased whether it goes with this host's lease
     */
    public void put(String key, byte[] value, boolean leased) {
        await(name, "put " + key, client.getKVClient().put(bytes(key), ByteSequence.from(value), putOption(leased)));
    }

    /**
     * Deletes a key only if it holds value (what this host wrote there).
     *
     * @param key   the key
     * @param value what it must hold
     * @return true if deleted
     */
    public boolean deleteIf(String key, byte[] value) {
        ByteSequence k = bytes(key);
        TxnResponse r = await(name, "delete " + key, client.getKVClient().txn()
                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.value(ByteSequence.from(value))))
                .Then(Op.delete(k, DeleteOption.DEFAULT)).commit());
        return r.isSucceeded();
    }

    /**
     * Deletes every key under a prefix.
     *
     * @param prefix the prefix
     * @return how many were deleted
     */
    public long deletePrefix(String prefix) {
        return await(name, "delete " + prefix, client.getKVClient().delete(bytes(prefix),
                DeleteOption.builder().isPrefix(true).build())).getDeleted();
    }

    /** A change under a watched prefix. */
    public record Change(String key, byte[] value, boolean deleted) {
    }

    /**
     * Watches a prefix: listener first gets every key there now (as puts), then each change
     * after that snapshot, in order, on one of the client's threads. When etcd comes back
     * after being away, the client resumes the watch from where it was; if that history is
     * compacted, listener gets the snapshot again, in full, after a change with a null key
     * (forget all).
     *
     * @param prefix   the prefix
     * @param listener what is told
     * @return closes the watch
     */
    public AutoCloseable watch(String prefix, Consumer<Change> listener) {
        GetResponse now = await(name, "list " + prefix, client.getKVClient().get(bytes(prefix),
                GetOption.builder().isPrefix(true).build()));
        for (KeyValue kv : now.getKvs()) {
            listener.accept(new Change(kv.getKey().toString(StandardCharsets.UTF_8), kv.getValue().getBytes(), false));
        }
        long next = now.getHeader().getRevision() + 1;
        Watch.Watcher w = client.getWatchClient().watch(bytes(prefix),
                WatchOption.builder().isPrefix(true).withRevision(next).build(), response -> {
                    for (WatchEvent e : response.getEvents()) {
                        KeyValue kv = e.getKeyValue();
                        boolean gone = e.getEventType() == WatchEvent.EventType.DELETE;
                        listener.accept(new Change(kv.getKey().toString(StandardCharsets.UTF_8),
                                gone ? null : kv.getValue().getBytes(), gone));
                    }
                });
        return w::close;
    }

    private PutOption putOption(boolean leased) {
        return leased ? PutOption.builder().withLeaseId(lease).build() : PutOption.DEFAULT;
    }

    static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    private static <T> T await(String name, String what, CompletableFuture<T> f) {
        try {
            return f.get(CALL.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new RetryableException("cluster store " + name + ": " + what + ": no answer within "
                    + CALL.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw new RetryableException("cluster store " + name + ": " + what + ": " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryableException("cluster store " + name + ": " + what + ": interrupted");
        }
    }

    /** Revokes the lease (this host's published keys go at once) and disconnects. */
    @Override
    public void close() {
        keepAlive.close();
        try {
            await(name, "revoke lease", client.getLeaseClient().revoke(lease));
        } catch (RetryableException unreachable) {
            // etcd expires the lease by itself
        } finally {
            client.close();
        }
    }
}
