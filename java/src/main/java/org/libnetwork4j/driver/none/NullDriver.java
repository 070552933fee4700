package org.libnetwork4j.driver.none;

import org.libnetwork4j.driver.StatelessDriver;

/**
 * The "null" driver (package {@code none}: null is a Java keyword): its endpoints give a
 * sandbox no interface at all, leaving it with loopback only. One instance; not deletable.
 */
public final class NullDriver extends StatelessDriver {
    /** The driver's type, as networks name it. */
    public static final String TYPE = "null";

    /** The driver; it holds no state. */
    public NullDriver() {
        super(TYPE, false);
    }
}
