package org.libnetwork4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.AlreadyExistsException;
import org.libnetwork4j.InternalException;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.MacAddress;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.internal.jni.LnwNative;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;
import org.libnetwork4j.testing.Oracle;
import org.libnetwork4j.testing.TestNs;

@ExtendWith(NetnsExtension.class)
class LinkTest {

    @Test
    void anAliasAndTheAddressModeGoInOneRequestAndDumpsReadTheAliasBack(Namespaces ns) {
        TestNs host = ns.host();
        Netlink nl = host.netlink();
        VethPair pair = nl.createVeth(VethSpec.of("lnwt-v0", "lnwt-p0").up());
        nl.change(pair.host().index(), LinkChange.NONE.alias("lnwt owner=abc").ipv6LinkLocal(false));

        var l = Oracle.link(host, "lnwt-v0").orElseThrow();
        assertEquals("lnwt owner=abc", l.path("ifalias").asText());
        assertEquals("none", l.path("inet6_addr_gen_mode").asText(), l.toString());
        var dumped = nl.links().stream().filter(x -> x.name().equals("lnwt-v0")).findFirst().orElseThrow();
        assertEquals("lnwt owner=abc", dumped.alias());
        assertEquals("", nl.links().stream().filter(x -> x.name().equals("lnwt-p0")).findFirst()
                .orElseThrow().alias());
        var tooLong = assertThrows(InvalidParameterException.class,
                () -> nl.change(pair.host().index(), LinkChange.NONE.alias("a".repeat(256))));
        assertTrue(tooLong.getMessage().contains("at most 255"), tooLong.getMessage());
        assertEquals("lnwt owner=abc", Oracle.link(host, "lnwt-v0").orElseThrow().path("ifalias").asText());
        nl.change(pair.host().index(), LinkChange.NONE.up(false));
        assertFalse(Oracle.link(host, "lnwt-v0").orElseThrow().path("flags").toString().contains("\"UP\""));
        assertEquals("none", Oracle.link(host, "lnwt-v0").orElseThrow().path("inet6_addr_gen_mode").asText(),
                "what a change does not name stays");
    }

    @Test
    void vethIsCreatedInOneRequestWithThePeerInTheContainer(Namespaces ns) {
        TestNs host = ns.host();
        TestNs c1 = ns.container("c1");
        Link br = host.netlink().createBridge(BridgeSpec.of("lnwt-br0").mtu(1400).up());
        MacAddress mac = MacAddress.parse("02:42:ac:11:00:02");

        VethPair pair = host.netlink().createVeth(VethSpec.of("lnwt-v0", "eth0")
                .peerIn(c1.netlink()).master(br.index()).mtu(1400).up().peerMac(mac));

        assertEquals("veth", pair.host().kind());
        assertEquals(br.index(), pair.host().master());
        assertTrue(pair.host().isUp());
        assertEquals("eth0", pair.peer().name());
        assertEquals(mac, pair.peer().mac());
        assertFalse(pair.peer().isUp()); // the kernel cannot create it up

        var hostEnd = Oracle.link(host, "lnwt-v0").orElseThrow();
        assertEquals("lnwt-br0", hostEnd.path("master").asText());
        assertEquals(1400, hostEnd.path("mtu").asInt());
        assertTrue(hostEnd.path("flags").toString().contains("\"UP\""));
        var peerEnd = Oracle.link(c1, "eth0").orElseThrow();
        assertEquals("02:42:ac:11:00:02", peerEnd.path("address").asText());
        assertEquals(pair.peer().index(), peerEnd.path("ifindex").asInt());
        assertFalse(Oracle.linkNames(host).contains("eth0"));
        // one queue each way, asked for at creation (else one per CPU, cut back while registered)
        for (var end : List.of(hostEnd, peerEnd)) {
            assertEquals(1, end.path("num_tx_queues").asInt(), end.toString());
            assertEquals(1, end.path("num_rx_queues").asInt(), end.toString());
        }
    }

    @Test
    void lookupsAndListsAgreeWithIp(Namespaces ns) {
        TestNs host = ns.host();
        Link br = host.netlink().createBridge(BridgeSpec.of("lnwt-br0"));
        assertEquals(br, host.netlink().link("lnwt-br0"));
        Link own = host.netlink().createBridge(BridgeSpec.of("lnwt-br1").mac(MacAddress.parse("02:5e:00:00:00:07")));
        assertEquals("02:5e:00:00:00:07", Oracle.link(host, "lnwt-br1").orElseThrow().path("address").asText());
        assertEquals(MacAddress.parse("02:5e:00:00:00:07"), own.mac());
        host.netlink().deleteLink(own.index());
        assertEquals(br.name(), host.netlink().link(br.index()).name());
        assertTrue(host.netlink().findLink("lnwt-none").isEmpty());

        var ours = host.netlink().links().stream().map(Link::name).collect(Collectors.toSet());
        var theirs = new java.util.HashSet<>(Oracle.linkNames(host));
        assertEquals(theirs, ours);
    }

