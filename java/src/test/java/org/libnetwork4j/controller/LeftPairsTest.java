package org.libnetwork4j.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.Endpoint;
import org.libnetwork4j.Labels;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.NetworkOptions;
import org.libnetwork4j.Sandbox;
import org.libnetwork4j.SandboxOptions;
import org.libnetwork4j.driver.HostContext;
import org.libnetwork4j.kernel.BridgeSpec;
import org.libnetwork4j.kernel.Link;
import org.libnetwork4j.kernel.VethSpec;
import org.libnetwork4j.testing.Eventually;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;
import org.libnetwork4j.testing.Oracle;
import org.libnetwork4j.testing.TestNs;

/**
 * The veth pairs of left joins (BridgeDriver#leaveAdopted), which the host deletes in the
 * background, all of them in one request per batch: seen through ip in the fake host and the
 * containers, with the reaper held so that a batch is there to see.
 */
@ExtendWith(NetnsExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LeftPairsTest {
    private static final String GROUP = Integer.toString(HostContext.RETIRED_GROUP);

    @Test
    void leftPairsWaitInTheirGroupAndGoInOneBatch(Namespaces ns) {
        NetworkController c = ns.controller();
        List<TestNs> containers = new ArrayList<>();
        List<String> hostEnds = leaveFive(ns, c, containers);
        assertEquals(List.of(), inGroup(ns.host()), "none before the leaves");
        Runnable release = ((DefaultController) c).host().holdReaper();
        try {
            for (Sandbox sb : c.sandboxes()) {
                sb.delete();
            }
            assertEquals(hostEnds, inGroup(ns.host()), "the five host ends wait in the group, and nothing else");
            for (TestNs ctr : containers) {
                assertTrue(Oracle.link(ctr, "eth0").isEmpty(), "the container's eth0 is gone at once");
            }
        } finally {
            release.run();
        }
        assertEquals(List.of(), Eventually.settled(() -> inGroup(ns.host()), List.of()), "deleted");
        for (TestNs ctr : containers) {
            assertEquals(List.of("lo"), Eventually.settled(() -> Oracle.linkNames(ctr), List.of("lo")),
                    "with their peers");
        }
    }

    /**
     * A link in the group that the kernel cannot delete (the fake host's lo, here) makes it
     * refuse the batch's request, which then deletes none: the pairs are deleted one by one,
     * and the other link stays.
     */
    @Test
    void aLinkInTheGroupThatCannotGoLeavesThePairsToGoOneByOne(Namespaces ns) {
        NetworkController c = ns.controller();
        List<TestNs> containers = new ArrayList<>();
        List<String> hostEnds = leaveFive(ns, c, containers);
        Oracle.out(ns.host(), "ip", "link", "set", "lo", "group", GROUP);
        for (Sandbox sb : c.sandboxes()) {
            sb.delete();
        }
        assertEquals(List.of("lo"), Eventually.settled(() -> inGroup(ns.host()), List.of("lo")),
                "the pairs are gone, lo stays: " + hostEnds);
        for (TestNs ctr : containers) {
            assertEquals(List.of("lo"), Eventually.settled(() -> Oracle.linkNames(ctr), List.of("lo")));
        }
        Oracle.out(ns.host(), "ip", "link", "set", "lo", "group", "default");
    }

    /**
     * On a bridge near its port limit a left pair's host end leaves the bridge at once (down,
     * nomaster), so that the ports still waiting for their delete, which the kernel counts,
     * cannot make it refuse the next join's port.
     */
    @Test
    void onABridgeNearItsPortLimitTheLeftPortLeavesTheBridgeAtOnce(Namespaces ns) {
        TestNs host = ns.host();
        TestNs filler = ns.container("filler");
        Link br = host.netlink().createBridge(BridgeSpec.of("lnwt-near").up());
        // BridgePairs: more than 1023 ports (the kernel's most) less 256 (the most pending deletes)
        int fill = 1023 - 256 + 1;
        for (int i = 0; i < fill; i++) {
            host.netlink().createVeth(VethSpec.of("lnwt-n" + i, "n" + i).peerIn(filler.netlink()).master(br.index()));
        }
        NetworkController c = ns.controller();
        Network n = c.newNetwork("bridge", "near", NetworkOptions.builder().subnet("10.95.0.0/24")
                .option(Labels.BRIDGE_NAME, "lnwt-near").build());
        TestNs ctr = ns.container("c1");
        Sandbox sb = c.newSandbox("ctr", SandboxOptions.builder().netns(ctr.path()).build());
        Endpoint e = n.createEndpoint("e");
        e.join(sb);
        String hostEnd = Oracle.hostEnd(host, e.id()).orElseThrow().path("ifname").asText();
        assertEquals("lnwt-near", Oracle.link(host, hostEnd).orElseThrow().path("master").asText());
        Runnable release = ((DefaultController) c).host().holdReaper();
        try {
            sb.delete();
            JsonNode l = Oracle.link(host, hostEnd).orElseThrow();
            assertTrue(l.path("master").isMissingNode(), "off the bridge: " + l);
            assertFalse(l.path("flags").toString().contains("\"UP\""), "down: " + l);
            assertEquals(List.of(hostEnd), inGroup(host), "and waiting for its delete");
        } finally {
            release.run();
        }
        assertEquals(List.of(), Eventually.settled(() -> inGroup(host), List.of()), "deleted");
    }

    /**
     * A deleted network's bridge waits in the same group, down and marked, and goes in the
     * same kind of batch; a new network that wants its name gets it once the batch has run.
     */
    @Test
    void deletedNetworksBridgesGoInTheSameBatches(Namespaces ns) {
        NetworkController c = ns.controller();
        Network n1 = c.newNetwork("bridge", "gone1", NetworkOptions.builder().subnet("10.96.0.0/24")
                .option(Labels.BRIDGE_NAME, "lnwt-gone1").build());
        Network n2 = c.newNetwork("bridge", "gone2", NetworkOptions.builder().subnet("10.97.0.0/24")
                .option(Labels.BRIDGE_NAME, "lnwt-gone2").build());
        Runnable release = ((DefaultController) c).host().holdReaper();
        try {
            n1.delete();
            n2.delete();
            assertEquals(List.of("lnwt-gone1", "lnwt-gone2"), inGroup(ns.host()));
            JsonNode l = Oracle.link(ns.host(), "lnwt-gone1").orElseThrow();
            assertFalse(l.path("flags").toString().contains("\"UP\""), "down: " + l);
            assertTrue(l.path("ifalias").asText().startsWith("lnw4j deleted network="), l.toString());
        } finally {
            release.run();
        }
        Network again = c.newNetwork("bridge", "gone1", NetworkOptions.builder().subnet("10.96.0.0/24")
                .option(Labels.BRIDGE_NAME, "lnwt-gone1").build());
        JsonNode l = Oracle.link(ns.host(), "lnwt-gone1").orElseThrow();
        assertEquals("", l.path("ifalias").asText(""), "a bridge of its own, not the deleted one: " + l);
        assertEquals(List.of(), inGroup(ns.host()));
        assertTrue(Oracle.link(ns.host(), "lnwt-gone2").isEmpty());
        again.delete();
    }

    /** Five containers in namespaces of their own (adopted, as a runtime's), joined to one network. */
    private static List<String> leaveFive(Namespaces ns, NetworkController c, List<TestNs> containers) {
        Network n = c.newNetwork("bridge", "left", NetworkOptions.builder().subnet("10.94.0.0/24").build());
        List<String> hostEnds = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            TestNs ctr = ns.container("c" + i);
            containers.add(ctr);
            Sandbox sb = c.newSandbox("ctr" + i, SandboxOptions.builder().netns(ctr.path()).build());
            Endpoint e = n.createEndpoint("e" + i);
            e.join(sb);
            hostEnds.add(Oracle.hostEnd(ns.host(), e.id()).orElseThrow().path("ifname").asText());
        }
        hostEnds.sort(null);
        return hostEnds;
    }

    /** The names of the links in the group, sorted. */
    private static List<String> inGroup(TestNs ns) {
        // iproute2 6.1 prints an empty object for each link the group filter drops
        return StreamSupport.stream(Oracle.ip(ns, "link", "show", "group", GROUP).spliterator(), false)
                .filter(l -> l.has("ifname")).map(l -> l.path("ifname").asText()).sorted().toList();
    }
}
