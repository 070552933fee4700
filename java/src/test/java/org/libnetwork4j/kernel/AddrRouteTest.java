package org.libnetwork4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.AlreadyExistsException;
import org.libnetwork4j.ForbiddenException;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;
import org.libnetwork4j.testing.Oracle;
import org.libnetwork4j.testing.TestNs;

@ExtendWith(NetnsExtension.class)
class AddrRouteTest {

    /** The attach sequence: veth into the container, address, up, default route. */
    private static Link attach(TestNs host, Link br, TestNs c, String hostName, String ip) {
        VethPair p = host.netlink().createVeth(VethSpec.of(hostName, "eth0")
                .peerIn(c.netlink()).master(br.index()).up());
        int eth0 = p.peer().index();
        c.netlink().addAddr(Addr.of(eth0, ip + "/24"));
        c.netlink().setUp(eth0);
        c.netlink().addRoute(Route.defaultVia(IpAddresses.parse("10.77.0.1"), eth0));
        return p.peer();
    }

    @Test
    void twoContainersOnABridgeReachTheGatewayAndEachOther(Namespaces ns) {
        TestNs host = ns.host();
        TestNs c1 = ns.container("c1");
        TestNs c2 = ns.container("c2");
        Link br = host.netlink().createBridge(BridgeSpec.of("lnwt-br0").up());
        host.netlink().addAddr(Addr.of(br.index(), "10.77.0.1/24"));
        attach(host, br, c1, "lnwt-v1", "10.77.0.2");
        attach(host, br, c2, "lnwt-v2", "10.77.0.3");

        assertEquals(List.of("10.77.0.2/24"), Oracle.addrs(c1, "eth0", "inet"));
        var brd = Oracle.ip(c1, "addr", "show", "dev", "eth0").get(0).path("addr_info").get(0);
        assertEquals("10.77.0.255", brd.path("broadcast").asText());
        var def = Oracle.ip(c1, "route", "show", "default").get(0);
        assertEquals("10.77.0.1", def.path("gateway").asText());
        assertEquals("eth0", def.path("dev").asText());

        assertTrue(Oracle.ping(c1, "10.77.0.1"), "container -> gateway");
        assertTrue(Oracle.ping(c1, "10.77.0.3"), "container -> container");
        assertTrue(Oracle.ping(c2, "10.77.0.2"), "container -> container, back");
        assertFalse(Oracle.ping(c1, "10.77.0.99"), "nobody there");
    }

    @Test
    void aBatchMakesTheAttachSequenceAndStopsAtItsFirstFailure(Namespaces ns) {
        TestNs host = ns.host();
        TestNs c = ns.container("c1");
        Link br = host.netlink().createBridge(BridgeSpec.of("lnwt-br0").up());
        host.netlink().addAddr(Addr.of(br.index(), "10.77.0.1/24"));
        int eth0 = host.netlink().createVeth(VethSpec.of("lnwt-v1", "eth0").peerIn(c.netlink())
                .master(br.index()).up()).peer().index();
        Netlink.Batch attach = new Netlink.Batch().addAddr(Addr.of(eth0, "10.77.0.2/24")).setUp(eth0)
                .addRoute(Route.defaultVia(IpAddresses.parse("10.77.0.1"), eth0));
        assertTrue(Oracle.addrs(c, "eth0", "inet").isEmpty(), "building a batch sends nothing");

        c.netlink().apply(attach);
        assertEquals(List.of("10.77.0.2/24"), Oracle.addrs(c, "eth0", "inet"));
        assertTrue(Oracle.ip(c, "link", "show", "dev", "eth0").get(0).path("flags").toString().contains("\"UP\""));
        assertEquals("10.77.0.1", Oracle.ip(c, "route", "show", "default").get(0).path("gateway").asText());
        assertTrue(Oracle.ping(c, "10.77.0.1"), "container -> gateway");

        // a second default route cannot be added: the step before it stays done, the error is
        // the route's own
        int eth1 = host.netlink().createVeth(VethSpec.of("lnwt-v2", "eth1").peerIn(c.netlink())
                .master(br.index()).up()).peer().index();
        var e = assertThrows(AlreadyExistsException.class, () -> c.netlink().apply(new Netlink.Batch()
                .setUp(eth1).addRoute(Route.defaultVia(IpAddresses.parse("10.77.0.1"), eth0))));
        assertTrue(e.getMessage().contains("route"), e.getMessage());
        assertTrue(e.object().contains("10.77.0.1"), e.object());
        assertTrue(Oracle.ip(c, "link", "show", "dev", "eth1").get(0).path("flags").toString().contains("\"UP\""));
        assertEquals(1, Oracle.ip(c, "route", "show", "default").size());
    }