    @Test
    void errorsAreTypedAndNameTheObject(Namespaces ns) {
        TestNs host = ns.host();
        TestNs c1 = ns.container("c1");
        Netlink nl = host.netlink();
        nl.createVeth(VethSpec.of("lnwt-v0", "eth0").peerIn(c1.netlink()));

        var exists = assertThrows(AlreadyExistsException.class,
                () -> nl.createVeth(VethSpec.of("lnwt-v0", "eth1").peerIn(c1.netlink())));
        assertEquals(LnwNative.EEXIST, exists.errno());
        assertEquals(6, exists.netlinkCode(), "libnl's NLE_EXIST beside the kernel's EEXIST");
        assertEquals("create veth", exists.operation());
        assertEquals("lnwt-v0", exists.object());
        assertTrue(exists.getMessage().startsWith("create veth \"lnwt-v0\" (peer \"eth1\"): File exists (EEXIST)"),
                exists.getMessage());
        // a peer name taken in the container: refused, and the host end is not left behind
        assertThrows(AlreadyExistsException.class,
                () -> nl.createVeth(VethSpec.of("lnwt-v1", "eth0").peerIn(c1.netlink())));
        assertTrue(Oracle.link(host, "lnwt-v1").isEmpty());

        var noDev = assertThrows(NotFoundException.class, () -> nl.link("lnwt-none"));
        assertEquals(LnwNative.ENODEV, noDev.errno());
        assertThrows(NotFoundException.class, () -> nl.setUp(424242));
        assertThrows(NotFoundException.class, () -> nl.deleteLink(424242));

        var tooLong = assertThrows(InvalidParameterException.class,
                () -> nl.createVeth(VethSpec.of("lnwt-0123456789a", "eth9").peerIn(c1.netlink())));
        assertEquals("create veth interface name \"lnwt-0123456789a\" is 16 bytes; the kernel allows at most 15"
                + ": Invalid argument (EINVAL)", tooLong.getMessage());
        assertThrows(InvalidParameterException.class,
                () -> nl.createBridge(BridgeSpec.of("0123456789abcdef")));
        assertTrue(Oracle.linkNames(host).stream().noneMatch(n -> n.startsWith("0123")));
        // an unknown master: the kernel's EINVAL, and no half-made pair
        assertThrows(InvalidParameterException.class,
                () -> nl.createVeth(VethSpec.of("lnwt-v2", "eth2").peerIn(c1.netlink()).master(999999)));
        assertTrue(Oracle.link(host, "lnwt-v2").isEmpty());
        assertTrue(Oracle.link(c1, "eth2").isEmpty());
    }

    @Test
    void vethIsRolledBackWhenReadingThePeerBackFails(Namespaces ns) {
        TestNs host = ns.host();
        TestNs c1 = ns.container("c1");
        // the container handle's next request (re-reading the new peer) fails
        c1.netlink().injectFailure(1, LnwNative.EIO);
        var e = assertThrows(InternalException.class,
                () -> host.netlink().createVeth(VethSpec.of("lnwt-rb", "eth0").peerIn(c1.netlink())));
        assertTrue(e.getMessage().contains("[injected]"), e.getMessage());
        assertTrue(Oracle.link(host, "lnwt-rb").isEmpty(), "host end left behind");
        assertTrue(Oracle.link(c1, "eth0").isEmpty(), "peer left behind");
        // the handles still work afterwards
        host.netlink().createVeth(VethSpec.of("lnwt-rb", "eth0").peerIn(c1.netlink()));
        assertTrue(Oracle.link(c1, "eth0").isPresent());
    }

