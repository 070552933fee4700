package org.libnetwork4j.driver.overlay;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Where the hosts of a cluster tell each other about their overlay endpoints: each host's
 * {@link OverlayDriver} publishes its local endpoints when they join and withdraws them when
 * they leave, and watches the peers of every network it has. What libnetwork's overlay driver
 * learns through its network database (gossip); here it is programmed statically, never
 * learned from traffic. A cluster implementation (etcd) lives elsewhere;
 * {@link MemoryPeerDirectory} serves tests and single-JVM labs.
 *
 * <p>Implementations are thread-safe. A peer is identified by all its components (record
 * equality): publishing one twice is publishing it once, and withdrawing one that is not
 * there does nothing.
 */
public interface PeerDirectory {

    /**
     * Makes a peer known to the watchers of its network.
     *
     * @param peer the local endpoint's peer record
     * @throws org.libnetwork4j.NetworkException if the directory cannot be reached; the peer
     *         is then not published
     */
    void publish(Peer peer);

    /**
     * Starts publishing one endpoint's peers and returns without waiting for a remote store:
     * the join makes its interface meanwhile and awaits the publication before it returns, so
     * that the store's round trip and the kernel's work overlap. Once {@link Publication#await}
     * returns, every peer is published as by {@link #publish}; if it throws, none is, whatever
     * reached the store is withdrawn as far as the store can still be reached, and the rest goes
     * with this host's lease.
     *
     * <p>This default publishes them now, one after the other, and withdraws the first ones if
     * a later one fails.
     *
     * @param peers the peers of one local endpoint
     * @return the publication under way
     * @throws org.libnetwork4j.NetworkException if the directory refuses at once; nothing is
     *         then published
     */
    default Publication publishAll(List<Peer> peers) {
        List<Peer> done = new ArrayList<>();
        try {
            for (Peer p : peers) {
                publish(p);
                done.add(p);
            }
        } catch (RuntimeException e) {
            for (Peer p : done) {
                try {
                    withdraw(p);
                } catch (RuntimeException w) {
                    e.addSuppressed(w);
                }
            }
            throw e;
        }
        return Publication.DONE;
    }

    /** Peers being published ({@link #publishAll}). */
    interface Publication {
        /** One that is done already. */
        Publication DONE = () -> { };

        /**
         * Waits for the store's answer.
         *
         * @throws org.libnetwork4j.NetworkException if the peers could not be published
         */
        void await();
    }

    /**
     * Withdraws a peer: its network's watchers are told it is gone. Idempotent.
     *
     * @param peer the peer as published
     * @throws org.libnetwork4j.NetworkException if the directory cannot be reached
     */
    void withdraw(Peer peer);

    /**
     * Watches a network's peers: the listener gets their current set first
     * ({@link Listener#snapshot}), then each change, in order and never two at a time.
     *
     * @param networkId the network
     * @param listener  told of the network's peers, including this host's own
     * @return the subscription, which stops the delivery when closed
     * @throws org.libnetwork4j.NetworkException if the directory cannot be reached
     */
    Subscription watch(String networkId, Listener listener);

    /**
     * What a watcher is told. Calls for one subscription come one at a time, in the
     * directory's order; they may run on a thread of the directory or of whoever published
     * (so a listener must return promptly and must not call the directory itself).
     */
    interface Listener {
        /**
         * The complete set of the network's peers now: whatever the listener knew before is
         * replaced by it. The first call of a subscription; a directory may send it again at
         * any time (after it lost track of changes, say, when its connection came back).
         *
         * @param peers every peer of the network, unmodifiable
         */
        void snapshot(Set<Peer> peers);

        /**
         * A peer was published.
         *
         * @param peer the new peer
         */
        void added(Peer peer);

        /**
         * A peer was withdrawn.
         *
         * @param peer the peer, as published
         */
        void removed(Peer peer);
    }

    /** A watch of one network; closing it stops the delivery. */
    interface Subscription extends AutoCloseable {
        /**
         * Stops the delivery: once it returns, the listener is not called again. Idempotent.
         */
        @Override
        void close();
    }
}