    @Test
    void listsAgreeWithIp(Namespaces ns) {
        TestNs c = ns.container("c1");
        Netlink nl = c.netlink();
        int lo = nl.link("lo").index();
        nl.setUp(lo);
        nl.addAddr(Addr.of(lo, "10.66.0.1/32"));
        var ours = nl.addrs(lo).stream().filter(a -> a.prefix().isIpv4())
                .map(a -> a.prefix().toString()).sorted().toList();
        assertEquals(Oracle.addrs(c, "lo", "inet").stream().sorted().toList(), ours);
        assertTrue(ours.contains("10.66.0.1/32"));

        nl.addRoute(Route.to(IpPrefix.parse("10.55.0.0/16")).dev(lo));
        assertTrue(nl.routes().stream().anyMatch(r -> r.destination().toString().equals("10.55.0.0/16")
                && r.oif() == lo && r.gateway() == null));
        assertEquals("10.55.0.0/16", Oracle.ip(c, "route", "show", "10.55.0.0/16").get(0).path("dst").asText());
    }

    @Test
    void ipv6WithoutDadIsUsableAtOnce(Namespaces ns) {
        TestNs host = ns.host();
        TestNs c1 = ns.container("c1");
        VethPair p = host.netlink().createVeth(VethSpec.of("lnwt-v6", "eth0").peerIn(c1.netlink()).up());
        c1.netlink().addAddr(Addr.of(p.peer().index(), "fd77::2/64").nodad());
        c1.netlink().setUp(p.peer().index());
        var info = Oracle.ip(c1, "-6", "addr", "show", "dev", "eth0").get(0).path("addr_info");
        boolean found = false;
        for (var a : info) {
            if (a.path("local").asText().equals("fd77::2")) {
                found = true;
                assertFalse(a.path("tentative").asBoolean(false), "nodad address is tentative");
            }
        }
        assertTrue(found, info.toString());
    }

    @Test
    void errors(Namespaces ns) {
        TestNs c = ns.container("c1");
        Netlink nl = c.netlink();
        int lo = nl.link("lo").index();
        nl.addAddr(Addr.of(lo, "10.66.0.1/24"));
        var dup = assertThrows(AlreadyExistsException.class, () -> nl.addAddr(Addr.of(lo, "10.66.0.1/24")));
        assertTrue(dup.getMessage().startsWith("add address 10.66.0.1/24 dev index " + lo), dup.getMessage());
        assertThrows(NotFoundException.class, () -> nl.addAddr(Addr.of(424242, "10.66.0.2/24")));
        assertThrows(NotFoundException.class, () -> nl.delAddr(Addr.of(lo, "10.66.0.9/24")));
        assertThrows(InvalidParameterException.class, () -> IpPrefix.parse("10.0.0.0/33"));

        // lo is down: the kernel refuses a route through it, and says why
        var down = assertThrows(ForbiddenException.class,
                () -> nl.addRoute(Route.to(IpPrefix.parse("10.9.0.0/16")).dev(lo)));
        assertTrue(down.getMessage().endsWith("Network is down (ENETDOWN): Device for nexthop is not up"),
                down.getMessage());
        nl.setUp(lo);
        var gwOutside = assertThrows(InvalidParameterException.class,
                () -> nl.addRoute(Route.defaultVia(IpAddresses.parse("192.0.2.1"), lo)));
        assertTrue(gwOutside.getMessage().contains("ENETUNREACH"), gwOutside.getMessage());
        // declared on-link it is accepted
        nl.addRoute(Route.defaultVia(IpAddresses.parse("192.0.2.1"), lo).onLink());
        var def = Oracle.ip(c, "route", "show", "default").get(0);
        assertEquals("192.0.2.1", def.path("gateway").asText());
        assertTrue(def.path("flags").toString().contains("onlink"), def.toString());
        nl.delRoute(Route.defaultVia(IpAddresses.parse("192.0.2.1"), lo).onLink());
        assertThrows(NotFoundException.class,
                () -> nl.delRoute(Route.defaultVia(IpAddresses.parse("192.0.2.1"), lo)));
    }
}
