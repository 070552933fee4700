package org.libnetwork4j.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.Endpoint;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.NetworkOptions;
import org.libnetwork4j.RecoveryReport;
import org.libnetwork4j.Sandbox;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;
import org.libnetwork4j.testing.NsRef;
import org.libnetwork4j.testing.Oracle;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The host ends' names: a name someone else's link holds makes the join take the endpoint's
 * next one, not fail; a restart finds such a join again and keeps it; leave removes our link
 * and never theirs.
 */
@ExtendWith(NetnsExtension.class)
class HostEndNameTest {

    @Test
    void aTakenNameGivesTheNextOneWhichARestartKeeps(Namespaces ns) {
        NetworkController c = ns.controller();
        // ICC off: each port is isolated, whatever its name
        Network n = c.newNetwork("bridge", "n1", NetworkOptions.builder().subnet("10.57.0.0/24")
                .option("com.docker.network.bridge.enable_icc", "false").build());
        String bridge = "br-" + n.id().substring(0, 12);
        Endpoint ep = n.createEndpoint("e");
        String id = ep.id();
        // links of someone else's under the endpoint's first two names (bridges: there is no
        // dummy driver in this kernel)
        List<String> foreign = List.of("veth" + id.substring(0, 7), "veth" + id.substring(7, 14));
        for (String name : foreign) {
            Oracle.out(ns.host(), "ip", "link", "add", name, "type", "bridge");
        }
        Sandbox a = ep.join("a");
        Sandbox b = n.createEndpoint("f").join("b");

        JsonNode hostEnd = Oracle.hostEnd(ns.host(), id).orElseThrow();
        assertEquals("veth" + id.substring(14, 21), hostEnd.path("ifname").asText());
        assertEquals(bridge, hostEnd.path("master").asText());
        int index = hostEnd.path("ifindex").asInt();
        assertForeignUntouched(ns, foreign);
        assertTrue(Oracle.ping(NsRef.of(a), "10.57.0.1"), "a reaches its gateway");
        String bAddr = b.endpoints().get(0).info().ipv4().address().getHostAddress();
        assertFalse(Oracle.ping(NsRef.of(a), bAddr), "ICC off isolates the renamed port too");

        c.close();
        NetworkController c2 = ns.controller();
        RecoveryReport r = c2.recoveryReport();
        assertEquals(List.of(), r.orphans(), r.toString());
        assertEquals(List.of(), r.dropped(), r.toString());
        assertEquals(index, Oracle.hostEnd(ns.host(), id).orElseThrow().path("ifindex").asInt(),
                "the same pair, taken up as it is");
        assertTrue(Oracle.ping(NsRef.of(a), "10.57.0.1"), "a still reaches its gateway");
        assertFalse(Oracle.ping(NsRef.of(a), bAddr), "and is still isolated");

        Endpoint ep2 = c2.networkByName("n1").endpoints().stream().filter(e -> e.name().equals("e")).findFirst()
                .orElseThrow();
        ep2.leave(c2.sandboxByContainerId("a"));
        assertTrue(Oracle.hostEnd(ns.host(), id).isEmpty(), "leave removes our host end");
        assertForeignUntouched(ns, foreign);
        // the next join of the endpoint finds the same names taken, and fares the same
        ep2.join(c2.sandboxByContainerId("a"));
        assertEquals("veth" + id.substring(14, 21), Oracle.hostEnd(ns.host(), id).orElseThrow().path("ifname")
                .asText());
    }

    private static void assertForeignUntouched(Namespaces ns, List<String> foreign) {
        for (String name : foreign) {
            JsonNode l = Oracle.link(ns.host(), name).orElseThrow(() -> new AssertionError(name + " is gone"));
            assertEquals("bridge", l.path("linkinfo").path("info_kind").asText(), name);
            assertTrue(l.path("master").isMissingNode(), name + " is on no bridge");
            assertEquals("", l.path("ifalias").asText(), name + " carries no alias of ours");
        }
    }
}
