package org.libnetwork4j.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.AlreadyExistsException;
import org.libnetwork4j.Endpoint;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.NetworkOptions;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.Sandbox;
import org.libnetwork4j.SandboxOptions;
import org.libnetwork4j.testing.ContainerProcess;
import org.libnetwork4j.testing.Eventually;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;
import org.libnetwork4j.testing.NsRef;
import org.libnetwork4j.testing.Oracle;
import org.libnetwork4j.testing.TestNs;

/**
 * Sandboxes in namespaces made by someone else (SandboxOptions.netns, libnetwork's external
 * key): a bind mount as a runtime keeps one, and a live process's /proc/PID/ns/net. Checked
 * with ip and ping in those namespaces: joined there, taken out again on delete, never deleted,
 * and dropped with their addresses once the namespace is gone.
 */
@ExtendWith(NetnsExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdoptedNamespaceTest {

    private static Network net(NetworkController c) {
        return c.newNetwork("bridge", "n1", NetworkOptions.builder().subnet("10.93.0.0/24").build());
    }

    @Test
    void aRuntimesNamespaceIsJoinedAndLeftButNeverDeleted(Namespaces ns) {
        TestNs runtime = ns.container("runc-made"); // a bind mount, as runc's or podman's
        NetworkController c = ns.controller();
        Network n = net(c);
        Sandbox sb = c.newSandbox("ctr", SandboxOptions.builder().netns(runtime.path()).build());
        assertEquals(runtime.path().toString(), sb.key(), "the key is the runtime's namespace");
        Endpoint e = n.createEndpoint("e");
        e.join(sb);
        assertTrue(Oracle.addrs(runtime, "eth0", "inet").contains("10.93.0.2/24"), "joined in the runtime's namespace");
        assertTrue(Oracle.ping(runtime, "10.93.0.1"), "its gateway answers");
        String hostEnd = Oracle.hostEnd(ns.host(), e.id()).orElseThrow().path("ifname").asText();

        String mac = Oracle.link(runtime, "eth0").orElseThrow().path("address").asText();
        String bridge = "br-" + n.id().substring(0, 12);
        assertTrue(Oracle.out(ns.host(), "bridge", "fdb", "show", "br", bridge).contains(mac), "learnt by the ping");
        Runnable release = ((DefaultController) c).host().holdReaper();
        try {
            sb.delete();
            assertTrue(Files.exists(runtime.path()), "the namespace is the runtime's: it stays");
            assertTrue(Oracle.link(runtime, "lo").isPresent(), "and still works");
            assertTrue(Oracle.link(runtime, "eth0").isEmpty(), "our interface was taken out of it");
            // its host end until the background delete (held here, BridgeDriver#leaveAdopted):
            // marked for a restart, without carrier (its peer is down), and a port the bridge
            // has disabled, with the container's MAC forgotten
            JsonNode l = Oracle.link(ns.host(), hostEnd).orElseThrow();
            assertFalse(l.path("flags").toString().contains("\"LOWER_UP\""), "no carrier: " + l);
            assertTrue(l.path("ifalias").asText().startsWith("lnw4j deleted endpoint=" + e.id()), l.toString());
            assertEquals("disabled", Eventually.settled(
                    () -> Oracle.bridgePort(ns.host(), hostEnd).path("state").asText(), "disabled"));
            assertEquals(Boolean.FALSE, Eventually.settled(() -> Oracle.out(ns.host(), "bridge", "fdb", "show", "br",
                    bridge).contains(mac), Boolean.FALSE), "the bridge forgot " + mac);
        } finally {
            release.run();
        }
        assertEquals(Boolean.FALSE, Eventually.settled(
                () -> Oracle.link(ns.host(), hostEnd).isPresent(), Boolean.FALSE), "with its host end");
        assertEquals("10.93.0.2", n.createEndpoint("next").info().ipv4().address().getHostAddress(),
                "its address is free again");
    }

    @Test
    void whenItsProcessExitsTheSandboxIsDroppedAtTheNextJoin(Namespaces ns) throws Exception {
        NetworkController c = ns.controller();
        Network n = net(c);
        // a "container": a process in a namespace of its own, made from the fake host's
        ContainerProcess p = ContainerProcess.start(ns);
        try {
            Path nsPath = p.netns();
            Sandbox sb = c.newSandbox("ctr", SandboxOptions.builder().netns(nsPath).build());
            n.createEndpoint("e").join(sb);
            assertTrue(Oracle.ping(NsRef.of(nsPath), "10.93.0.1"));

            p.close();
            Endpoint again = n.createEndpoint("again");
            NotFoundException gone = assertThrows(NotFoundException.class, () -> again.join(sb));
            assertTrue(gone.getMessage().contains("is gone"), gone.getMessage());
            assertTrue(c.sandboxes().stream().noneMatch(s -> s.containerId().equals("ctr")), "dropped");
            assertEquals(List.of("again"), n.endpoints().stream().map(Endpoint::name).toList(),
                    "its endpoint went with it");
            assertEquals("10.93.0.2", n.createEndpoint("next").info().ipv4().address().getHostAddress(),
                    "and its address is free");
        } finally {
            p.close();
        }
    }

    @Test
    void aRestartTakesItBackIfItIsStillThereAndDropsItIfNot(Namespaces ns) {
        TestNs kept = ns.container("kept");
        TestNs lost = ns.container("lost");
        NetworkController c = ns.controller();
        Network n = net(c);
        Sandbox a = c.newSandbox("a", SandboxOptions.builder().netns(kept.path()).build());
        Sandbox b = c.newSandbox("b", SandboxOptions.builder().netns(lost.path()).build());
        n.createEndpoint("ea").join(a);
        n.createEndpoint("eb").join(b);
        c.close();
        lost.netns().delete(); // the runtime removed it while no controller ran
        try (NetworkController again = ns.controller()) {
            assertEquals(List.of("a"), again.sandboxes().stream().map(Sandbox::containerId).toList());
            assertTrue(again.recoveryReport().dropped().stream().anyMatch(d -> d.contains("container b")),
                    again.recoveryReport().toString());
            assertTrue(Oracle.ping(kept, "10.93.0.1"), "a is joined as before");
            Network n1 = again.networkByName("n1");
            assertEquals("10.93.0.3", n1.createEndpoint("next").info().ipv4().address().getHostAddress(),
                    "b's address (10.93.0.3) is free again: the lowest free");
            again.sandboxById(a.id()).delete();
            assertTrue(Files.exists(kept.path()), "still the runtime's");
        }
    }

    @Test
    void setKeyMovesJoinedEndpointsIntoTheRuntimesNamespace(Namespaces ns) {
        TestNs runtime = ns.container("runc-made");
        NetworkController c = ns.controller();
        Network n = net(c);
        Network other = c.newNetwork("bridge", "n2", NetworkOptions.builder().subnet("10.94.0.0/24").build());
        Sandbox sb = c.newSandbox("ctr");
        Path own = Path.of(sb.key());
        n.createEndpoint("e1").join(sb, org.libnetwork4j.JoinOptions.priority(1));
        other.createEndpoint("e2").join(sb);
        assertTrue(Files.exists(own));

        sb.setKey(runtime.path());
        assertEquals(runtime.path().toString(), sb.key());
        assertFalse(Files.exists(own), "the sandbox's own namespace is gone");
        assertTrue(Oracle.addrs(runtime, "eth0", "inet").contains("10.93.0.2/24"), "same address, same order");
        assertTrue(Oracle.addrs(runtime, "eth1", "inet").contains("10.94.0.2/24"));
        assertTrue(Oracle.out(runtime, "ip", "route", "show", "default").contains("via 10.93.0.1"),
                "the gateway endpoint is still the one with priority");
        assertTrue(Oracle.ping(runtime, "10.94.0.1"));
        assertEquals(2, sb.endpoints().size());

        // and into yet another one: the first, adopted, is left to its owner
        TestNs second = ns.container("second");
        sb.setKey(second.path());
        assertTrue(Files.exists(runtime.path()));
        assertTrue(Oracle.link(runtime, "eth0").isEmpty(), "taken out of the first");
        assertTrue(Oracle.ping(second, "10.93.0.1"));
        assertThrows(AlreadyExistsException.class, () -> c.newSandbox("x",
                SandboxOptions.builder().netns(second.path()).build()));
    }

    @Test
    void aJoinMayNameItsInterfaceAsACniRuntimeAsks(Namespaces ns) {
        NetworkController c = ns.controller();
        Network n = net(c);
        Sandbox sb = c.newSandbox("ctr");
        n.createEndpoint("e1").join(sb, org.libnetwork4j.JoinOptions.interfaceName("net1"));
        n.createEndpoint("e2").join(sb);
        NsRef in = NsRef.of(sb);
        assertTrue(Oracle.addrs(in, "net1", "inet").contains("10.93.0.2/24"));
        assertTrue(Oracle.addrs(in, "eth0", "inet").contains("10.93.0.3/24"), "the next default name is untouched");
        assertThrows(InvalidParameterException.class, () -> org.libnetwork4j.JoinOptions.interfaceName("a/b"));
        Endpoint e3 = n.createEndpoint("e3");
        assertThrows(AlreadyExistsException.class, () -> e3.join(sb, org.libnetwork4j.JoinOptions.interfaceName("eth0")));
        assertTrue(Oracle.link(in, "net1").isPresent() && Oracle.addrs(in, "eth0", "inet").contains("10.93.0.3/24"),
                "the refused join changed nothing");
        c.close();
        try (NetworkController again = ns.controller()) {
            Sandbox back = again.sandboxById(sb.id());
            assertEquals(List.of("eth0", "net1"), back.endpoints().stream().map(e -> e.info().interfaceName()).sorted().toList());
        }
    }

    @Test
    void badAdoptionsAreRefusedAndLeaveNothing(Namespaces ns) throws Exception {
        TestNs runtime = ns.container("runc-made");
        NetworkController c = ns.controller();
        c.newSandbox("first", SandboxOptions.builder().netns(runtime.path()).build());
        AlreadyExistsException twice = assertThrows(AlreadyExistsException.class,
                () -> c.newSandbox("second", SandboxOptions.builder().netns(runtime.path()).build()));
        assertTrue(twice.getMessage().contains("first"), twice.getMessage());
        InvalidParameterException host = assertThrows(InvalidParameterException.class,
                () -> c.newSandbox("h", SandboxOptions.builder().netns(ns.host().path()).build()));
        assertTrue(host.getMessage().contains("host's own"), host.getMessage());
        assertThrows(NotFoundException.class,
                () -> c.newSandbox("x", SandboxOptions.builder().netns(ns.dir().resolve("nothing-here")).build()));
        Path plain = Files.writeString(ns.dir().resolve("plain-file"), "");
        assertThrows(InvalidParameterException.class,
                () -> c.newSandbox("y", SandboxOptions.builder().netns(plain).build()));
        assertThrows(InvalidParameterException.class,
                () -> SandboxOptions.builder().netns(runtime.path()).useHostNamespace(true).build());
        assertEquals(List.of("first"), c.sandboxes().stream().map(Sandbox::containerId).toList(), "nothing else made");
        assertFalse(Files.exists(ns.dir().resolve("nothing-here")));
    }
}
