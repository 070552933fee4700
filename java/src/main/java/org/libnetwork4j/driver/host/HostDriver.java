package org.libnetwork4j.driver.host;

import org.libnetwork4j.driver.StatelessDriver;

/**
 * The "host" driver: a sandbox joined to it is the host's own network namespace (created with
 * {@code SandboxOptions.useHostNamespace}), so there is nothing to make. One instance; not
 * deletable.
 */
public final class HostDriver extends StatelessDriver {
    /** The driver's type, as networks name it. */
    public static final String TYPE = "host";

    /** The driver; it holds no state. */
    public HostDriver() {
        super(TYPE, true);
    }
}
