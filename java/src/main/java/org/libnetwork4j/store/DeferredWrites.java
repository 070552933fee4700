package org.libnetwork4j.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes to a {@link Store}, either made before the call returns ({@link #put},
 * {@link #update}, {@link #delete}) or allowed to follow it ({@link #putLater}): records that
 * recovery can derive from the kernel (a join whose interface carries its owner's id) need not
 * cost the caller a transaction. A deferred record goes into the next transaction, whoever
 * makes it, or, if none comes, into one of its own within {@link #FLUSH_MILLIS} ms, or at
 * {@link #close}. Order is kept: a later record of the same object replaces a pending one, and
 * every write takes the pending ones along first, so a deferred record never lands after a
 * newer write of its object.
 *
 * <p>The deferred writer polls instead of being woken, and {@link #putLater} never waits for
 * a transaction in progress (writes are ordered by a lock of their own): a caller that defers
 * must not pay the microseconds deferring saves. Thread-safe.
 */
public final class DeferredWrites implements AutoCloseable {
    /**
     * How long a deferred record may wait for a transaction to go along with: 20 ms, or the
     * system property {@code lnw.store.deferredFlushMillis} (for tests that kill a controller
     * between a call and its deferred record).
     */
    public static final long FLUSH_MILLIS = Long.getLong("lnw.store.deferredFlushMillis", 20);
    private static final Logger LOG = LoggerFactory.getLogger(DeferredWrites.class);

    private final Store store;
    /** Transactions one at a time, in the order they take the pending records. */
    private final ReentrantLock writing = new ReentrantLock();
    private final Map<Key, Supplier<StoredObject>> pending = new LinkedHashMap<>(); // guarded by itself
    private final ScheduledExecutorService flusher;
    private volatile boolean closed;

    /**
     * A pending record's object: its id's hash is the String's own, kept, where a "kind/id"
     * text would be built and hashed anew in every join.
     */
    private record Key(StoredObject.Kind kind, String id) {
    }

    /**
     * Deferred records written within {@link #FLUSH_MILLIS} ms by a thread of its own.
     *
     * @param store where the records go; closed by its owner, not by this
     */
    public DeferredWrites(Store store) {
        this(store, FLUSH_MILLIS);
    }

    /**
     * flushMillis 0: no thread; deferred records wait for the next write or {@link #flush}.
     *
     * @param store       where the records go; closed by its owner, not by this
     * @param flushMillis how long a deferred record may wait for another write, in
     *                    milliseconds; 0 (or less) for no deferred writer
     */
    public DeferredWrites(Store store, long flushMillis) {
        this.store = store;
        if (flushMillis > 0) {
            this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "lnw-deferred-writes");
                t.setDaemon(true);
                return t;
            });
            flusher.scheduleWithFixedDelay(this::flushQuietly, flushMillis, flushMillis, TimeUnit.MILLISECONDS);
        } else {
            this.flusher = null;
        }
    }

    /**
     * The store behind these writes.
     *
     * @return the store; writing to it directly skips the pending records
     */
    public Store store() {
        return store;
    }

    /**
     * Stores these, with whatever is pending, before returning.
     *
     * @param objects the records to store
     * @throws org.libnetwork4j.NetworkException as {@link #update}
     */
    public void put(StoredObject... objects) {
        update(Arrays.asList(objects), List.of());
    }

    /**
     * Removes these, with whatever is pending written first, before returning.
     *
     * @param objects the records to remove, by kind and id
     * @throws org.libnetwork4j.NetworkException as {@link #update}
     */
    public void delete(StoredObject... objects) {
        update(List.of(), Arrays.asList(objects));
    }

    /**
     * One transaction: the pending records (but those of objects deleted here), then put,
     * then delete. If it fails, the pending records wait for the next one.
     *
     * @param put    the records to store
     * @param delete the records to remove, by kind and id
     * @throws org.libnetwork4j.NetworkException if the store's transaction fails; nothing of
     *         put or delete is stored
     */
    public void update(List<StoredObject> put, List<StoredObject> delete) {
        writing.lock();
        try {
            List<StoredObject> drained = drain();
            List<StoredObject> all = new ArrayList<>(drained);
            all.removeIf(o -> delete.stream().anyMatch(d -> d.kind() == o.kind() && d.id().equals(o.id())));
            all.addAll(put);
            try {
                store.update(all, delete);
            } catch (RuntimeException e) {
                requeue(drained);
                throw e;
            }
        } finally {
            writing.unlock();
        }
    }

    /**
     * Stores a record of the object soon, after the caller has gone on; replaces a pending
     * record of the same object. The record is built when it is written, by whichever thread
     * writes it: record must read only what does not change (or the latest of what does).
     * Once this is closed, the record is written before this returns.
     *
     * @param kind   the object's kind
     * @param id     the object's id
     * @param record builds the record when it is written
     */
    public void putLater(StoredObject.Kind kind, String id, Supplier<StoredObject> record) {
        if (closed) {
            put(record.get());
            return;
        }
        synchronized (pending) {
            pending.put(new Key(kind, id), record);
        }
    }

    /**
     * Writes what is pending now.
     *
     * @throws org.libnetwork4j.NetworkException if the store's transaction fails; the records
     *         stay pending
     */
    public void flush() {
        writing.lock();
        try {
            List<StoredObject> drained = drain();
            if (drained.isEmpty()) {
                return;
            }
            try {
                store.update(drained, List.of());
            } catch (RuntimeException e) {
                requeue(drained);
                throw e;
            }
        } finally {
            writing.unlock();
        }
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            // kept pending for the next write; the caller of that one hears about it
            LOG.warn("deferred store write failed, kept for the next one: {}", e.toString());
        }
    }

    /** Takes the pending records, built now. Called holding {@link #writing}. */
    private List<StoredObject> drain() {
        List<Supplier<StoredObject>> taken;
        synchronized (pending) {
            taken = new ArrayList<>(pending.values());
            pending.clear();
        }
        List<StoredObject> all = new ArrayList<>(taken.size());
        taken.forEach(r -> all.add(r.get()));
        return all;
    }

    /** Puts back the records of a failed write, unless a newer one of the object came meanwhile. */
    private void requeue(List<StoredObject> drained) {
        synchronized (pending) {
            Map<Key, Supplier<StoredObject>> newer = new LinkedHashMap<>(pending);
            pending.clear();
            for (StoredObject o : drained) {
                pending.put(new Key(o.kind(), o.id()), () -> o);
            }
            pending.putAll(newer);
        }
    }

    /** Writes what is pending and stops the deferred writer; the store stays open. Idempotent. */
    @Override
    public void close() {
        if (flusher != null) {
            flusher.shutdownNow();
        }
        closed = true;
        flush();
    }
}
