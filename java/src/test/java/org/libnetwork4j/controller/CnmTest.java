package org.libnetwork4j.controller;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.Endpoint;
import org.libnetwork4j.ForbiddenException;
import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.IpamConfig;
import org.libnetwork4j.JoinOptions;
import org.libnetwork4j.Labels;
import org.libnetwork4j.MacAddress;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.NetworkOptions;
import org.libnetwork4j.Sandbox;
import org.libnetwork4j.SandboxOptions;
import org.libnetwork4j.kernel.BridgeSpec;
import org.libnetwork4j.kernel.Link;
import org.libnetwork4j.kernel.Netns;
import org.libnetwork4j.kernel.Probe;
import org.libnetwork4j.kernel.VethSpec;
import org.libnetwork4j.testing.Eventually;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;
import org.libnetwork4j.testing.NsRef;
import org.libnetwork4j.testing.Oracle;
import org.libnetwork4j.testing.TestNs;

/** The CNM objects end to end, in a fake host, verified with ip, ping and files. */
@ExtendWith(NetnsExtension.class)
class CnmTest {

    private static String defaultVia(Sandbox sb) {
        var routes = Oracle.ip(NsRef.of(sb), "-4", "route", "show", "default");
        if (routes.isEmpty()) {
            return "none";
        }
        return routes.get(0).path("gateway").asText() + " dev " + routes.get(0).path("dev").asText();
    }

    @Test
    void twoSandboxesOnOneBridgeReachEachOther(Namespaces ns) {
        NetworkController c = ns.controller();
        Network n = c.newNetwork("bridge", "n1", NetworkOptions.builder().subnet("10.10.0.0/24").build());
        Sandbox a = n.createEndpoint("a").join("ca");
        Sandbox b = n.createEndpoint("b").join("cb");
        assertEquals(List.of("10.10.0.2/24"), Oracle.addrs(NsRef.of(a), "eth0", "inet"));
        assertEquals(List.of("10.10.0.3/24"), Oracle.addrs(NsRef.of(b), "eth0", "inet"));
        assertTrue(Oracle.ping(NsRef.of(a), "10.10.0.3"));
        assertTrue(Oracle.ping(NsRef.of(b), "10.10.0.2"));
        assertTrue(Oracle.ping(NsRef.of(b), "10.10.0.1"));
    }

    @Test
    void theDefaultRouteFollowsTheGatewayEndpoint(Namespaces ns) {
        NetworkController c = ns.controller();
        Network beta = c.newNetwork("bridge", "beta", NetworkOptions.builder().subnet("10.20.0.0/24").build());
        Network alpha = c.newNetwork("bridge", "alpha", NetworkOptions.builder().subnet("10.30.0.0/24").build());
        Network internal = c.newNetwork("bridge", "aaa-internal",
                NetworkOptions.builder().subnet("10.40.0.0/24").internal(true).build());
        Sandbox sb = c.newSandbox("c1");
        Endpoint onBeta = beta.createEndpoint("e");
        Endpoint onAlpha = alpha.createEndpoint("e");
        Endpoint onInternal = internal.createEndpoint("e");

        onBeta.join(sb);
        assertEquals("eth0", onBeta.info().interfaceName());
        assertEquals("10.20.0.1 dev eth0", defaultVia(sb));
        onInternal.join(sb); // internal: never the gateway, although its name sorts first
        assertEquals("eth1", onInternal.info().interfaceName());
        assertEquals("10.20.0.1 dev eth0", defaultVia(sb));
        onAlpha.join(sb); // same priority, alpha sorts before beta: the route moves
        assertEquals("eth2", onAlpha.info().interfaceName());
        assertEquals("10.30.0.1 dev eth2", defaultVia(sb));
        assertEquals(onAlpha, sb.gatewayEndpoint().orElseThrow());
        assertEquals(3, Oracle.ip(NsRef.of(sb), "-4", "addr", "show").size() - 1, "eth0..eth2 besides lo");

        onAlpha.leave(sb); // re-elected on leave
        assertEquals("10.20.0.1 dev eth0", defaultVia(sb));
        assertTrue(Oracle.link(NsRef.of(sb), "eth2").isEmpty());

        // a higher join priority beats the name order
        Endpoint second = alpha.createEndpoint("e2");
        second.join(sb, JoinOptions.priority(-1));
        assertEquals("10.20.0.1 dev eth0", defaultVia(sb));
        onBeta.leave(sb);
        assertEquals("10.30.0.1 dev eth3", defaultVia(sb));
        onBeta.join(sb, JoinOptions.priority(10));
        assertEquals("10.20.0.1 dev eth4", defaultVia(sb));
        assertTrue(Oracle.ping(NsRef.of(sb), "10.20.0.1"));
    }

