package org.libnetwork4j.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.RecoveryReport;
import org.libnetwork4j.driver.HostContext;
import org.libnetwork4j.testing.ControllerProcess;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;
import org.libnetwork4j.testing.Oracle;
import org.libnetwork4j.testing.TestNs;

/**
 * CNI DEL as {@code lnw daemon} runs it, on a controller that stays open: it returns with the
 * container's interface out of service (its port off the bridge and down, its name in the
 * container free) while the kernel's slow delete of the pair runs in the background; the
 * controller's close waits for that, and a crash in between is healed at the next start. All
 * seen with {@code ip -j} in the namespaces.
 */
@ExtendWith(NetnsExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CniDelTest {
    private static final String CONF = "{\"cniVersion\": \"1.1.0\", \"name\": \"dnet\", \"type\": \"libnetwork4j\","
            + " \"network\": \"dnet\", \"subnet\": \"10.63.0.0/24\"}";
    private static final String LEFT_ALIAS = "lnw4j deleted endpoint=";

    /** One plugin call on c, which the call may not close (the daemon's). */
    private static JsonNode call(NetworkController c, String command, String cid, TestNs netns, String ifname) {
        return call(c, CONF, command, cid, netns, ifname);
    }

    private static JsonNode call(NetworkController c, String conf, String command, String cid, TestNs netns,
            String ifname) {
        StringWriter out = new StringWriter();
        Map<String, String> env = Map.of("CNI_COMMAND", command, "CNI_CONTAINERID", cid, "CNI_NETNS",
                netns.path().toString(), "CNI_IFNAME", ifname);
        int code = CniPlugin.run(env, conf.getBytes(StandardCharsets.UTF_8), new PrintWriter(out), () -> unclosable(c));
        assertEquals(0, code, command + ": " + out);
        return out.toString().isBlank() ? null : Oracle.parse(out.toString());
    }

    @Test
    void delReturnsWithThePortOutOfServiceAndTheNameFreeAndCloseWaitsForTheRest(Namespaces ns) {
        NetworkController c = ns.controller();
        TestNs c1 = ns.container("c1");
        call(c, "ADD", "ctr1", c1, "eth0");
        String bridge = "br-" + c.networkByName("dnet").id().substring(0, 12);
        List<JsonNode> ports = ports(ns.host(), bridge);
        assertEquals(1, ports.size(), ports.toString());
        int hostEnd = ports.get(0).path("ifindex").asInt();
        int peer = Oracle.link(c1, "eth0").orElseThrow().path("ifindex").asInt();

        call(c, "DEL", "ctr1", c1, "eth0");
        // at once, whether or not the background delete has run yet: the host end may still be
        // a port of the bridge, but one without carrier, which passes no frame, and marked
        Optional<JsonNode> pending = byIndex(ns.host(), hostEnd);
        if (pending.isPresent()) {
            JsonNode l = pending.get();
            assertFalse(flags(l).contains("LOWER_UP"), "no carrier: " + l);
            assertTrue(l.path("ifalias").asText().startsWith(LEFT_ALIAS), "marked for a restart to finish: " + l);
            // (the port's disabled state and forgotten MACs: AdoptedNamespaceTest, with the
            // background delete held so that there is a port to look at)
        }
        assertTrue(Oracle.link(c1, "eth0").isEmpty(), "the container's eth0 is gone");
        for (JsonNode l : Oracle.ip(c1, "link", "show")) {
            if (!l.path("ifname").asText().equals("lo")) {
                assertEquals(peer, l.path("ifindex").asInt(), "only our old interface, until it goes: " + l);
                assertFalse(flags(l).contains("UP"), "down: " + l);
                assertTrue(l.path("ifname").asText().startsWith("lnwdel"), l.toString());
            }
        }

        // the same attachment again at once: same namespace, same name, and it works
        JsonNode again = call(c, "ADD", "ctr1", c1, "eth0");
        String gateway = again.path("ips").get(0).path("gateway").asText();
        assertTrue(Oracle.ping(c1, gateway), "the new eth0 reaches " + gateway);
        call(c, "DEL", "ctr1", c1, "eth0");

        c.close(); // waits for the deletes still running
        assertEquals(List.of("lo"), Oracle.linkNames(c1), "nothing of ours is left in the container");
        for (JsonNode l : Oracle.ip(ns.host(), "link", "show")) {
            assertFalse(l.path("linkinfo").path("info_kind").asText().equals("veth"), "no veth left in the host: " + l);
        }
    }

    /**
     * A container on two CNI networks (podman calls the plugin once per network): the DEL of
     * one takes only its own interface and endpoint, the sandbox stays for the other; the DEL
     * of the last takes the sandbox with its endpoint, and each DEL frees its address.
     */
    @Test
    void aDelTakesItsOwnAttachmentAndTheLastOneTakesTheSandbox(Namespaces ns) {
        NetworkController c = ns.controller();
        TestNs c1 = ns.container("c1");
        TestNs c2 = ns.container("c2");
        String other = "{\"cniVersion\": \"1.1.0\", \"name\": \"dnet2\", \"type\": \"libnetwork4j\","
                + " \"network\": \"dnet2\", \"subnet\": \"10.64.0.0/24\"}";
        assertEquals("10.63.0.2/24", call(c, "ADD", "ctr1", c1, "eth0").path("ips").get(0).path("address").asText());
        assertEquals("10.64.0.2/24", call(c, other, "ADD", "ctr1", c1, "eth1").path("ips").get(0).path("address")
                .asText());

        call(c, "DEL", "ctr1", c1, "eth0");
        assertTrue(Oracle.link(c1, "eth0").isEmpty(), "eth0 is gone");
        assertEquals(List.of("10.64.0.2/24"), Oracle.addrs(c1, "eth1", "inet"), "eth1 stays");
        assertTrue(Oracle.ping(c1, "10.64.0.1"), "and works");
        assertEquals(1, c.sandboxByContainerId("ctr1").endpoints().size());
        assertEquals(List.of(), c.networkByName("dnet").endpoints());
        assertEquals("10.63.0.2/24", call(c, "ADD", "ctr2", c2, "eth0").path("ips").get(0).path("address").asText(),
                "the first DEL freed its address");

        call(c, other, "DEL", "ctr1", c1, "eth1");
        assertTrue(Oracle.link(c1, "eth1").isEmpty(), "eth1 is gone");
        assertTrue(c.sandboxes().stream().noneMatch(s -> s.containerId().equals("ctr1")), "the sandbox went");
        assertEquals(List.of(), c.networkByName("dnet2").endpoints());
        assertEquals(List.of("lo"), Oracle.linkNames(c1).stream().filter(l -> !l.startsWith("lnwdel")).toList());
        assertTrue(java.nio.file.Files.exists(c1.path()), "the runtime's namespace stays");
        assertEquals("10.64.0.2/24", call(c, other, "ADD", "ctr2", c2, "eth1").path("ips").get(0).path("address")
                .asText(), "the last DEL freed its address too");
        call(c, "DEL", "ctr2", c2, "eth0");
        call(c, other, "DEL", "ctr2", c2, "eth1");
        assertEquals(List.of(), c.sandboxes());
    }

    /**
     * A controller killed (SIGKILL) between a leave and its background delete leaves a pair
     * with the mark on the bridge: the next controller deletes it, and touches no other veth.
     */
    @Test
    void aPairLeftByAKilledControllerIsDeletedAtTheNextStart(Namespaces ns) throws Exception {
        Path state = ns.dir().resolve("state");
        Path run = ns.dir().resolve("run");
        TestNs c1 = ns.container("c1");
        String bridge;
        try (NetworkController c = ns.controller()) {
            call(c, "ADD", "ctr1", c1, "eth0");
            bridge = "br-" + c.networkByName("dnet").id().substring(0, 12);
        }
        // the state a leave leaves until its delete has run, made here where no reaper races:
        // the host end on the bridge, marked, its peer down and renamed
        String endpoint = "0123456789abcdef".repeat(4);
        Oracle.out(ns.host(), "ip", "link", "add", "vethdead0", "type", "veth", "peer", "name", "lnwdel99", "netns",
                c1.path().toString());
        Oracle.out(ns.host(), "ip", "link", "set", "vethdead0", "alias", LEFT_ALIAS + endpoint, "master", bridge,
                "up", "group", Integer.toString(HostContext.RETIRED_GROUP));
        // and one as versions before the batched deletes left them: off the bridge, down, in no group
        Oracle.out(ns.host(), "ip", "link", "add", "vethdead1", "type", "veth", "peer", "name", "lnwdel98", "netns",
                c1.path().toString());
        Oracle.out(ns.host(), "ip", "link", "set", "vethdead1", "alias", LEFT_ALIAS + endpoint.replace('0', 'e'));
        // and a deleted network's bridge waiting in the same group
        Oracle.out(ns.host(), "ip", "link", "add", "lnwtdeadbr", "type", "bridge");
        Oracle.out(ns.host(), "ip", "link", "set", "lnwtdeadbr", "alias", "lnw4j deleted network=" + endpoint, "group",
                Integer.toString(HostContext.RETIRED_GROUP));
        Oracle.out(ns.host(), "ip", "link", "add", "vethforeign", "type", "veth", "peer", "name", "vethforeign1");
        // a controller that dies by SIGKILL: the next start is not after a clean close
        Process p = ControllerProcess.start(ns.host().path(), state, run, "hold");
        try {
            String ready = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            assertTrue(ready != null && ready.startsWith("ready"), "child said " + ready);
        } finally {
            p.destroyForcibly();
            p.waitFor();
        }
        ControllerProcess.assertKilledOrDone(p, state, "hold");

        try (NetworkController c = ns.controller()) {
            RecoveryReport r = c.recoveryReport();
            assertTrue(r.orphans().contains("interface vethdead0 (left)"), r.toString());
            assertTrue(r.orphans().contains("interface vethdead1 (left)"), r.toString());
            assertTrue(Oracle.link(ns.host(), "vethdead0").isEmpty(), "deleted");
            assertTrue(Oracle.link(c1, "lnwdel99").isEmpty(), "its peer with it");
            assertTrue(Oracle.link(ns.host(), "vethdead1").isEmpty(), "deleted too");
            assertTrue(Oracle.link(c1, "lnwdel98").isEmpty(), "with its peer");
            assertTrue(r.orphans().contains("interface bridge lnwtdeadbr (deleted)"), r.toString());
            assertTrue(Oracle.link(ns.host(), "lnwtdeadbr").isEmpty(), "the deleted network's bridge too");
            assertTrue(Oracle.link(ns.host(), "vethforeign").isPresent(), "a veth without our mark stays");
            assertTrue(Oracle.link(c1, "eth0").isPresent(), "the live attachment stays");
            call(c, "DEL", "ctr1", c1, "eth0");
        }
        Oracle.out(ns.host(), "ip", "link", "del", "vethforeign");
    }

    private static List<JsonNode> ports(TestNs host, String bridge) {
        List<JsonNode> l = new ArrayList<>();
        Oracle.ip(host, "link", "show", "master", bridge).forEach(l::add);
        return l;
    }

    private static Optional<JsonNode> byIndex(TestNs ns, int index) {
        for (JsonNode l : Oracle.ip(ns, "link", "show")) {
            if (l.path("ifindex").asInt() == index) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }

    private static List<String> flags(JsonNode link) {
        List<String> f = new ArrayList<>();
        link.path("flags").forEach(x -> f.add(x.asText()));
        return f;
    }

    /** The daemon's view of its controller: close() does nothing. */
    private static NetworkController unclosable(NetworkController c) {
        return (NetworkController) java.lang.reflect.Proxy.newProxyInstance(NetworkController.class.getClassLoader(),
                new Class<?>[] {NetworkController.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close") && method.getParameterCount() == 0) {
                        return null;
                    }
                    try {
                        return method.invoke(c, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
