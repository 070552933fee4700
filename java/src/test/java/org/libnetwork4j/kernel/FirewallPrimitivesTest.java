package org.libnetwork4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.AlreadyExistsException;
import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.Protocol;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;
import org.libnetwork4j.testing.Oracle;
import org.libnetwork4j.testing.TestNs;
import org.libnetwork4j.testing.Traffic;

/** What the firewall builds on: port reservations, conntrack flushes, the nft generation, sysctls. */
@ExtendWith(NetnsExtension.class)
class FirewallPrimitivesTest {

    @Test
    void aReservedPortCannotBeTakenAndIsFreedOnClose(Namespaces ns) {
        TestNs host = ns.host();
        host.netlink().setUp(host.netlink().link("lo").index());
        PortReservation r = PortReservation.reserve(host.netns(), Protocol.TCP, null, false, 18080);
        assertEquals(18080, r.port());
        // an independent program cannot listen there...
        var blocked = Oracle.exec(host, "timeout", "2", "socat", "TCP-LISTEN:18080,reuseaddr", "-");
        assertTrue(blocked.err().contains("Address already in use"), blocked.err());
        // ...nor can a second reservation, and the error names the port
        var e = assertThrows(AlreadyExistsException.class,
                () -> PortReservation.reserve(host.netns(), Protocol.TCP, null, false, 18080));
        assertTrue(e.getMessage().contains("18080"), e.getMessage());
        r.close();
        r.close(); // harmless
        Traffic.tcpServer(ns, host, null, 18080, "free again");
        assertEquals(Optional.of("free again"), Traffic.tcp(host, "127.0.0.1", 18080));

        // a port a program listens on cannot be reserved; the JVM's own namespace is another one
        assertThrows(AlreadyExistsException.class,
                () -> PortReservation.reserve(host.netns(), Protocol.TCP, null, false, 18080));
        try (PortReservation any = PortReservation.reserve(host.netns(), Protocol.UDP,
                IpAddresses.parse("127.0.0.1"), false, 0)) {
            assertTrue(any.port() >= 1024, "ephemeral: " + any.port());
            assertTrue(Oracle.out(host, "ss", "-Huan").contains("127.0.0.1:" + any.port()));
        }
    }

    @Test
    void conntrackFlushForgetsTheFlowsOfOneAddress(Namespaces ns) {
        TestNs host = ns.host();
        TestNs peer = ns.container("peer");
        host.netlink().setUp(host.netlink().link("lo").index());
        VethPair p = host.netlink().createVeth(VethSpec.of("lnwt-v0", "eth0").peerIn(peer.netlink()).up());
        host.netlink().addAddr(Addr.of(p.host().index(), "10.99.0.1/24"));
        peer.netlink().addAddr(Addr.of(p.peer().index(), "10.99.0.2/24"));
        peer.netlink().setUp(p.peer().index());
        // conntrack only tracks in a namespace whose ruleset uses it
        host.nftables().apply("table inet lnwt { chain out { type filter hook output priority 0; ct state new accept; }; }");
        Traffic.udpServer(ns, peer, null, 53, "answer");
        assertEquals(Optional.of("answer"), Traffic.udp(host, "10.99.0.2", 53));
        assertTrue(Oracle.out(host, "cat", "/proc/net/nf_conntrack").contains("dst=10.99.0.2"));

        try (Conntrack ct = Conntrack.open(host.netns())) {
            assertEquals(0, ct.flush(IpAddresses.parse("10.99.0.77")), "no flow of that address");
            assertTrue(ct.flush(IpAddresses.parse("10.99.0.2")) >= 1);
            assertFalse(Oracle.out(host, "cat", "/proc/net/nf_conntrack").contains("dst=10.99.0.2"));
            assertEquals(0, ct.flush(IpAddresses.parse("10.99.0.2")), "flushed already");
        }
    }

    @Test
    void theGenerationMovesWithEveryCommitWhoeverMakesIt(Namespaces ns) {
        TestNs host = ns.host();
        Nftables nft = host.nftables();
        long g0 = nft.generation();
        Oracle.out(host, "nft", "add", "table", "inet", "lnwt-other");
        long g1 = nft.generation();
        assertEquals(g0 + 1, g1, "someone else's commit");
        nft.apply("add table inet lnwt-ours");
        assertEquals(g1 + 1, nft.generation(), "ours");
        assertEquals(g1 + 1, nft.generation(), "reading it changes nothing");
        Oracle.out(ns.container("other"), "nft", "add", "table", "inet", "lnwt-other");
        assertEquals(g1 + 1, nft.generation(), "another namespace's commit is not ours");
    }

    @Test
    void severalSysctlsInOneVisit(Namespaces ns) {
        TestNs host = ns.host();
        Link br = host.netlink().createBridge(BridgeSpec.of("lnwt-br0").mcastSnooping(false));
        Map<String, String> w = new LinkedHashMap<>();
        w.put("net/ipv6/conf/lnwt-br0/accept_dad", "0");
        w.put("net/ipv4/conf/lnwt-br0/route_localnet", "1");
        w.put("net/ipv4/ip_forward", "1");
        Sysctl.writeAll(host.netns(), w);
        assertEquals("0\n1\n1", Oracle.out(host, "sysctl", "-n", "net.ipv6.conf.lnwt-br0.accept_dad",
                "net.ipv4.conf.lnwt-br0.route_localnet", "net.ipv4.ip_forward").trim());
        var e = assertThrows(NotFoundException.class,
                () -> Sysctl.writeAll(host.netns(), Map.of("net/ipv4/conf/nosuchdev/forwarding", "1")));
        assertTrue(e.getMessage().contains("nosuchdev"), e.getMessage());
        // and the bridge was made without multicast snooping
        assertEquals(0, Oracle.link(host, br.name()).orElseThrow().path("linkinfo").path("info_data")
                .path("mcast_snooping").asInt(-1));
    }
}
