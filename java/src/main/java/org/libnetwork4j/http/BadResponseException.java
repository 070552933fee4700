package org.libnetwork4j.http;

import org.libnetwork4j.InternalException;
import org.libnetwork4j.NetworkException;

/**
 * {@link UnixHttpClient} connected but got no usable response: bytes that are not HTTP, a body
 * over the size limit, the connection closed before the response was whole. The peer is
 * broken, or is not what it was taken for. A status other than 2xx is a response, not this.
 */
public class BadResponseException extends InternalException {
    private static final long serialVersionUID = 1L;

    /**
     * An unusable response.
     *
     * @param message what was wrong, naming the address and the request
     * @param cause   the underlying failure, or null
     */
    public BadResponseException(String message, Throwable cause) {
        super(message, 0, "HTTP request", "", cause);
    }

    @Override
    protected NetworkException rebuild(String message) {
        return new BadResponseException(message, this);
    }
}
