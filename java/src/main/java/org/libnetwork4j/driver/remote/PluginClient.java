package org.libnetwork4j.driver.remote;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.libnetwork4j.AlreadyExistsException;
import org.libnetwork4j.ForbiddenException;
import org.libnetwork4j.InternalException;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.NetworkException;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.NotSupportedException;
import org.libnetwork4j.RetryableException;
import org.libnetwork4j.http.BadResponseException;
import org.libnetwork4j.http.Response;
import org.libnetwork4j.http.UnixHttpClient;

/**
 * Calls one Docker plugin (plugin API 1.2): each call a JSON POST to {@code /METHOD}, tried
 * again while it cannot connect, for a bounded time, as dockerd's plugin client does (a
 * plugin may be starting, or restarting). Failures name the plugin and the method, e.g.
 * {@code plugin "weave": NetworkDriver.Join: connect to unix:///run/docker/plugins/weave.sock:
 * Connection refused}: a connect failure or a call that got no answer in time is a
 * {@link RetryableException}, an answer that is no JSON object a {@link BadResponseException},
 * an error the plugin answered (a status other than 200, or an {@code Err} that is not empty,
 * or an {@code Error}, the field of IPAM plugins) is typed by its status.
 */
public final class PluginClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How much of an answer that is not JSON a message quotes. */
    private static final int QUOTED = 200;

    private final String name;
    private final UnixHttpClient http;
    private final Duration timeout;
    private final Duration retry;

    /**
     * A client of the plugin at address.
     *
     * @param name    the plugin's name, for messages
     * @param address its address, as a spec file has it ({@code unix:///path},
     *                {@code tcp://host:port})
     * @param timeout how long one call may wait for its answer once connected
     * @param retry   how long a call that cannot connect is tried again
     * @throws InvalidParameterException if the address is not one
     * @throws NotSupportedException     for a TLS address
     */
    public PluginClient(String name, String address, Duration timeout, Duration retry) {
        this.name = name;
        this.http = UnixHttpClient.of(address);
        this.timeout = timeout;
        this.retry = retry;
    }

    /**
     * The plugin's name.
     *
     * @return the name it was found by
     */
    public String name() {
        return name;
    }

    /**
     * Where the plugin is.
     *
     * @return {@code unix:///path} or {@code tcp://host:port}
     */
    public String address() {
        return http.address();
    }

    /**
     * {@code Plugin.Activate}, as dockerd sends it before anything else, and the check that
     * the plugin implements the API it is wanted for.
     *
     * @param api  what it must implement: {@code NetworkDriver} or {@code IpamDriver}
     * @param role the same in words, for the error ("network driver")
     * @throws NotSupportedException if it does not implement api
     * @throws NetworkException      if the call fails ({@link #call})
     */
    public void activateAs(String api, String role) {
        JsonNode implemented = call("Plugin.Activate", JSON.createObjectNode()).path("Implements");
        for (JsonNode i : implemented) {
            if (api.equals(i.asText())) {
                return;
            }
        }
        throw new NotSupportedException("plugin \"" + name + "\" is no " + role + " (it implements " + implemented + ")",
                0, "Plugin.Activate", name, null);
    }

    /**
     * Calls method with body and returns its answer.
     *
     * @param method e.g. {@code NetworkDriver.Join}
     * @param body   the request, a JSON object
     * @return the answer, a JSON object without error
     * @throws RetryableException   if the plugin could not be reached within the retry bound
     *                              ({@link org.libnetwork4j.http.ConnectFailedException}) or did
     *                              not answer in time
     *                              ({@link org.libnetwork4j.http.ResponseTimeoutException})
     * @throws BadResponseException if the answer is no HTTP, or no JSON object
     * @throws NetworkException     for an error the plugin answered, typed by its HTTP status
     *                              (400 invalid parameter, 403 forbidden, 404 not found, 409
     *                              already exists, 501 not supported, 503 retryable, else
     *                              internal)
     */
    public JsonNode call(String method, JsonNode body) {
        String context = "plugin \"" + name + "\": " + method;
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new InternalException(context + ": cannot write the request: " + e.getOriginalMessage());
        }
        Response r;
        try {
            r = http.requestRetryingConnect("POST", "/" + method, Map.of(), bytes, timeout, retry);
        } catch (NetworkException e) {
            throw e.withContext(context);
        }
        JsonNode reply = parse(r.body());
        String err = reply != null && reply.isObject() ? error(reply) : "";
        if (r.status() != 200) {
            String why = !err.isEmpty() ? err : reply == null ? quote(r.body()) : reply.toString();
            throw refused(context + ": " + r.status() + ": " + why, r.status(), method);
        }
        if (reply == null || !reply.isObject()) {
            throw new BadResponseException(context + ": the answer is no JSON object: " + quote(r.body()), null);
        }
        if (!err.isEmpty()) {
            throw new InternalException(context + ": " + err, 0, method, name, null);
        }
        return reply;
    }

    /** The error answered: {@code Err}, or {@code Error} as IPAM plugins name it; empty if none. */
    private static String error(JsonNode reply) {
        String err = reply.path("Err").asText("");
        return err.isEmpty() ? reply.path("Error").asText("") : err;
    }

    private NetworkException refused(String message, int status, String method) {
        return switch (status) {
            case 400 -> new InvalidParameterException(message, 0, method, name, null);
            case 403 -> new ForbiddenException(message, 0, method, name, null);
            case 404 -> new NotFoundException(message, 0, method, name, null);
            case 409 -> new AlreadyExistsException(message, 0, method, name, null);
            case 501 -> new NotSupportedException(message, 0, method, name, null);
            case 503 -> new RetryableException(message, 0, method, name, null);
            default -> new InternalException(message, 0, method, name, null);
        };
    }

    /** The answer as JSON, or null if it is none; an empty answer is an empty object. */
    private static JsonNode parse(byte[] body) {
        if (body.length == 0) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private static String quote(byte[] body) {
        String s = new String(body, 0, Math.min(body.length, QUOTED), StandardCharsets.UTF_8);
        return "\"" + s.replace("\n", "\\n").replace("\r", "\\r") + "\"" + (body.length > QUOTED ? "..." : "");
    }

    @Override
    public String toString() {
        return "plugin \"" + name + "\" at " + address();
    }
}
