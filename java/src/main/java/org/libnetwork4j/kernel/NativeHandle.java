package org.libnetwork4j.kernel;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;

/**
 * A native pointer or fd that is closed exactly once, and never while a call is using it: a
 * call holds the read lock (shared borrowers, e.g. the fd of a namespace) or the write lock
 * (one at a time, e.g. a netlink socket), and close takes the write lock. After close every
 * call fails with EBADF instead of touching freed memory or a reused fd number.
 */
final class NativeHandle {
    private static final AtomicLong SEQUENCE = new AtomicLong();
    private static final AtomicLong OPEN = new AtomicLong();

    private final String what;
    private final long value;
    /** Lock order between handles: the lower {@code order} is taken first. */
    private final long order = SEQUENCE.incrementAndGet();
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    NativeHandle(String what, long value) {
        this.what = what;
        this.value = value;
        OPEN.incrementAndGet();
    }

    /** Handles made and not closed yet, in this process (see {@link Handles#open}). */
    static long open() {
        return OPEN.get();
    }

    String what() {
        return what;
    }

    /** Runs fn on the value, alone (write lock). */
    <T> T exclusive(String op, LongFunction<T> fn) {
        return call(lock.writeLock(), op, fn);
    }

    /** Runs fn on the value, alongside other shared users (read lock). */
    <T> T shared(String op, LongFunction<T> fn) {
        return call(lock.readLock(), op, fn);
    }

    private <T> T call(Lock l, String op, LongFunction<T> fn) {
        l.lock();
        try {
            if (closed) {
                throw Errors.closed(op, what);
            }
            return fn.apply(value);
        } finally {
            l.unlock();
        }
    }

    /**
     * Runs fn on the values of a and b, both held exclusively; the locks are taken in a fixed
     * order so that two threads pairing the same handles the other way round cannot deadlock.
     */
    static <T> T exclusive(NativeHandle a, NativeHandle b, String op, Pair<T> fn) {
        if (a == b) {
            return a.exclusive(op, v -> fn.apply(v, v));
        }
        NativeHandle first = a.order < b.order ? a : b;
        NativeHandle second = first == a ? b : a;
        return first.exclusive(op, v1 -> second.exclusive(op, v2 ->
                first == a ? fn.apply(v1, v2) : fn.apply(v2, v1)));
    }

    interface Pair<T> {
        T apply(long a, long b);
    }

    /** Closes once; later calls return false and do nothing. */
    boolean close(LongConsumer closer) {
        lock.writeLock().lock();
        try {
            if (closed) {
                return false;
            }
            closed = true;
            OPEN.decrementAndGet();
            closer.accept(value);
            return true;
        } finally {
            lock.writeLock().unlock();
        }
    }

    boolean isClosed() {
        lock.readLock().lock();
        try {
            return closed;
        } finally {
            lock.readLock().unlock();
        }
    }
}
