package org.libnetwork4j;

/** Something that should not happen: a bug, or a host in a state the library cannot handle. */
public class InternalException extends NetworkException {
    private static final long serialVersionUID = 1L;

    public InternalException(String message) {
        this(message, 0, "", "", null);
    }

    public InternalException(String message, int errno, String operation, String object, Throwable cause) {
        super(message, errno, operation, object, cause);
    }

    public InternalException(String message, int errno, int netlinkCode, String operation, String object,
            Throwable cause) {
        super(message, errno, netlinkCode, operation, object, cause);
    }

    @Override
    protected NetworkException rebuild(String message) {
        return new InternalException(message, errno(), netlinkCode(), operation(), object(), this);
    }
}
