package org.libnetwork4j.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Store} whose writes are either made before the call returns ({@link #put},
 * {@link #update}, {@link #delete}) or allowed to follow it ({@link #putLater}): records that
 * recovery can derive from the kernel (a join whose interface carries its owner's id) need not
 * cost the caller a transaction. A deferred record goes into the next transaction, whoever
 * makes it, or, if none comes, into one of its own within {@link #FLUSH_MILLIS} ms, or at
 * {@link #close}. Order is kept: a later record of the same object replaces a pending one, and
 * every write takes the pending ones along first, so a deferred record never lands after a
 * newer write of its object.
 *
 * <p>The deferred writer polls instead of being woken: waking a thread would cost the caller
 * the very microseconds deferring saves. Thread-safe.
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
    private final Map<String, Supplier<StoredObject>> pending = new LinkedHashMap<>(); // guarded by this
    private final ScheduledExecutorService flusher;
    private boolean closed; // guarded by this

    public DeferredWrites(Store store) {
        this.store = store;
        this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lnw-deferred-writes");
            t.setDaemon(true);
            return t;
        });
        flusher.scheduleWithFixedDelay(this::flushQuietly, FLUSH_MILLIS, FLUSH_MILLIS, TimeUnit.MILLISECONDS);
    }

    public Store store() {
        return store;
    }

    /** Stores these, with whatever is pending, before returning. */
    public void put(StoredObject... objects) {
        update(Arrays.asList(objects), List.of());
    }

    /** Removes these, with whatever is pending written first, before returning. */
    public void delete(StoredObject... objects) {
        update(List.of(), Arrays.asList(objects));
    }

    /** One transaction: the pending records, then put, then delete. */
    public synchronized void update(List<StoredObject> put, List<StoredObject> delete) {
        List<StoredObject> all = drain();
        all.addAll(put);
        List<StoredObject> gone = new ArrayList<>(delete);
        // a deferred record of an object deleted now is not written at all
        all.removeIf(o -> gone.stream().anyMatch(d -> d.kind() == o.kind() && d.id().equals(o.id())));
        try {
            store.update(all, gone);
        } catch (RuntimeException e) {
            requeue(all, put);
            throw e;
        }
    }

    /**
     * Stores a record of the object soon, after the caller has gone on; replaces a pending
     * record of the same object. The record is built when it is written, by whichever thread
     * writes it: record must read only what does not change (or the latest of what does).
     */
    public synchronized void putLater(StoredObject.Kind kind, String id, Supplier<StoredObject> record) {
        if (closed) {
            store.put(record.get());
            return;
        }
        pending.put(kind + "/" + id, record);
    }

    /** Writes what is pending now. */
    public synchronized void flush() {
        if (!pending.isEmpty()) {
            List<StoredObject> all = drain();
            try {
                store.update(all, List.of());
            } catch (RuntimeException e) {
                requeue(all, List.of());
                throw e;
            }
        }
    }

    /** How many records wait to be written. */
    public synchronized int pending() {
        return pending.size();
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            // kept pending for the next write; the caller of that one hears about it
            LOG.warn("deferred store write failed, kept for the next one: {}", e.toString());
        }
    }

    private List<StoredObject> drain() {
        List<StoredObject> all = new ArrayList<>(pending.size());
        pending.values().forEach(r -> all.add(r.get()));
        pending.clear();
        return all;
    }

    /** Puts back the deferred records of a failed write (not the caller's own). */
    private void requeue(List<StoredObject> tried, List<StoredObject> own) {
        for (StoredObject o : tried) {
            if (!own.contains(o)) {
                pending.putIfAbsent(o.kind() + "/" + o.id(), () -> o);
            }
        }
    }

    /** Writes what is pending and stops the deferred writer; the store stays open. Idempotent. */
    @Override
    public void close() {
        flusher.shutdownNow();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            flush();
        }
    }
}
