package org.libnetwork4j.driver.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.MacAddress;
import org.libnetwork4j.driver.Capabilities;
import org.libnetwork4j.driver.JoinRequest;
import org.libnetwork4j.driver.JoinResult;
import org.libnetwork4j.driver.ResolverSite;
import org.libnetwork4j.testing.Eventually;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;
import org.libnetwork4j.testing.NsRef;
import org.libnetwork4j.testing.Oracle;
import org.libnetwork4j.testing.Traffic;

/**
 * The overlay driver between two fake hosts in one JVM, without a controller: real VXLAN
 * traffic over a veth underlay, checked with iproute2 in the hosts', the networks' and the
 * sandboxes' namespaces.
 */
@ExtendWith(NetnsExtension.class)
class OverlayDriverTest {
    private static final String NET = TwoHosts.id('a');
    private static final String NET_B = TwoHosts.id('b');
    private static final Map<String, String> VNI_256 = Map.of(OverlaySettings.VXLANID_LIST, "256");
    private static final String VX = "vx-000100";

    @Test
    void containersOnTwoHostsTalkOverVxlan(Namespaces ns) {
        try (TwoHosts w = new TwoHosts(ns)) {
            w.createOnBoth(NET, "10.77.0.0/24", VNI_256);
            TestSandbox c1 = new TestSandbox("c1", ns.container("c1"));
            TestSandbox c2 = new TestSandbox("c2", ns.container("c2"));
            JoinResult r1 = w.join(w.d1, NET, TwoHosts.id('1'), "10.77.0.2", c1);
            w.join(w.d2, NET, TwoHosts.id('2'), "10.77.0.3", c2);

            assertEquals("eth0", ((JoinResult.Iface.InSandbox) r1.iface()).name());
            assertNull(r1.gatewayV4(), "an overlay gives no way out");
            assertTrue(r1.staticRoutes().isEmpty());
            assertTrue(Oracle.ping(c1.ns(), "10.77.0.3"), "c1 -> c2 across hosts");
            assertTrue(Oracle.ping(c2.ns(), "10.77.0.2"), "c2 -> c1 across hosts");
            try (var server = Traffic.tcpServer(ns, c2.ns(), null, 8080, "$PEER")) {
                assertEquals(Optional.of("10.77.0.2"), Traffic.tcp(c1.ns(), "10.77.0.3", 8080),
                        Traffic.lastClientError());
            }

            NsRef ov1 = TwoHosts.overlayNs(w.run1, NET);
            JsonNode vx = Oracle.link(ov1, VX).orElseThrow();
            JsonNode info = vx.path("linkinfo").path("info_data");
            assertEquals("vxlan", vx.path("linkinfo").path("info_kind").asText());
            assertEquals(256, info.path("id").asInt());
            assertEquals(TwoHosts.H1, info.path("local").asText());
            assertEquals(4789, info.path("port").asInt());
            assertFalse(info.path("learning").asBoolean(true), "nolearning");
            assertEquals(1450, vx.path("mtu").asInt(), "1500 of the underlay minus 50");
            assertEquals("ov-000100", vx.path("master").asText());
            assertEquals(1450, Oracle.link(ov1, "ov-000100").orElseThrow().path("mtu").asInt());
            assertEquals(List.of("10.77.0.1/24"), Oracle.addrs(ov1, "ov-000100", "inet"));
            assertEquals(1450, Oracle.link(c1.ns(), "eth0").orElseThrow().path("mtu").asInt());
            assertEquals("02:42:0a:4d:00:02", Oracle.link(c1.ns(), "eth0").orElseThrow().path("address").asText());
            // the devices are in the network's namespace, not the host's
            assertEquals(Set.of("lo", "lnwt-u1"), new TreeSet<>(Oracle.linkNames(w.host1)));

            assertEquals(Set.of("10.77.0.3 02:42:0a:4d:00:03"), neighbours(ov1));
            assertEquals(Set.of("02:42:0a:4d:00:03 " + TwoHosts.H2, "00:00:00:00:00:00 " + TwoHosts.H2),
                    remoteFdb(ov1));
            NsRef ov2 = TwoHosts.overlayNs(w.run2, NET);
            assertEquals(Set.of("10.77.0.2 02:42:0a:4d:00:02"), neighbours(ov2));
            assertEquals(Set.of("02:42:0a:4d:00:02 " + TwoHosts.H1, "00:00:00:00:00:00 " + TwoHosts.H1),
                    remoteFdb(ov2));
        }
    }

