package org.libnetwork4j;

/** An object with that name or address exists already. */
public class AlreadyExistsException extends NetworkException {
    private static final long serialVersionUID = 1L;

    public AlreadyExistsException(String message) {
        this(message, 0, "", "", null);
    }

    public AlreadyExistsException(String message, int errno, String operation, String object, Throwable cause) {
        super(message, errno, operation, object, cause);
    }

    public AlreadyExistsException(String message, int errno, int netlinkCode, String operation, String object,
            Throwable cause) {
        super(message, errno, netlinkCode, operation, object, cause);
    }

    @Override
    protected NetworkException rebuild(String message) {
        return new AlreadyExistsException(message, errno(), netlinkCode(), operation(), object(), this);
    }
}
