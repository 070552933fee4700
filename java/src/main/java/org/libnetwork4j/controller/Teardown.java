package org.libnetwork4j.controller;

/**
 * Runs every cleanup step even when one fails, and reports the first failure with the others
 * suppressed on it (netavark's teardown, DESIGN.md section 3).
 */
final class Teardown {
    private RuntimeException first;
    private final java.util.ArrayDeque<Step> pending = new java.util.ArrayDeque<>();

    interface Step {
        void run();
    }

    Teardown step(Step s) {
        try {
            s.run();
        } catch (RuntimeException e) {
            if (first == null) {
                first = e;
            } else {
                first.addSuppressed(e);
            }
        }
        return this;
    }

    /** Remembers an undo step for {@link #runReversed}: what a multi-step setup made so far. */
    Teardown push(Step s) {
        pending.push(s);
        return this;
    }

    /** Runs the pushed steps, last first, and adds their failures to {@code into}. */
    void runReversed(Throwable into) {
        while (!pending.isEmpty()) {
            step(pending.pop());
        }
        suppressInto(into);
    }

    /** Adds the failures of this teardown to {@code e} (which is being thrown anyway). */
    void suppressInto(Throwable e) {
        if (first != null) {
            e.addSuppressed(first);
        }
    }

    /** The first failure (the others suppressed on it), or null. */
    RuntimeException first() {
        return first;
    }

    void throwIfFailed() {
        if (first != null) {
            throw first;
        }
    }
}
