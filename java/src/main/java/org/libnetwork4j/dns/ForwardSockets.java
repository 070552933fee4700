package org.libnetwork4j.dns;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Predicate;

import org.libnetwork4j.kernel.Netns;
import org.libnetwork4j.kernel.ServiceSockets;

/**
 * The unbound UDP sockets forwards leave from, made ahead of time in the forwarding owner's
 * namespace, a few at a time, on a worker thread. Each forward still takes a socket of its own
 * (a fresh random source port per query: the port is chosen when the forward connects it to
 * its upstream, not when it is made).
 *
 * <p>Why a small queue per owner, filled in batches: making a socket in a namespace means
 * entering it on a private native thread (a thread's creation and a setns: a hundred
 * microseconds or more, milliseconds on a busy machine), the socket itself a few microseconds.
 * With one spare remade after each forward, a client asking again sooner than that found none
 * and waited for a socket made just for it, behind the refill, on the worker (the forwarded
 * p99 was 14 times aardvark-dns's); and every forward woke the worker and a native thread
 * while the query was in flight. Now one entry makes several; the queue is topped up when it
 * runs low, not at each take, so a sequential client never finds it empty and pays for one
 * entry every few forwards. An owner's queue starts at {@link #FIRST} and grows to
 * {@link #PER_OWNER} as it keeps forwarding, so a sandbox that forwards once holds few.
 *
 * <p>Descriptors are bounded: all owners' spares together (made or being made) never exceed
 * {@link #MAX_SPARES}, so a controller of 10,000 sandboxes stays far from a process's limit;
 * room for a forwarding owner is taken from the owner that forwarded least recently. A socket
 * keeps its namespace alive, so an owner's spares are closed when it goes ({@link #drop}).
 *
 * <p>Threads: {@link #take} runs on the event loop and never enters a namespace nor waits for
 * anything but this object's monitor, which nobody holds across a namespace entry or a close.
 */
final class ForwardSockets implements AutoCloseable {
    private record Key(String owner, boolean ipv6) {
    }

    /** All owners' spares together, made or being made; beyond, the least recent owner's go. */
    static final int MAX_SPARES = 256;
    /** The most one owner (and family) holds. */
    static final int PER_OWNER = 16;
    /** What a new owner's queue is filled to; doubled at each refill up to {@link #PER_OWNER}. */
    static final int FIRST = 2;

    /** One owner's spares for one family. Guarded by the ForwardSockets' monitor. */
    private static final class Queue {
        final int[] fds = new int[PER_OWNER];
        int count;
        /** spares being made for it, counted in {@link #total} already */
        int making;
        /** a refill is queued or running */
        boolean filling;
        int target = FIRST;
        long lastUsed;
    }

    private final Map<Key, Queue> queues = new HashMap<>(); // guarded by this; only queues holding or making spares
    private int total; // guarded by this: spares held and being made, all queues
    private final Executor maker;
    private final Predicate<String> alive;
    private boolean closed; // guarded by this

    /** alive: whether an owner (a sandbox id, or the host) is still there to forward from. */
    ForwardSockets(Executor maker, Predicate<String> alive) {
        this.maker = maker;
        this.alive = alive;
    }

    /**
     * One of owner's spare sockets of ns, which the caller then owns; -1 if there is none (the
     * caller then has one made by {@link #make}, off the event loop). Runs on the event loop:
     * a refill it asks for runs on the worker.
     */
    int take(String owner, Netns ns, boolean ipv6) {
        Key k = new Key(owner, ipv6);
        int fd;
        synchronized (this) {
            Queue q = queues.get(k);
            if (q == null || q.count == 0) {
                return -1;
            }
            fd = q.fds[--q.count];
            total--;
            q.lastUsed = System.nanoTime();
            // low, not empty: the refill has the next forwards' time to arrive
            if (q.filling || q.count > q.target / 2 || closed) {
                return fd;
            }
            q.filling = true;
        }
        try {
            maker.execute(() -> fill(k, ns, false));
        } catch (RejectedExecutionException busy) {
            synchronized (this) { // closing, or a backlog: the next take asks again
                Queue q = queues.get(k);
                if (q != null) {
                    q.filling = false;
                    forgetIfEmpty(k, q);
                }
            }
        }
        return fd;
    }

    /**
     * A socket of ns for owner, made now with spares for its next forwards in the same entry
     * into ns, room permitting. Blocks for the entry: never on the event loop.
     *
     * @throws RuntimeException if the socket could not be made (the namespace is gone, say)
     */
    int make(String owner, Netns ns, boolean ipv6) {
        return fill(new Key(owner, ipv6), ns, true);
    }

