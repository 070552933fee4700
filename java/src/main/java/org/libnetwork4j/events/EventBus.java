package org.libnetwork4j.events;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.libnetwork4j.EventSubscription;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.NetworkEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's events, fanned out to its subscribers. Publishing never waits: each
 * subscriber has a bounded queue and a daemon thread of its own that hands events to its
 * listener; a full queue drops the event and counts it. With no subscriber, publishing costs
 * one read of an empty list.
 */
public final class EventBus implements AutoCloseable {
    /** Events a subscriber may have waiting before the next ones are dropped. */
    public static final int DEFAULT_CAPACITY = 1024;
    private static final Logger LOG = LoggerFactory.getLogger(EventBus.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final CopyOnWriteArrayList<Subscriber> subscribers = new CopyOnWriteArrayList<>();

    /**
     * Publishes an event that happened now. Never blocks: a subscriber whose queue is full
     * misses it, and counts it.
     *
     * @param type       what the actor is
     * @param action     {@link NetworkEvent#CREATE}, {@link NetworkEvent#DESTROY},
     *                   {@link NetworkEvent#CONNECT} or {@link NetworkEvent#DISCONNECT}
     * @param id         the actor's id
     * @param attributes the event's details by name, as {@link NetworkEvent} lists them
     */
    public void publish(NetworkEvent.Type type, String action, String id, Map<String, String> attributes) {
        if (subscribers.isEmpty()) {
            return;
        }
        NetworkEvent e = new NetworkEvent(type, action, id, attributes, Instant.now());
        for (Subscriber s : subscribers) {
            s.offer(e);
        }
    }

    /**
     * A new subscriber with a queue of capacity events.
     *
     * @param listener called with each event, in order, on the subscription's own daemon thread;
     *                 what it throws is logged and the next events still come
     * @param capacity how many events may wait for the listener before the next are dropped
     * @return the subscription; close it to stop the delivery
     * @throws InvalidParameterException if capacity is less than 1
     */
    public EventSubscription subscribe(Consumer<NetworkEvent> listener, int capacity) {
        if (capacity < 1) {
            throw new InvalidParameterException("event queue capacity " + capacity + ": at least 1");
        }
        Subscriber s = new Subscriber(java.util.Objects.requireNonNull(listener, "listener"), capacity);
        subscribers.add(s);
        s.thread.start();
        return s;
    }

    /** Stops every subscription (the controller is closing). */
    @Override
    public void close() {
        for (Subscriber s : subscribers) {
            s.close();
        }
    }

    private final class Subscriber implements EventSubscription, Runnable {
        private final Consumer<NetworkEvent> listener;
        private final BlockingQueue<NetworkEvent> queue;
        private final AtomicLong dropped = new AtomicLong();
        private final Thread thread;
        private volatile boolean closed;

        Subscriber(Consumer<NetworkEvent> listener, int capacity) {
            this.listener = listener;
            this.queue = new ArrayBlockingQueue<>(capacity);
            this.thread = new Thread(this, "lnw-events-" + THREADS.incrementAndGet());
            this.thread.setDaemon(true);
        }

        void offer(NetworkEvent e) {
            if (!queue.offer(e)) {
                dropped.incrementAndGet();
            }
        }

        @Override
        public void run() {
            while (!closed) {
                NetworkEvent e;
                try {
                    e = queue.poll(1, TimeUnit.SECONDS); // bounded: closed is looked at each second
                } catch (InterruptedException stop) {
                    return;
                }
                if (e == null || closed) {
                    continue;
                }
                try {
                    listener.accept(e);
                } catch (RuntimeException ex) {
                    // a listener's failure is its own: the next events still come
                    LOG.warn("event listener failed on {} {}: {}", e.type().label(), e.action(), ex.toString());
                }
            }
        }

        @Override
        public long dropped() {
            return dropped.get();
        }

        @Override
        public void close() {
            closed = true;
            subscribers.remove(this);
            queue.clear();
            if (Thread.currentThread() != thread) {
                thread.interrupt();
            }
        }
    }
}