    @Test
    void aLeaveOnOneHostRemovesItsPeerOnTheOther(Namespaces ns) {
        try (TwoHosts w = new TwoHosts(ns)) {
            TwoHosts.Pair pair = w.oneOnEach(ns, NET, VNI_256);
            TestSandbox c1 = pair.c1();
            TestSandbox c2 = pair.c2();
            NsRef ov1 = TwoHosts.overlayNs(w.run1, NET);
            assertEquals(1, neighbours(ov1).size());

            w.d2.leave(NET, TwoHosts.id('2'), false);
            w.d2.deleteEndpoint(NET, TwoHosts.id('2'));
            assertEquals(Set.of(), neighbours(ov1));
            assertEquals(Set.of(), remoteFdb(ov1));
            assertTrue(Oracle.link(c2.ns(), "eth0").isEmpty(), "the sandbox's end went with the pair");
            assertEquals(1, w.directory.peers(NET).size(), "only host1's endpoint is left");
            assertFalse(Oracle.ping(c1.ns(), "10.77.0.3"));

            // and back: a new join is programmed again
            w.join(w.d2, NET, TwoHosts.id('3'), "10.77.0.4", c2);
            assertEquals(Set.of("10.77.0.4 02:42:0a:4d:00:04"), neighbours(ov1));
            assertTrue(Oracle.ping(c1.ns(), "10.77.0.4"));
        }
    }

    @Test
    void aContainerOnTwoOverlayNetworks(Namespaces ns) {
        try (TwoHosts w = new TwoHosts(ns)) {
            w.createOnBoth(NET, "10.77.0.0/24", VNI_256);
            w.createOnBoth(NET_B, "10.78.0.0/24", Map.of(OverlaySettings.VXLANID_LIST, "257"));
            TestSandbox c1 = new TestSandbox("c1", ns.container("c1"));
            TestSandbox c2 = new TestSandbox("c2", ns.container("c2"));
            TestSandbox c3 = new TestSandbox("c3", ns.container("c3"));
            w.join(w.d1, NET, TwoHosts.id('1'), "10.77.0.2", c1);
            JoinResult second = w.join(w.d1, NET_B, TwoHosts.id('4'), "10.78.0.2", c1);
            w.join(w.d2, NET, TwoHosts.id('2'), "10.77.0.3", c2);
            w.join(w.d2, NET_B, TwoHosts.id('3'), "10.78.0.3", c3);

            assertEquals("eth1", ((JoinResult.Iface.InSandbox) second.iface()).name());
            assertTrue(Oracle.ping(c1.ns(), "10.77.0.3"));
            assertTrue(Oracle.ping(c1.ns(), "10.78.0.3"));
            assertFalse(Oracle.ping(c2.ns(), "10.78.0.3"), "the networks stay apart");
            assertEquals(Set.of("10.78.0.3 02:42:0a:4e:00:03"), neighbours(TwoHosts.overlayNs(w.run1, NET_B), "vx-000101"));
            assertEquals(257, Oracle.link(TwoHosts.overlayNs(w.run1, NET_B), "vx-000101").orElseThrow()
                    .path("linkinfo").path("info_data").path("id").asInt());
        }
    }

