package org.libnetwork4j.driver;

import org.libnetwork4j.kernel.Netlink;
import org.libnetwork4j.kernel.Netns;

/** The sandbox a driver joins an endpoint to: its namespace and its interface names. */
public interface SandboxContext {
    /**
     * The sandbox's id.
     *
     * @return 64 hex digits, unique among the controller's sandboxes
     */
    String id();

    /**
     * The sandbox's network namespace.
     *
     * @return the namespace, open while the sandbox is; not the driver's to close
     */
    Netns netns();

    /**
     * A netlink handle bound to the sandbox's namespace (the caller holds the sandbox).
     *
     * @return the sandbox's own handle, shared with it: not the driver's to close
     */
    Netlink netlink();

    /**
     * The next free name for an interface with this prefix: eth0, eth1, ... (a counter per
     * prefix that never goes back, as libnetwork's). Consumed even if the join then fails.
     * During a join whose caller asked for a name
     * ({@link org.libnetwork4j.JoinOption.InterfaceName}) it returns that name instead, and the
     * counter does not move.
     *
     * @param prefix the network's prefix ({@link JoinRequest#interfacePrefix})
     * @return the prefix and its next index, or the name the caller asked for
     */
    String nextInterfaceName(String prefix);
}
