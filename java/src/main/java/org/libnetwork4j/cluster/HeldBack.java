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
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;

/**
 * Changes held back to ride in the next write transaction a caller makes, so that a small
 * change that need not be known at once (a spare address handed over to the endpoint that uses
 * it, conditional; an endpoint's names, a plain put) costs etcd no transaction of its own: on a
 * small machine an etcd transaction is mostly CPU (etcd's and the client's), not waiting. What
 * no write takes along within {@value #WAIT_MS} ms is sent alone, each change in its own
 * transaction.
 */
final class HeldBack {
    private static final long WAIT_MS = 20;

    private final KV kv;
    private final ScheduledExecutorService timer;
    private final List<Change> held = new ArrayList<>(); // guarded by itself

    /** One change: key to value if it holds expected (if expected is null: whatever it holds). */
    static final class Change {
        final ByteSequence key;
        final ByteSequence expected;
        final ByteSequence value;
        final PutOption option;
        // true once made (or found made already), false if the key held something else
        final CompletableFuture<Boolean> result = new CompletableFuture<>();

        private Change(ByteSequence key, ByteSequence expected, ByteSequence value, PutOption option) {
            this.key = key;
            this.expected = expected;
            this.value = value;
            this.option = option;
        }

        /** Decided by a transaction: null if it went through, else what the key held then. */
        private void decide(List<KeyValue> heldThen) {
            result.complete(heldThen == null || !heldThen.isEmpty() && heldThen.get(0).getValue().equals(value));
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
     */
    Change hold(ByteSequence key, ByteSequence expected, ByteSequence value, PutOption option) {
        Change c = new Change(key, expected, value, option);
        boolean first;
        synchronized (held) {
            first = held.isEmpty();
            held.add(c);
        }
        if (first) {
            try {
                timer.schedule(this::sendAlone, WAIT_MS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closing) {
                // the store is closing: an await sends it, or it goes with the connection
            }
        }
        return c;
    }

    private List<Change> takeAll() {
        synchronized (held) {
            if (held.isEmpty()) {
                return List.of();
            }
            List<Change> l = List.copyOf(held);
            held.clear();
            return l;
        }
    }

    /** Sends what is held back now, each change in a transaction of its own. */
    void sendAlone() {
        sendEach(takeAll());
    }

    private void sendEach(List<Change> changes) {
        for (Change c : changes) {
            try {
                (c.expected == null ? kv.txn().Then(Op.put(c.key, c.value, c.option))
                        : kv.txn().If(new Cmp(c.key, Cmp.Op.EQUAL, CmpTarget.value(c.expected)))
                                .Then(Op.put(c.key, c.value, c.option))
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
     * @return the puts' transaction
     */
    CompletableFuture<TxnResponse> commitWith(Op[] puts) {
        List<Change> along = takeAll();
        if (along.isEmpty()) {
            return kv.txn().Then(puts).commit();
        }
        List<Cmp> ifs = new ArrayList<>();
        Op[] ops = new Op[along.size() + puts.length];
        for (int i = 0; i < along.size(); i++) {
            Change c = along.get(i);
            if (c.expected != null) {
                ifs.add(new Cmp(c.key, Cmp.Op.EQUAL, CmpTarget.value(c.expected)));
            }
            ops[i] = Op.put(c.key, c.value, c.option);
        }
        System.arraycopy(puts, 0, ops, along.size(), puts.length);
        CompletableFuture<TxnResponse> f;
        try {
            f = kv.txn().If(ifs.toArray(Cmp[]::new)).Then(ops).commit();
        } catch (RuntimeException closing) {
            along.forEach(c -> c.result.completeExceptionally(closing));
            throw closing;
        }
        f.whenComplete((r, e) -> {
            if (e != null) {
                along.forEach(c -> c.result.completeExceptionally(e));
            }
        });
        return f.thenCompose(r -> {
            if (r.isSucceeded()) {
                along.forEach(c -> c.decide(null));
                return CompletableFuture.completedFuture(r);
            }
            sendEach(along);
            return kv.txn().Then(puts).commit();
        });
    }
}
