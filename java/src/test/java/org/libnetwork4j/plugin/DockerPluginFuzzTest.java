package org.libnetwork4j.plugin;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import com.code_intelligence.jazzer.mutation.annotation.WithUtf8Length;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.http.Request;
import org.libnetwork4j.http.Response;

/**
 * Bodies of dockerd's plugin calls, as anyone who can reach the plugin's socket may send them:
 * every call ends in a reply in the protocol's words, a 200 or the status of a typed error,
 * never a 500 from an exception the plugin did not expect. The controller behind it has no
 * network and makes none (every call that would change something is refused with a typed
 * error): no kernel is touched.
 */
class DockerPluginFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PATHS = List.of("/Plugin.Activate", "/NetworkDriver.GetCapabilities",
            "/NetworkDriver.CreateNetwork", "/NetworkDriver.DeleteNetwork", "/NetworkDriver.CreateEndpoint",
            "/NetworkDriver.EndpointOperInfo", "/NetworkDriver.DeleteEndpoint", "/NetworkDriver.Join",
            "/NetworkDriver.Leave", "/NetworkDriver.ProgramExternalConnectivity",
            "/NetworkDriver.RevokeExternalConnectivity", "/NetworkDriver.DiscoverNew", "/IpamDriver.GetCapabilities",
            "/IpamDriver.GetDefaultAddressSpaces", "/IpamDriver.RequestPool", "/IpamDriver.ReleasePool",
            "/IpamDriver.RequestAddress", "/IpamDriver.ReleaseAddress", "/NetworkDriver.Nothing");
    private static final Set<Integer> TYPED = Set.of(200, 400, 403, 404, 405, 409, 501, 503);

    /** A controller with no network, sandbox or endpoint, that makes none. */
    private static NetworkController emptyController() {
        return (NetworkController) Proxy.newProxyInstance(DockerPluginFuzzTest.class.getClassLoader(),
                new Class<?>[] {NetworkController.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "networks", "sandboxes" -> List.of();
                    case "close" -> null;
                    default -> throw new NotFoundException("fuzz: " + method.getName());
                });
    }

    private static final DockerPlugin PLUGIN = new DockerPlugin(emptyController(), List.of());

    @FuzzTest(maxDuration = "8s")
    void bodies(byte path, @NotNull @WithUtf8Length(max = 2000) String body) throws Exception {
        String p = PATHS.get(Math.floorMod(path, PATHS.size()));
        Response r = PLUGIN.handle(new Request("POST", p, Map.of(), Map.of(), body.getBytes(StandardCharsets.UTF_8)));
        assertTrue(TYPED.contains(r.status()), () -> p + " " + body + " -> " + r.status() + " " + r.bodyText());
        JsonNode reply = JSON.readTree(r.body());
        assertTrue(reply.isObject(), r.bodyText());
        if (r.status() != 200) {
            String field = p.startsWith("/IpamDriver.") ? "Error" : "Err";
            assertTrue(reply.path(field).isTextual() && !reply.path(field).asText().isEmpty(), r.bodyText());
        }
    }
}
