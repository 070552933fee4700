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

    /** The kernel's errno, or 0; see {@link #errno()}. */
    private final int errno;
    /** libnl's {@code NLE_*} code, or 0; see {@link #netlinkCode()}. */
    private final int netlinkCode;
    /** What was being done, possibly empty; see {@link #operation()}. */
    private final String operation;
    /** What it was done to, possibly empty; see {@link #object()}. */
    private final String object;

    /**
     * A failure without a libnl error code.
     *
     * @param message   the whole message, context first
     * @param errno     the kernel's errno, or 0 when the failure did not come from the kernel
     * @param operation what was being done, e.g. {@code "create veth"}; empty if not known
     * @param object    what it was done to, e.g. {@code "veth1a2b"}; empty if the message names it
     * @param cause     the underlying failure, or null
     */
    protected NetworkException(String message, int errno, String operation, String object,
            Throwable cause) {
        this(message, errno, 0, operation, object, cause);
    }

    /**
     * A failure libnl reported, with its own error code beside the kernel's errno.
     *
     * @param message     the whole message, context first
     * @param errno       the kernel's errno, or 0 when the failure did not come from the kernel
     * @param netlinkCode libnl's {@code NLE_*} code, or 0
     * @param operation   what was being done, e.g. {@code "create veth"}; empty if not known
     * @param object      what it was done to, e.g. {@code "veth1a2b"}; empty if the message names it
     * @param cause       the underlying failure, or null
     */
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
     *
     * @param context what the caller was doing, put in front of the message with {@code ": "}
     * @return a new exception of this one's class, with this one as its cause
     */
    public NetworkException withContext(String context) {
        return rebuild(context + ": " + getMessage());
    }

    /**
     * A copy of this exception with another message, this one as its cause.
     *
     * @param message the whole new message
     * @return a new exception of this one's class
     */
    protected abstract NetworkException rebuild(String message);

    /**
     * The kernel's errno behind the failure, or 0 when it did not come from the kernel.
     *
     * @return the errno, e.g. 17 for EEXIST, or 0
     */
    public int errno() {
        return errno;
    }

    /**
     * libnl's own error code ({@code NLE_*} of {@code <netlink/errno.h>}, e.g. 6 for
     * NLE_EXIST) when libnl reported the failure, else 0. libnl folds several errnos into one
     * code (EEXIST and EADDRINUSE both become NLE_EXIST); {@link #errno} is the kernel's own.
     *
     * @return the {@code NLE_*} code, or 0
     */
    public int netlinkCode() {
        return netlinkCode;
    }

    /**
     * What was being done, e.g. {@code "create veth"}.
     *
     * @return the operation, or empty if the failure recorded none
     */
    public String operation() {
        return operation;
    }

    /**
     * What it was done to, e.g. {@code "veth1a2b"}; empty only for failures raised above the
     * kernel, whose message names the object.
     *
     * @return the object's name, or empty
     */
    public String object() {
        return object;
    }
}
