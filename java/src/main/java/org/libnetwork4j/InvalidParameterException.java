package org.libnetwork4j;

/** The request itself is wrong (a malformed CIDR, a name the kernel cannot take, an option it does not know): change it and retry. */
public class InvalidParameterException extends NetworkException {
    private static final long serialVersionUID = 1L;

    public InvalidParameterException(String message) {
        this(message, 0, "", "", null);
    }

    public InvalidParameterException(String message, int errno, String operation, String object, Throwable cause) {
        super(message, errno, operation, object, cause);
    }

    public InvalidParameterException(String message, int errno, int netlinkCode, String operation, String object,
            Throwable cause) {
        super(message, errno, netlinkCode, operation, object, cause);
    }

    @Override
    protected NetworkException rebuild(String message) {
        return new InvalidParameterException(message, errno(), netlinkCode(), operation(), object(), this);
    }
}