    @Test
    void anInternalNetworkGivesNoDefaultRoute(Namespaces ns) {
        NetworkController c = ns.controller();
        Network internal = c.newNetwork("bridge", "int", NetworkOptions.builder().option(Labels.INTERNAL, "true").build());
        assertTrue(internal.info().internal());
        Sandbox sb = internal.createEndpoint("e").join("c1");
        assertEquals("none", defaultVia(sb));
        assertTrue(sb.gatewayEndpoint().isEmpty());
        assertTrue(Oracle.ping(NsRef.of(sb), internal.info().ipam().get(0).gateway().getHostAddress()),
                "the subnet itself is reachable");
    }

    /** A controller with no resolver: the hosts files are how aliases resolve. */
    private static NetworkController withoutResolver(Namespaces ns) {
        return ns.controller(org.libnetwork4j.ControllerConfig.builder().hostResolvConf(ns.fakeResolvConf("192.0.2.53"))
                .embeddedDns(false));
    }

    @Test
    void aliasesGoIntoThePeersHostsFilesWhereNoResolverAnswers(Namespaces ns) throws Exception {
        NetworkController c = withoutResolver(ns);
        Network n = c.newNetwork("bridge", "n1", NetworkOptions.builder().subnet("10.12.0.0/24").build());
        Network other = c.newNetwork("bridge", "n2", NetworkOptions.builder().subnet("10.13.0.0/24").build());
        Sandbox peer = n.createEndpoint("peer").join("peer");
        Sandbox stranger = other.createEndpoint("stranger").join("stranger");
        Endpoint web = n.createEndpoint("web", org.libnetwork4j.EndpointOptions.builder().alias("www").alias("api").build());
        Sandbox sb = web.join("web");
        assertEquals(List.of("www", "api"), web.info().aliases());
        String line = "10.12.0.3\twww api";
        assertTrue(java.nio.file.Files.readString(peer.hostsPath()).contains(line), "a peer on the network knows it");
        assertFalse(java.nio.file.Files.readString(stranger.hostsPath()).contains("www"), "another network does not");
        assertFalse(java.nio.file.Files.readString(sb.hostsPath()).contains("www"), "its own are not peers");
        // a sandbox joining later learns it too
        Sandbox late = n.createEndpoint("late").join("late");
        assertTrue(java.nio.file.Files.readString(late.hostsPath()).contains(line));
        // gone with the leave, from every peer
        web.leave(sb);
        assertFalse(java.nio.file.Files.readString(peer.hostsPath()).contains("www"));
        assertFalse(java.nio.file.Files.readString(late.hostsPath()).contains("www"));
        web.join(sb);
        assertTrue(java.nio.file.Files.readString(peer.hostsPath()).contains(line));
        sb.delete();
        assertFalse(java.nio.file.Files.readString(peer.hostsPath()).contains("www"), "and with the sandbox");
        // the network's last endpoint with aliases, deleted while joined: its peers still lose it
        Endpoint db = n.createEndpoint("db", org.libnetwork4j.EndpointOptions.builder().alias("pg").build());
        db.join("db");
        assertTrue(java.nio.file.Files.readString(peer.hostsPath()).contains("\tpg"));
        db.delete(true);
        assertFalse(java.nio.file.Files.readString(peer.hostsPath()).contains("pg"), "and with a forced delete");
        assertFalse(java.nio.file.Files.readString(late.hostsPath()).contains("pg"));
        assertThrows(org.libnetwork4j.InvalidParameterException.class,
                () -> org.libnetwork4j.EndpointOptions.builder().alias("no spaces").build());
    }

