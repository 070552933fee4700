package org.libnetwork4j.dns;

import java.util.function.LongSupplier;

import io.netty.channel.SelectStrategy;
import io.netty.util.IntSupplier;

/**
 * How the resolver's event loop waits: for a short while after it read a batch of queries
 * over UDP (answered, forwarded or dropped), it polls its sockets instead of sleeping in
 * epoll_wait; after that, it sleeps. Answers from upstreams and queries over TCP start no
 * window.
 *
 * <p><b>Why.</b> A sleeping loop thread is woken by the kernel when a query arrives, often on a
 * CPU that is idle and halted; on a virtual machine that wake-up is most of a query's latency
 * (about 70 us of a round trip here, the same for a C loop answering a fixed record). A
 * container that resolves names does so in bursts: the next query comes some tens of
 * microseconds after the answer to the last. Polling through that gap catches it awake, as the
 * kernel's own busy polling ({@code net.core.busy_poll}, whose documented value is 50 us) does
 * for sockets whose device has a NAPI context, which a veth behind a bridge does not give.
 *
 * <p><b>What it costs.</b> At most the window's CPU after each burst of queries, none while
 * nothing is asked. Each empty poll yields the CPU ({@code sched_yield}), so a thread runnable
 * on the same CPU (the containers' own work, a join) goes first: under load this did not lower
 * throughput on 2 cores (benchmarks/RESULTS.md). {@value #PROPERTY} sets the window in
 * microseconds, 0 for none.
 *
 * <p>Used by the loop's thread only.
 */
final class SpinAfterActivity implements SelectStrategy {
    /** The system property that sets the window, in microseconds. */
    static final String PROPERTY = "lnw.dns.spinMicros";
    static final long DEFAULT_MICROS = 50;

    private final long windowNanos;
    private final LongSupplier clock;
    private long lastActive;
    private boolean active; // queries read within the window

    SpinAfterActivity(long windowMicros, LongSupplier clock) {
        this.windowNanos = Math.max(0, windowMicros) * 1000;
        this.clock = clock;
    }

    /** With the window from {@value #PROPERTY} (default {@value #DEFAULT_MICROS} us). */
    static SpinAfterActivity fromProperty() {
        return new SpinAfterActivity(Long.getLong(PROPERTY, DEFAULT_MICROS), System::nanoTime);
    }

    /** The loop read queries now: the window starts again. */
    void queriesRead() {
        if (windowNanos > 0) {
            lastActive = clock.getAsLong();
            active = true;
        }
    }

    @Override
    public int calculateStrategy(IntSupplier selectNow, boolean hasTasks) throws Exception {
        if (hasTasks) {
            return selectNow.get(); // as Netty's default: the tasks must not wait for a sleep
        }
        if (!active || clock.getAsLong() - lastActive >= windowNanos) {
            active = false;
            return SelectStrategy.SELECT;
        }
        int ready = selectNow.get();
        if (ready == 0) {
            Thread.yield();
        }
        return ready; // 0: the loop comes back here at once
    }
}
