package org.libnetwork4j;

/** The request conflicts with the current state (a network that still has endpoints, a resource in use). */
public class ForbiddenException extends NetworkException {
    private static final long serialVersionUID = 1L;

    public ForbiddenException(String message) {
        this(message, 0, "", "", null);
    }

    public ForbiddenException(String message, int errno, String operation, String object, Throwable cause) {
        super(message, errno, operation, object, cause);
    }

    public ForbiddenException(String message, int errno, int netlinkCode, String operation, String object,
            Throwable cause) {
        super(message, errno, netlinkCode, operation, object, cause);
    }

    @Override
    protected NetworkException rebuild(String message) {
        return new ForbiddenException(message, errno(), netlinkCode(), operation(), object(), this);
    }
}
