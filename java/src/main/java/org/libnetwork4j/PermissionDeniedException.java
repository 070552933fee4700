package org.libnetwork4j;

/** The process lacks the privilege (usually CAP_NET_ADMIN or CAP_SYS_ADMIN). */
public class PermissionDeniedException extends NetworkException {
    private static final long serialVersionUID = 1L;

    public PermissionDeniedException(String message) {
        this(message, 0, "", "", null);
    }

    public PermissionDeniedException(String message, int errno, String operation, String object, Throwable cause) {
        super(message, errno, operation, object, cause);
    }

    public PermissionDeniedException(String message, int errno, int netlinkCode, String operation, String object,
            Throwable cause) {
        super(message, errno, netlinkCode, operation, object, cause);
    }

    @Override
    protected NetworkException rebuild(String message) {
        return new PermissionDeniedException(message, errno(), netlinkCode(), operation(), object(), this);
    }
}
