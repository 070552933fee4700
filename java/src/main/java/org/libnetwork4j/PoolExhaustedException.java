package org.libnetwork4j;

/**
 * No free address or address pool is left. A conflict with current state: releasing something
 * (an endpoint, a network) makes room.
 */
public class PoolExhaustedException extends ForbiddenException {
    private static final long serialVersionUID = 1L;

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
