package org.libnetwork4j.http;

/**
 * The body of a {@link Response#stream streaming} response, written as it is produced (chunked
 * transfer encoding): Docker's {@code GET /events}, say.
 *
 * <p>Thread-safe: any thread may write, and the producer need not stay on the thread it was
 * started on. The response ends at {@link #close()}, or when the client goes away, or when the
 * server closes; {@link #onClose} hooks run then, once, whichever it was, so that a producer
 * can unsubscribe.
 */
public interface StreamingBody extends AutoCloseable {
    /**
     * Sends a piece of the body at once (flushed). Does not block: when the client reads more
     * slowly than the producer writes, the pieces wait in memory, up to a bound past which the
     * connection is closed (a client that stopped reading would otherwise cost the server
     * without limit).
     *
     * @param bytes the piece; not copied, so not to be changed afterwards
     * @return false if the response has ended (nothing was sent), true if the piece is on its way
     */
    boolean write(byte[] bytes);

    /**
     * Whether the response is still going.
     *
     * @return false once it has ended: closed, the client gone, or the server closed
     */
    boolean isOpen();

    /**
     * A hook to run when the response ends, for whatever reason. Runs on the server's executor
     * (or at once, on this thread, if the response has already ended).
     *
     * @param hook what to run, once
     */
    void onClose(Runnable hook);

    /** Ends the response; the connection then serves its next request. Idempotent. */
    @Override
    void close();
}