    @Test
    void settersAsIpSeesThem(Namespaces ns) {
        TestNs host = ns.host();
        TestNs c1 = ns.container("c1");
        Netlink nl = host.netlink();
        Link br = nl.createBridge(BridgeSpec.of("lnwt-br0").up());
        VethPair p = nl.createVeth(VethSpec.of("lnwt-v0", "eth0").peerIn(c1.netlink()));
        int peer = p.peer().index();
        Netlink cnl = c1.netlink();

        cnl.setMtu(peer, 1300);
        cnl.setMac(peer, MacAddress.parse("02:42:0a:00:00:09"));
        cnl.setUp(peer);
        var j = Oracle.link(c1, "eth0").orElseThrow();
        assertEquals(1300, j.path("mtu").asInt());
        assertEquals("02:42:0a:00:00:09", j.path("address").asText());
        assertTrue(j.path("flags").toString().contains("\"UP\""));
        cnl.setDown(peer);
        cnl.rename(peer, "lnwt-renamed");
        assertTrue(Oracle.link(c1, "lnwt-renamed").isPresent());

        nl.setMaster(p.host().index(), br.index());
        assertEquals("lnwt-br0", Oracle.link(host, "lnwt-v0").orElseThrow().path("master").asText());
        nl.setHairpin(p.host().index(), true);
        assertTrue(Oracle.out(host, "bridge", "-d", "link", "show", "dev", "lnwt-v0").contains("hairpin on"));
        nl.setNoMaster(p.host().index());
        assertTrue(Oracle.link(host, "lnwt-v0").orElseThrow().path("master").isMissingNode());

        nl.deleteLink(p.host().index());
        assertTrue(Oracle.link(host, "lnwt-v0").isEmpty());
        assertTrue(Oracle.link(c1, "lnwt-renamed").isEmpty(), "deleting one end deletes the pair");
        assertThrows(NotFoundException.class, () -> nl.deleteLink(p.host().index()));
    }

    @Test
    void aGroupIsDeletedInOneRequest(Namespaces ns) {
        TestNs host = ns.host();
        TestNs c1 = ns.container("c1");
        for (int i = 0; i < 5; i++) {
            VethPair p = host.netlink().createVeth(VethSpec.of("lnwt-g" + i, "eth" + i).peerIn(c1.netlink()));
            if (i % 2 == 0) {
                host.netlink().setGroup(p.host().index(), 42);
            } else { // with an alias, in one request
                host.netlink().change(p.host().index(), LinkChange.NONE.alias("lnwt left").group(42));
                assertEquals("lnwt left", Oracle.link(host, "lnwt-g" + i).orElseThrow().path("ifalias").asText());
            }
        }
        assertEquals(5, inGroup(host, 42));
        assertThrows(IllegalArgumentException.class, () -> LinkChange.NONE.group(-1));
        host.netlink().deleteGroup(42);
        assertEquals(0, inGroup(host, 42));
        assertEquals(1, Oracle.linkNames(c1).size(), "only lo is left in the container");
        assertThrows(InvalidParameterException.class, () -> host.netlink().deleteGroup(0));
    }

    private static long inGroup(TestNs ns, int group) {
        // iproute2 6.1 prints an empty object for each link the group filter drops
        var links = Oracle.ip(ns, "link", "show", "group", Integer.toString(group));
        return java.util.stream.StreamSupport.stream(links.spliterator(), false)
                .filter(l -> l.has("ifname")).count();
    }

    @Test
    void moveMacvlanAndVxlan(Namespaces ns) throws Exception {
        TestNs host = ns.host();
        TestNs c1 = ns.container("c1");
        Netlink nl = host.netlink();
        Link br = nl.createBridge(BridgeSpec.of("lnwt-br0").up());

        VethPair p = nl.createVeth(VethSpec.of("lnwt-mv", "lnwt-mvp"));
        nl.moveTo(p.peer().index(), c1.netns());
        assertTrue(Oracle.link(c1, "lnwt-mvp").isPresent());
        assertTrue(Oracle.link(host, "lnwt-mvp").isEmpty());

        Link mv = nl.createMacvlan(MacvlanSpec.of("lnwt-mac", br.index()).in(c1.netlink()));
        assertEquals("macvlan", mv.kind());
        var j = Oracle.link(c1, "lnwt-mac").orElseThrow();
        assertEquals("bridge", j.path("linkinfo").path("info_data").path("mode").asText());

        Link vx = nl.createVxlan(VxlanSpec.of("lnwt-vx", 4242).local(IpAddresses.parse("10.99.0.1")).mtu(1450));
        assertEquals("vxlan", vx.kind());
        var v = Oracle.link(host, "lnwt-vx").orElseThrow().path("linkinfo").path("info_data");
        assertEquals(4242, v.path("id").asInt());
        assertEquals("10.99.0.1", v.path("local").asText());
        assertEquals(4789, v.path("port").asInt());
        assertFalse(v.path("learning").asBoolean(true));
        assertThrows(InvalidParameterException.class, () -> nl.createVxlan(VxlanSpec.of("lnwt-vx2", 0)));
    }

    @Test
    void aClosedHandleRefusesUse(Namespaces ns) {
        Netlink nl = Netlink.open(ns.host().netns());
        nl.close();
        nl.close();
        var e = assertThrows(InvalidParameterException.class, () -> nl.link("lo"));
        assertEquals(LnwNative.EBADF, e.errno());
        assertEquals("get link: netlink handle of " + ns.host().netns().id() + " is closed", e.getMessage());
    }
}
