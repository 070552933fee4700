package org.libnetwork4j;

/** A transient failure (interrupted call, busy kernel, exhausted buffers): the same request may succeed later. */
public class RetryableException extends NetworkException {
    private static final long serialVersionUID = 1L;

    public RetryableException(String message) {
        this(message, 0, "", "", null);
    }

    public RetryableException(String message, int errno, String operation, String object, Throwable cause) {
        super(message, errno, operation, object, cause);
    }

    public RetryableException(String message, int errno, int netlinkCode, String operation, String object,
            Throwable cause) {
        super(message, errno, netlinkCode, operation, object, cause);
    }

    @Override
    protected NetworkException rebuild(String message) {
        return new RetryableException(message, errno(), netlinkCode(), operation(), object(), this);
    }
}
