package org.libnetwork4j.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import org.libnetwork4j.AlreadyExistsException;
import org.libnetwork4j.Endpoint;
import org.libnetwork4j.EndpointOptions;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.IpamConfig;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.NetworkException;
import org.libnetwork4j.NetworkOptions;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.Sandbox;
import org.libnetwork4j.http.ErrorFormatter;
import org.libnetwork4j.http.Handler;
import org.libnetwork4j.http.Request;
import org.libnetwork4j.http.Response;
import org.libnetwork4j.http.Statuses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Docker Engine API's network endpoints, version {@value #API_VERSION}, over a controller:
 * what the docker CLI needs for {@code docker network ls|create|inspect|rm|prune|connect|disconnect}
 * (and {@code GET /events} for network events), with dockerd 20.10's field names, JSON types,
 * status codes and messages. Serve it with {@link org.libnetwork4j.http.UnixHttpServer} and
 * {@link org.libnetwork4j.http.ErrorFormatter#ENGINE}.
 *
 * <p>Containers are the controller's sandboxes: {@code connect} makes an endpoint named after
 * the container on the network and joins the container's sandbox (made with the controller's
 * defaults if the container has none); {@code disconnect} leaves and deletes that endpoint,
 * and leaves the sandbox, as a container outlives its networks. A container is named by its
 * sandbox's container id, or by its sandbox's id or a unique prefix of it.
 *
 * <p>Paths may carry a version ({@code /v1.41/networks}); a version above
 * {@value #API_VERSION} is refused as dockerd refuses it, and the CLI, having read
 * {@code API-Version} from {@code /_ping}, sends this one. Errors are
 * {@code {"message": ...}}. Close it to end its event subscription.
 */
public final class EngineApi implements Handler, AutoCloseable {
    /** The Engine API version served. */
    public static final String API_VERSION = "1.41";
    /** The oldest version dockerd 20.10 accepts. */
    public static final String MIN_API_VERSION = "1.12";

    private static final Logger LOG = LoggerFactory.getLogger(EngineApi.class);
    private static final Pattern VERSIONED = Pattern.compile("/v([0-9]+)\\.([0-9]+)(/.*)");
    private static final String VERSION = Optional.ofNullable(EngineApi.class.getPackage().getImplementationVersion())
            .orElse("0.1.0-SNAPSHOT");

    /** When the jar (or class directory) was built: its modification time; "" if unknown. */
    private static final String BUILD_TIME = buildTime();

    private final NetworkController controller;
    private final EngineEvents events;

    /**
     * Serves controller's networks; subscribes to its events at once, so that {@code since}
     * reaches back to this moment.
     *
     * @param controller the controller; it outlives this
     */
    public EngineApi(NetworkController controller) {
        this.controller = controller;
        this.events = new EngineEvents(controller);
    }

    @Override
    public Response handle(Request request) {
        Response r;
        try {
            r = route(request);
        } catch (ApiError e) {
            r = error(e.status(), e.getMessage());
        } catch (NetworkException e) {
            LOG.debug("{} {}: {}", request.method(), request.path(), e.getMessage());
            r = error(Statuses.of(e), e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("{} {} failed", request.method(), request.path(), e);
            r = error(500, e.toString());
        }
        // the headers dockerd's middleware puts on every response
        return r.withHeader("Api-Version", API_VERSION).withHeader("Docker-Experimental", "false")
                .withHeader("Ostype", "linux").withHeader("Server", "libnetwork4j/" + VERSION + " (linux)");
    }

    private Response route(Request r) {
        String path = r.path();
        Matcher v = VERSIONED.matcher(path);
        if (v.matches()) {
            checkVersion(Integer.parseInt(v.group(1)), Integer.parseInt(v.group(2)), v.group(1) + "." + v.group(2));
            path = v.group(3);
        }
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        String m = r.method();
        switch (path) {
            case "/_ping":
                allow(m, "GET", "HEAD");
                Response ping = "HEAD".equals(m) ? new Response(200, "text/plain; charset=utf-8", null, null, null)
                        : Response.text(200, "OK");
                return ping.withHeader("Cache-Control", "no-cache, no-store, must-revalidate")
                        .withHeader("Pragma", "no-cache");
            case "/version":
                allow(m, "GET");
                return Response.json(200, version());
            case "/events":
                allow(m, "GET");
                return events.serve(r);
            case "/networks":
                allow(m, "GET");
                return Response.json(200, list(r));
            case "/networks/create":
                allow(m, "POST");
                return create(r);
            case "/networks/prune":
                allow(m, "POST");
                return Response.json(200, prune(r));
            default:
                break;
        }
        if (path.startsWith("/networks/")) {
            String rest = path.substring("/networks/".length());
            int slash = rest.indexOf('/');
            String term = slash < 0 ? rest : rest.substring(0, slash);
            String action = slash < 0 ? "" : rest.substring(slash + 1);
            switch (action) {
                case "":
                    allow(m, "GET", "DELETE");
                    if ("GET".equals(m)) {
                        return Response.json(200, DockerNetworks.resource(controller, DockerNetworks.find(controller, term),
                                true));
                    }
                    DockerNetworks.find(controller, term).delete();
                    return Response.empty(204);
                case "connect":
                    allow(m, "POST");
                    connect(r, term);
                    return Response.empty(200);
                case "disconnect":
                    allow(m, "POST");
                    disconnect(r, term);
                    return Response.empty(200);
                default:
                    break;
            }
        }
        throw new ApiError(404, "page not found");
    }

    private static void checkVersion(int major, int minor, String text) {
        int[] max = {1, 41};
        int[] min = {1, 12};
        if (major > max[0] || major == max[0] && minor > max[1]) {
            throw ApiError.badRequest("client version " + text + " is too new. Maximum supported API version is "
                    + API_VERSION);
        }
        if (major < min[0] || major == min[0] && minor < min[1]) {
            throw ApiError.badRequest("client version " + text + " is too old. Minimum supported API version is "
                    + MIN_API_VERSION + ", please upgrade your client to a newer version");
        }
    }

    private static void allow(String method, String... allowed) {
        for (String a : allowed) {
            if (a.equals(method)) {
                return;
            }
        }
        throw new ApiError(405, "method " + method + " not allowed here");
    }

    // ---- GET /version ----

    private static Map<String, Object> version() {
        String arch = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64" -> "arm64";
            default -> System.getProperty("os.arch");
        };
        String kernel = kernelVersion();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("ApiVersion", API_VERSION);
        details.put("Arch", arch);
        details.put("BuildTime", BUILD_TIME);
        details.put("Experimental", "false");
        details.put("GitCommit", "");
        details.put("GoVersion", "");
        details.put("JavaVersion", Runtime.version().toString());
        details.put("KernelVersion", kernel);
        details.put("MinAPIVersion", MIN_API_VERSION);
        details.put("Os", "linux");
        Map<String, Object> m = new LinkedHashMap<>();
        // Platform.Name is free text in Docker's own output: where a client sees whose engine this is
        m.put("Platform", Map.of("Name", "libnetwork4j " + VERSION + " (Docker Engine API " + API_VERSION
                + ", networks only)"));
        m.put("Components", List.of(Map.of("Name", "Engine", "Version", VERSION, "Details", details)));
        m.put("Version", VERSION);
        m.put("ApiVersion", API_VERSION);
        m.put("MinAPIVersion", MIN_API_VERSION);
        m.put("GitCommit", "");
        m.put("GoVersion", "");
        m.put("Os", "linux");
        m.put("Arch", arch);
        m.put("KernelVersion", kernel);
        m.put("BuildTime", BUILD_TIME);
        return m;
    }

    private static String buildTime() {
        try {
            Path built = Path.of(EngineApi.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return DockerNetworks.rfc3339Nano(Files.getLastModifiedTime(built).toInstant());
        } catch (IOException | java.net.URISyntaxException | RuntimeException e) {
            return "";
        }
    }

    private static String kernelVersion() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        } catch (IOException e) {
            return System.getProperty("os.version");
        }
    }

    // ---- GET /networks ----

    private List<Map<String, Object>> list(Request r) {
        return DockerNetworks.list(controller, Filters.parse(r.queryParameter("filters"), DockerNetworks.LIST_FILTERS));
    }

    // ---- POST /networks/create ----

    private static final String CREATE = "types.NetworkCreateRequest";

    private Response create(Request r) {
        JsonNode body = Json.object(jsonBody(r), CREATE);
        String name = Json.string(body, CREATE, "Name");
        String driver = Json.string(body, CREATE, "Driver");
        String scope = Json.string(body, CREATE, "Scope");
        boolean ipv6 = Json.bool(body, CREATE, "EnableIPv6");
        boolean internal = Json.bool(body, CREATE, "Internal");
        boolean attachable = Json.bool(body, CREATE, "Attachable");
        boolean ingress = Json.bool(body, CREATE, "Ingress");
        boolean configOnly = Json.bool(body, CREATE, "ConfigOnly");
        Json.bool(body, CREATE, "CheckDuplicate"); // a duplicate name is refused either way
        JsonNode configFrom = Json.object(body, CREATE, "ConfigFrom");
        Map<String, String> options = Json.stringMap(body, CREATE, "Options");
        Map<String, String> labels = Json.stringMap(body, CREATE, "Labels");
        List<IpamConfig> ipam = new ArrayList<>();
        JsonNode ipamNode = Json.object(body, CREATE, "IPAM");
        String ipamDriver = null;
        Map<String, String> ipamOptions = Map.of();
        if (ipamNode != null) {
            ipamDriver = Json.string(ipamNode, "network.IPAM", "Driver");
            ipamOptions = Json.stringMap(ipamNode, "network.IPAM", "Options");
            DockerNetworks.checkCreate(null, ipamDriver, ipamOptions, false, false, null);
            for (JsonNode c : Json.array(ipamNode, "network.IPAM", "Config")) {
                if (!c.isObject()) {
                    throw ApiError.badRequest("json: cannot unmarshal " + c.getNodeType().name().toLowerCase(Locale.ROOT)
                            + " into Go struct field IPAM.Config of type network.IPAMConfig");
                }
                String s = "network.IPAMConfig";
                ipam.add(DockerNetworks.ipamConfig(Json.string(c, s, "Subnet"), Json.string(c, s, "IPRange"),
                        Json.string(c, s, "Gateway"), Json.stringMap(c, s, "AuxiliaryAddresses")));
            }
        }
        if (name == null || name.isEmpty()) {
            throw ApiError.badRequest("network name must not be empty");
        }
        if (DockerNetworks.PREDEFINED.contains(name)) {
            throw new ApiError(403, "operation is not permitted on predefined " + name + " network ");
        }
        DockerNetworks.checkCreate(scope, ipamDriver, ipamOptions, ingress, configOnly,
                configFrom == null ? null : Json.string(configFrom, "network.ConfigReference", "Network"));
        NetworkOptions opts = DockerNetworks.options(ipv6, internal, options, labels, ipam, ipamDriver, ipamOptions);
        Network n;
        try {
            n = controller.newNetwork(driver == null || driver.isEmpty() ? "bridge" : driver, name, opts);
        } catch (AlreadyExistsException e) {
            if (controller.networks().stream().anyMatch(x -> x.name().equals(name))) {
                throw new ApiError(409, "network with name " + name + " already exists");
            }
            throw e;
        }
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("Id", n.id());
        // Attachable is swarm's: a local network is attachable by any container anyway
        reply.put("Warning", attachable ? DockerNetworks.ATTACHABLE_IGNORED : "");
        return Response.json(201, reply);
    }

    /** dockerd's CheckForJSON: a body is JSON or says nothing of its type. */
    private static byte[] jsonBody(Request r) {
        String ct = r.header("Content-Type");
        if (ct != null && !ct.isEmpty()) {
            String media = ct.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
            if (!media.equals("application/json")) {
                throw ApiError.badRequest("Content-Type specified (" + ct + ") must be 'application/json'");
            }
        }
        return r.body();
    }

    // ---- POST /networks/{id}/connect, /disconnect ----

    private static final String CONNECT = "types.NetworkConnect";

    private void connect(Request r, String term) {
        Network n = DockerNetworks.find(controller, term);
        JsonNode body = Json.object(jsonBody(r), CONNECT);
        String container = Json.string(body, CONNECT, "Container");
        EndpointOptions.Builder b = EndpointOptions.builder();
        JsonNode cfg = Json.object(body, CONNECT, "EndpointConfig");
        if (cfg != null) {
            String s = "network.EndpointSettings";
            JsonNode ipam = Json.object(cfg, s, "IPAMConfig");
            if (ipam != null) {
                String v4 = Json.string(ipam, "network.EndpointIPAMConfig", "IPv4Address");
                String v6 = Json.string(ipam, "network.EndpointIPAMConfig", "IPv6Address");
                if (v4 != null && !v4.isEmpty()) {
                    b.ipv4(v4);
                }
                if (v6 != null && !v6.isEmpty()) {
                    b.ipv6(v6);
                }
                if (!Json.stringList(ipam, "network.EndpointIPAMConfig", "LinkLocalIPs").isEmpty()) {
                    throw ApiError.badRequest(DockerNetworks.NO_LINK_LOCAL);
                }
            }
            Json.stringList(cfg, s, "Aliases").forEach(b::alias);
            if (!Json.stringList(cfg, s, "Links").isEmpty()) {
                throw ApiError.badRequest(DockerNetworks.NO_LINKS);
            }
            if (!Json.stringMap(cfg, s, "DriverOpts").isEmpty()) {
                throw ApiError.badRequest(DockerNetworks.NO_DRIVER_OPTS);
            }
        }
        EndpointOptions options = b.build(); // checks the aliases before anything is made
        if (container == null || container.isEmpty()) {
            throw new ApiError(404, "No such container: " + (container == null ? "" : container));
        }
        Sandbox sb = sandbox(container);
        String containerId = sb == null ? container : sb.containerId();
        if (sb != null && sb.endpoints().stream().anyMatch(e -> e.network().id().equals(n.id()))) {
            throw new ApiError(403, "endpoint with name " + containerId + " already exists in network " + n.name());
        }
        Endpoint ep;
        try {
            ep = n.createEndpoint(containerId, options);
        } catch (AlreadyExistsException e) {
            // libnetwork's ForbiddenErrorf, for a name and for an address in use alike
            boolean named = n.endpoints().stream().anyMatch(x -> x.name().equals(containerId));
            throw new ApiError(403, named ? "endpoint with name " + containerId + " already exists in network "
                    + n.name() : e.getMessage());
        }
        try {
            ep.join(containerId); // makes the sandbox with the controller's defaults if there is none
        } catch (RuntimeException e) {
            try {
                ep.delete(false);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    private static final String DISCONNECT = "types.NetworkDisconnect";

    private void disconnect(Request r, String term) {
        Network n = DockerNetworks.find(controller, term);
        JsonNode body = Json.object(jsonBody(r), DISCONNECT);
        String container = Json.string(body, DISCONNECT, "Container");
        boolean force = Json.bool(body, DISCONNECT, "Force");
        if (container == null || container.isEmpty()) {
            throw new ApiError(404, "No such container: " + (container == null ? "" : container));
        }
        Sandbox sb = sandbox(container);
        Endpoint ep = null;
        if (sb != null) {
            ep = sb.endpoints().stream().filter(e -> e.network().id().equals(n.id())).findFirst().orElse(null);
        }
        if (ep == null && (sb != null || force)) {
            // forced, or a sandbox gone: the endpoint by the container's name, as dockerd does
            ep = n.endpoints().stream().filter(e -> e.name().equals(sb == null ? container : sb.containerId()))
                    .findFirst().orElse(null);
        }
        if (ep == null) {
            if (sb == null) {
                throw new ApiError(404, "No such container: " + container);
            }
            throw new ApiError(403, "container " + sb.containerId() + " is not connected to network " + n.name());
        }
        if (force) {
            ep.delete(true);
            return;
        }
        String joined = ep.info().sandboxId();
        if (joined != null) {
            ep.leave(controller.sandboxById(joined));
        }
        ep.delete(false);
    }

    /** A container's sandbox: by its container id, else by the sandbox's id or a unique prefix; null if none. */
    private Sandbox sandbox(String container) {
        try {
            return controller.sandboxByContainerId(container);
        } catch (NotFoundException e) {
            // not a name: an id?
        }
        try {
            return controller.sandboxById(container);
        } catch (NotFoundException | InvalidParameterException e) {
            return null;
        }
    }

    // ---- POST /networks/prune ----

    private Map<String, Object> prune(Request r) {
        Filters f = Filters.parse(r.queryParameter("filters"), DockerNetworks.PRUNE_FILTERS);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("NetworksDeleted", DockerNetworks.prune(controller, f, Instant.now()));
        return m;
    }

    // ---- errors ----

    private static Response error(int status, String message) {
        return ErrorFormatter.ENGINE.format(status, message == null ? "" : message);
    }

    /** Ends the event subscription. Idempotent. */
    @Override
    public void close() {
        events.close();
    }
}