    /**
     * Makes the spares k's queue lacks (and one more for the caller if forCaller) in one entry
     * into ns. A refill (not forCaller) owns q.filling, set by whoever queued it.
     */
    private int fill(Key k, Netns ns, boolean forCaller) {
        int want;
        Queue q;
        int[] evicted;
        synchronized (this) {
            q = queues.get(k);
            if (q == null && !forCaller) {
                return -1; // dropped since the refill was asked for
            }
            if (q == null) {
                q = new Queue();
                queues.put(k, q);
            } else if (forCaller && (q.filling || q.making > 0)) {
                q = null; // spares are on their way already: the caller's socket alone
            }
            want = 0;
            evicted = null;
            if (q != null && !closed) {
                if (!forCaller && q.target < PER_OWNER) {
                    q.target = Math.min(PER_OWNER, q.target * 2);
                }
                want = Math.max(0, q.target - q.count - q.making);
                int room = MAX_SPARES - total;
                if (room < want) {
                    evicted = evict(k, want - room);
                    room = MAX_SPARES - total;
                }
                want = Math.max(0, Math.min(want, room));
                q.making += want;
                total += want;
                q.lastUsed = System.nanoTime();
            }
            if (q != null && want == 0) {
                if (!forCaller) {
                    q.filling = false;
                }
                forgetIfEmpty(k, q);
            }
        }
        closeAll(evicted);
        int n = want + (forCaller ? 1 : 0);
        if (n == 0) {
            return -1;
        }
        int[] fds;
        try {
            fds = n == 1 ? new int[] {ServiceSockets.udpUnbound(ns, k.ipv6())}
                    : ServiceSockets.udpUnbound(ns, k.ipv6(), n);
        } catch (RuntimeException e) {
            if (want > 0) {
                settle(k, q, !forCaller, want, null, 0);
            }
            if (forCaller) {
                throw e;
            }
            return -1; // the namespace went meanwhile: the next forward makes its own, or fails
        }
        if (want > 0) {
            settle(k, q, !forCaller, want, fds, forCaller ? 1 : 0);
        }
        return forCaller ? fds[0] : -1;
    }

    /**
     * Puts the spares made for q into it, or closes them: its owner went while they were made
     * (a drop or close replaced or removed q; checked after the owner's removal from the
     * names, which happens before the drop, so one or the other catches it).
     */
    private void settle(Key k, Queue q, boolean refill, int made, int[] fds, int from) {
        boolean ownerThere = alive.test(k.owner());
        int[] extra = null;
        synchronized (this) {
            q.making -= made;
            total -= made;
            if (refill) {
                q.filling = false;
            }
            if (fds != null) {
                if (!closed && ownerThere && queues.get(k) == q) {
                    int keep = Math.min(Math.min(made, PER_OWNER - q.count), MAX_SPARES - total);
                    for (int i = 0; i < keep; i++) {
                        q.fds[q.count++] = fds[from + i];
                    }
                    total += keep;
                    if (keep < made) {
                        extra = Arrays.copyOfRange(fds, from + keep, from + made);
                    }
                } else {
                    extra = Arrays.copyOfRange(fds, from, from + made);
                }
            }
            forgetIfEmpty(k, q);
        }
        closeAll(extra);
    }

    /** Frees room for need more spares from the least recently used queues other than k's. */
    private int[] evict(Key k, int need) {
        int[] out = new int[0];
        while (need > 0) {
            Key oldest = null;
            Queue victim = null;
            for (Map.Entry<Key, Queue> e : queues.entrySet()) {
                Queue v = e.getValue();
                if (!e.getKey().equals(k) && v.count > 0 && (victim == null || v.lastUsed < victim.lastUsed)) {
                    oldest = e.getKey();
                    victim = v;
                }
            }
            if (victim == null) {
                break;
            }
            out = Arrays.copyOf(out, out.length + victim.count);
            System.arraycopy(victim.fds, 0, out, out.length - victim.count, victim.count);
            total -= victim.count;
            need -= victim.count;
            victim.count = 0;
            victim.target = FIRST; // it starts small again if it comes back
            forgetIfEmpty(oldest, victim);
        }
        return out;
    }

    /** Keeps the map to the queues that hold or make spares: the eviction scan stays short. */
    private void forgetIfEmpty(Key k, Queue q) {
        if (q.count == 0 && q.making == 0 && !q.filling && queues.get(k) == q) {
            queues.remove(k);
        }
    }

    /** Closes owner's spares (its sandbox is gone); spares being made are closed when made. */
    void drop(String owner) {
        closeAll(remove(new Key(owner, false)));
        closeAll(remove(new Key(owner, true)));
    }

    private synchronized int[] remove(Key k) {
        Queue q = queues.remove(k);
        if (q == null) {
            return null;
        }
        int[] fds = Arrays.copyOf(q.fds, q.count);
        total -= q.count;
        q.count = 0;
        return fds;
    }

    /** The spares held now, all owners (for tests). */
    synchronized int held() {
        int n = 0;
        for (Queue q : queues.values()) {
            n += q.count;
        }
        return n;
    }

    private static void closeAll(int[] fds) {
        if (fds != null) {
            for (int fd : fds) {
                ServiceSockets.close(fd);
            }
        }
    }

    @Override
    public void close() {
        List<int[]> all = new ArrayList<>();
        synchronized (this) {
            closed = true;
            for (Key k : List.copyOf(queues.keySet())) {
                all.add(remove(k));
            }
        }
        for (int[] fds : all) {
            closeAll(fds);
        }
    }
}
