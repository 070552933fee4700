package org.libnetwork4j.driver;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import org.libnetwork4j.kernel.Netlink;
import org.libnetwork4j.kernel.Netns;

/** The controller's host namespace, as drivers see it. */
public interface HostContext {
    /**
     * The link group ({@code ip link set dev X group G}) of links that are out of service and
     * only wait for their delete ({@link #deleteRetiredLater}): 0x6c6e7734, "lnw4" in ASCII, a
     * number no other program is likely to give its links.
     */
    int RETIRED_GROUP = 0x6c6e7734;

    /**
     * The host namespace: the JVM's own, or the one the controller's configuration names.
     *
     * @return the namespace, open while the controller is; the controller's to close, not the
     *         driver's
     */
    Netns namespace();

    /**
     * Runs fn with a netlink handle bound to the host namespace, borrowed from a small pool so
     * that concurrent joins do not queue behind one socket. The handle is fn's alone until it
     * returns, and must not be kept after that.
     *
     * @param <T> what fn returns
     * @param fn  the work, given the handle
     * @return what fn returned
     * @throws org.libnetwork4j.RetryableException if no handle becomes free in time (30
     *         seconds in the controller's pool), or the wait is interrupted
     */
    <T> T withNetlink(Function<Netlink, T> fn);

    /**
     * Deletes a link of the host namespace on a background thread and returns at once: the
     * kernel makes a synchronous delete of a bridge wait 30-40 ms (two RCU barriers, one of
     * them under its global link lock). A link gone already counts as deleted; a failure is
     * logged and completes the future with it. The host's close waits for pending deletes.
     *
     * @param index the link's index in the host namespace
     * @param name  its name, for the log
     * @return completed once the link is gone, or exceptionally with the failure
     */
    CompletableFuture<Void> deleteLinkLater(int index, String name);

    /**
     * As {@link #deleteLinkLater}, for a link the caller has put in {@link #RETIRED_GROUP}:
     * the controller deletes such links in batches, every link of the group in one request
     * (a veth pair's delete costs ~20 ms of RCU waits in the kernel, and a batch of 64 pairs
     * ~60 ms, where one after the other they take over a second).
     *
     * @param index the link's index in the host namespace
     * @param name  its name, for the log
     * @return completed once the link is gone, or exceptionally with the failure
     */
    default CompletableFuture<Void> deleteRetiredLater(int index, String name) {
        return deleteLinkLater(index, name);
    }
}
