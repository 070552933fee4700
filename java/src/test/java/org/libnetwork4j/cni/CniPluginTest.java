package org.libnetwork4j.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The plugin's JSON without a kernel: VERSION, errors before any controller, chained results. */
class CniPluginTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode call(Map<String, String> env, String stdin) throws Exception {
        StringWriter w = new StringWriter();
        CniPlugin.run(env, stdin.getBytes(), new PrintWriter(w), () -> {
            throw new AssertionError("no controller is needed for this call");
        });
        return JSON.readTree(w.toString());
    }

    @Test
    void versionAndEarlyErrorsNeedNoController() throws Exception {
        JsonNode v = call(Map.of("CNI_COMMAND", "VERSION"), "{\"cniVersion\": \"1.0.0\"}");
        assertEquals("1.1.0", v.path("cniVersion").asText());
        assertEquals(CniPlugin.SUPPORTED, List.of(JSON.convertValue(v.path("supportedVersions"), String[].class)));
        assertEquals(6, call(Map.of("CNI_COMMAND", "ADD"), "[1, 2]").path("code").asInt());
        assertEquals(1, call(Map.of("CNI_COMMAND", "ADD"), "{\"cniVersion\": \"9.9.9\"}").path("code").asInt());
        assertEquals(7, call(Map.of("CNI_COMMAND", "ADD"),
                "{\"cniVersion\": \"1.1.0\", \"type\": \"bridge\"}").path("code").asInt());
        assertEquals("9.9.9", call(Map.of("CNI_COMMAND", "ADD"), "{\"cniVersion\": \"9.9.9\"}").path("cniVersion").asText(),
                "an error says the version it was asked in");
    }

    @Test
    void aChainedResultKeepsTheEarlierPluginsAndShiftsOurInterfaceIndex() throws Exception {
        JsonNode prev = JSON.readTree("{\"cniVersion\": \"1.1.0\", \"interfaces\": [{\"name\": \"lo\"}],"
                + " \"ips\": [{\"address\": \"127.0.0.1/8\", \"interface\": 0}], \"routes\": [{\"dst\": \"10.0.0.0/8\"}],"
                + " \"dns\": {\"nameservers\": [\"10.0.0.53\"]}}");
        Map<String, Object> ours = Map.of("cniVersion", "1.1.0",
                "interfaces", List.of(Map.of("name", "eth0", "sandbox", "/run/netns/x")),
                "ips", List.of(Map.of("address", "10.62.0.2/24", "gateway", "10.62.0.1", "interface", 0)),
                "routes", List.of(Map.of("dst", "0.0.0.0/0", "gw", "10.62.0.1")), "dns", Map.of());
        JsonNode r = JSON.valueToTree(CniPlugin.chained(prev, ours));
        assertEquals("[\"lo\",\"eth0\"]", JSON.writeValueAsString(r.path("interfaces").findValuesAsText("name")));
        assertEquals(1, r.path("ips").get(1).path("interface").asInt(), "ours, after the earlier interface");
        assertEquals(0, r.path("ips").get(0).path("interface").asInt());
        assertEquals(2, r.path("routes").size());
        assertEquals("10.0.0.53", r.path("dns").path("nameservers").get(0).asText());
        assertEquals(ours, CniPlugin.chained(JSON.missingNode(), ours), "first in the chain: ours alone");
    }
}
