package org.libnetwork4j.driver.overlay;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link PeerDirectory} in this JVM's memory, for tests and single-JVM labs: the drivers of
 * several fake hosts in one process share one. Listeners are called on the thread that
 * publishes, withdraws or watches, under the directory's lock, so that every watcher sees the
 * same order of changes and a change is programmed on every host before publish returns. A
 * listener that throws is logged and does not disturb the others or the caller.
 */
public final class MemoryPeerDirectory implements PeerDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(MemoryPeerDirectory.class);

    private final Map<String, Set<Peer>> peers = new HashMap<>();
    private final Map<String, List<Watch>> watches = new HashMap<>();

    /** An empty directory. */
    public MemoryPeerDirectory() {
    }

    @Override
    public synchronized void publish(Peer peer) {
        if (peers.computeIfAbsent(peer.networkId(), k -> new LinkedHashSet<>()).add(peer)) {
            deliver(peer.networkId(), l -> l.added(peer));
        }
    }

    @Override
    public synchronized void withdraw(Peer peer) {
        Set<Peer> s = peers.get(peer.networkId());
        if (s != null && s.remove(peer)) {
            if (s.isEmpty()) {
                peers.remove(peer.networkId());
            }
            deliver(peer.networkId(), l -> l.removed(peer));
        }
    }

    @Override
    public synchronized Subscription watch(String networkId, Listener listener) {
        Watch w = new Watch(networkId, listener);
        watches.computeIfAbsent(networkId, k -> new ArrayList<>()).add(w);
        call(w, l -> l.snapshot(peers(networkId)));
        return w;
    }

    /**
     * The peers published for a network now.
     *
     * @param networkId the network
     * @return a copy, in the order they were published; empty if there are none
     */
    public synchronized Set<Peer> peers(String networkId) {
        return Collections.unmodifiableSet(new LinkedHashSet<>(peers.getOrDefault(networkId, Set.of())));
    }

    /**
     * How many watches of a network are open (for tests: a deleted network stops watching).
     *
     * @param networkId the network
     * @return the number of open subscriptions for it
     */
    public synchronized int watchers(String networkId) {
        return watches.getOrDefault(networkId, List.of()).size();
    }

    private void deliver(String networkId, Consumer<Listener> event) {
        // a copy: a listener of this thread may watch or close (the lock is reentrant)
        for (Watch w : List.copyOf(watches.getOrDefault(networkId, List.of()))) {
            call(w, event);
        }
    }

    private static void call(Watch w, Consumer<Listener> event) {
        if (w.closed) {
            return;
        }
        try {
            event.accept(w.listener);
        } catch (RuntimeException e) {
            LOG.warn("a peer listener of network {} failed", w.networkId, e);
        }
    }

    private final class Watch implements Subscription {
        final String networkId;
        final Listener listener;
        volatile boolean closed;

        Watch(String networkId, Listener listener) {
            this.networkId = networkId;
            this.listener = listener;
        }

        @Override
        public void close() {
            synchronized (MemoryPeerDirectory.this) {
                closed = true;
                List<Watch> l = watches.get(networkId);
                if (l != null && l.remove(this) && l.isEmpty()) {
                    watches.remove(networkId);
                }
            }
        }
    }
}
