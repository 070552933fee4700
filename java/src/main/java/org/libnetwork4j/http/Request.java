package org.libnetwork4j.http;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One HTTP request, its body read in full.
 *
 * <p>The body array is the request's own and is not copied: a handler that changes it changes
 * what it sees, nothing else. {@code equals} compares it by identity, as records do arrays.
 *
 * @param method  the method, upper case as sent, e.g. {@code POST}
 * @param path    the path, percent-decoded, without the query: {@code /NetworkDriver.CreateNetwork}
 * @param query   the query's parameters, decoded, in the order they came; empty without a query
 * @param headers the headers, names case-insensitive, each with its values in order
 * @param body    the body, empty (never null) without one
 */
public record Request(String method, String path, Map<String, List<String>> query,
        Map<String, List<String>> headers, byte[] body) {

    /**
     * Makes the maps unmodifiable, the header names case-insensitive, and a null body empty.
     *
     * @param method  the method
     * @param path    the path, without the query
     * @param query   the query's parameters
     * @param headers the headers
     * @param body    the body, or null for none
     */
    public Request {
        query = Collections.unmodifiableMap(copyValues(query, new LinkedHashMap<>()));
        headers = Collections.unmodifiableMap(copyValues(headers, new TreeMap<>(String.CASE_INSENSITIVE_ORDER)));
        body = body == null ? new byte[0] : body;
    }

    /**
     * A header's first value.
     *
     * @param name the header's name, any case
     * @return its first value, or null if the request has none
     */
    public String header(String name) {
        List<String> v = headers.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /**
     * A query parameter's first value.
     *
     * @param name the parameter's name (case-sensitive)
     * @return its first value, or null if the query has none
     */
    public String queryParameter(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /**
     * The body as text.
     *
     * @return the body decoded as UTF-8
     */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    private static Map<String, List<String>> copyValues(Map<String, List<String>> from,
            Map<String, List<String>> to) {
        if (from != null) {
            from.forEach((k, v) -> to.put(k, List.copyOf(v)));
        }
        return to;
    }
}
