package org.libnetwork4j;

/** The driver, kernel or host cannot do this. */
public class NotSupportedException extends NetworkException {
    private static final long serialVersionUID = 1L;

    public NotSupportedException(String message) {
        this(message, 0, "", "", null);
    }

    public NotSupportedException(String message, int errno, String operation, String object, Throwable cause) {
        super(message, errno, operation, object, cause);
    }

    public NotSupportedException(String message, int errno, int netlinkCode, String operation, String object,
            Throwable cause) {
        super(message, errno, netlinkCode, operation, object, cause);
    }

    @Override
    protected NetworkException rebuild(String message) {
        return new NotSupportedException(message, errno(), netlinkCode(), operation(), object(), this);
    }
}
