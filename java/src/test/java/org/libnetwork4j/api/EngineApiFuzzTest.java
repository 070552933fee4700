package org.libnetwork4j.api;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import com.code_intelligence.jazzer.mutation.annotation.WithUtf8Length;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.libnetwork4j.EventSubscription;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.http.Request;
import org.libnetwork4j.http.Response;

/**
 * Engine API requests as anyone who can reach the socket may send them: methods, paths (with
 * and without a version), query strings and bodies. Every request ends in Docker's reply, a
 * success or an error status with {"message": ...}, never a 500 from an exception the handler
 * did not expect. The controller behind it has no network and makes none.
 */
class EngineApiFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> METHODS = List.of("GET", "HEAD", "POST", "DELETE", "PUT");
    private static final List<String> PATHS = List.of("/_ping", "/version", "/networks", "/networks/n1",
            "/networks/create", "/networks/n1/connect", "/networks/n1/disconnect", "/networks/prune",
            "/v1.41/networks", "/v1.41/networks/create", "/v1.24/networks/x/connect", "/containers/json", "/");
    private static final Set<Integer> TYPED = Set.of(200, 201, 204, 304, 400, 403, 404, 405, 409, 501, 503);

    private static final EventSubscription NO_EVENTS = new EventSubscription() {
        @Override
        public long dropped() {
            return 0;
        }

        @Override
        public void close() {
        }
    };

    private static NetworkController emptyController() {
        return (NetworkController) Proxy.newProxyInstance(EngineApiFuzzTest.class.getClassLoader(),
                new Class<?>[] {NetworkController.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "networks", "sandboxes" -> List.of();
                    case "subscribe" -> NO_EVENTS;
                    case "close" -> null;
                    default -> throw new NotFoundException("fuzz: " + method.getName());
                });
    }

    private static final EngineApi API = new EngineApi(emptyController());

    @FuzzTest(maxDuration = "8s")
    void requests(byte method, byte path, @NotNull @WithUtf8Length(max = 200) String query,
            @NotNull @WithUtf8Length(max = 2000) String body) throws Exception {
        String m = METHODS.get(Math.floorMod(method, METHODS.size()));
        String p = PATHS.get(Math.floorMod(path, PATHS.size()));
        Map<String, List<String>> q = Map.of("filters", List.of(query), "since", List.of(query));
        Response r = API.handle(new Request(m, p, q, Map.of("Content-Type", List.of("application/json")),
                body.getBytes(StandardCharsets.UTF_8)));
        assertTrue(TYPED.contains(r.status()), () -> m + " " + p + " ? " + query + " " + body + " -> " + r.status()
                + " " + r.bodyText());
        if (r.status() >= 400 && !"HEAD".equals(m)) {
            assertTrue(JSON.readTree(r.body()).path("message").isTextual(), r.bodyText());
        }
    }
}
