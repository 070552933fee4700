package org.libnetwork4j.kernel;

/** Counts of the native resources the facade holds, for leak checks and metrics. */
public final class Handles {
    private Handles() {
    }

    /**
     * Native handles (namespace fds, netlink and netfilter sockets, libnftables contexts, host
     * port reservations) opened and not closed yet, in this process.
     *
     * @return their number at the moment of the call
     */
    public static long open() {
        return NativeHandle.open();
    }
}