    /**
     * The controller's resolver listens on the gateways in the network's namespace, which
     * exists from the first join on. While none listens there (a restart), the namespace's
     * own table keeps the kernel's refusals in: a query waits for the client's retry.
     */
    @Test
    void theGatewaysAreTheResolverSiteAndTheNamespaceRefusesNoQuery(Namespaces ns) {
        try (TwoHosts w = new TwoHosts(ns)) {
            w.createOnBoth(NET, "10.77.0.0/24", "fd77::/64", VNI_256);
            assertEquals(Optional.empty(), w.d1.resolverSite(NET), "no namespace yet: not known yet");
            TestSandbox c1 = new TestSandbox("c1", ns.container("c1"));
            w.join(w.d1, NET, TwoHosts.id('1'), "10.77.0.2", "fd77::2", null, c1);
            ResolverSite site = w.d1.resolverSite(NET).orElseThrow();
            assertEquals(List.of(IpAddresses.parse("10.77.0.1"), IpAddresses.parse("fd77::1")), site.addresses());
            NsRef ov1 = TwoHosts.overlayNs(w.run1, NET);
            assertEquals(Optional.of(ov1.path()), site.namespace().path(), "in the network's namespace");
            assertTrue(Oracle.addrs(ov1, "ov-000100", "inet").contains("10.77.0.1/24"), "a local address there");
            assertTrue(Oracle.out(ov1, "nft", "list", "table", "inet", "libnetwork4j").contains("port-unreachable"));

            assertTrue(digFails(c1, "10.77.0.1").contains("timed out"), "UDP: no refusal");
            assertTrue(digFails(c1, "10.77.0.1", "+tcp").contains("timed out"), "TCP: no reset");
            assertTrue(digFails(c1, "fd77::1").contains("timed out"), "IPv6: no refusal");
            // the control: without the table, the kernel refuses at once
            Oracle.out(ov1, "nft", "delete", "table", "inet", "libnetwork4j");
            assertTrue(digFails(c1, "10.77.0.1").contains("refused"), "the kernel's refusal, unless kept in");
        }
    }

    /** dig's complaint about one try of 1 s at server, which must not answer. */
    private static String digFails(TestSandbox sb, String server, String... options) {
        List<String> argv = new java.util.ArrayList<>(List.of("dig", "+tries=1", "+time=1", "@" + server));
        argv.addAll(List.of(options));
        argv.add("c2");
        Oracle.Result r = Oracle.exec(sb.ns(), argv.toArray(String[]::new));
        assertTrue(r.exitCode() != 0 || r.out().contains("no servers could be reached"), "no answer: " + r);
        return r.out() + r.err();
    }

    @Test
    void deleteNetworkLeavesNothingBehind(Namespaces ns) throws Exception {
        try (TwoHosts w = new TwoHosts(ns)) {
            w.createOnBoth(NET, "10.77.0.0/24", Map.of()); // a VNI from the allocator
            TestSandbox c1 = new TestSandbox("c1", ns.container("c1"));
            TestSandbox c2 = new TestSandbox("c2", ns.container("c2"));
            w.join(w.d1, NET, TwoHosts.id('1'), "10.77.0.2", c1);
            w.join(w.d2, NET, TwoHosts.id('2'), "10.77.0.3", c2);
            assertEquals("4096", w.d1.networkInfo(NET).get("vni"));
            assertEquals(4096, Oracle.link(TwoHosts.overlayNs(w.run2, NET), "vx-001000").orElseThrow()
                    .path("linkinfo").path("info_data").path("id").asInt(), "both hosts got the network's VNI");
            assertTrue(Oracle.ping(c1.ns(), "10.77.0.3"));
            assertEquals(1, TwoHosts.mountsUnder(w.run1).size());

            for (OverlayDriver d : List.of(w.d1, w.d2)) {
                String ep = d == w.d1 ? TwoHosts.id('1') : TwoHosts.id('2');
                d.leave(NET, ep, false);
                d.deleteEndpoint(NET, ep);
                d.deleteNetwork(NET);
                d.deleteNetwork(NET); // idempotent
            }
            assertEquals(List.of(), TwoHosts.mountsUnder(w.run1));
            assertEquals(List.of(), TwoHosts.mountsUnder(w.run2));
            try (var files = java.nio.file.Files.list(w.run1)) {
                assertEquals(0, files.count());
            }
            assertEquals(Set.of("lo", "lnwt-u1"), new TreeSet<>(Oracle.linkNames(w.host1)));
            assertEquals(Set.of("lo", "lnwt-u2"), new TreeSet<>(Oracle.linkNames(w.host2)));
            assertEquals(Set.of("lo"), new TreeSet<>(Oracle.linkNames(c1.ns())));
            assertEquals(0, w.directory.watchers(NET));
            assertEquals(Set.of(), w.directory.peers(NET));
            assertEquals(4096, w.vnis.allocate(NET_B), "the VNI went back to the allocator");
            // no UDP socket is left on the underlay of either host
            assertEquals("", Oracle.out(w.host1, "ss", "-Hlun", "sport = :4789").strip());

            // made again at once: the VNI is free on the host's port
            w.vnis.release(NET_B);
            w.createOnBoth(NET, "10.77.0.0/24", VNI_256);
            w.join(w.d1, NET, TwoHosts.id('5'), "10.77.0.5", c1);
            assertTrue(Oracle.link(TwoHosts.overlayNs(w.run1, NET), VX).isPresent());
        }
    }

