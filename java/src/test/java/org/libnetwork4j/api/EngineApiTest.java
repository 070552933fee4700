package org.libnetwork4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.Sandbox;
import org.libnetwork4j.http.Request;
import org.libnetwork4j.http.Response;
import org.libnetwork4j.http.StreamingBody;
import org.libnetwork4j.http.UnixHttpClient;
import org.libnetwork4j.http.UnixHttpServer;
import org.libnetwork4j.testing.Eventually;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;
import org.libnetwork4j.testing.NsRef;
import org.libnetwork4j.testing.Oracle;

/**
 * The Engine API's handler against a controller bound to a fake host, call by call: dockerd
 * 20.10's fields and JSON types (diffed against documents a real dockerd 20.10 returned, in
 * this package's test resources), its status codes and messages, the list filters, prune,
 * events, bad requests that change nothing, and 64 clients at once through a real socket.
 * Kernel effects are checked with ip in the fake host and in the sandboxes.
 */
@ExtendWith(NetnsExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EngineApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Fields whose keys are data (ids, option names, label names): only their values' types count. */
    private static final Set<String> MAPS = Set.of("Containers", "Options", "Labels", "AuxiliaryAddresses");

    static Response call(EngineApi api, String method, String path, Map<String, String> query, String body) {
        Map<String, List<String>> q = new LinkedHashMap<>();
        query.forEach((k, v) -> q.put(k, List.of(v)));
        Map<String, List<String>> h = body == null ? Map.of() : Map.of("Content-Type", List.of("application/json"));
        return api.handle(new Request(method, path, q, h, body == null ? null : body.getBytes(StandardCharsets.UTF_8)));
    }

    static JsonNode ok(EngineApi api, String method, String path, Map<String, String> query, String body,
            int status) {
        Response r = call(api, method, path, query, body);
        assertEquals(status, r.status(), () -> method + " " + path + " " + query + ": " + r.bodyText());
        return r.body().length == 0 ? null : Oracle.parse(r.bodyText());
    }

    static String failed(EngineApi api, String method, String path, Map<String, String> query, String body,
            int status) {
        Response r = call(api, method, path, query, body);
        assertEquals(status, r.status(), () -> method + " " + path + ": " + r.bodyText());
        assertEquals("application/json", r.contentType());
        JsonNode n = Oracle.parse(r.bodyText());
        assertEquals(1, n.size(), "an error is {\"message\": ...} alone: " + n);
        return n.path("message").asText();
    }

    static String create(EngineApi api, String body) {
        JsonNode n = ok(api, "POST", "/v1.41/networks/create", Map.of(), body, 201);
        assertEquals("", n.path("Warning").asText());
        assertEquals(Set.of("Id", "Warning"), fieldNames(n));
        return n.path("Id").asText();
    }

    static Set<String> fieldNames(JsonNode n) {
        Set<String> s = new HashSet<>();
        n.fieldNames().forEachRemaining(s::add);
        return s;
    }

    /** A document's shape: field names and JSON types, recursively; the keys of data maps as "*". */
    static Object shape(String name, JsonNode n) {
        if (n.isObject()) {
            Map<String, Object> m = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                m.put(MAPS.contains(name) ? "*" : e.getKey(), shape(e.getKey(), e.getValue()));
            }
            return m;
        }
        if (n.isArray()) {
            List<Object> l = new ArrayList<>();
            n.forEach(x -> l.add(shape(name, x)));
            return l;
        }
        return n.getNodeType().toString();
    }

    static JsonNode resource(String name) throws IOException {
        try (InputStream in = EngineApiTest.class.getResourceAsStream(name)) {
            return JSON.readTree(in);
        }
    }

    @Test
    void networksHaveDockerd2010sFieldsAndTypes(Namespaces ns) throws Exception {
        NetworkController c = ns.controller();
        try (EngineApi api = new EngineApi(c)) {
            // as the golden ones were made: docker network create --subnet 10.77.0.0/24 --label a=b
            // -o com.docker.network.bridge.name=gbr0 g1, and the same flags of the g3 one
            String g1 = create(api, "{\"Name\":\"g1\",\"CheckDuplicate\":true,\"Driver\":\"bridge\",\"Scope\":\"\","
                    + "\"EnableIPv6\":false,\"IPAM\":{\"Driver\":\"default\",\"Options\":{},\"Config\":[{\"Subnet\":"
                    + "\"10.77.0.0/24\"}]},\"Internal\":false,\"Attachable\":false,\"Ingress\":false,\"ConfigOnly\":false,"
                    + "\"ConfigFrom\":null,\"Options\":{\"com.docker.network.bridge.name\":\"gbr0\"},\"Labels\":{\"a\":\"b\"}}");
            String g3 = create(api, "{\"Name\":\"g3\",\"CheckDuplicate\":true,\"Driver\":\"bridge\",\"EnableIPv6\":true,"
                    + "\"Internal\":true,\"IPAM\":{\"Driver\":\"default\",\"Options\":{},\"Config\":[{\"Subnet\":\"10.78.0.0/24\","
                    + "\"IPRange\":\"10.78.0.128/25\",\"Gateway\":\"10.78.0.254\",\"AuxiliaryAddresses\":{\"r\":\"10.78.0.9\"}},"
                    + "{\"Subnet\":\"fd00:78::/64\"}]},\"Options\":{},\"Labels\":{}}");
            JsonNode ours1 = ok(api, "GET", "/v1.41/networks/" + g1, Map.of(), null, 200);
            JsonNode ours3 = ok(api, "GET", "/networks/g3", Map.of(), null, 200);
            JsonNode gold1 = resource("dockerd-20.10-inspect-labels.json");
            JsonNode gold3 = resource("dockerd-20.10-inspect-ipam.json");
            assertEquals(shape("", gold1), shape("", ours1), "g1 against dockerd's");
            assertEquals(shape("", gold3), shape("", ours3), "g3 against dockerd's");
            // field order too, as dockerd writes them
            assertEquals(listOf((gold1.fieldNames())), listOf((ours1.fieldNames())));
            // the values that do not depend on the daemon: the same as dockerd's
            for (String f : List.of("Name", "Scope", "Driver", "EnableIPv6", "IPAM", "Internal", "Attachable", "Ingress",
                    "ConfigFrom", "ConfigOnly", "Containers", "Options", "Labels")) {
                assertEquals(gold1.get(f), ours1.get(f), "g1's " + f);
                assertEquals(gold3.get(f), ours3.get(f), "g3's " + f);
            }
            assertEquals(g3, ours3.path("Id").asText());
            assertTrue(ours1.path("Created").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,9})?Z"),
                    ours1.path("Created").asText());
            assertTrue(Instant.parse(ours1.path("Created").asText()).isBefore(Instant.now().plusSeconds(1)));
            // a subnet from the pools: dockerd shows it with its gateway
            create(api, "{\"Name\":\"g2\"}");
            JsonNode g2 = ok(api, "GET", "/networks/g2", Map.of(), null, 200).path("IPAM").path("Config");
            assertEquals(1, g2.size());
            assertEquals(Set.of("Subnet", "Gateway"), fieldNames(g2.get(0)));
            // the kernel agrees: the bridge named by the option, with g1's first address
            assertTrue(Oracle.addrs(ns.host(), "gbr0", "inet").contains("10.77.0.1/24"),
                    Oracle.addrs(ns.host(), "gbr0", "inet").toString());
            // the list is dockerd's too: the same documents, Containers empty
            JsonNode list = ok(api, "GET", "/v1.41/networks", Map.of(), null, 200);
            assertEquals(3, list.size());
            for (JsonNode n : list) {
                assertEquals(listOf((gold1.fieldNames())), listOf((n.fieldNames())));
                assertEquals("{}", n.path("Containers").toString());
            }
        }
    }

    private static <T> List<T> listOf(Iterator<T> it) {
        List<T> l = new ArrayList<>();
        it.forEachRemaining(l::add);
        return l;
    }

    @Test
    void pingAndVersionAsDockerdAnswerThem(Namespaces ns) throws Exception {
        try (EngineApi api = new EngineApi(ns.controller())) {
            for (String path : List.of("/_ping", "/v1.41/_ping")) {
                Response ping = call(api, "GET", path, Map.of(), null);
                assertEquals(200, ping.status());
                assertEquals("OK", ping.bodyText());
                assertEquals("1.41", ping.header("API-Version"));
                assertEquals("linux", ping.header("OSType"));
                assertEquals("false", ping.header("Docker-Experimental"));
                assertEquals("no-cache, no-store, must-revalidate", ping.header("Cache-Control"));
                assertEquals("no-cache", ping.header("Pragma"));
            }
            Response head = call(api, "HEAD", "/_ping", Map.of(), null);
            assertEquals(200, head.status());
            assertEquals(0, head.body().length);
            assertEquals("1.41", head.header("Api-Version"));

            JsonNode v = ok(api, "GET", "/v1.41/version", Map.of(), null, 200);
            JsonNode gold = resource("dockerd-20.10-version.json");
            assertEquals(listOf((gold.fieldNames())), listOf((v.fieldNames())));
            for (String f : List.of("Platform", "Version", "ApiVersion", "MinAPIVersion", "Os", "Arch", "KernelVersion")) {
                assertEquals(gold.get(f).getNodeType(), v.get(f).getNodeType(), f);
            }
            assertEquals("1.41", v.path("ApiVersion").asText());
            assertEquals("1.12", v.path("MinAPIVersion").asText());
            assertTrue(v.path("Platform").path("Name").asText().startsWith("libnetwork4j"));
            JsonNode engine = v.path("Components").get(0);
            assertEquals("Engine", engine.path("Name").asText());
            assertTrue(fieldNames(engine.path("Details")).containsAll(fieldNames(gold.path("Components").get(0)
                    .path("Details"))), engine.toString());

            assertEquals("client version 1.50 is too new. Maximum supported API version is 1.41",
                    failed(api, "GET", "/v1.50/networks", Map.of(), null, 400));
            assertTrue(failed(api, "GET", "/v1.11/networks", Map.of(), null, 400).contains("too old"));
            assertEquals("page not found", failed(api, "GET", "/v1.41/containers/json", Map.of(), null, 404));
            assertEquals(405, call(api, "PUT", "/networks/x", Map.of(), null).status());
        }
    }

    @Test
    void listFiltersAsDockerdAppliesThem(Namespaces ns) throws Exception {
        NetworkController c = ns.controller();
        try (EngineApi api = new EngineApi(c)) {
            String n1 = create(api, "{\"Name\":\"n1\",\"Labels\":{\"team\":\"x\",\"tier\":\"web\"}}");
            String n2 = create(api, "{\"Name\":\"n2\",\"Labels\":{\"team\":\"y\"}}");
            create(api, "{\"Name\":\"other\"}");
            c.newNetwork("host", "host"); // dockerd's own host network, made as the daemon would
            assertEquals(List.of("n1", "n2", "other", "host"), names(api, null));
            assertEquals(List.of("n1", "n2"), names(api, "{\"name\":{\"n\":true}}"), "a name matches as a regexp");
            assertEquals(List.of("n1"), names(api, "{\"name\":[\"^n1$\"]}"), "the older form: a list");
            assertEquals(List.of("n2"), names(api, "{\"id\":{\"" + n2.substring(0, 10) + "\":true}}"));
            assertEquals(List.of("host"), names(api, "{\"driver\":{\"host\":true}}"));
            assertEquals(List.of(), names(api, "{\"driver\":{\"brid\":true}}"), "a driver matches exactly");
            assertEquals(List.of("n1", "n2"), names(api, "{\"label\":{\"team\":true}}"));
            assertEquals(List.of("n1"), names(api, "{\"label\":{\"team=x\":true}}"));
            assertEquals(List.of("n1"), names(api, "{\"label\":{\"team\":true,\"tier=web\":true}}"), "labels all apply");
            assertEquals(List.of("n1", "n2"), names(api, "{\"name\":{\"n1\":true,\"n2\":true}}"), "names are alternatives");
            assertEquals(List.of("host"), names(api, "{\"type\":{\"builtin\":true}}"));
            assertEquals(List.of("n1", "n2", "other"), names(api, "{\"type\":{\"custom\":true}}"));
            assertEquals(List.of("n1", "n2", "other", "host"), names(api, "{\"scope\":{\"local\":true}}"));
            assertEquals(List.of(), names(api, "{\"scope\":{\"swarm\":true}}"));
            ok(api, "POST", "/networks/" + n1.substring(0, 12) + "/connect", Map.of(), "{\"Container\":\"c1\"}", 200);
            assertEquals(List.of("n2", "other"), names(api, "{\"dangling\":{\"true\":true}}"));
            assertEquals(List.of("n1", "host"), names(api, "{\"dangling\":[\"false\"]}"));

            assertEquals("Invalid filter 'foo'", failed(api, "GET", "/networks", Map.of("filters", "{\"foo\":[\"x\"]}"),
                    null, 400));
            assertEquals("invalid filter: 'type'='x'", failed(api, "GET", "/networks",
                    Map.of("filters", "{\"type\":[\"x\"]}"), null, 400));
            assertTrue(failed(api, "GET", "/networks", Map.of("filters", "{\"dangling\":[\"maybe\"]}"), null, 400)
                    .contains("dangling"));
            assertTrue(failed(api, "GET", "/networks", Map.of("filters", "{name"), null, 400).startsWith("invalid filters"));
            assertTrue(failed(api, "GET", "/networks", Map.of("filters", "{\"name\":7}"), null, 400)
                    .startsWith("invalid filters"));
        }
    }

    private static List<String> names(EngineApi api, String filters) {
        JsonNode l = ok(api, "GET", "/v1.41/networks", filters == null ? Map.of() : Map.of("filters", filters), null, 200);
        List<String> out = new ArrayList<>();
        l.forEach(n -> out.add(n.path("Name").asText()));
        return out;
    }

    @Test
    void networksResolveAsDockerdResolvesThem(Namespaces ns) throws Exception {
        NetworkController c = ns.controller();
        try (EngineApi api = new EngineApi(c)) {
            String a = create(api, "{\"Name\":\"a\"}");
            // a network named like another's id prefix: the name wins, as in dockerd
            String prefix = a.substring(0, 6);
            String b = create(api, "{\"Name\":\"" + prefix + "\"}");
            assertEquals(b, ok(api, "GET", "/networks/" + prefix, Map.of(), null, 200).path("Id").asText());
            assertEquals(a, ok(api, "GET", "/networks/" + a.substring(0, 7), Map.of(), null, 200).path("Id").asText());
            assertEquals(a, ok(api, "GET", "/networks/" + a, Map.of(), null, 200).path("Id").asText());
            assertEquals("network nope not found", failed(api, "GET", "/networks/nope", Map.of(), null, 404));
            assertEquals("network nope not found", failed(api, "DELETE", "/networks/nope", Map.of(), null, 404));
            Response rm = call(api, "DELETE", "/v1.41/networks/a", Map.of(), null);
            assertEquals(204, rm.status());
            assertEquals(0, rm.body().length);
            assertEquals(List.of(prefix), c.networks().stream().map(Network::name).toList());
        }
    }

    @Test
    void badCreatesAnswerDockersErrorsAndChangeNothing(Namespaces ns) throws Exception {
        NetworkController c = ns.controller();
        try (EngineApi api = new EngineApi(c)) {
            create(api, "{\"Name\":\"n1\",\"IPAM\":{\"Config\":[{\"Subnet\":\"10.81.0.0/24\"}]}}");
            List<String> links = Oracle.linkNames(ns.host());
            List<String> before = c.networks().stream().map(Network::id).toList();
            String path = "/v1.41/networks/create";
            assertEquals("network with name n1 already exists",
                    failed(api, "POST", path, Map.of(), "{\"Name\":\"n1\",\"CheckDuplicate\":true}", 409));
            assertEquals("json: cannot unmarshal string into Go struct field types.NetworkCreateRequest.Internal of type bool",
                    failed(api, "POST", path, Map.of(), "{\"Name\":\"n5\",\"Internal\":\"yes\"}", 400));
            assertTrue(failed(api, "POST", path, Map.of(), "{\"Name\":", 400).startsWith("invalid JSON"));
            assertEquals("got EOF while reading request body", failed(api, "POST", path, Map.of(), "", 400));
            assertTrue(failed(api, "POST", path, Map.of(), "[1]", 400).contains("cannot unmarshal array"));
            assertEquals("network name must not be empty", failed(api, "POST", path, Map.of(), "{\"Driver\":\"bridge\"}", 400));
            assertEquals("operation is not permitted on predefined host network ",
                    failed(api, "POST", path, Map.of(), "{\"Name\":\"host\",\"Driver\":\"host\"}", 403));
            assertEquals("invalid subnet \"10.0.0.0/33\"", failed(api, "POST", path, Map.of(),
                    "{\"Name\":\"n5\",\"IPAM\":{\"Config\":[{\"Subnet\":\"10.0.0.0/33\"}]}}", 400));
            assertTrue(failed(api, "POST", path, Map.of(), "{\"Name\":\"n5\",\"IPAM\":{\"Config\":[{\"Subnet\":"
                    + "\"10.82.0.0/24\",\"Gateway\":\"10.9.9.9\"}]}}", 400).contains("not in subnet"));
            assertTrue(failed(api, "POST", path, Map.of(), "{\"Name\":\"n5\",\"IPAM\":{\"Config\":[{\"Subnet\":"
                    + "\"10.82.0.0/24\",\"AuxiliaryAddresses\":{\"r\":7}}]}}", 400).contains("cannot unmarshal number"));
            // an IPAM plugin's name passes; none of that name is there: dockerd's 404
            assertTrue(failed(api, "POST", path, Map.of(), "{\"Name\":\"n5\",\"IPAM\":{\"Driver\":\"other\"}}", 404)
                    .contains("IPAM driver \"other\" not found"));
            assertTrue(failed(api, "POST", path, Map.of(), "{\"Name\":\"n5\",\"IPAM\":{\"Driver\":\"../x\"}}", 400)
                    .contains("cannot name a plugin"));
            assertTrue(failed(api, "POST", path, Map.of(), "{\"Name\":\"n5\",\"IPAM\":{\"Options\":{\"a\":\"b\"}}}",
                    400).contains("IPAM options"));
            assertTrue(failed(api, "POST", path, Map.of(), "{\"Name\":\"n5\",\"Ingress\":true}", 400).contains("swarm"));
            assertTrue(failed(api, "POST", path, Map.of(), "{\"Name\":\"n5\",\"Options\":{\"com.docker.network.bridge"
                    + ".enable_icc\":\"maybe\"}}", 400).contains("enable_icc"));
            assertEquals(404, call(api, "POST", path, Map.of(), "{\"Name\":\"n5\",\"Driver\":\"nosuch\"}").status());
            Response text = api.handle(new Request("POST", path, Map.of(), Map.of("Content-Type", List.of("text/plain")),
                    "{\"Name\":\"n5\"}".getBytes(StandardCharsets.UTF_8)));
            assertEquals(400, text.status());
            assertEquals("{\"message\":\"Content-Type specified (text/plain) must be 'application/json'\"}",
                    text.bodyText());
            // connect and disconnect bodies likewise
            assertTrue(failed(api, "POST", "/networks/n1/connect", Map.of(), "{\"Container\":1}", 400)
                    .contains("cannot unmarshal number"));
            assertTrue(failed(api, "POST", "/networks/n1/connect", Map.of(), "{\"Container\":\"c1\",\"EndpointConfig\":"
                    + "{\"Aliases\":[\"bad alias!\"]}}", 400).contains("alias"));
            assertTrue(failed(api, "POST", "/networks/n1/connect", Map.of(), "{\"Container\":\"c1\",\"EndpointConfig\":"
                    + "{\"IPAMConfig\":{\"IPv4Address\":\"10.81.0.300\"}}}", 400).contains("10.81.0.300"));
            assertTrue(failed(api, "POST", "/networks/n1/connect", Map.of(), "{\"Container\":\"c1\",\"EndpointConfig\":"
                    + "{\"IPAMConfig\":{\"IPv4Address\":\"10.99.0.5\"}}}", 400).contains("10.99.0.5"));
            assertTrue(failed(api, "POST", "/networks/n1/disconnect", Map.of(), "{\"Force\":\"yes\"}", 400)
                    .contains("cannot unmarshal string"));
            assertEquals("No such container: ", failed(api, "POST", "/networks/n1/connect", Map.of(), "{}", 404));

            assertEquals(before, c.networks().stream().map(Network::id).toList(), "no network made or lost");
            assertEquals(List.of(), c.sandboxes(), "no sandbox made");
            assertTrue(c.networkByName("n1").endpoints().isEmpty(), "no endpoint made");
            assertEquals(links, Oracle.linkNames(ns.host()), "no link made in the fake host");
        }
    }

    @Test
    void connectJoinsTheContainersSandboxAndDisconnectLeavesIt(Namespaces ns) throws Exception {
        NetworkController c = ns.controller();
        try (EngineApi api = new EngineApi(c)) {
            String id = create(api, "{\"Name\":\"n1\",\"IPAM\":{\"Config\":[{\"Subnet\":\"10.83.0.0/24\"}]}}");
            Sandbox existing = c.newSandbox("c2");
            ok(api, "POST", "/v1.41/networks/n1/connect", Map.of(), "{\"Container\":\"app1\",\"EndpointConfig\":"
                    + "{\"IPAMConfig\":{\"IPv4Address\":\"10.83.0.10\"},\"Aliases\":[\"web\",\"www\"]}}", 200);
            // a container by its sandbox's id prefix
            ok(api, "POST", "/networks/" + id.substring(0, 12) + "/connect", Map.of(),
                    "{\"Container\":\"" + existing.id().substring(0, 10) + "\",\"EndpointConfig\":null}", 200);
            Sandbox c1 = c.sandboxByContainerId("app1");
            assertEquals(List.of("10.83.0.10/24"), Oracle.addrs(NsRef.of(Path.of(c1.key())), "eth0", "inet"));
            assertEquals(List.of("10.83.0.2/24"), Oracle.addrs(NsRef.of(Path.of(existing.key())), "eth0", "inet"));
            assertEquals(List.of("web", "www"), c1.endpoints().get(0).info().aliases());

            JsonNode containers = ok(api, "GET", "/networks/n1", Map.of(), null, 200).path("Containers");
            assertEquals(Set.of(c1.id(), existing.id()), fieldNames(containers));
            JsonNode e1 = containers.path(c1.id());
            assertEquals("app1", e1.path("Name").asText());
            assertEquals(c1.endpoints().get(0).id(), e1.path("EndpointID").asText());
            assertEquals("10.83.0.10/24", e1.path("IPv4Address").asText());
            assertEquals("", e1.path("IPv6Address").asText());
            assertEquals(c1.endpoints().get(0).info().mac().toString(), e1.path("MacAddress").asText());
            assertEquals(Set.of("Name", "EndpointID", "MacAddress", "IPv4Address", "IPv6Address"), fieldNames(e1));
            String hostEnd = Oracle.hostEnd(ns.host(), e1.path("EndpointID").asText()).orElseThrow()
                    .path("ifname").asText();

            assertEquals("endpoint with name app1 already exists in network n1", failed(api, "POST",
                    "/networks/n1/connect", Map.of(), "{\"Container\":\"app1\"}", 403));
            assertTrue(failed(api, "POST", "/networks/n1/connect", Map.of(), "{\"Container\":\"app3\",\"EndpointConfig\":"
                    + "{\"IPAMConfig\":{\"IPv4Address\":\"10.83.0.10\"}}}", 403).contains("10.83.0.10"));
            assertTrue(failed(api, "DELETE", "/networks/n1", Map.of(), null, 403).contains("active endpoints"));

            ok(api, "POST", "/networks/n1/disconnect", Map.of(), "{\"Container\":\"app1\"}", 200);
            assertTrue(Oracle.link(ns.host(), hostEnd).isEmpty(), "the veth went with the endpoint");
            assertEquals(List.of("lo"), Oracle.linkNames(NsRef.of(Path.of(c1.key()))));
            assertEquals("container app1 is not connected to network n1", failed(api, "POST", "/networks/n1/disconnect",
                    Map.of(), "{\"Container\":\"app1\"}", 403));
            assertEquals("No such container: nosuch", failed(api, "POST", "/networks/n1/disconnect", Map.of(),
                    "{\"Container\":\"nosuch\"}", 404));
            ok(api, "POST", "/networks/n1/disconnect", Map.of(), "{\"Container\":\"c2\",\"Force\":true}", 200);
            assertEquals(List.of(), c.networkByName("n1").endpoints());
            assertEquals(204, call(api, "DELETE", "/networks/n1", Map.of(), null).status());
            // the bridge is down at once, and gone as soon as the kernel's background delete ends
            assertTrue(Oracle.upLinkNames(ns.host()).stream().noneMatch(l -> l.startsWith("br-") || l.startsWith("veth")),
                    "nothing of n1 is up");
            assertEquals(List.of("lo"), Eventually.settled(() -> Oracle.linkNames(ns.host()), List.of("lo")),
                    "no bridge or veth left");
        }
    }

    @Test
    void pruneDeletesTheUnusedNetworksItsFiltersName(Namespaces ns) throws Exception {
        NetworkController c = ns.controller();
        try (EngineApi api = new EngineApi(c)) {
            create(api, "{\"Name\":\"keep\",\"Labels\":{\"keep\":\"yes\"}}");
            create(api, "{\"Name\":\"used\"}");
            create(api, "{\"Name\":\"old\",\"Labels\":{\"team\":\"x\"}}");
            ok(api, "POST", "/networks/used/connect", Map.of(), "{\"Container\":\"app1\"}", 200);
            c.newNetwork("null", "none");
            // until a moment before they were made: nothing
            JsonNode none = ok(api, "POST", "/v1.41/networks/prune", Map.of("filters", "{\"until\":{\"1h\":true}}"),
                    null, 200);
            assertEquals("{\"NetworksDeleted\":[]}", none.toString());
            JsonNode byLabel = ok(api, "POST", "/networks/prune", Map.of("filters", "{\"label\":{\"team=x\":true}}"),
                    null, 200);
            assertEquals("[\"old\"]", byLabel.path("NetworksDeleted").toString());
            create(api, "{\"Name\":\"old2\"}");
            JsonNode rest = ok(api, "POST", "/networks/prune", Map.of("filters", "{\"label!\":{\"keep\":true},"
                    + "\"until\":{\"" + (Instant.now().getEpochSecond() + 5) + "\":true}}"), null, 200);
            assertEquals("[\"old2\"]", rest.path("NetworksDeleted").toString(), "not the kept, the used nor dockerd's own");
            assertEquals(List.of("keep", "used", "none"), c.networks().stream().map(Network::name).toList());
            assertEquals("Invalid filter 'name'", failed(api, "POST", "/networks/prune",
                    Map.of("filters", "{\"name\":{\"x\":true}}"), null, 400));
            assertTrue(failed(api, "POST", "/networks/prune", Map.of("filters", "{\"until\":{\"someday\":true}}"), null,
                    400).contains("someday"));
        }
    }

    /** A streaming body that keeps what is written. */
    static final class Collected implements StreamingBody {
        final List<String> pieces = Collections.synchronizedList(new ArrayList<>());
        private final List<Runnable> hooks = new ArrayList<>();
        private boolean open = true;

        @Override
        public synchronized boolean write(byte[] bytes) {
            if (!open) {
                return false;
            }
            pieces.add(new String(bytes, StandardCharsets.UTF_8));
            return true;
        }

        @Override
        public synchronized boolean isOpen() {
            return open;
        }

        @Override
        public void onClose(Runnable hook) {
            synchronized (this) {
                if (open) {
                    hooks.add(hook);
                    return;
                }
            }
            hook.run();
        }

        @Override
        public void close() {
            List<Runnable> run;
            synchronized (this) {
                if (!open) {
                    return;
                }
                open = false;
                run = List.copyOf(hooks);
            }
            run.forEach(Runnable::run);
        }

        List<JsonNode> events() {
            List<JsonNode> l = new ArrayList<>();
            synchronized (pieces) {
                pieces.forEach(p -> p.lines().forEach(line -> l.add(Oracle.parse(line))));
            }
            return l;
        }
    }

    static Collected stream(EngineApi api, Map<String, String> query) {
        Response r = call(api, "GET", "/v1.41/events", query, null);
        assertEquals(200, r.status());
        assertTrue(r.isStreaming());
        assertEquals("application/json", r.contentType());
        Collected body = new Collected();
        r.streamer().start(body);
        return body;
    }

    @Test
    void eventsAreDockersNetworkEvents(Namespaces ns) throws Exception {
        NetworkController c = ns.controller();
        try (EngineApi api = new EngineApi(c)) {
            Instant start = Instant.now();
            Collected live = stream(api, Map.of("filters", "{\"type\":{\"network\":true}}"));
            String id = create(api, "{\"Name\":\"n1\"}");
            ok(api, "POST", "/networks/n1/connect", Map.of(), "{\"Container\":\"c1\"}", 200);
            String sandbox = c.sandboxByContainerId("c1").id();
            ok(api, "POST", "/networks/n1/disconnect", Map.of(), "{\"Container\":\"c1\"}", 200);
            assertEquals(204, call(api, "DELETE", "/networks/n1", Map.of(), null).status());
            assertEquals(4, Eventually.settled(() -> live.events().size(), 4));
            List<JsonNode> got = live.events();
            assertEquals(List.of("create", "connect", "disconnect", "destroy"),
                    got.stream().map(e -> e.path("Action").asText()).toList());
            for (JsonNode e : got) {
                assertEquals("network", e.path("Type").asText());
                assertEquals(id, e.path("Actor").path("ID").asText());
                assertEquals("n1", e.path("Actor").path("Attributes").path("name").asText());
                assertEquals("bridge", e.path("Actor").path("Attributes").path("type").asText());
                assertEquals("local", e.path("scope").asText());
                assertTrue(e.path("time").isIntegralNumber() && e.path("timeNano").isIntegralNumber());
                assertEquals(e.path("time").asLong(), e.path("timeNano").asLong() / 1_000_000_000L);
                assertEquals(List.of("Type", "Action", "Actor", "scope", "time", "timeNano"),
                        listOf((e.fieldNames())));
            }
            assertEquals(sandbox, got.get(1).path("Actor").path("Attributes").path("container").asText(),
                    "the container is the sandbox, as Containers keys it");
            assertEquals(Set.of("name", "type"), fieldNames(got.get(0).path("Actor").path("Attributes")));
            assertEquals(Set.of("container", "name", "type"), fieldNames(got.get(1).path("Actor").path("Attributes")));
            live.close();

            // since and until in the past: the buffered ones, then the end
            String since = start.getEpochSecond() + "." + String.format("%09d", start.getNano());
            Instant now = Instant.now();
            String until = now.getEpochSecond() + "." + String.format("%09d", now.getNano());
            Collected past = stream(api, Map.of("since", since, "until", until));
            assertFalse(past.isOpen(), "until in the past ends the response");
            assertEquals(4, past.events().size());
            Collected creates = stream(api, Map.of("since", since, "until", until,
                    "filters", "{\"event\":{\"create\":true},\"network\":{\"" + id.substring(0, 8) + "\":true}}"));
            assertEquals(1, creates.events().size());
            assertEquals(0, stream(api, Map.of("since", since, "until", until, "filters", "{\"type\":[\"container\"]}"))
                    .events().size());
            assertEquals(0, stream(api, Map.of("since", until, "until", until)).events().size());
            // until in the future: the stream ends when it comes
            Collected soon = stream(api, Map.of("until", Long.toString(Instant.now().getEpochSecond() + 2)));
            assertTrue(soon.isOpen());
            assertFalse(Eventually.settled(soon::isOpen, false), "the stream ended at until");
            assertEquals(400, call(api, "GET", "/events", Map.of("since", until, "until", since), null).status());
            assertEquals(400, call(api, "GET", "/events", Map.of("filters", "{\"color\":[\"red\"]}"), null).status());
            // a closed stream gets nothing more
            create(api, "{\"Name\":\"n2\"}");
            assertEquals(8, Eventually.settled(() -> past.events().size() + live.events().size(), 8));
            assertEquals(4, past.events().size(), "the ended stream got none of it");
        }
    }

    @Test
    void sixtyFourClientsAtOnceThroughASocket(Namespaces ns) throws Exception {
        NetworkController c = ns.controller();
        ExecutorService work = Executors.newFixedThreadPool(16);
        ExecutorService clients = Executors.newFixedThreadPool(64);
        Path socket = ns.dir().resolve("api.sock");
        try (EngineApi api = new EngineApi(c);
                UnixHttpServer server = UnixHttpServer.builder(socket, api, work).maxBodyBytes(64 * 1024).start()) {
            UnixHttpClient http = UnixHttpClient.unix(socket);
            Response shared = http.request("POST", "/v1.41/networks/create", Map.of("Content-Type", "application/json"),
                    "{\"Name\":\"shared\",\"IPAM\":{\"Config\":[{\"Subnet\":\"10.84.0.0/24\"}]}}".getBytes(StandardCharsets.UTF_8),
                    Duration.ofSeconds(30));
            assertEquals(201, shared.status(), shared.bodyText());
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                int n = i;
                results.add(clients.submit(() -> {
                    Map<String, String> h = Map.of("Content-Type", "application/json");
                    Duration t = Duration.ofSeconds(60);
                    Response r = http.request("POST", "/v1.41/networks/create", h, ("{\"Name\":\"p" + n + "\",\"IPAM\":{\"Config\":[{\"Subnet\":\"10.201." + n + ".0/24\"}]}}")
                            .getBytes(StandardCharsets.UTF_8), t);
                    assertEquals(201, r.status(), r.bodyText());
                    Response j = http.request("POST", "/v1.41/networks/shared/connect", h, ("{\"Container\":\"k" + n
                            + "\"}").getBytes(StandardCharsets.UTF_8), t);
                    assertEquals(200, j.status(), j.bodyText());
                    Response g = http.request("GET", "/v1.41/networks/p" + n, Map.of(), null, t);
                    assertEquals(200, g.status(), g.bodyText());
                    assertEquals("p" + n, Oracle.parse(g.bodyText()).path("Name").asText());
                    Response d = http.request("DELETE", "/v1.41/networks/p" + n, Map.of(), null, t);
                    assertEquals(204, d.status(), d.bodyText());
                    return "ok";
                }));
            }
            for (Future<String> f : results) {
                assertEquals("ok", f.get(100, TimeUnit.SECONDS));
            }
            JsonNode containers = Oracle.parse(http.request("GET", "/networks/shared", Map.of(), null,
                    Duration.ofSeconds(30)).bodyText()).path("Containers");
            Set<String> ips = new HashSet<>();
            containers.forEach(e -> ips.add(e.path("IPv4Address").asText()));
            assertEquals(64, containers.size());
            assertEquals(64, ips.size(), "64 containers, 64 addresses: " + ips);
            assertEquals(List.of("shared"), c.networks().stream().map(Network::name).toList());
            assertEquals(64, Oracle.linkNames(ns.host()).stream().filter(l -> l.startsWith("veth")).count());

            // a body over the limit: a 400 from the server, and nothing made
            byte[] big = ("{\"Name\":\"big\",\"Labels\":{\"x\":\"" + "y".repeat(70 * 1024) + "\"}}")
                    .getBytes(StandardCharsets.UTF_8);
            Response tooBig = http.request("POST", "/v1.41/networks/create", Map.of("Content-Type", "application/json"),
                    big, Duration.ofSeconds(30));
            assertEquals(400, tooBig.status());
            assertTrue(Oracle.parse(tooBig.bodyText()).path("message").asText().contains("larger than"));
            assertEquals(List.of("shared"), c.networks().stream().map(Network::name).toList());
            // the socket speaks the version prefix and the headers as the handler does
            Response ping = http.request("GET", "/v1.41/_ping", Map.of(), null, Duration.ofSeconds(10));
            assertEquals("1.41", ping.header("Api-Version"));
            assertNotEquals(null, ping.header("Server"));
        } finally {
            clients.shutdownNow();
            work.shutdownNow();
        }
    }
}
