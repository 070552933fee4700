package org.libnetwork4j;

/**
 * Base of every failure the library reports. Unchecked, and typed by what the caller can do
 * about it (libnetwork's classification), not by where it happened:
 * {@link InvalidParameterException} (fix the request), {@link NotFoundException},
 * {@link AlreadyExistsException} and {@link ForbiddenException} (conflict with current
 * state), {@link NotSupportedException}, {@link PermissionDeniedException},
 * {@link RetryableException} (try again) and {@link InternalException} (a bug or a broken
 * host).
 *
 * <p>Messages read from the outside in, each layer adding its context in front:
 * {@code create endpoint "web" on network "n1": create veth "veth1a2b" (peer "eth0"): File
 * exists (EEXIST)}.
 */
public abstract class NetworkException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int errno;
    private final int netlinkCode;
    private final String operation;
    private final String object;

    protected NetworkException(String message, int errno, String operation, String object,
            Throwable cause) {
        this(message, errno, 0, operation, object, cause);
    }

    protected NetworkException(String message, int errno, int netlinkCode, String operation, String object,
            Throwable cause) {
        super(message, cause);
        this.errno = errno;
        this.netlinkCode = netlinkCode;
        this.operation = operation;
        this.object = object;
    }

    /**
     * The same failure, same type, with {@code context} in front of the message:
     * {@code e.withContext("create endpoint \"web\" on network \"n1\"")}. The original is
     * the cause.
     */
    public NetworkException withContext(String context) {
        return rebuild(context + ": " + getMessage());
    }

    /** A copy of this exception with another message, this one as its cause. */
    protected abstract NetworkException rebuild(String message);

    /** The kernel's errno behind the failure, or 0 when it did not come from the kernel. */
    public int errno() {
        return errno;
    }

    /**
     * libnl's own error code ({@code NLE_*} of {@code <netlink/errno.h>}, e.g. 6 for
     * NLE_EXIST) when libnl reported the failure, else 0. libnl folds several errnos into one
     * code (EEXIST and EADDRINUSE both become NLE_EXIST); {@link #errno} is the kernel's own.
     */
    public int netlinkCode() {
        return netlinkCode;
    }

    /** What was being done, e.g. {@code "create veth"}. */
    public String operation() {
        return operation;
    }

    /**
     * What it was done to, e.g. {@code "veth1a2b"}; empty only for failures raised above the
     * kernel, whose message names the object.
     */
    public String object() {
        return object;
    }
}