    @Test
    void peersSeenBeforeTheNamespaceAreProgrammedWhenItIsMade(Namespaces ns) {
        try (TwoHosts w = new TwoHosts(ns)) {
            w.createOnBoth(NET, "10.77.0.0/24", VNI_256);
            TestSandbox c2 = new TestSandbox("c2", ns.container("c2"));
            w.join(w.d2, NET, TwoHosts.id('2'), "10.77.0.3", c2);
            // host1 has no container on the network: no namespace yet, the peer remembered
            assertFalse(java.nio.file.Files.exists(w.run1.resolve("ov-" + NET.substring(0, 12))));
            assertEquals("1", w.d1.networkInfo(NET).get("remotePeers"));

            TestSandbox c1 = new TestSandbox("c1", ns.container("c1"));
            w.join(w.d1, NET, TwoHosts.id('1'), "10.77.0.2", c1);
            assertEquals(Set.of("10.77.0.3 02:42:0a:4d:00:03"), neighbours(TwoHosts.overlayNs(w.run1, NET)));
            assertTrue(Oracle.ping(c1.ns(), "10.77.0.3"));
        }
    }

    @Test
    void aRestartedDriverTakesUpTheNetworkWithoutStoppingTraffic(Namespaces ns) {
        try (TwoHosts w = new TwoHosts(ns)) {
            TwoHosts.Pair pair = w.oneOnEach(ns, NET, VNI_256);
            TestSandbox c1 = pair.c1();
            TestSandbox c2 = pair.c2();
            Map<String, String> state = w.d1.networkState(NET);
            assertEquals("256", state.get("vnis"));
            int vxIndex = Oracle.link(TwoHosts.overlayNs(w.run1, NET), VX).orElseThrow().path("ifindex").asInt();

            w.d1.close(); // the controller stops: the kernel stays as it is
            assertTrue(Oracle.ping(c1.ns(), "10.77.0.3"), "traffic does not need the driver");
            // host2's container comes back with another MAC while host1's driver is away: host1's
            // neighbour entry for its address is stale, to be replaced
            w.d2.leave(NET, TwoHosts.id('2'), false);
            w.d2.deleteEndpoint(NET, TwoHosts.id('2'));
            w.join(w.d2, NET, TwoHosts.id('3'), "10.77.0.3", MacAddress.parse("02:42:0a:4d:99:03"), c2);
            assertEquals(1, w.directory.watchers(NET), "host1 stopped watching");

            w.d1 = w.driver(w.host1, w.run1, TwoHosts.H1);
            w.d1.restoreNetwork(TwoHosts.request(w.d1, NET, "10.77.0.0/24", VNI_256), state);
            w.d1.createEndpoint(new org.libnetwork4j.driver.EndpointRequest(NET, TwoHosts.id('1'),
                    org.libnetwork4j.IpPrefix.parse("10.77.0.2/24"), null, null, List.of(), false));
            assertEquals(Map.of(TwoHosts.id('1'), "sandbox=c1"), w.d1.joinLabels());
            JoinResult r = w.d1.restoreJoin(new JoinRequest(NET, TwoHosts.id('1'), c1, "eth", "sandbox=c1"))
                    .orElseThrow();
            assertEquals(Oracle.link(c1.ns(), "eth0").orElseThrow().path("ifindex").asInt(),
                    ((JoinResult.Iface.InSandbox) r.iface()).index());
            assertEquals(List.of(), w.d1.removeOrphans(Set.of(TwoHosts.id('1'))));

            NsRef ov1 = TwoHosts.overlayNs(w.run1, NET);
            assertEquals(vxIndex, Oracle.link(ov1, VX).orElseThrow().path("ifindex").asInt(), "taken as it was");
            assertEquals(Set.of("10.77.0.3 02:42:0a:4d:99:03"), neighbours(ov1));
            assertTrue(remoteFdb(ov1).contains("02:42:0a:4d:99:03 " + TwoHosts.H2), remoteFdb(ov1).toString());
            // c1's own ARP cache still has the old MAC (the kernel probes it again only after
            // seconds): what a container would do, not the driver's tables
            Oracle.out(c1.ns(), "ip", "neigh", "flush", "dev", "eth0");
            assertTrue(Oracle.ping(c1.ns(), "10.77.0.3"));
            assertTrue(Oracle.ping(c2.ns(), "10.77.0.2"));
        }
    }

