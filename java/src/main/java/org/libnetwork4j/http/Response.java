package org.libnetwork4j.http;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One HTTP response: what a {@link Handler} answers, and what {@link UnixHttpClient} received.
 *
 * <p>Either the body is all there ({@link #streamer} null) or it is produced as it goes
 * ({@link #stream}). The server sets {@code Content-Type} from {@link #contentType} and
 * {@code Content-Length} (or chunking) itself: those two in {@link #headers} are ignored. A
 * response the client received carries every header it came with, {@code Content-Type} too.
 *
 * <p>The body array is not copied; {@code equals} compares it by identity, as records do arrays.
 *
 * @param status      the HTTP status, 100-999
 * @param contentType the body's media type, or null for none (no body, or the client got none)
 * @param headers     further headers, names case-insensitive; values of a header the client got
 *                    several times are joined with {@code ", "}
 * @param body        the body, empty (never null) for none or when streaming
 * @param streamer    what produces a streaming body, or null
 */
public record Response(int status, String contentType, Map<String, String> headers, byte[] body,
        Streamer streamer) {

    // Thread-safe once configured, and costly to make: one for every response.
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Produces a streaming response's body.
     */
    @FunctionalInterface
    public interface Streamer {
        /**
         * Starts the body, once the status and headers are sent. Runs on the server's executor;
         * it may write everything and close before returning, or hand the body to whatever
         * produces it (an event subscription) and return at once. Until the body is closed, the
         * connection serves no other request. Throwing ends the response by closing the
         * connection (the status is already sent).
         *
         * @param body where the body goes
         */
        void start(StreamingBody body);
    }

    /**
     * Checks the status and makes the headers unmodifiable and case-insensitive.
     *
     * @param status      the status, 100-999
     * @param contentType the media type, or null
     * @param headers     further headers, or null for none
     * @param body        the body, or null for none
     * @param streamer    the producer of a streaming body, or null
     * @throws IllegalArgumentException if status is out of range, or a streaming response has a
     *                                  body too
     */
    public Response {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("HTTP status out of range: " + status);
        }
        TreeMap<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (headers != null) {
            h.putAll(headers);
        }
        headers = Collections.unmodifiableMap(h);
        body = body == null ? new byte[0] : body;
        if (streamer != null && body.length > 0) {
            throw new IllegalArgumentException("a streaming response has no body of its own");
        }
    }

    /**
     * A JSON body, written by a shared Jackson {@code ObjectMapper}.
     *
     * @param status the status
     * @param value  what to write: a record, a map, a list, a string...
     * @return the response, {@code application/json}
     * @throws IllegalArgumentException if Jackson cannot write value
     */
    public static Response json(int status, Object value) {
        try {
            return new Response(status, "application/json", null, JSON.writeValueAsBytes(value), null);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    /**
     * No body.
     *
     * @param status the status, e.g. 204
     * @return the response
     */
    public static Response empty(int status) {
        return new Response(status, null, null, null, null);
    }

    /**
     * A text body.
     *
     * @param status the status
     * @param text   the text
     * @return the response, {@code text/plain; charset=utf-8}
     */
    public static Response text(int status, String text) {
        return new Response(status, "text/plain; charset=utf-8", null, text.getBytes(StandardCharsets.UTF_8), null);
    }

    /**
     * A body as it is.
     *
     * @param status      the status
     * @param contentType its media type, or null
     * @param body        the body, not copied
     * @return the response
     */
    public static Response bytes(int status, String contentType, byte[] body) {
        return new Response(status, contentType, null, body, null);
    }

    /**
     * A body produced as it goes, sent with chunked transfer encoding (to an HTTP/1.0 client:
     * as it is, the connection's end marking the body's).
     *
     * @param status      the status
     * @param contentType the body's media type, or null
     * @param streamer    what produces it, started once the status and headers are sent
     * @return the response
     */
    public static Response stream(int status, String contentType, Streamer streamer) {
        if (streamer == null) {
            throw new IllegalArgumentException("no streamer");
        }
        return new Response(status, contentType, null, null, streamer);
    }

    /**
     * This response with one more header (or another value for it).
     *
     * @param name  the header's name
     * @param value its value
     * @return a new response
     */
    public Response withHeader(String name, String value) {
        TreeMap<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        h.putAll(headers);
        h.put(name, value);
        return new Response(status, contentType, h, body, streamer);
    }

    /**
     * This response with another media type: Docker's plugins answer
     * {@code application/vnd.docker.plugins.v1+json}, say.
     *
     * @param type the media type, or null for none
     * @return a new response
     */
    public Response withContentType(String type) {
        return new Response(status, type, headers, body, streamer);
    }

    /**
     * A header's value.
     *
     * @param name the header's name, any case
     * @return its value, or null
     */
    public String header(String name) {
        return headers.get(name);
    }

    /**
     * Whether the body is produced as it goes.
     *
     * @return true for a {@link #stream} response
     */
    public boolean isStreaming() {
        return streamer != null;
    }

    /**
     * The body as text.
     *
     * @return the body decoded as UTF-8
     */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
