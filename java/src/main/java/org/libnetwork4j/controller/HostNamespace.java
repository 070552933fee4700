package org.libnetwork4j.controller;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.RetryableException;
import org.libnetwork4j.driver.HostContext;
import org.libnetwork4j.kernel.Netlink;
import org.libnetwork4j.kernel.Netns;
import org.libnetwork4j.kernel.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The namespace a controller treats as the host, with a small pool of netlink handles bound to
 * it: a netlink socket carries one exchange at a time, and concurrent joins would otherwise
 * queue behind one. Handles are opened on demand, up to {@link #MAX_HANDLES}.
 */
final class HostNamespace implements HostContext, AutoCloseable {
    static final int MAX_HANDLES = 8;
    private static final long BORROW_TIMEOUT_SECONDS = 30;
    private static final long REAPER_WAIT_SECONDS = 30;
    private static final Logger LOG = LoggerFactory.getLogger(HostNamespace.class);

    private final Netns netns;
    private final Path path;
    private final BlockingQueue<Netlink> idle = new ArrayBlockingQueue<>(MAX_HANDLES);
    private final AtomicInteger opened = new AtomicInteger();
    private final List<Netlink> all = new ArrayList<>();
    private final ExecutorService reaper = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "lnw-link-reaper");
        t.setDaemon(true);
        return t;
    });
    /** Links of {@link #RETIRED_GROUP} that wait for the reaper's next batch; guarded by itself. */
    private final List<Retired> retired = new ArrayList<>();
    /** Whether a batch is queued on the reaper and has not taken them yet; guarded by retired. */
    private boolean batchQueued;
    private volatile boolean closed;

    private record Retired(int index, String name, CompletableFuture<Void> done) {
    }

    HostNamespace(Path path) {
        this.path = path;
        this.netns = path == null ? Netns.current() : Netns.open(path);
    }

    /** Where the namespace is, for a sandbox that is the host's (the JVM's: /proc/PID/ns/net). */
    Path path() {
        return path != null ? path : Path.of("/proc", Long.toString(ProcessHandle.current().pid()), "ns", "net");
    }

    @Override
    public Netns namespace() {
        return netns;
    }

    @Override
    public <T> T withNetlink(Function<Netlink, T> fn) {
        Netlink nl = borrow();
        try {
            return fn.apply(nl);
        } finally {
            idle.offer(nl);
        }
    }

    @Override
    public CompletableFuture<Void> deleteLinkLater(int index, String name) {
        return CompletableFuture.runAsync(() -> deleteNow(index, name), reaper);
    }

    private void deleteNow(int index, String name) {
        try {
            delete(nl -> nl.deleteLink(index));
        } catch (RuntimeException e) {
            LOG.warn("background delete of link {} (index {}) failed: {}", name, index, e.toString());
            throw e;
        }
    }

    /** A delete on a handle of the host's; what is gone already counts as deleted. */
    private void delete(Consumer<Netlink> request) {
        try {
            withNetlink(nl -> {
                request.accept(nl);
                return null;
            });
        } catch (NotFoundException gone) {
            // deleting what is gone succeeds (for the group: an earlier batch took them along)
        }
    }

    @Override
    public CompletableFuture<Void> deleteRetiredLater(int index, String name) {
        Retired r = new Retired(index, name, new CompletableFuture<>());
        synchronized (retired) {
            retired.add(r);
            if (batchQueued) {
                return r.done(); // the queued batch takes it
            }
            batchQueued = true;
        }
        reaper.execute(this::deleteRetired);
        return r.done();
    }

    /**
     * One batch of {@link #deleteRetiredLater}: every link of the group in one request, which
     * waits for RCU once for all of them. Links retired after the batch was taken go with it
     * too; their futures complete with the next batch, whose request finds none left. If the
     * kernel refuses the request (a link in the group it cannot delete, someone else's device
     * put there), it deletes none, and the batch's links are deleted one by one.
     */
    private void deleteRetired() {
        List<Retired> batch;
        synchronized (retired) {
            batch = new ArrayList<>(retired);
            retired.clear();
            batchQueued = false;
        }
        try {
            delete(nl -> nl.deleteGroup(RETIRED_GROUP));
        } catch (RuntimeException e) {
            LOG.warn("deleting link group {} failed ({}); deleting the batch's {} one by one", RETIRED_GROUP,
                    e.toString(), batch.size());
            for (Retired r : batch) {
                try {
                    deleteNow(r.index(), r.name());
                    r.done().complete(null);
                } catch (RuntimeException one) {
                    r.done().completeExceptionally(one);
                }
            }
            return;
        }
        batch.forEach(r -> r.done().complete(null));
    }

    private Netlink borrow() {
        Netlink nl = idle.poll();
        if (nl != null) {
            return nl;
        }
        if (opened.incrementAndGet() <= MAX_HANDLES) {
            nl = Netlink.open(netns);
            synchronized (all) {
                all.add(nl);
            }
            return nl;
        }
        opened.decrementAndGet();
        try {
            nl = idle.poll(BORROW_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryableException("interrupted waiting for a netlink handle of the host namespace");
        }
        if (nl == null) {
            throw new RetryableException("no netlink handle of the host namespace became free in "
                    + BORROW_TIMEOUT_SECONDS + " s");
        }
        return nl;
    }

    /**
     * Fault injection for rollback tests: arms every handle opened so far (a single-threaded
     * test only ever opens one) to fail its nth next request with errno. 0 disarms.
     */
    void injectFailure(int nth, int errno) {
        withNetlink(nl -> null); // make sure one handle exists
        synchronized (all) {
            all.forEach(nl -> nl.injectFailure(nth, errno));
        }
    }

    /**
     * Test hook: the background deletes queued from now on wait until the returned action is
     * run (or 30 s pass), so a test can see what a leave leaves until its delete.
     */
    Runnable holdReaper() {
        CountDownLatch release = new CountDownLatch(1);
        reaper.execute(() -> {
            try {
                release.await(REAPER_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return release::countDown;
    }

    /** Whether a candidate subnet overlaps a route of the host (IPAM skips such pools). */
    boolean overlapsHostRoute(IpPrefix candidate) {
        List<Route> routes = withNetlink(Netlink::routes);
        for (Route r : routes) {
            if (r.isDefault() || !r.isMainTable() || r.destination().isIpv4() != candidate.isIpv4()) {
                continue;
            }
            if (r.destination().overlaps(candidate)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        // pending background deletes finish first: the next controller must find them done
        reaper.shutdown();
        try {
            if (!reaper.awaitTermination(REAPER_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("background link deletes still running after {} s; left to the next start", REAPER_WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (all) {
            all.forEach(Netlink::close);
        }
        netns.close();
    }
}
