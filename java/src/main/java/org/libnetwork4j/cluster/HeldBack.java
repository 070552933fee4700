package org.libnetwork4j.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;

/**
 * Changes held back to ride in the next write transaction a caller makes, so that a small
 * change that need not be known at once (a spare address handed over to the endpoint that uses
 * it, or back to the host's spares, conditional; an endpoint's names, a plain put, and their
 * withdrawal, a conditional delete) costs etcd no transaction of its own: on a small machine an
 * etcd transaction is mostly CPU (etcd's and the client's), not waiting. What no write takes
 * along within {@value #WAIT_MS} ms is sent alone, each change in its own transaction. A change
 * not sent yet can be taken back ({@link #cancel}).
 *
 * <p>etcd refuses a transaction that names a key twice. Its callers keep one change per key
 * at a time (they take a change back, or wait for it, before the next on its key); a change
 * that a write names anyway stays held for the next one, and of two held on one key the first
 * is sent alone.
 */
final class HeldBack {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HeldBack.class);
    private static final long WAIT_MS = 20;

    private final KV kv;
    private final ScheduledExecutorService timer;
    private final List<Change> held = new ArrayList<>(); // guarded by itself
    // counts the times held was emptied (by a write that took it along, or cancels): a timer
    // set for the changes held then sends nothing once they have gone, and leaves the
    // changes held since to their own timer. Guarded by held.
    private long emptied;

    /**
     * One change: key to value if it holds expected (if expected is null: whatever it holds);
     * with value null, a delete of key if it holds expected.
     */
    static final class Change {
        final ByteSequence key;
        final ByteSequence expected;
        final ByteSequence value;
        final PutOption option;
        // true once made (or found made already: a delete that finds no key), false if the key
        // held something else
        final CompletableFuture<Boolean> result = new CompletableFuture<>();

        private Change(ByteSequence key, ByteSequence expected, ByteSequence value, PutOption option) {
            this.key = key;
            this.expected = expected;
            this.value = value;
            this.option = option;
        }

        /** Decided by a transaction: null if it went through, else what the key held then. */
        private void decide(List<KeyValue> heldThen) {
            result.complete(heldThen == null || (value == null ? heldThen.isEmpty()
                    : !heldThen.isEmpty() && heldThen.get(0).getValue().equals(value)));
        }

        private Op op() {
            return value == null ? Op.delete(key, DeleteOption.DEFAULT) : Op.put(key, value, option);
        }
    }

    HeldBack(KV kv, ScheduledExecutorService timer) {
        this.kv = kv;
        this.timer = timer;
    }

    /**
     * Holds a change back; it goes with the next write, or alone within WAIT_MS.
     *
     * @param expected what the key must hold, or null for a put whatever it holds
     * @param value    what it holds after, or null to delete it (expected is then required)
     */
    Change hold(ByteSequence key, ByteSequence expected, ByteSequence value, PutOption option) {
        if (value == null && expected == null) {
            throw new IllegalArgumentException("a delete held back must be conditional");
        }
        Change c = new Change(key, expected, value, option);
        boolean first;
        long since;
        Change before = null;
        synchronized (held) {
            for (Change h : held) {
                if (h.key.equals(key)) {
                    before = h;
                }
            }
            if (before != null) {
                held.remove(before);
            }
            first = held.isEmpty();
            since = emptied;
            held.add(c);
        }
        if (before != null) {
            // a caller's slip (they keep one change per key): the earlier goes now, alone,
            // rather than make the next write's transaction name its key twice, which etcd
            // refuses whole
            LOG.warn("cluster store: two changes of {} held back at once; the first is sent alone",
                    key.toString(java.nio.charset.StandardCharsets.UTF_8));
            sendEach(List.of(before));
        }
        if (first) {
            try {
                timer.schedule(() -> sendAloneIf(since), WAIT_MS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closing) {
                // the store is closing: a write or a replace's await takes it along, else
                // close sends it (sendAllNow)
            }
        }
        return c;
    }

    /**
     * Takes a change back if it has not been sent: it then never will be, and its result never
     * completes (it is not to be awaited).
     *
     * @return true if taken back, false if it is sent already (its result tells the outcome)
     */
    boolean cancel(Change c) {
        synchronized (held) {
            boolean was = held.remove(c);
            if (was && held.isEmpty()) {
                emptied++;
            }
            return was;
        }
    }

    private List<Change> takeAll() {
        return takeAllBut(List.of());
    }

    /** What is held back, except changes on keys the write names itself (they stay held). */
    private List<Change> takeAllBut(List<ByteSequence> keys) {
        synchronized (held) {
            if (held.isEmpty()) {
                return List.of();
            }
            List<Change> l = new ArrayList<>(held.size());
            for (java.util.Iterator<Change> it = held.iterator(); it.hasNext();) {
                Change c = it.next();
                if (!keys.contains(c.key)) {
                    l.add(c);
                    it.remove();
                }
            }
            if (held.isEmpty()) {
                emptied++;
            }
            return l;
        }
    }

    /**
     * Sends what is held back now, each change alone, and waits for etcd's answers up to
     * timeoutMillis in all: a store that closes has no next write to take them along, and
     * its timer no longer runs. What is not answered by then goes with the connection.
     */
    void sendAllNow(long timeoutMillis) {
        List<Change> l = takeAll();
        sendEach(l);
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        for (Change c : l) {
            try {
                c.result.get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                LOG.warn("cluster store: a change held back was not made at close: {}", e.toString());
            }
        }
    }

    /** Sends one change now, alone, if it is still held back. */
    void sendNow(Change c) {
        if (cancel(c)) {
            sendEach(List.of(c));
        }
    }

    /** The timer's: sends what is held back unless it was emptied since the timer was set. */
    private void sendAloneIf(long since) {
        List<Change> l;
        synchronized (held) {
            if (emptied != since) {
                return;
            }
            l = takeAll();
        }
        sendEach(l);
    }

    private void sendEach(List<Change> changes) {
        for (Change c : changes) {
            try {
                (c.expected == null ? kv.txn().Then(c.op())
                        : kv.txn().If(new Cmp(c.key, Cmp.Op.EQUAL, CmpTarget.value(c.expected)))
                                .Then(c.op())
                                .Else(Op.get(c.key, GetOption.DEFAULT))).commit()
                        .whenComplete((r, e) -> {
                            if (e != null) {
                                c.result.completeExceptionally(e);
                            } else {
                                c.decide(r.isSucceeded() ? null : r.getGetResponses().get(0).getKvs());
                            }
                        });
            } catch (RuntimeException closing) { // the client refuses: its waiters learn it now
                c.result.completeExceptionally(closing);
            }
        }
    }

    /**
     * Commits puts, all or none, with what is held back in the same transaction: its changes'
     * conditions are the transaction's. If one of them fails (its key moved on: rare), nothing
     * was written: each change is sent again alone, and the puts are committed on their own.
     *
     * @param keys their keys
     * @return the puts' transaction
     */
    CompletableFuture<TxnResponse> commitWith(Op[] puts, List<ByteSequence> keys) {
        return commitWith(List.of(), puts, keys, () -> kv.txn().Then(puts).commit());
    }

    /**
     * Commits a write of the caller's (its conditions and its operations, on keys) with what
     * is held back, in one transaction whose conditions are the caller's and the changes'
     * together. If that one fails (a condition of the caller's, or a change's key that moved
     * on), nothing was written: each change is sent again alone, and the write as alone makes
     * it, which then decides.
     *
     * @param ifs   the write's conditions
     * @param ops   its operations
     * @param keys  the keys it names (a change on one of them is not taken along)
     * @param alone the write on its own: its transaction, sent
     * @return the transaction that made the write (or found its conditions false)
     */
    CompletableFuture<TxnResponse> commitWith(List<Cmp> ifs, Op[] ops, List<ByteSequence> keys,
            java.util.function.Supplier<CompletableFuture<TxnResponse>> alone) {
        List<Change> along = takeAllBut(keys);
        if (along.isEmpty()) {
            return alone.get();
        }
        List<Cmp> all = new ArrayList<>(ifs);
        Op[] both = new Op[along.size() + ops.length];
        for (int i = 0; i < along.size(); i++) {
            Change c = along.get(i);
            if (c.expected != null) {
                all.add(new Cmp(c.key, Cmp.Op.EQUAL, CmpTarget.value(c.expected)));
            }
            both[i] = c.op();
        }
        System.arraycopy(ops, 0, both, along.size(), ops.length);
        CompletableFuture<TxnResponse> f;
        try {
            f = kv.txn().If(all.toArray(Cmp[]::new)).Then(both).commit();
        } catch (RuntimeException closing) {
            along.forEach(c -> c.result.completeExceptionally(closing));
            throw closing;
        }
        // What fails the transaction whole (not a condition: a held change's lease gone, say)
        // is not the write's: each change and the write are then sent alone, as when a
        // condition is false, and each gets its own answer (or failure). Hung on the
        // transaction, not on what the caller gets: a caller that gives up on its write (a
        // timeout cancels it) must not take the changes' answers with it; its write alone is
        // then not sent behind its back.
        CompletableFuture<TxnResponse> result = new CompletableFuture<>();
        f.whenComplete((r, e) -> {
            if (e == null && r.isSucceeded()) {
                along.forEach(c -> c.decide(null));
                result.complete(r);
                return;
            }
            sendEach(along);
            if (result.isDone()) {
                return;
            }
            try {
                alone.get().whenComplete((r2, e2) -> {
                    if (e2 != null) {
                        result.completeExceptionally(e2);
                    } else {
                        result.complete(r2);
                    }
                });
            } catch (RuntimeException closing) { // the client refuses
                result.completeExceptionally(closing);
            }
        });
        return result;
    }
}
