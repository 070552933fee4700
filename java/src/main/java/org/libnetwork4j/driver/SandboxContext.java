package org.libnetwork4j.driver;

import org.libnetwork4j.kernel.Netlink;
import org.libnetwork4j.kernel.Netns;

/** The sandbox a driver joins an endpoint to: its namespace and its interface names. */
public interface SandboxContext {
    String id();

    Netns netns();

    /** A netlink handle bound to the sandbox's namespace (the caller holds the sandbox). */
    Netlink netlink();

    /**
     * The next free name for an interface with this prefix: eth0, eth1, ... (a counter per
     * prefix that never goes back, as libnetwork's). Consumed even if the join then fails.
     */
    String nextInterfaceName(String prefix);
}
