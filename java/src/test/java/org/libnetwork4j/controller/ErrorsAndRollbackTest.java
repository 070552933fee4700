package org.libnetwork4j.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.AlreadyExistsException;
import org.libnetwork4j.Endpoint;
import org.libnetwork4j.EndpointOptions;
import org.libnetwork4j.ForbiddenException;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.IpamConfig;
import org.libnetwork4j.Labels;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.NetworkException;
import org.libnetwork4j.NetworkOptions;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.PoolExhaustedException;
import org.libnetwork4j.Sandbox;
import org.libnetwork4j.internal.jni.LnwNative;
import org.libnetwork4j.testing.Eventually;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;
import org.libnetwork4j.testing.NsRef;
import org.libnetwork4j.testing.Oracle;

/** Typed errors that name what was wrong, and creates that leave nothing behind. */
@ExtendWith(NetnsExtension.class)
class ErrorsAndRollbackTest {

    @Test
    void errorsAreTypedAndNameTheField(Namespaces ns) {
        NetworkController c = ns.controller();
        Network n = c.newNetwork("bridge", "n1", NetworkOptions.builder().subnet("10.50.0.0/24").build());
        Endpoint ep = n.createEndpoint("e");

        var dupNet = assertThrows(AlreadyExistsException.class, () -> c.newNetwork("bridge", "n1"));
        assertEquals("create network \"n1\": network with name n1 already exists", dupNet.getMessage());
        var dupEp = assertThrows(AlreadyExistsException.class, () -> n.createEndpoint("e"));
        assertEquals("create endpoint \"e\" on network \"n1\": endpoint with name e already exists in network n1",
                dupEp.getMessage());
        var driver = assertThrows(NotFoundException.class, () -> c.newNetwork("overlay", "o"));
        assertTrue(driver.getMessage().contains("network driver \"overlay\" not found"), driver.getMessage());
        assertThrows(NotFoundException.class, () -> c.networkByName("nope"));
        assertThrows(NotFoundException.class, () -> c.networkById("ffff"));
        assertThrows(NotFoundException.class, () -> n.endpointByName("nope"));
        assertThrows(NotFoundException.class, () -> c.sandboxById("ffff"));
        assertThrows(NotFoundException.class, () -> c.sandboxByContainerId("nope"));
        assertEquals(n, c.networkById(n.id().substring(0, 6)), "a unique id prefix finds it");

        var busy = assertThrows(ForbiddenException.class, n::delete);
        assertEquals("delete network \"n1\": network n1 has active endpoints [e]", busy.getMessage());

        Sandbox sb = ep.join("c1");
        var twice = assertThrows(ForbiddenException.class, () -> ep.join(c.newSandbox("c2")));
        assertTrue(twice.getMessage().endsWith("endpoint e is already joined to the sandbox of container c1"),
                twice.getMessage());
        assertThrows(AlreadyExistsException.class, () -> c.newSandbox("c1"));

        assertThrows(InvalidParameterException.class, () -> IpamConfig.subnet("10.0.0.0/33"));
        var gw = assertThrows(InvalidParameterException.class,
                () -> IpamConfig.builder().subnet("10.51.0.0/24").gateway("10.52.0.1").build());
        assertEquals("gateway 10.52.0.1 is not in subnet 10.51.0.0/24", gw.getMessage());
        var longName = assertThrows(InvalidParameterException.class, () -> c.newNetwork("bridge", "n2",
                NetworkOptions.builder().option(Labels.BRIDGE_NAME, "0123456789abcdef").build()));
        assertTrue(longName.getMessage().contains("\"com.docker.network.bridge.name\""), longName.getMessage());
        var unknown = assertThrows(InvalidParameterException.class, () -> c.newNetwork("bridge", "n2",
                NetworkOptions.builder().option("com.docker.network.bridge.colour", "blue").build()));
        assertEquals("create network \"n2\": unknown option \"com.docker.network.bridge.colour\" for driver"
                + " \"bridge\"", unknown.getMessage());
        var badBool = assertThrows(InvalidParameterException.class, () -> c.newNetwork("bridge", "n2",
                NetworkOptions.builder().option(Labels.ENABLE_ICC, "maybe").build()));
        assertTrue(badBool.getMessage().endsWith("invalid value \"maybe\" for option"
                + " \"com.docker.network.bridge.enable_icc\": not a boolean"), badBool.getMessage());
        var overlap = assertThrows(ForbiddenException.class,
                () -> c.newNetwork("bridge", "n2", NetworkOptions.builder().subnet("10.50.0.0/16").build()));
        assertTrue(overlap.getMessage().contains("overlaps with subnet 10.50.0.0/24"), overlap.getMessage());
        assertThrows(InvalidParameterException.class, () -> c.newNetwork("bridge", "bad name!"));
        var twoSubnets = assertThrows(ForbiddenException.class, () -> c.newNetwork("bridge", "n3",
                NetworkOptions.builder().subnet("10.55.0.0/24").subnet("10.56.0.0/24").build()));
        assertEquals("create network \"n3\": bridge network n3: bridge driver doesn't support multiple subnets"
                + " (subnet: 2 IPv4)", twoSubnets.getMessage());
        c.newNetwork("bridge", "n3", NetworkOptions.builder().subnet("10.56.0.0/24").build()).delete(); // all freed
        assertThrows(InvalidParameterException.class, () -> n.createEndpoint("e2",
                EndpointOptions.builder().ipv4("10.99.0.5").build()));
        assertThrows(AlreadyExistsException.class, () -> n.createEndpoint("e3",
                EndpointOptions.builder().ipv4("10.50.0.2").build()), "taken by e");
        assertEquals(List.of("n1"), c.networks().stream().map(Network::name).toList(), "no failed network is left");
        assertTrue(Oracle.ip(ns.host(), "link", "show", "type", "bridge").size() == 1, "no failed bridge is left");
        sb.delete();
    }

