package org.libnetwork4j.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.Endpoint;
import org.libnetwork4j.EndpointInfo;
import org.libnetwork4j.EndpointOptions;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.NetworkOptions;
import org.libnetwork4j.Sandbox;
import org.libnetwork4j.SandboxOptions;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;
import org.libnetwork4j.testing.Oracle;
import org.libnetwork4j.testing.TestNs;

/**
 * Sandboxes whose caller moves interfaces in itself (SandboxOptions.callerMovesInterfaces), as
 * dockerd does with a network plugin's interface: the test plays dockerd with ip, moving the
 * interface the join left in the host into a container's namespace, configuring it there, and
 * moving it back out before the leave. Checked with ip and ping in those namespaces.
 */
@ExtendWith(NetnsExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CallerMovesInterfacesTest {

    private static Network net(NetworkController c) {
        return c.newNetwork("bridge", "n1", NetworkOptions.builder().subnet("10.95.0.0/24").build());
    }

    private static SandboxOptions callerMoves() {
        return SandboxOptions.builder().callerMovesInterfaces(true).build();
    }

    /** What dockerd's sandbox does with a plugin's interface: in, renamed, addresses, up, gateway. */
    private static void moveIn(TestNs host, TestNs container, EndpointInfo i) {
        String dst = i.dstPrefix() + "0";
        Oracle.out(host, "ip", "link", "set", i.interfaceName(), "netns", container.path().toString(), "name", dst);
        Oracle.out(container, "ip", "addr", "add", i.ipv4().toString(), "dev", dst);
        Oracle.out(container, "ip", "link", "set", dst, "up");
        Oracle.out(container, "ip", "route", "add", "default", "via", i.gatewayV4().getHostAddress());
    }

    /** What it does at the leave: down, its own name back, into the host. */
    private static void moveOut(TestNs host, TestNs container, EndpointInfo i) {
        String dst = i.dstPrefix() + "0";
        Oracle.out(container, "ip", "link", "set", dst, "down");
        Oracle.out(container, "ip", "link", "set", dst, "netns", host.path().toString(), "name", i.interfaceName());
    }

    @Test
    void theJoinLeavesTheInterfaceInTheHostForTheCallerToMoveIn(Namespaces ns) {
        NetworkController c = ns.controller();
        Network n = net(c);
        Sandbox sb = c.newSandbox("docker-abc", callerMoves());
        Endpoint e = n.createEndpoint("e", EndpointOptions.builder().ipv4("10.95.0.7").publish("8080:80/tcp").build());
        e.join(sb);
        EndpointInfo i = e.info();
        assertTrue(Oracle.nft(ns.host(), "list", "ruleset").toString().contains(e.id()),
                "the published port's rules carry the endpoint's id");
        assertEquals("eth", i.dstPrefix());
        assertTrue(i.interfaceName().startsWith("lnwc"), i.interfaceName());
        var waiting = Oracle.link(ns.host(), i.interfaceName()).orElseThrow(() ->
                new AssertionError("the interface waits in the host: " + Oracle.linkNames(ns.host())));
        assertEquals(i.mac().toString(), waiting.path("address").asText(), "with the endpoint's MAC");
        assertTrue(Oracle.addrs(ns.host(), i.interfaceName(), "inet").isEmpty(), "and nothing configured on it");
        assertTrue(Oracle.hostEnd(ns.host(), e.id()).isPresent(), "its peer is on the bridge");
        assertEquals(1, i.ports().size(), "the gateway endpoint's port is published: " + i.ports());

        TestNs container = ns.container("docker-made");
        moveIn(ns.host(), container, i);
        assertTrue(Oracle.ping(container, "10.95.0.1"), "the gateway answers once the caller moved it in");
        Sandbox ours = c.newSandbox("ours");
        n.createEndpoint("other").join(ours);
        assertTrue(Oracle.ping(container, "10.95.0.2"), "and a sandbox of ours on the network");

        moveOut(ns.host(), container, i);
        String hostEnd = Oracle.hostEnd(ns.host(), e.id()).orElseThrow().path("ifname").asText();
        e.leave(sb);
        assertTrue(Oracle.link(ns.host(), i.interfaceName()).isEmpty(), "the pair is gone at the leave");
        assertTrue(Oracle.link(ns.host(), hostEnd).isEmpty());
        sb.delete();
        assertTrue(Oracle.link(ns.host(), "lo").isPresent(), "the host's namespace was not touched by the delete");
        assertFalse(Oracle.nft(ns.host(), "list", "ruleset").toString().contains(e.id()),
                "no rule of the endpoint is left");
    }

    @Test
    void aRestartKeepsTheMovedInterfaceJoinedAndItsPortPublished(Namespaces ns) {
        NetworkController c = ns.controller();
        Network n = net(c);
        Sandbox sb = c.newSandbox("docker-abc", callerMoves());
        Endpoint e = n.createEndpoint("e");
        e.join(sb);
        EndpointInfo i = e.info();
        TestNs container = ns.container("docker-made");
        moveIn(ns.host(), container, i);
        c.close();
        try (NetworkController again = ns.controller()) {
            assertTrue(again.recoveryReport().dropped().isEmpty(), again.recoveryReport().toString());
            Sandbox sb2 = again.sandboxByContainerId("docker-abc");
            Endpoint e2 = again.networkByName("n1").endpointByName("e");
            assertEquals(sb2.id(), e2.info().sandboxId(), "still joined");
            assertEquals(i.interfaceName(), e2.info().interfaceName());
            assertEquals("eth", e2.info().dstPrefix());
            assertTrue(Oracle.ping(container, "10.95.0.1"), "traffic flows as before");
            moveOut(ns.host(), container, i);
            e2.leave(sb2);
            assertTrue(Oracle.hostEnd(ns.host(), e.id()).isEmpty(), "the leave after the restart removes the pair");
            sb2.delete();
        }
    }

    @Test
    void itTakesNoNamespaceOfItsOwnNorSomeoneElses(Namespaces ns) {
        var b = SandboxOptions.builder().callerMovesInterfaces(true).netns(ns.container("x").path());
        InvalidParameterException e = assertThrows(InvalidParameterException.class, b::build);
        assertTrue(e.getMessage().contains("callerMovesInterfaces"), e.getMessage());
        assertThrows(InvalidParameterException.class,
                () -> SandboxOptions.builder().callerMovesInterfaces(true).useHostNamespace(true).build());
        NetworkController c = ns.controller();
        long before = nsfsMounts();
        Sandbox sb = c.newSandbox("docker-abc", callerMoves());
        assertEquals(ns.host().path().toString(), sb.key(), "no namespace of its own: the key is the host's");
        assertEquals(before, nsfsMounts(), "and none mounted for it (the kernel's mount table)");
        sb.delete();
    }

    private static long nsfsMounts() {
        try {
            return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/mountinfo")).stream()
                    .filter(l -> l.contains(" - nsfs ")).count();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