    @Test
    void whereTheResolverAnswersThePeersAliasesStayOutOfTheHostsFiles(Namespaces ns) throws Exception {
        NetworkController c = ns.controller();
        Network n = c.newNetwork("bridge", "n1", NetworkOptions.builder().subnet("10.12.0.0/24").build());
        Sandbox peer = n.createEndpoint("peer").join("peer");
        n.createEndpoint("web", org.libnetwork4j.EndpointOptions.builder().alias("www").build()).join("web");
        String line = "10.12.0.3\twww";
        // the C library would read such a line before it asks DNS: an alias shared by several
        // containers would always give the file's first
        assertFalse(java.nio.file.Files.readString(peer.hostsPath()).contains("www"), "no line for the resolver's names");
        assertEquals("10.12.0.3\n", Oracle.out(NsRef.of(peer), "dig", "+short", "+time=2", "+tries=1", "@10.12.0.1",
                "www"), "the resolver answers it");
        c.close();
        // reopened without a resolver (lnw without its daemon), the file is the fallback again;
        // with one, the line goes again
        c = withoutResolver(ns);
        assertTrue(java.nio.file.Files.readString(peer.hostsPath()).contains(line), "the fallback");
        c.close();
        c = ns.controller();
        assertFalse(java.nio.file.Files.readString(peer.hostsPath()).contains("www"), "left to the resolver again");
        // on Docker's default bridge (no resolver) the line is there, until the sandbox joins a
        // network that gives it one
        Network b0 = c.newNetwork("bridge", "b0", NetworkOptions.builder().subnet("10.14.0.0/24")
                .option(org.libnetwork4j.Labels.DEFAULT_BRIDGE, "true").build());
        Sandbox plain = b0.createEndpoint("plain").join("plain");
        b0.createEndpoint("db", org.libnetwork4j.EndpointOptions.builder().alias("pg").build()).join("db");
        assertTrue(java.nio.file.Files.readString(plain.hostsPath()).contains("10.14.0.3\tpg"), "no resolver there");
        c.networkByName("n1").createEndpoint("plain-n1").join(plain);
        assertFalse(java.nio.file.Files.readString(plain.hostsPath()).contains("pg"), "its join brought one");
        c.close();
    }

    @Test
    void leaveAndRejoin(Namespaces ns) {
        NetworkController c = ns.controller();
        Network n = c.newNetwork("bridge", "n1", NetworkOptions.builder().subnet("10.11.0.0/24").build());
        Endpoint ep = n.createEndpoint("e");
        Sandbox sb = ep.join("c1");
        ep.leave(sb);
        assertTrue(Oracle.link(NsRef.of(sb), "eth0").isEmpty());
        assertTrue(Oracle.link(ns.host(), "veth" + ep.id().substring(0, 7)).isEmpty());
        assertEquals(null, ep.info().interfaceName());
        assertThrows(ForbiddenException.class, () -> ep.leave(sb), "leaving twice");
        ep.join(sb);
        // libnetwork's per-prefix counter never goes back
        assertEquals("eth1", ep.info().interfaceName());
        assertEquals(List.of("10.11.0.2/24"), Oracle.addrs(NsRef.of(sb), "eth1", "inet"));
        assertTrue(Oracle.ping(NsRef.of(sb), "10.11.0.1"));
    }

    @Test
    void deletingTwiceSucceeds(Namespaces ns) {
        NetworkController c = ns.controller();
        Network n = c.newNetwork("bridge", "n1");
        Endpoint ep = n.createEndpoint("e");
        Sandbox sb = ep.join("c1");
        assertThrows(ForbiddenException.class, ep::delete, "joined, not forced");
        ep.delete(true);
        ep.delete(true);
        ep.delete();
        assertTrue(sb.endpoints().isEmpty());
        sb.delete();
        sb.delete();
        n.delete();
        n.delete();
        assertTrue(c.networks().isEmpty());
        assertTrue(c.sandboxes().isEmpty());
        // the bridge is down at once, and gone as soon as the kernel's background delete ends
        assertEquals(List.of("lo"), Eventually.settled(() -> Oracle.linkNames(ns.host()), List.of("lo")),
                "forced delete removed the veth, and the network its bridge");
    }

