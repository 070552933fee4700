package org.libnetwork4j.plugin;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.libnetwork4j.AddressPool;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.NetworkException;
import org.libnetwork4j.http.ErrorFormatter;
import org.libnetwork4j.http.Handler;
import org.libnetwork4j.http.Request;
import org.libnetwork4j.http.Response;
import org.libnetwork4j.http.Statuses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Docker network and IPAM plugin (plugin API 1.2: JSON over HTTP, every call a POST to
 * {@code /Plugin.Activate}, {@code /NetworkDriver.METHOD} or {@code /IpamDriver.METHOD}) that
 * serves dockerd's networks of driver and IPAM driver {@code libnetwork4j} with a controller.
 * dockerd finds it by its socket, {@link #DEFAULT_SOCKET}.
 *
 * <p>Docker's rules, as dockerd's plugin client reads replies: a method the protocol does not
 * have gets 404; a failure an error status with the message in {@code Err} (the network
 * driver's field), or for IPAM in {@code Error} (its protocol's field) and in {@code Err} as
 * well, since dockerd's client reads {@code Err} from any reply that is not a 200. A malformed
 * body or a missing field is a 400 that changes nothing.
 */
public final class DockerPlugin implements Handler {
    /** Where dockerd looks for a plugin named libnetwork4j, as a constant for annotations. */
    public static final String DEFAULT_SOCKET_PATH = "/run/docker/plugins/libnetwork4j.sock";
    /** Where dockerd looks for a plugin named libnetwork4j. */
    public static final Path DEFAULT_SOCKET = Path.of(DEFAULT_SOCKET_PATH);

    private static final Logger LOG = LoggerFactory.getLogger(DockerPlugin.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DockerNetworkDriver driver;
    private final DockerIpam ipam;

    /**
     * Serves dockerd with controller.
     *
     * @param controller the controller whose networks dockerd's become; it outlives this
     * @param pools      where subnets come from when dockerd asks for none (the controller's
     *                   own pools); empty for Docker's defaults
     */
    public DockerPlugin(NetworkController controller, List<AddressPool> pools) {
        this.driver = new DockerNetworkDriver(controller, JSON);
        this.ipam = new DockerIpam(controller, JSON, pools);
    }

    @Override
    public Response handle(Request request) {
        String path = request.path();
        boolean isIpam = path.startsWith("/IpamDriver.");
        try {
            if (!"POST".equals(request.method())) {
                return error(405, isIpam, "plugin calls are POSTs, not " + request.method());
            }
            JsonNode body = parse(request.body());
            Optional<JsonNode> reply;
            if (path.equals("/Plugin.Activate")) {
                reply = Optional.of(JSON.valueToTree(Map.of("Implements", List.of("NetworkDriver", "IpamDriver"))));
            } else if (path.startsWith("/NetworkDriver.")) {
                reply = driver.call(path.substring("/NetworkDriver.".length()), body);
            } else if (isIpam) {
                reply = ipam.call(path.substring("/IpamDriver.".length()), body);
            } else {
                reply = Optional.empty();
            }
            if (reply.isEmpty()) {
                return error(404, isIpam, path + ": no such plugin method");
            }
            LOG.debug("{} {} -> {}", path, body, reply.get());
            return Response.json(200, reply.get());
        } catch (NetworkException e) {
            LOG.debug("{}: {}", path, e.getMessage());
            return error(Statuses.of(e), isIpam, e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("{} failed", path, e);
            return error(500, isIpam, e.toString());
        }
    }

    private static JsonNode parse(byte[] body) {
        if (body.length == 0) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode n = JSON.readTree(body);
            if (n == null || n.isNull()) {
                return JSON.createObjectNode(); // dockerd sends "null" to calls without arguments
            }
            if (!n.isObject()) {
                throw new InvalidParameterException("the body is JSON but not an object");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw new InvalidParameterException("the body is not JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new InvalidParameterException("the body cannot be read: " + e.getMessage());
        }
    }

    /**
     * An error reply in the protocol's words.
     *
     * @param status  the HTTP status
     * @param isIpam  whether the call was an IPAM driver's
     * @param message what went wrong
     * @return the reply
     */
    static Response error(int status, boolean isIpam, String message) {
        return (isIpam ? ErrorFormatter.IPAM : ErrorFormatter.PLUGIN).format(status, message);
    }
}
