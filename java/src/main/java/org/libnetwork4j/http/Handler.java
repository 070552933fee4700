package org.libnetwork4j.http;

/**
 * What a {@link UnixHttpServer} serves: every request of every connection. Routing is the
 * handler's own business.
 *
 * <p>Called on the server's executor, never on an event-loop thread, so it may block (kernel
 * calls, locks); calls for different connections run concurrently, calls for one connection
 * one after another, in the order the requests came.
 */
@FunctionalInterface
public interface Handler {
    /**
     * Answers one request.
     *
     * @param request the request, its body read in full
     * @return the response, not null; a {@link Response#stream streaming} one to send a body as
     *         it is produced
     * @throws RuntimeException for a failure the handler did not turn into a response: the
     *                          client gets a 500 in the server's {@link ErrorFormatter} form
     */
    Response handle(Request request);
}
