package org.libnetwork4j.http;

import org.libnetwork4j.NetworkException;
import org.libnetwork4j.RetryableException;

/**
 * {@link UnixHttpClient} connected but no whole response came within the timeout: the request
 * may or may not have been acted on.
 */
public class ResponseTimeoutException extends RetryableException {
    private static final long serialVersionUID = 1L;

    /**
     * A request that timed out.
     *
     * @param message what timed out, naming the address and the request
     */
    public ResponseTimeoutException(String message) {
        this(message, null);
    }

    private ResponseTimeoutException(String message, Throwable cause) {
        super(message, 0, "HTTP request", "", cause);
    }

    @Override
    protected NetworkException rebuild(String message) {
        return new ResponseTimeoutException(message, this);
    }
}
