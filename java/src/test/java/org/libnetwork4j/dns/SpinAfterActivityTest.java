package org.libnetwork4j.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.channel.SelectStrategy;
import io.netty.util.IntSupplier;
import org.junit.jupiter.api.Test;

/**
 * The resolver loop's way of waiting, on a clock of the test's: it sleeps (SELECT) unless it
 * read queries within the window, polls (and passes on what the poll found) inside it, and always
 * polls when tasks wait.
 */
class SpinAfterActivityTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final AtomicInteger polls = new AtomicInteger();
    private int ready;
    private final IntSupplier poll = () -> {
        polls.incrementAndGet();
        return ready;
    };

    @Test
    void sleepsUntilItAnsweredThenPollsForTheWindowOnly() throws Exception {
        SpinAfterActivity s = new SpinAfterActivity(50, now::get);
        assertEquals(SelectStrategy.SELECT, s.calculateStrategy(poll, false), "nothing answered yet");
        assertEquals(0, polls.get());

        s.queriesRead();
        now.addAndGet(10_000);
        assertEquals(0, s.calculateStrategy(poll, false), "inside the window: an empty poll, then round again");
        ready = 3;
        now.addAndGet(30_000);
        assertEquals(3, s.calculateStrategy(poll, false), "what the poll found is handled at once");
        assertEquals(2, polls.get());

        now.addAndGet(10_000); // 50 us since the answer
        assertEquals(SelectStrategy.SELECT, s.calculateStrategy(poll, false), "the window is over");
        assertEquals(2, polls.get());

        s.queriesRead(); // a new batch opens a new window
        now.addAndGet(49_000);
        assertEquals(3, s.calculateStrategy(poll, false));
    }

    @Test
    void waitingTasksAreNeverSleptOn() throws Exception {
        SpinAfterActivity s = new SpinAfterActivity(50, now::get);
        ready = 0;
        assertEquals(0, s.calculateStrategy(poll, true));
        assertEquals(1, polls.get());
    }

    @Test
    void aWindowOfZeroAlwaysSleeps() throws Exception {
        SpinAfterActivity s = new SpinAfterActivity(0, now::get);
        s.queriesRead();
        assertEquals(SelectStrategy.SELECT, s.calculateStrategy(poll, false));
        assertEquals(0, polls.get());
    }
}
