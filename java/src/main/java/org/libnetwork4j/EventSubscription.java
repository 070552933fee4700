package org.libnetwork4j;

/**
 * A listener's subscription to a controller's events ({@link NetworkController#subscribe}).
 * Events reach the listener in the order they were published, on a thread of the
 * subscription's own; a listener slower than the operations never holds them up: what its
 * queue cannot take is dropped and counted.
 */
public interface EventSubscription extends AutoCloseable {
    /**
     * Events dropped so far because the listener's queue was full.
     *
     * @return the count since the subscription began; it never decreases
     */
    long dropped();

    /** Stops the delivery; events still queued are not delivered. Idempotent. */
    @Override
    void close();
}
