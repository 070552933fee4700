package org.libnetwork4j.http;

import org.libnetwork4j.NetworkException;
import org.libnetwork4j.RetryableException;

/**
 * {@link UnixHttpClient} could not connect (no socket file, nobody listening, refused, the
 * connect timed out): nothing was sent, so the request may be tried again. Docker retries a
 * plugin call failing this way for a while, a plugin being slow to start;
 * {@link UnixHttpClient#requestRetryingConnect} does likewise.
 */
public class ConnectFailedException extends RetryableException {
    private static final long serialVersionUID = 1L;

    /**
     * A failed connect.
     *
     * @param message what failed, naming the address
     * @param errno   the kernel's errno (ENOENT, ECONNREFUSED...), or 0 if not known
     * @param cause   the underlying failure, or null
     */
    public ConnectFailedException(String message, int errno, Throwable cause) {
        super(message, errno, "connect", "", cause);
    }

    @Override
    protected NetworkException rebuild(String message) {
        return new ConnectFailedException(message, errno(), this);
    }
}
