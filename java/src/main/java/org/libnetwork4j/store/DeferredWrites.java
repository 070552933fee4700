package org.libnetwork4j.store;

import java.io.IOException;
import java.nio.file.Path;
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

import org.libnetwork4j.InternalException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes to a {@link Store}, either made durable before the call returns ({@link #put},
 * {@link #update}, {@link #delete}) or allowed to follow it ({@link #putLater}): records that
 * recovery can derive from the kernel (a join whose interface carries its owner's id) need not
 * cost the caller anything. A deferred record goes into the next transaction, whoever makes
 * it, or, if none comes, into one of its own within {@link #FLUSH_MILLIS} ms, or at
 * {@link #close}. Order is kept: a later record of the same object replaces a pending one, and
 * every transaction takes the pending ones along first, so a deferred record never lands after
 * a newer write of its object.
 *
 * <p>With a journal ({@link #DeferredWrites(Store, Path, long)}), a write is durable without a
 * transaction: its records are appended to the journal, one write, and wait with the deferred
 * ones for the next transaction, which stores the sequence number of the last entry it covers
 * ({@link Store#journalMark}). Every write goes through the journal, deletes too: the journal
 * and the database reach the disk in no fixed order, and a power cut must leave a store that
 * lost only its last writes, never a delete and not the put after it. When the store holds
 * every entry, the journal is cut back to nothing; a write that finds it over
 * {@link #JOURNAL_LIMIT} bytes makes a transaction instead, which lets it be cut. At open, the
 * entries that follow the store's mark without a gap are written to the store before anyone
 * reads it.
 *
 * <p>The deferred writer polls instead of being woken, and no journaled write waits for a
 * transaction in progress (transactions are ordered by a lock of their own; appends, and
 * {@link #putLater}, by the pending records' lock): a caller must not pay the microseconds the
 * journal saves. Thread-safe.
 */
public final class DeferredWrites implements AutoCloseable {
    /**
     * How long a deferred record may wait for a transaction to go along with: 20 ms, or the
     * system property {@code lnw.store.deferredFlushMillis} (for tests that kill a controller
     * between a call and its deferred record).
     */
    public static final long FLUSH_MILLIS = Long.getLong("lnw.store.deferredFlushMillis", 20);
    /**
     * A journal this long is caught up by the next write's own transaction: 1 MiB, or the
     * system property {@code lnw.store.journalLimit} (for tests that need a write to make a
     * transaction while the deferred writer is held back).
     */
    static final long JOURNAL_LIMIT = Long.getLong("lnw.store.journalLimit", 1 << 20);
    private static final Logger LOG = LoggerFactory.getLogger(DeferredWrites.class);

    private final Store store;
    /** Transactions one at a time, in the order they take the pending records. */
    private final ReentrantLock writing = new ReentrantLock();
    private final Map<Key, Pending> pending = new LinkedHashMap<>(); // guarded by itself
    private final ScheduledExecutorService flusher;
    private volatile boolean closed;
    /** Null: writes are transactions. Guarded by {@link #pending}. */
    private Journal journal;
    /** The last journal entry's sequence number. Guarded by {@link #pending}. */
    private long appended;
    /** The store's journal mark, as last written. Guarded by {@link #writing}. */
    private long marked;

    /**
     * A pending record's object: its id's hash is the String's own, kept, where a "kind/id"
     * text would be built and hashed anew in every join.
     */
    private record Key(StoredObject.Kind kind, String id) {
        static Key of(StoredObject o) {
            return new Key(o.kind(), o.id());
        }
    }

    /** A record to store, built when it is written, or to remove. */
    private record Pending(Supplier<StoredObject> record, boolean delete) {
        static Pending put(StoredObject o) {
            return new Pending(() -> o, false);
        }

        static Pending delete(StoredObject o) {
            return new Pending(() -> o, true);
        }
    }

    /** What a transaction takes along: the pending records, and the last entry they cover. */
    private record Taken(Map<Key, Pending> records, long mark) {
    }

    /**
     * Deferred records written within {@link #FLUSH_MILLIS} ms by a thread of its own; no
     * journal.
     *
     * @param store where the records go; closed by its owner, not by this
     */
    public DeferredWrites(Store store) {
        this(store, FLUSH_MILLIS);
    }

    /**
     * No journal. flushMillis 0: no thread; deferred records wait for the next write or
     * {@link #flush}.
     *
     * @param store       where the records go; closed by its owner, not by this
     * @param flushMillis how long a deferred record may wait for another write, in
     *                    milliseconds; 0 (or less) for no deferred writer
     */
    public DeferredWrites(Store store, long flushMillis) {
        this.store = store;
        this.flusher = flushMillis > 0 ? flusher(flushMillis) : null;
    }

    /**
     * With the journal of the state directory dir: its entries past the store's mark are
     * written to the store first (what a killed process had made durable there), and it is
     * cut back. The caller holds the directory's lock.
     *
     * @param store       where the records go; closed by its owner, not by this
     * @param dir         the state directory, where the journal is
     * @param flushMillis as {@link #DeferredWrites(Store, long)}
     * @throws org.libnetwork4j.InternalException if the journal cannot be opened or read, or
     *         holds an entry this version cannot decode (it is left as it is)
     * @throws org.libnetwork4j.NetworkException if the store's transaction fails
     */
    public DeferredWrites(Store store, Path dir, long flushMillis) {
        this.store = store;
        Journal j = null;
        try {
            j = Journal.open(dir);
            long last = replay(store, j);
            this.journal = j;
            this.appended = last;
            this.marked = last;
        } catch (IOException e) {
            closeQuietly(j);
            Path file = dir.resolve(Journal.FILE);
            throw new InternalException("open journal " + file + ": " + e.getMessage(), 0, "open journal",
                    file.toString(), e);
        } catch (RuntimeException e) {
            closeQuietly(j);
            throw e;
        }
        this.flusher = flushMillis > 0 ? flusher(flushMillis) : null;
    }

    /**
     * Writes the entries that follow the store's mark to the store, the last record of each
     * object only, with the mark moved to the last of them, then empties the journal. Killed
     * before the transaction, nothing changed; after it, the entries are under the mark and
     * are not written twice. An entry after a gap in the sequence is dropped with all after
     * it: the database lost writes the journal had passed on to it (a power cut), and the
     * journal's later ones would not fit what it holds.
     *
     * @return the last sequence number taken: the mark, the last entry written, or the base an
     *         earlier version's database takes
     */
    private static long replay(Store store, Journal j) throws IOException {
        long mark = store.journalMark();
        Journal.Contents c = j.read(mark);
        if (c.torn() != null) {
            LOG.warn("journal {}: {}", j.file(), c.torn());
        }
        Map<Key, Pending> batch = new LinkedHashMap<>();
        long next = mark + 1;
        boolean older = false;
        for (Journal.Entry e : c.entries()) {
            if (e.seq() <= mark) {
                older |= e.seq() < Journal.BASE_MIN && mark >= Journal.BASE_MIN;
                continue;
            }
            if (e.seq() != next) {
                LOG.warn("journal {}: entry {} follows {}, the store's last; it and the ones after it are dropped",
                        j.file(), e.seq(), next - 1);
                break;
            }
            enter(batch, e.put(), e.delete());
            next++;
        }
        if (older) {
            // under the mark as this database's own written entries are, but numbered as only an
            // earlier version numbers, where the mark is a base taken after the journal was cut
            // (below): another database's journal
            LOG.warn("journal {}: entries numbered as an earlier version numbers them, under the store's mark {}:"
                    + " not this database's, dropped", j.file(), mark);
        }
        long last = next - 1;
        if (last > mark) {
            // the mark moves even if the entries held nothing: the next entries follow last
            Batch b = build(batch);
            store.update(b.put(), b.delete(), last);
            LOG.info("journal {}: entries {} to {} written to the store ({} records)", j.file(), mark + 1, last,
                    batch.size());
        }
        // Not cut, the open fails: what follows a torn end or a gap must not stay in front of
        // the entries to come
        j.cut();
        if (last < Journal.BASE_MIN) {
            // A database an earlier version made numbers from 0, as every other such database
            // does: its journal now empty, it takes a base of its own, as a new one has from its
            // birth, so that from here on a journal not its own falls under its mark or after a
            // gap. Killed before this transaction, the next open finds the journal empty and the
            // old mark, and does it; only after it can entries of an earlier version's numbering
            // be under a mark of this one's (the warning above).
            last = Journal.newBase();
            store.update(List.of(), List.of(), last);
            LOG.info("journal {}: numbered from {} from now on", j.file(), last);
        }
        return last;
    }

    private ScheduledExecutorService flusher(long flushMillis) {
        ScheduledExecutorService f = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lnw-deferred-writes");
            t.setDaemon(true);
            return t;
        });
        f.scheduleWithFixedDelay(this::flushQuietly, flushMillis, flushMillis, TimeUnit.MILLISECONDS);
        return f;
    }

    /**
     * The store behind these writes.
     *
     * @return the store; writing to it directly skips the pending records and the journal
     */
    public Store store() {
        return store;
    }

    /**
     * Makes these durable before returning, as {@link #update}.
     *
     * @param objects the records to store
     * @throws org.libnetwork4j.NetworkException as {@link #update}
     */
    public void put(StoredObject... objects) {
        update(Arrays.asList(objects), List.of());
    }

    /**
     * Makes their removal durable before returning, as {@link #update}.
     *
     * @param objects the records to remove, by kind and id
     * @throws org.libnetwork4j.NetworkException as {@link #update}
     */
    public void delete(StoredObject... objects) {
        update(List.of(), Arrays.asList(objects));
    }

    /**
     * Stores put and removes delete, all or nothing, durable when this returns: one journal
     * entry, or without a journal (or with one over its limit) one transaction that takes the
     * pending records along first.
     *
     * @param put    the records to store
     * @param delete the records to remove, by kind and id
     * @throws org.libnetwork4j.NetworkException if the store's transaction fails; nothing of
     *         put or delete is stored
     */
    public void update(List<StoredObject> put, List<StoredObject> delete) {
        if (put.isEmpty() && delete.isEmpty() || !closed && journaled(put, delete)) {
            return;
        }
        writing.lock();
        try {
            // This transaction takes a sequence number of its own: lost in a power cut, it
            // leaves a gap, and the journal's later entries are not written over what is left.
            Taken taken = take(true);
            Map<Key, Pending> batch = new LinkedHashMap<>(taken.records());
            try {
                enter(batch, put, delete);
            } catch (RuntimeException e) {
                requeue(taken.records());
                throw e;
            }
            write(taken, batch);
            // Cut back by the deferred writer, off the callers' path; but a write that found
            // the journal over its limit made this transaction to bring it back (see journaled)
            cutIfCaughtUp(JOURNAL_LIMIT);
        } finally {
            writing.unlock();
        }
    }

    /** Appends the records to the journal and leaves them pending; false if they must be stored. */
    private boolean journaled(List<StoredObject> put, List<StoredObject> delete) {
        synchronized (pending) {
            if (journal == null || journal.size() > JOURNAL_LIMIT) {
                return false;
            }
            try {
                journal.append(appended + 1, put, delete);
            } catch (IOException e) {
                // The entry may be there, whole or torn: nothing may follow it, so the journal
                // ends here. Its number is taken, so that the transaction the caller makes
                // instead covers it: replayed later, it would undo newer writes.
                appended++;
                LOG.warn("journal {}: {}; writes go to the store from now on", journal.file(), e.toString());
                closeQuietly(journal);
                journal = null;
                return false;
            }
            appended++;
            enter(pending, put, delete);
            return true;
        }
    }

    /** Enters the records put and deleted into records, each replacing what it had of its object. */
    private static void enter(Map<Key, Pending> records, List<StoredObject> put, List<StoredObject> delete) {
        put.forEach(o -> records.put(Key.of(o), Pending.put(o)));
        delete.forEach(o -> records.put(Key.of(o), Pending.delete(o)));
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
            pending.put(new Key(kind, id), new Pending(record, false));
        }
    }

    /**
     * Writes what is pending now, and cuts the journal back if the store then holds all of it.
     *
     * @throws org.libnetwork4j.NetworkException if the store's transaction fails; the records
     *         stay pending
     */
    public void flush() {
        writing.lock();
        try {
            Taken taken = take(false);
            if (!taken.records().isEmpty() || taken.mark() > marked) {
                write(taken, taken.records());
            }
            cutIfCaughtUp(0);
        } finally {
            writing.unlock();
        }
    }

    /**
     * The transaction of batch (what was taken, and maybe more), with the mark if the journal
     * moved on. If it fails, or a record cannot be built, what was taken is pending again:
     * the mark must never pass a record the store has not got. Called holding
     * {@link #writing}.
     */
    private void write(Taken taken, Map<Key, Pending> batch) {
        try {
            Batch b = build(batch);
            if (taken.mark() > marked) {
                store.update(b.put(), b.delete(), taken.mark());
                marked = taken.mark();
            } else {
                store.update(b.put(), b.delete());
            }
        } catch (RuntimeException | Error e) {
            requeue(taken.records());
            throw e;
        }
    }

    /** Records built, to store and to remove. */
    private record Batch(List<StoredObject> put, List<StoredObject> delete) {
    }

    /** Builds the records (a deferred one is built now, by this thread). */
    private static Batch build(Map<Key, Pending> batch) {
        List<StoredObject> put = new ArrayList<>(batch.size());
        List<StoredObject> delete = new ArrayList<>(0);
        for (Pending p : batch.values()) {
            (p.delete() ? delete : put).add(p.record().get());
        }
        return new Batch(put, delete);
    }

    /**
     * Empties the journal if it is longer than above and the store holds every entry. Called
     * holding {@link #writing}.
     */
    private void cutIfCaughtUp(long above) {
        synchronized (pending) {
            if (journal == null || journal.size() <= above || appended != marked) {
                return;
            }
            try {
                journal.cut();
            } catch (IOException e) {
                // the entries are under the store's mark: kept, they are read and skipped
                LOG.warn("journal {}: cutting it back failed: {}", journal.file(), e.toString());
            }
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

    /**
     * Takes the pending records, with the last journal entry they cover: every entry so far,
     * as each one's records are pending or were replaced by newer pending ones. Called holding
     * {@link #writing}; the records are built by the caller, outside the pending lock (a
     * deferred record's supplier may take the locks of the objects it reads).
     */
    private Taken take(boolean numbered) {
        synchronized (pending) {
            if (numbered && journal != null) {
                appended++;
            }
            Taken t = new Taken(new LinkedHashMap<>(pending), appended);
            pending.clear();
            return t;
        }
    }

    /** Puts back what a failed write took, unless a newer record of the object came meanwhile. */
    private void requeue(Map<Key, Pending> taken) {
        synchronized (pending) {
            Map<Key, Pending> newer = new LinkedHashMap<>(pending);
            pending.clear();
            pending.putAll(taken);
            pending.putAll(newer);
        }
    }

    /**
     * Writes what is pending, cuts the journal back and closes it, and stops the deferred
     * writer; the store stays open. Idempotent.
     */
    @Override
    public void close() {
        if (flusher != null) {
            flusher.shutdownNow();
        }
        closed = true;
        try {
            flush();
        } finally {
            synchronized (pending) {
                // a write that came in before closed was seen may have appended after the
                // flush: kept in the journal, it is written at the next open
                closeQuietly(journal);
                journal = null;
            }
        }
    }

    private static void closeQuietly(Journal j) {
        if (j != null) {
            try {
                j.close();
            } catch (IOException e) {
                LOG.warn("journal {}: closing it failed: {}", j.file(), e.toString());
            }
        }
    }
}
