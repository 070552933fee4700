package org.libnetwork4j.dns;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Predicate;

import org.libnetwork4j.kernel.Netns;
import org.libnetwork4j.kernel.ServiceSockets;

/**
 * The unbound UDP sockets forwards leave from, one made ahead of time per namespace and
 * family, on a worker thread. Making one enters the namespace on a private native thread: a
 * few hundred microseconds, milliseconds on a busy machine, which the event loop must not
 * wait for. A forward takes the spare (a fresh socket still: a random source port per query)
 * and another is made behind it; a forward that finds no spare has its socket made on a
 * worker thread too, never on the loop. A socket keeps its namespace alive, so an owner's
 * spares are closed when it goes ({@link #drop}).
 */
final class ForwardSockets implements AutoCloseable {
    private record Key(String owner, boolean ipv6) {
    }

    /**
     * Spares are descriptors: one per forwarding sandbox would put a controller of 10,000
     * sandboxes past a process's limit. Beyond this many, a forward makes its own socket.
     */
    static final int MAX_SPARES = 256;

    private final Map<Key, Integer> spares = new ConcurrentHashMap<>();
    private final Executor maker;
    private final Predicate<String> alive;
    private volatile boolean closed;

    /** alive: whether an owner (a sandbox id, or the host) is still there to forward from. */
    ForwardSockets(Executor maker, Predicate<String> alive) {
        this.maker = maker;
        this.alive = alive;
    }

    /**
     * owner's spare socket of ns, which the caller then owns; null if there is none (the
     * caller makes one off the event loop). Either way another is made behind it.
     */
    Integer takeSpare(String owner, Netns ns, boolean ipv6) {
        Key k = new Key(owner, ipv6);
        Integer fd = spares.remove(k);
        refill(k, ns);
        return fd;
    }

    private void refill(Key k, Netns ns) {
        try {
            maker.execute(() -> {
                if (closed || spares.containsKey(k) || spares.size() >= MAX_SPARES) {
                    return;
                }
                int fd;
                try {
                    fd = ServiceSockets.udpUnbound(ns, k.ipv6());
                } catch (RuntimeException gone) {
                    return; // the namespace went meanwhile: the next forward makes its own, or fails
                }
                // checked after the put: a drop or close that came in between closes it here
                if (spares.putIfAbsent(k, fd) != null) {
                    ServiceSockets.close(fd);
                } else if (closed || !alive.test(k.owner())) {
                    discard(k);
                }
            });
        } catch (RejectedExecutionException busy) {
            // closing, or a backlog of refills: the next forward makes its own
        }
    }

    /** Closes owner's spares (its sandbox is gone). */
    void drop(String owner) {
        discard(new Key(owner, false));
        discard(new Key(owner, true));
    }

    private void discard(Key k) {
        Integer fd = spares.remove(k);
        if (fd != null) {
            ServiceSockets.close(fd);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Key k : spares.keySet()) {
            discard(k);
        }
    }
}