    @Test
    void anExhaustedPoolRefusesAndAllocatesNothing(Namespaces ns) {
        NetworkController c = ns.controller();
        // a /30 has two host addresses; the gateway takes one
        Network n = c.newNetwork("bridge", "tiny", NetworkOptions.builder().subnet("10.53.0.0/30").build());
        n.createEndpoint("e1");
        var e = assertThrows(PoolExhaustedException.class, () -> n.createEndpoint("e2"));
        assertEquals("create endpoint \"e2\" on network \"tiny\": no available IPv4 address in 10.53.0.0/30",
                e.getMessage());
        assertEquals(1, n.endpoints().size());
        var ipam = ((DefaultController) c).ipam();
        String pool = "LocalDefault/10.53.0.0/30";
        assertEquals(2, ipam.allocated(pool), "gateway and e1 only");
        n.endpointByName("e1").delete();
        n.createEndpoint("e2");
        // IPv6 endpoint whose static v6 is wrong: its IPv4 address is released again
        Network dual = c.newNetwork("bridge", "dual", NetworkOptions.builder().enableIpv6(true)
                .subnet("10.54.0.0/24").ipam(IpamConfig.subnet("fd54::/64")).build());
        assertThrows(InvalidParameterException.class, () -> dual.createEndpoint("x",
                EndpointOptions.builder().ipv6("fd55::1").build()));
        assertEquals(1, ipam.allocated("LocalDefault/10.54.0.0/24"), "only the gateway");
    }

    /**
     * A join fails at each of its kernel requests in turn (injected): every time, nothing is
     * left (no veth, no address, no route, no allocation), and the next attempt succeeds.
     */
    @Test
    void aJoinFailingAtAnyStepLeavesNothingBehind(Namespaces ns) {
        DefaultController c = (DefaultController) ns.controller();
        Network n = c.newNetwork("bridge", "n1", NetworkOptions.builder().subnet("10.55.0.0/24").build());
        Endpoint ep = n.createEndpoint("e");
        SandboxImpl sb = (SandboxImpl) c.newSandbox("c1");
        List<String> hostBefore = Oracle.linkNames(ns.host());
        String veth = "veth" + ep.id().substring(0, 7);
        // Fail the nth request of the join on the host's handles, then on the sandbox's, for
        // n = 1, 2, ... until the join no longer gets that far (it succeeds): every failure
        // must leave nothing behind. (Bounded: a join makes a handful of requests.)
        int hostFailures = 0;
        int sandboxFailures = 0;
        for (int nth = 1; nth <= 10; nth++) {
            c.host().injectFailure(nth, LnwNative.EIO);
            boolean failed = joinFailsOrSucceeds(ep, sb);
            c.host().injectFailure(0, 0);
            if (!failed) {
                ep.leave(sb);
                break;
            }
            hostFailures++;
            assertClean(ns, sb, hostBefore, veth, c);
        }
        for (int nth = 1; nth <= 10; nth++) {
            sb.netlink().injectFailure(nth, LnwNative.EIO);
            boolean failed = joinFailsOrSucceeds(ep, sb);
            sb.netlink().injectFailure(0, 0);
            if (!failed) {
                ep.leave(sb);
                break;
            }
            sandboxFailures++;
            assertClean(ns, sb, hostBefore, veth, c);
        }
        // host: create the pair (echoed back; read back on kernels before 6.3), no IPv6 on the
        // port; sandbox: read the peer back, no IPv6 link-local, address, up, default route
        assertTrue(hostFailures >= 2, "host steps failed: " + hostFailures);
        assertEquals(5, sandboxFailures);
        ep.join(sb);
        assertTrue(Oracle.ping(NsRef.of(sb), "10.55.0.1"));
    }