    @Test
    void aRestartedDriverRemovesPeersThatLeftWhileItWasDown(Namespaces ns) {
        try (TwoHosts w = new TwoHosts(ns)) {
            w.createOnBoth(NET, "10.77.0.0/24", VNI_256);
            TestSandbox c1 = new TestSandbox("c1", ns.container("c1"));
            TestSandbox c2 = new TestSandbox("c2", ns.container("c2"));
            TestSandbox c3 = new TestSandbox("c3", ns.container("c3"));
            w.join(w.d1, NET, TwoHosts.id('1'), "10.77.0.2", c1);
            w.join(w.d2, NET, TwoHosts.id('2'), "10.77.0.3", c2);
            w.join(w.d2, NET, TwoHosts.id('3'), "10.77.0.4", c3);
            NsRef ov1 = TwoHosts.overlayNs(w.run1, NET);
            Map<String, String> state = w.d1.networkState(NET);

            // c3 leaves while host1's driver is down: nobody takes its entries out of host1
            w.d1.close();
            w.d2.leave(NET, TwoHosts.id('3'), false);
            w.d2.deleteEndpoint(NET, TwoHosts.id('3'));
            assertTrue(neighbours(ov1).contains("10.77.0.4 02:42:0a:4d:00:04"), "the kernel keeps what it had");
            restart(w, state, c1);
            assertEquals(Set.of("10.77.0.3 02:42:0a:4d:00:03"), neighbours(ov1));
            assertEquals(Set.of("02:42:0a:4d:00:03 " + TwoHosts.H2, "00:00:00:00:00:00 " + TwoHosts.H2),
                    remoteFdb(ov1));
            assertTrue(Oracle.ping(c1.ns(), "10.77.0.3"), "what the directory holds stays");

            // and host2's last: its flooding entry goes too
            w.d1.close();
            w.d2.leave(NET, TwoHosts.id('2'), false);
            w.d2.deleteEndpoint(NET, TwoHosts.id('2'));
            restart(w, state, c1);
            assertEquals(Set.of(), neighbours(ov1));
            assertEquals(Set.of(), remoteFdb(ov1));
        }
    }

    /** host1's driver made again and given its network and c1's join back, as the controller does. */
    private static void restart(TwoHosts w, Map<String, String> state, TestSandbox c1) {
        w.d1 = w.driver(w.host1, w.run1, TwoHosts.H1);
        w.d1.restoreNetwork(TwoHosts.request(w.d1, NET, "10.77.0.0/24", VNI_256), state);
        w.d1.createEndpoint(new org.libnetwork4j.driver.EndpointRequest(NET, TwoHosts.id('1'),
                org.libnetwork4j.IpPrefix.parse("10.77.0.2/24"), null, null, List.of(), false));
        w.d1.restoreJoin(new JoinRequest(NET, TwoHosts.id('1'), c1, "eth", "sandbox=c1")).orElseThrow();
    }

    @Test
    void removeOrphansDeletesUnclaimedVeths(Namespaces ns) {
        try (TwoHosts w = new TwoHosts(ns)) {
            w.createOnBoth(NET, "10.77.0.0/24", VNI_256);
            TestSandbox c1 = new TestSandbox("c1", ns.container("c1"));
            w.join(w.d1, NET, TwoHosts.id('1'), "10.77.0.2", c1);
            List<String> removed = w.d1.removeOrphans(Set.of());
            assertEquals(1, removed.size(), removed.toString());
            assertTrue(Eventually.settled(() -> Oracle.link(c1.ns(), "eth0").isEmpty(), true));
        }
    }

