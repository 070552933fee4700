package org.libnetwork4j;

/**
 * No free address or address pool is left. A conflict with current state: releasing something
 * (an endpoint, a network) makes room.
 */
public class PoolExhaustedException extends ForbiddenException {
    private static final long serialVersionUID = 1L;

    /**
     * Exhaustion found by IPAM, above the kernel: no errno, operation, object or cause.
     *
     * @param message what ran out, e.g. the subnet that has no free address left
     */
    public PoolExhaustedException(String message) {
        super(message);
    }

    private PoolExhaustedException(String message, Throwable cause) {
        super(message, 0, "", "", cause);
    }

    @Override
    protected NetworkException rebuild(String message) {
        return new PoolExhaustedException(message, this);
    }
}