    /** True if the join failed on the injected failure; false if it succeeded. */
    private static boolean joinFailsOrSucceeds(Endpoint ep, Sandbox sb) {
        try {
            ep.join(sb);
            return false;
        } catch (NetworkException e) {
            assertTrue(e.getMessage().contains("[injected]"), e.getMessage());
            return true;
        }
    }

    private static void assertClean(Namespaces ns, SandboxImpl sb, List<String> hostBefore, String veth,
            DefaultController c) {
        assertEquals(hostBefore, Oracle.linkNames(ns.host()), "host links");
        assertTrue(Oracle.link(ns.host(), veth).isEmpty());
        assertEquals(List.of("lo"), Oracle.linkNames(NsRef.of(sb)), "sandbox links");
        assertTrue(Oracle.ip(NsRef.of(sb), "route", "show").isEmpty(), "sandbox routes");
        assertTrue(sb.endpoints().isEmpty());
        assertTrue(sb.gatewayEndpoint().isEmpty());
        assertEquals(2, c.ipam().allocated("LocalDefault/10.55.0.0/24"), "gateway and the endpoint's address");
    }

    /** Network creation failing at each host request: no bridge, no pool, no name left. */
    @Test
    void aNetworkFailingAtAnyStepLeavesNothingBehind(Namespaces ns) {
        DefaultController c = (DefaultController) ns.controller();
        List<String> before = Oracle.linkNames(ns.host());
        int failed = 0;
        for (int nth = 1; nth <= 8; nth++) {
            c.host().injectFailure(nth, LnwNative.EIO);
            try {
                c.newNetwork("bridge", "n1", NetworkOptions.builder().subnet("10.56.0.0/24").build());
                // past the last request: it worked; clean up for the next round
                c.host().injectFailure(0, 0);
                c.networkByName("n1").delete();
                break;
            } catch (NetworkException e) {
                assertTrue(e.getMessage().contains("[injected]"), e.getMessage());
                failed++;
            }
            c.host().injectFailure(0, 0);
            assertEquals(before, Oracle.linkNames(ns.host()));
            assertEquals(0, c.ipam().poolCount());
            assertTrue(c.networks().isEmpty());
        }
        assertTrue(failed >= 4, "create bridge, addresses, address, up, ports: " + failed);
        // the network that was made and deleted: its bridge is down at once, and gone as soon
        // as the kernel's background delete ends (a failed create's undo deletes it at once)
        assertTrue(Oracle.upLinkNames(ns.host()).stream().noneMatch(l -> l.startsWith("br-")),
                Oracle.upLinkNames(ns.host()).toString());
        assertEquals(before, Eventually.settled(() -> Oracle.linkNames(ns.host()), before));
    }

    /** A sandbox whose files cannot be written: its namespace is removed again. */
    @Test
    void aSandboxFailingLeavesNoNamespace(Namespaces ns) throws Exception {
        DefaultController c = (DefaultController) ns.controller();
        var dir = c.sandboxFiles();
        Files.delete(dir);
        Files.writeString(dir, "not a directory");
        try {
            assertThrows(NetworkException.class, () -> c.newSandbox("c1"));
            try (var left = Files.list(ns.dir().resolve("run").resolve("netns"))) {
                assertEquals(0, left.count(), "namespace left behind");
            }
            assertTrue(c.sandboxes().isEmpty());
        } finally {
            Files.delete(dir);
            Files.createDirectory(dir);
        }
        c.newSandbox("c1").delete(); // the same container id is free again
    }
}
