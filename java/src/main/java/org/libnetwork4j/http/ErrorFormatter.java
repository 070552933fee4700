package org.libnetwork4j.http;

import java.util.Map;

/**
 * The body of an error the server itself answers (a refused peer, a body over the limit, a
 * malformed request, a handler that threw): Docker's protocols each name the message's field
 * their own way, so the edge says which.
 */
@FunctionalInterface
public interface ErrorFormatter {
    /** Docker's network driver plugin protocol: {@code {"Err": msg}}. */
    ErrorFormatter PLUGIN = field("Err");
    /**
     * Docker's IPAM plugin protocol: {@code {"Error": msg}}, and {@code Err} as well, the field
     * dockerd's plugin client reads from any reply that is not a 200.
     */
    ErrorFormatter IPAM = (status, message) -> Response.json(status, java.util.Map.of("Error", message, "Err", message));
    /** Docker's Engine API: {@code {"message": msg}}. */
    ErrorFormatter ENGINE = field("message");

    /**
     * The response for an error.
     *
     * @param status  the HTTP status, e.g. 400
     * @param message what went wrong, not null
     * @return the response; its status should be {@code status}
     */
    Response format(int status, String message);

    /**
     * JSON with the message in one field: {@code {"<name>": message}}.
     *
     * @param name the field's name
     * @return the formatter
     */
    static ErrorFormatter field(String name) {
        return (status, message) -> Response.json(status, Map.of(name, message));
    }
}
