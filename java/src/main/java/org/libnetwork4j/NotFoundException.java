package org.libnetwork4j;

/** The named object (network, endpoint, sandbox, link, namespace) does not exist. */
public class NotFoundException extends NetworkException {
    private static final long serialVersionUID = 1L;

    public NotFoundException(String message) {
        this(message, 0, "", "", null);
    }

    public NotFoundException(String message, int errno, String operation, String object, Throwable cause) {
        super(message, errno, operation, object, cause);
    }

    public NotFoundException(String message, int errno, int netlinkCode, String operation, String object,
            Throwable cause) {
        super(message, errno, netlinkCode, operation, object, cause);
    }

    @Override
    protected NetworkException rebuild(String message) {
        return new NotFoundException(message, errno(), netlinkCode(), operation(), object(), this);
    }
}
