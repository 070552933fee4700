package org.libnetwork4j.driver;

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
}
