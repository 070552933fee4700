package org.libnetwork4j.kernel;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.libnetwork4j.InternalException;
import org.libnetwork4j.internal.jni.LnwErr;
import org.libnetwork4j.internal.jni.LnwNative;

/**
 * A platform thread that lives its whole life in one network namespace: it enters the
 * namespace first thing, for good, and then runs its body, so that every socket the body opens
 * belongs to that namespace. It is the one exception to the rule that no JVM thread calls
 * {@code setns} (DESIGN.md, native core rules), for the lab's sandboxes only.
 *
 * <p>Why it is safe where a borrowed thread would not be:
 * <ul>
 * <li>the thread is created here and never handed to a pool, so no unrelated task can run on it
 *     and open a socket in the wrong namespace;</li>
 * <li>it never tries to go back: it dies when its body returns, so "failed to restore the
 *     namespace" cannot happen;</li>
 * <li>only the network namespace changes ({@code CLONE_NEWNET}, which a thread may enter alone);
 *     the file system, mounts and credentials stay the process's.</li>
 * </ul>
 * The hazard left is inheritance: a thread the body starts is born in the namespace too (the
 * dispatcher of an HTTP server started there, a common-pool worker the body happened to spawn)
 * and keeps the namespace alive for as long as it runs. Callers check for such threads with
 * {@link #threadsIn}.
 */
public final class NamespaceThread {
    static {
        NativeLoader.ensureLoaded();
    }

    private NamespaceThread() {
    }

    /**
     * Starts a daemon platform thread named name that enters ns and then runs body; returns once
     * it is inside.
     *
     * @param ns   the namespace to enter; it need not stay open once this returns, since the
     *             thread itself then keeps the namespace alive
     * @param name the thread's name
     * @param body what the thread runs inside ns; the thread ends when it returns, and what it
     *             throws goes to the thread's uncaught-exception handler
     * @return the thread, already inside ns; body may be running already
     * @throws org.libnetwork4j.NetworkException (typed by errno) if the thread could not enter;
     *         the thread has then ended without running body
     */
    public static Thread start(Netns ns, String name, Runnable body) {
        Objects.requireNonNull(body, "body");
        CompletableFuture<Void> entered = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                enter(ns);
            } catch (Throwable e) {
                entered.completeExceptionally(e);
                return; // never run body outside the namespace
            }
            entered.complete(null);
            body.run();
        }, name);
        t.setDaemon(true); // a lab left open must not keep the JVM from exiting
        t.start();
        try {
            entered.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
        return t;
    }

    private static void enter(Netns ns) {
        ns.withFd("enter namespace", fd -> {
            LnwErr err = new LnwErr();
            if (LnwNative.lnw_netns_enter_thread(fd, err) < 0) {
                throw Errors.of(err, ns.toString());
            }
            return null;
        });
        // The namespace file of this thread now names ns: checked, since every socket the body
        // opens depends on it.
        NsId now = Netns.currentThreadId();
        if (!now.equals(ns.id())) {
            throw new InternalException("enter namespace " + ns + ": this thread is in " + now + " instead");
        }
    }

    /**
     * The threads of this process whose network namespace is id, by native thread id and name
     * ({@code /proc/self/task/TID/ns/net} and {@code comm}): what still holds a namespace
     * alive after its sandbox is gone.
     *
     * @param id the namespace's identity (see {@link Netns#id()})
     * @return native thread id to thread name, in ascending order of id; empty if no thread of
     *         this process is in the namespace
     * @throws java.io.UncheckedIOException if /proc/self/task cannot be listed
     */
    public static java.util.Map<Long, String> threadsIn(NsId id) {
        java.util.Map<Long, String> found = new java.util.TreeMap<>();
        String want = id.toString();
        java.nio.file.Path tasks = java.nio.file.Path.of("/proc/self/task");
        try (var dirs = java.nio.file.Files.list(tasks)) {
            for (java.nio.file.Path d : (Iterable<java.nio.file.Path>) dirs::iterator) {
                try {
                    if (java.nio.file.Files.readSymbolicLink(d.resolve("ns/net")).toString().equals(want)) {
                        found.put(Long.parseLong(d.getFileName().toString()),
                                java.nio.file.Files.readString(d.resolve("comm")).strip());
                    }
                } catch (java.io.IOException | NumberFormatException gone) {
                    // the thread ended while we looked: it holds nothing any more
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return found;
    }
}
