package org.libnetwork4j.http;

import org.libnetwork4j.AlreadyExistsException;
import org.libnetwork4j.ForbiddenException;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.NetworkException;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.NotSupportedException;
import org.libnetwork4j.PermissionDeniedException;
import org.libnetwork4j.RetryableException;

/** The HTTP status of a typed error, as Docker's servers answer them (shared by the Docker edges). */
public final class Statuses {
    private Statuses() {
    }

    /**
     * The status for an error: 400 a bad request, 404 not found, 409 a conflict, 403 forbidden
     * or not permitted, 501 not supported, 503 to be retried, 500 the rest.
     *
     * @param e the error
     * @return its status
     */
    public static int of(NetworkException e) {
        if (e instanceof InvalidParameterException) {
            return 400;
        }
        if (e instanceof NotFoundException) {
            return 404;
        }
        if (e instanceof AlreadyExistsException) {
            return 409;
        }
        if (e instanceof ForbiddenException || e instanceof PermissionDeniedException) {
            return 403;
        }
        if (e instanceof NotSupportedException) {
            return 501;
        }
        if (e instanceof RetryableException) {
            return 503;
        }
        return 500;
    }
}
