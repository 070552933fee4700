package org.libnetwork4j.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import com.code_intelligence.jazzer.mutation.annotation.WithUtf8Length;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.NotFoundException;

/**
 * CNI configurations and variables as a runtime (or anyone who can run the plugin) hands them
 * over: every call ends in an exit code and, on stdout, a result or an error object with a
 * spec code, never another exception. The controller behind it knows nothing and changes
 * nothing (every call on it is refused with a typed error): no kernel is touched.
 */
class CniFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> VERBS = List.of("ADD", "DEL", "CHECK", "GC", "STATUS", "VERSION", "");

    /** A controller that has no network and makes none. */
    private static NetworkController emptyController() {
        return (NetworkController) Proxy.newProxyInstance(CniFuzzTest.class.getClassLoader(),
                new Class<?>[] {NetworkController.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        return null;
                    }
                    throw new NotFoundException("fuzz: " + method.getName());
                });
    }

    /** Found on review, not yet by the fuzzer: a CNI_NETNS that is no path is a spec error. */
    @Test
    void aNamespacePathWithANulIsAnErrorOfTheSpec() throws Exception {
        StringWriter out = new StringWriter();
        int code = CniPlugin.run(Map.of("CNI_COMMAND", "ADD", "CNI_CONTAINERID", "ctr", "CNI_IFNAME", "eth0",
                "CNI_NETNS", "/run/netns/a\0b"), "{\"cniVersion\": \"1.1.0\", \"type\": \"libnetwork4j\", \"network\": \"n\"}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8), new PrintWriter(out), CniFuzzTest::emptyController);
        assertEquals(1, code);
        assertEquals(7, JSON.readTree(out.toString()).path("code").asInt(), out.toString());
    }

    @FuzzTest(maxDuration = "8s")
    void configurations(byte verb, @NotNull @WithUtf8Length(max = 100) String netns,
            @NotNull @WithUtf8Length(max = 100) String args, @NotNull @WithUtf8Length(max = 2000) String stdin)
            throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("CNI_COMMAND", VERBS.get(Math.floorMod(verb, VERBS.size())));
        env.put("CNI_CONTAINERID", "ctr");
        env.put("CNI_IFNAME", "eth0");
        env.put("CNI_NETNS", netns);
        env.put("CNI_ARGS", args);
        StringWriter out = new StringWriter();
        int code = CniPlugin.run(env, stdin.getBytes(java.nio.charset.StandardCharsets.UTF_8), new PrintWriter(out),
                CniFuzzTest::emptyController);
        String printed = out.toString().strip();
        assertTrue(code == 0 || code == 1, "exit " + code);
        if (code != 0) {
            JsonNode err = JSON.readTree(printed);
            assertTrue(err.path("code").isInt() && err.path("msg").isTextual(), printed);
        } else if (!printed.isEmpty()) {
            assertTrue(JSON.readTree(printed).isObject(), printed);
        }
    }
}
