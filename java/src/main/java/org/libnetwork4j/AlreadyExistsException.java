package org.libnetwork4j;

/** An object with that name or address exists already. */
public class AlreadyExistsException extends NetworkException {
    private static final long serialVersionUID = 1L;

    /**
     * A failure found above the kernel: no errno, operation, object or cause.
     *
     * @param message what is wrong, naming the object
     */
    public AlreadyExistsException(String message) {
        this(message, 0, "", "", null);
    }

    /**
     * A failure without a libnl error code.
     *
     * @param message   the whole message, context first
     * @param errno     the kernel's errno, or 0 when the failure did not come from the kernel
     * @param operation what was being done, e.g. {@code "create veth"}; empty if not known
     * @param object    what it was done to, e.g. {@code "veth1a2b"}; empty if the message names it
     * @param cause     the underlying failure, or null
     */
    public AlreadyExistsException(String message, int errno, String operation, String object, Throwable cause) {
        super(message, errno, operation, object, cause);
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
    public AlreadyExistsException(String message, int errno, int netlinkCode, String operation, String object,
            Throwable cause) {
        super(message, errno, netlinkCode, operation, object, cause);
    }

    @Override
    protected NetworkException rebuild(String message) {
        return new AlreadyExistsException(message, errno(), netlinkCode(), operation(), object(), this);
    }
}
