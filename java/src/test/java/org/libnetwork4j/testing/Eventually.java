package org.libnetwork4j.testing;

import java.util.function.Supplier;

/** For what the kernel finishes asynchronously (a deleted namespace's veth pairs, say). */
public final class Eventually {
    private Eventually() {
    }

    /** What read() gives once it equals expected, or after 10 s (bounded) what it gives then. */
    public static <T> T settled(Supplier<T> read, T expected) {
        T now = read.get();
        for (int i = 0; i < 200 && !now.equals(expected); i++) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            now = read.get();
        }
        return now;
    }
}