    @Test
    void aJoinWhoseEndpointCannotBePublishedLeavesNothing(Namespaces ns) {
        try (TwoHosts w = new TwoHosts(ns)) {
            joinFailsAndLeavesNothing(ns, w, org.libnetwork4j.InternalException.class,
                    new ForwardingDirectory(w.directory) {
                        @Override
                        public void publish(Peer peer) {
                            throw new org.libnetwork4j.InternalException("directory unreachable");
                        }
                    });
        }
    }

    /**
     * The publication runs while the veth is made and fails only when the join awaits it (a
     * remote store lost meanwhile): the join undoes itself, and a leave after it has nothing
     * to do.
     */
    @Test
    void aPublicationThatFailsLateLeavesNothing(Namespaces ns) {
        try (TwoHosts w = new TwoHosts(ns)) {
            joinFailsAndLeavesNothing(ns, w, org.libnetwork4j.RetryableException.class,
                    new ForwardingDirectory(w.directory) {
                        @Override
                        public Publication publishAll(List<Peer> peers) {
                            peers.forEach(w.directory::publish); // reached the others, then no answer
                            return () -> {
                                peers.forEach(w.directory::withdraw); // as the contract asks of a failure
                                throw new org.libnetwork4j.RetryableException("cluster store: no answer");
                            };
                        }
                    });
        }
    }

    /**
     * A driver on host1 whose peers go through directory: a join there fails with failure and
     * leaves no interface in the sandbox, no veth in the network's namespace and no peer; the
     * controller's undo (a leave) after it has nothing left to do.
     */
    private static void joinFailsAndLeavesNothing(Namespaces ns, TwoHosts w, Class<? extends Exception> failure,
            PeerDirectory directory) {
        OverlayDriver d = new OverlayDriver(new TestHost(w.host1), w.run1, IpAddresses.parse(TwoHosts.H1), w.vnis,
                directory);
        d.createNetwork(TwoHosts.request(d, NET, "10.77.0.0/24", VNI_256));
        try {
            TestSandbox c1 = new TestSandbox("c1", ns.container("c1"));
            assertThrows(failure, () -> w.join(d, NET, TwoHosts.id('1'), "10.77.0.2", c1));
            assertEquals(Set.of("lo"), new TreeSet<>(Oracle.linkNames(c1.ns())));
            assertEquals(Set.of("lo", "ov-000100", VX),
                    new TreeSet<>(Oracle.linkNames(TwoHosts.overlayNs(w.run1, NET))), "no veth is left");
            assertEquals(Set.of(), w.directory.peers(NET));
            d.leave(NET, TwoHosts.id('1'), false);
        } finally {
            d.deleteNetwork(NET);
            d.close();
        }
        assertEquals(0, w.directory.watchers(NET));
    }

    @Test
    void capabilitiesAreGlobal(Namespaces ns) {
        try (TwoHosts w = new TwoHosts(ns)) {
            Capabilities c = w.d1.capabilities();
            assertEquals(Capabilities.Scope.GLOBAL, c.scope());
            assertEquals(Capabilities.Scope.GLOBAL, c.connectivityScope());
            assertTrue(c.usesIpam());
            assertFalse(c.singleInstance());
            assertEquals("overlay", w.d1.type());
        }
    }

    /** "IP MAC" of the permanent neighbour entries on the VXLAN device. */
    private static Set<String> neighbours(NsRef ov) {
        return neighbours(ov, VX);
    }

    private static Set<String> neighbours(NsRef ov, String vxlan) {
        Set<String> out = new TreeSet<>();
        for (JsonNode n : Oracle.ip(ov, "neigh", "show", "dev", vxlan)) {
            assertTrue(n.path("state").toString().contains("PERMANENT"), n.toString());
            out.add(n.path("dst").asText() + " " + n.path("lladdr").asText());
        }
        return out;
    }

    /** "MAC DST" of the VXLAN device's FDB entries that point at a remote host. */
    private static Set<String> remoteFdb(NsRef ov) {
        Set<String> out = new TreeSet<>();
        for (JsonNode f : Oracle.parse(Oracle.out(ov, "bridge", "-j", "fdb", "show", "dev", VX))) {
            if (f.has("dst")) {
                out.add(f.path("mac").asText() + " " + f.path("dst").asText());
            }
        }
        return out;
    }
}