    @Test
    void aHundredEndpointsGetAHundredAddresses(Namespaces ns) {
        NetworkController c = ns.controller();
        Network n = c.newNetwork("bridge", "n1", NetworkOptions.builder().subnet("10.12.0.0/24").build());
        Set<String> seen = new HashSet<>();
        List<Sandbox> boxes = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Endpoint ep = n.createEndpoint("e" + i);
            boxes.add(ep.join("c" + i));
        }
        for (Sandbox sb : boxes) {
            List<String> a = Oracle.addrs(NsRef.of(sb), "eth0", "inet");
            assertEquals(1, a.size());
            assertTrue(seen.add(a.get(0)), "duplicate " + a);
        }
        assertEquals(100, seen.size());
        assertFalse(seen.contains("10.12.0.1/24"), "the gateway is never handed out");
        long ports = Oracle.ip(ns.host(), "link", "show", "master", "br-" + n.id().substring(0, 12)).size();
        assertEquals(100, ports);
    }

    @Test
    void nullAndHostNetworks(Namespaces ns) {
        NetworkController c = ns.controller();
        Network none = c.newNetwork("null", "none");
        Network host = c.newNetwork("host", "host");
        assertThrows(ForbiddenException.class, () -> c.newNetwork("null", "none2"));
        assertThrows(ForbiddenException.class, none::delete);
        assertThrows(ForbiddenException.class, host::delete);

        Sandbox loOnly = none.createEndpoint("e").join("c1");
        assertEquals(List.of("lo"), Oracle.linkNames(NsRef.of(loOnly)));
        assertEquals(null, none.endpointByName("e").info().ipv4());

        Endpoint hostEp = host.createEndpoint("h");
        Sandbox inHost = hostEp.join("c2");
        assertEquals(ns.host().path().toString(), inHost.key(), "a host sandbox is the host's namespace");
        Network br = c.newNetwork("bridge", "b");
        assertThrows(ForbiddenException.class, () -> br.createEndpoint("x").join(inHost));
        Sandbox plain = c.newSandbox("c3");
        assertThrows(ForbiddenException.class, () -> host.createEndpoint("h2").join(plain));
        inHost.delete();
        assertTrue(Oracle.link(ns.host(), "lo").isPresent(), "deleting a host sandbox deletes nothing of the host");
    }

    @Test
    void anExistingBridgeIsAdoptedAndLeftInPlace(Namespaces ns) {
        TestNs host = ns.host();
        Link mine = host.netlink().createBridge(BridgeSpec.of("lnwt-mine").up());
        NetworkController c = ns.controller();
        Network n = c.newNetwork("bridge", "n1", NetworkOptions.builder().subnet("10.13.0.0/24")
                .option(Labels.BRIDGE_NAME, "lnwt-mine").build());
        assertEquals("true", n.info().driverInfo().get("adopted"));
        assertEquals(List.of("10.13.0.1/24"), Oracle.addrs(host, "lnwt-mine", "inet"));
        Sandbox sb = n.createEndpoint("e").join("c1");
        assertTrue(Oracle.ping(NsRef.of(sb), "10.13.0.1"));
        sb.delete();
        n.delete();
        var still = Oracle.link(host, "lnwt-mine").orElseThrow();
        assertEquals(mine.index(), still.path("ifindex").asInt());
        assertEquals(List.of(), Oracle.addrs(host, "lnwt-mine", "inet"), "our gateway address is removed");

        // a name taken by something that is not a bridge is refused
        host.netlink().createVeth(VethSpec.of("lnwt-notbr", "lnwt-notbrp"));
        var e = assertThrows(org.libnetwork4j.InvalidParameterException.class, () -> c.newNetwork("bridge", "n2",
                NetworkOptions.builder().option(Labels.BRIDGE_NAME, "lnwt-notbr").build()));
        assertTrue(e.getMessage().endsWith("bridge name lnwt-notbr is taken by a veth device that is not a bridge"),
                e.getMessage());
    }

    /**
     * Left to the kernel, a bridge's address is the lowest among its ports' and moves when a
     * port comes or goes; a container that had the old one cached for its gateway then has its
     * packets to it dropped until its ARP entry expires. Our bridges get an address of their own.
     */
    @Test
    void theGatewayKeepsItsAddressWhileContainersComeAndGo(Namespaces ns) {
        TestNs host = ns.host();
        NetworkController c = ns.controller();
        Network n = c.newNetwork("bridge", "n1", NetworkOptions.builder().subnet("10.15.0.0/24").build());
        String bridge = n.info().driverInfo().get("bridge");
        Sandbox a = n.createEndpoint("a").join("a");
        assertTrue(Oracle.ping(NsRef.of(a), "10.15.0.1"));
        JsonNode br = Oracle.link(host, bridge).orElseThrow();
        String mac = br.path("address").asText();
        assertTrue(MacAddress.parse(mac).isLocallyAdministeredUnicast(), mac);
        assertEquals(mac, Oracle.ip(NsRef.of(a), "neigh", "show", "10.15.0.1").path(0).path("lladdr").asText(),
                "what the container has cached for its gateway");

        // a port with the lowest address there is: the kernel would have made it the bridge's
        Link low = host.netlink().createVeth(VethSpec.of("lnwt-low", "lnwt-lowp")
                .master(br.path("ifindex").asInt())).host();
        host.netlink().setMac(low.index(), MacAddress.parse("02:00:00:00:00:01"));
        host.netlink().setUp(low.index());
        Sandbox b = n.createEndpoint("b").join("b");
        assertEquals(mac, Oracle.link(host, bridge).orElseThrow().path("address").asText());
        assertTrue(Oracle.ping(NsRef.of(a), "10.15.0.1"), "the cached gateway address still answers");
        b.delete();
        host.netlink().deleteLink(low.index());
        assertEquals(mac, Oracle.link(host, bridge).orElseThrow().path("address").asText());
        assertTrue(Oracle.ping(NsRef.of(a), "10.15.0.1"));
    }

    /**
     * A joined container can talk at once. The kernel attaches the queues of the veth's host
     * end, and of a bridge whose first live port it is, from its link-watch worker some
     * milliseconds after the container's end comes up, and drops the gateway's ARP reply
     * meanwhile; the driver settles both before join returns. Right after each join, a ping
     * sent in-process from inside the sandbox must be answered before the ARP retry (1 s)
     * could have helped it, and the host's links, as a dump shows them (a dump settles
     * nothing by itself), have their queues and are up. The native test_settle.c shows the
     * loss without the settling.
     */
    @Test
    void aJoinedContainerCanTalkAtOnce(Namespaces ns) {
        TestNs host = ns.host();
        NetworkController c = ns.controller();
        Network n = c.newNetwork("bridge", "n1", NetworkOptions.builder().subnet("10.17.0.0/24").build());
        String bridge = n.info().driverInfo().get("bridge");
        InetAddress gateway = IpAddresses.parse("10.17.0.1");
        for (int i = 0; i < 20; i++) {
            Endpoint ep = n.createEndpoint("e" + i);
            Sandbox sb = c.newSandbox("c" + i);
            ep.join(sb);
            try (Netns inside = Netns.open(Path.of(sb.key()))) {
                int seq = i + 1;
                assertDoesNotThrow(() -> Probe.ping(inside, gateway, seq, Duration.ofMillis(500)),
                        "container " + i + "'s first ping");
            }
            Map<String, JsonNode> links = new HashMap<>();
            Oracle.ip(host, "link", "show").forEach(l -> links.put(l.path("ifname").asText(), l));
            for (String name : List.of("veth" + ep.id().substring(0, 7), bridge)) {
                assertEquals("noqueue", links.get(name).path("qdisc").asText(), name);
                assertEquals("UP", links.get(name).path("operstate").asText(), name);
            }
            sb.delete(); // the bridge's only port goes: the next join is its first again
        }
    }

    @Test
    void aFullBridgeIsRefusedBeforeTheKernelRefusesIt(Namespaces ns) {
        TestNs host = ns.host();
        TestNs filler = ns.container("filler");
        Link br = host.netlink().createBridge(BridgeSpec.of("lnwt-full").up());
        for (int i = 0; i < 1023; i++) {
            host.netlink().createVeth(VethSpec.of("lnwt-f" + i, "f" + i).peerIn(filler.netlink()).master(br.index()));
        }
        NetworkController c = ns.controller();
        Network n = c.newNetwork("bridge", "full", NetworkOptions.builder().subnet("10.14.0.0/24")
                .option(Labels.BRIDGE_NAME, "lnwt-full").build());
        Endpoint ep = n.createEndpoint("e");
        Sandbox sb = c.newSandbox("c1");
        var e = assertThrows(ForbiddenException.class, () -> ep.join(sb));
        assertTrue(e.getMessage().contains("bridge lnwt-full has 1023 ports, the most the kernel allows"), e.getMessage());
        assertEquals(List.of("lo"), Oracle.linkNames(NsRef.of(sb)));
        assertTrue(Oracle.link(host, "veth" + ep.id().substring(0, 7)).isEmpty());
    }

    @Test
    void ipv6(Namespaces ns) {
        NetworkController c = ns.controller();
        Network n = c.newNetwork("bridge", "v6", NetworkOptions.builder().enableIpv6(true)
                .subnet("10.15.0.0/24").ipam(IpamConfig.subnet("fd15::/64")).build());
        Sandbox sb = n.createEndpoint("e").join("c1");
        var v6 = Oracle.ip(NsRef.of(sb), "-6", "addr", "show", "dev", "eth0").get(0).path("addr_info");
        boolean global = false;
        for (var a : v6) {
            if (a.path("local").asText().equals("fd15::2")) {
                global = true;
                assertFalse(a.path("tentative").asBoolean(false));
            }
        }
        assertTrue(global, v6.toString());
        var def6 = Oracle.ip(NsRef.of(sb), "-6", "route", "show", "default").get(0);
        assertEquals("fd15::1", def6.path("gateway").asText());
        assertTrue(Oracle.ping(NsRef.of(sb), "fd15::1"), "IPv6 to the gateway");
        InetAddress gw6 = n.info().ipam().get(1).gateway();
        assertEquals("fd15::1", IpAddresses.format(gw6));
    }

    @Test
    void sandboxFilesFollowJoinsAndOptions(Namespaces ns) throws Exception {
        NetworkController c = ns.controller();
        Network n = c.newNetwork("bridge", "n1", NetworkOptions.builder().subnet("10.16.0.0/24").build());
        Sandbox sb = c.newSandbox("c1", SandboxOptions.builder().hostname("web").extraHost("db", "10.16.0.50")
                .dns("10.16.0.53").dnsSearch("example.org").dnsOption("ndots:2").build());
        Endpoint ep = n.createEndpoint("e");
        ep.join(sb);
        String hosts = java.nio.file.Files.readString(sb.hostsPath());
        assertTrue(hosts.contains("10.16.0.50\tdb\n"), hosts);
        assertTrue(hosts.contains("10.16.0.2\tweb\n"), hosts);
        // the embedded resolver on the network's gateway; the sandbox's own server is where it
        // forwards, and the user's ndots stays
        assertEquals("nameserver 10.16.0.1\nsearch example.org\noptions ndots:2\n",
                java.nio.file.Files.readString(sb.resolvConfPath()));
        ep.leave(sb);
        assertFalse(java.nio.file.Files.readString(sb.hostsPath()).contains("10.16.0.2"));
        assertEquals("nameserver 10.16.0.53\nsearch example.org\noptions ndots:2\n",
                java.nio.file.Files.readString(sb.resolvConfPath()), "no network with a resolver: its own server");
    }
}
