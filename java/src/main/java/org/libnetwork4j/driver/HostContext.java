package org.libnetwork4j.driver;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import org.libnetwork4j.kernel.Netlink;
import org.libnetwork4j.kernel.Netns;

/** The controller's host namespace, as drivers see it. */
public interface HostContext {
    Netns namespace();

    /**
     * Runs fn with a netlink handle bound to the host namespace, borrowed from a small pool so
     * that concurrent joins do not queue behind one socket.
     */
    <T> T withNetlink(Function<Netlink, T> fn);

    /**
     * Deletes a link of the host namespace on a background thread and returns at once: the
     * kernel makes a synchronous delete of a bridge wait 30-40 ms (two RCU barriers, one of
     * them under its global link lock). A link gone already counts as deleted; a failure is
     * logged and completes the future with it. The host's close waits for pending deletes.
     */
    CompletableFuture<Void> deleteLinkLater(int index, String name);
}
