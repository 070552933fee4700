package org.libnetwork4j.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.libnetwork4j.kernel.NamespaceThread;
import org.libnetwork4j.kernel.Netns;

/**
 * An executor of exactly one platform thread, which entered a sandbox's network namespace
 * when it was made and never leaves it: every task runs there, so the sockets it opens belong
 * to the sandbox. The thread serves this executor only and dies when the lab stops it; it is
 * never pooled, and no other thread of the JVM ever enters the namespace (see
 * {@link NamespaceThread} for why that makes it safe).
 *
 * <p>It belongs to the sandbox for the lab's whole life: {@link #shutdown()} and
 * {@link #shutdownNow()} are refused, and the lab stops it ({@link #stop}) at its end. A task
 * queued when it stops is cancelled, so nobody waits on it for ever.
 */
final class SandboxExecutor extends AbstractExecutorService {
    private static final Runnable STOP = () -> { };

    private final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final String sandbox;
    private boolean stopping; // guarded by this: no task is queued behind STOP

    SandboxExecutor(Netns ns, String name, String sandbox) {
        this.sandbox = sandbox;
        this.thread = NamespaceThread.start(ns, name, this::serve);
    }

    private void serve() {
        // Bounded by stop(): STOP is queued behind the last task that was accepted.
        while (true) {
            Runnable r;
            try {
                r = queue.take();
            } catch (InterruptedException e) {
                continue; // an interrupt meant for a task that had ended: STOP is what ends us
            }
            if (r == STOP) {
                return;
            }
            try {
                r.run();
            } catch (Throwable t) {
                // execute() of a bare Runnable: report as a pool would, and keep serving
                Thread.currentThread().getUncaughtExceptionHandler().uncaughtException(Thread.currentThread(), t);
            }
        }
    }

    /** Whether the calling thread is this executor's own (tasks it runs call back in directly). */
    boolean isOwnThread() {
        return Thread.currentThread() == thread;
    }

    @Override
    public synchronized void execute(Runnable command) {
        if (stopping) {
            throw new RejectedExecutionException("the lab has stopped the thread of " + sandbox);
        }
        queue.add(command);
    }

    /** Refused: the thread lives as long as the lab. */
    @Override
    public void shutdown() {
        throw new UnsupportedOperationException("the thread of " + sandbox + " lives as long as its lab");
    }

    /** Refused: the thread lives as long as the lab. */
    @Override
    public List<Runnable> shutdownNow() {
        throw new UnsupportedOperationException("the thread of " + sandbox + " lives as long as its lab");
    }

    /**
     * Lets the task running now finish (interrupting it with now), cancels those queued behind
     * it, and ends the thread.
     */
    void stop(boolean now) {
        List<Runnable> left = new ArrayList<>();
        synchronized (this) {
            stopping = true;
            queue.drainTo(left);
            queue.add(STOP);
        }
        for (Runnable r : left) {
            if (r instanceof Future<?> f) {
                f.cancel(false);
            }
        }
        if (now) {
            thread.interrupt();
        }
    }

    @Override
    public synchronized boolean isShutdown() {
        return stopping;
    }

    @Override
    public boolean isTerminated() {
        return isShutdown() && !thread.isAlive();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        thread.join(Math.max(1, unit.toMillis(timeout)));
        return !thread.isAlive();
    }

    Thread thread() {
        return thread;
    }
}
