package org.libnetwork4j.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.Endpoint;
import org.libnetwork4j.EndpointOptions;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.IpamConfig;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.NetworkOptions;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.NotSupportedException;
import org.libnetwork4j.Sandbox;
import org.libnetwork4j.kernel.Addr;
import org.libnetwork4j.kernel.Netlink;
import org.libnetwork4j.kernel.VethPair;
import org.libnetwork4j.kernel.VethSpec;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;
import org.libnetwork4j.testing.NsRef;
import org.libnetwork4j.testing.Oracle;
import org.libnetwork4j.testing.TestNs;

/**
 * macvlan networks on a parent that is a veth of the fake host, whose other end is a "LAN"
 * namespace with a router (10.77.0.1): containers are machines on that LAN. Checked with
 * ping between namespaces and ip -j, and through a restart. ipvlan and VLAN parents on a
 * kernel without them: refused with the option named, nothing left.
 */
@ExtendWith(NetnsExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MacvlanNetworkTest {
    private static final String ROUTER = "10.77.0.1";

    /** The LAN behind the fake host's "lnwt-par": a router at 10.77.0.1. */
    private static TestNs lan(Namespaces ns) {
        TestNs lan = ns.container("lan");
        Netlink h = ns.host().netlink();
        Netlink l = lan.netlink();
        VethPair p = h.createVeth(VethSpec.of("lnwt-par", "eth0").peerIn(l).up());
        l.addAddr(Addr.of(p.peer().index(), ROUTER + "/24"));
        l.setUp(p.peer().index());
        l.setUp(l.link("lo").index());
        return lan;
    }

    private static NetworkOptions lanOptions(String mode) {
        NetworkOptions.Builder b = NetworkOptions.builder()
                .ipam(IpamConfig.builder().subnet("10.77.0.0/24").gateway(ROUTER).build()).option("parent", "lnwt-par");
        if (mode != null) {
            b.option("macvlan_mode", mode);
        }
        return b.build();
    }

    private static Sandbox joined(NetworkController c, Network n, String name) {
        Sandbox sb = c.newSandbox(name);
        n.createEndpoint(name).join(sb);
        return sb;
    }

    private static String ip(Sandbox sb) {
        return sb.endpoints().get(0).info().ipv4().address().getHostAddress();
    }

    @Test
    void containersAreMachinesOnTheParentsLan(Namespaces ns) {
        TestNs lan = lan(ns);
        NetworkController c = ns.controller();
        Network n = c.newNetwork("macvlan", "mv", lanOptions(null));
        Sandbox a = joined(c, n, "a");
        Sandbox b = joined(c, n, "b");
        JsonNode eth0 = Oracle.link(NsRef.of(a), "eth0").orElseThrow();
        assertEquals("macvlan", eth0.path("linkinfo").path("info_kind").asText(), eth0.toString());
        assertEquals("bridge", eth0.path("linkinfo").path("info_data").path("mode").asText());
        String mac = eth0.path("address").asText();
        assertEquals(mac, a.endpoints().get(0).info().mac().toString(), "the MAC the endpoint reports");
        assertTrue((Integer.parseInt(mac.substring(0, 2), 16) & 0x03) == 0x02, "locally administered unicast: " + mac);
        assertTrue(Oracle.out(NsRef.of(a), "ip", "route", "show", "default").contains("default via " + ROUTER));
        assertTrue(Oracle.ping(NsRef.of(a), ROUTER), "the router on the LAN");
        assertTrue(Oracle.ping(lan, ip(b)), "the LAN reaches b");
        assertTrue(Oracle.ping(NsRef.of(a), ip(b)), "bridge mode: siblings reach each other");
        // nothing of it in the host but the parent: no bridge, no veth of ours, no NAT
        assertEquals(List.of("lnwt-par", "lo"), Oracle.linkNames(ns.host()).stream().sorted().toList());

        Endpoint ep = b.endpoints().get(0);
        ep.leave(b);
        assertTrue(Oracle.link(NsRef.of(b), "eth0").isEmpty(), "leave takes the device out of the sandbox");
        ep.delete();
        a.delete();
        b.delete();
        n.delete();
        assertTrue(Oracle.link(ns.host(), "lnwt-par").isPresent(), "the host's parent stays");
    }

    @Test
    void theNextContainerGivenTheSameAddressJoinsAsSoonAsTheLastOneIsDeleted(Namespaces ns) {
        lan(ns);
        NetworkController c = ns.controller();
        Network n = c.newNetwork("macvlan", "mv", lanOptions(null));
        for (int i = 0; i < 3; i++) {
            // same address each time; and with a MAC asked for, the same MAC: the old device,
            // in a namespace the kernel frees later, must have given it up on the parent
            Sandbox sb = c.newSandbox("c" + i);
            n.createEndpoint("c" + i, EndpointOptions.builder().mac("02:42:0a:4d:00:99").build()).join(sb);
            assertEquals("10.77.0.2", ip(sb));
            assertEquals("02:42:0a:4d:00:99", Oracle.link(NsRef.of(sb), "eth0").orElseThrow().path("address").asText());
            assertTrue(Oracle.ping(NsRef.of(sb), ROUTER));
            sb.delete();
            Sandbox plain = joined(c, n, "p" + i); // a random MAC each time
            assertTrue(Oracle.ping(NsRef.of(plain), ROUTER));
            plain.delete();
        }
    }

    @Test
    void aStaticAddressIsTakenOnTheLanAsOnABridge(Namespaces ns) {
        TestNs lan = lan(ns);
        NetworkController c = ns.controller();
        Network n = c.newNetwork("macvlan", "mv", lanOptions(null));
        Sandbox sb = c.newSandbox("fixed");
        n.createEndpoint("fixed", EndpointOptions.builder().ipv4("10.77.0.50").build()).join(sb);
        assertTrue(Oracle.addrs(NsRef.of(sb), "eth0", "inet").contains("10.77.0.50/24"));
        assertTrue(Oracle.ping(lan, "10.77.0.50"), "the LAN reaches it at its static address");
        assertThrows(org.libnetwork4j.AlreadyExistsException.class,
                () -> n.createEndpoint("again", EndpointOptions.builder().ipv4("10.77.0.50").build()));
    }

    /**
     * A LAN with two subnets, the router in both: a container of the second routes by the
     * second's gateway (as libnetwork's, the gateway of the subnet that holds its address).
     */
    @Test
    void aContainerOfASecondSubnetRoutesByThatSubnetsGateway(Namespaces ns) {
        TestNs lan = lan(ns);
        Oracle.out(lan, "ip", "addr", "add", "10.78.0.1/24", "dev", "eth0");
        NetworkController c = ns.controller();
        Network n = c.newNetwork("macvlan", "mv", NetworkOptions.builder()
                .ipam(IpamConfig.builder().subnet("10.77.0.0/24").gateway(ROUTER).build())
                .ipam(IpamConfig.builder().subnet("10.78.0.0/24").gateway("10.78.0.1").build())
                .option("parent", "lnwt-par").build());
        Sandbox first = joined(c, n, "first");
        Sandbox second = c.newSandbox("second");
        n.createEndpoint("second", EndpointOptions.builder().ipv4("10.78.0.50").build()).join(second);
        assertEquals("default via " + ROUTER + " dev eth0", Oracle.out(NsRef.of(first), "ip", "route", "show",
                "default").strip());
        assertEquals("default via 10.78.0.1 dev eth0", Oracle.out(NsRef.of(second), "ip", "route", "show",
                "default").strip());
        assertTrue(Oracle.ping(lan, "10.78.0.50"), "the LAN reaches it on the second subnet");
    }

    @Test
    void privateModeKeepsSiblingsApartButNotFromTheLan(Namespaces ns) {
        lan(ns);
        NetworkController c = ns.controller();
        Network n = c.newNetwork("macvlan", "mv", lanOptions("private"));
        Sandbox a = joined(c, n, "a");
        Sandbox b = joined(c, n, "b");
        assertEquals("private", Oracle.link(NsRef.of(a), "eth0").orElseThrow()
                .path("linkinfo").path("info_data").path("mode").asText());
        assertTrue(Oracle.ping(NsRef.of(a), ROUTER));
        assertFalse(Oracle.ping(NsRef.of(a), ip(b)), "private: no way to a sibling");
    }

    @Test
    void vepaSendsSiblingsThroughTheSwitchAndPassthruTakesTheParentForOne(Namespaces ns) {
        lan(ns);
        NetworkController c = ns.controller();
        Network vepa = c.newNetwork("macvlan", "vepa", lanOptions("vepa"));
        Sandbox a = joined(c, vepa, "a");
        Sandbox b = joined(c, vepa, "b");
        assertTrue(Oracle.ping(NsRef.of(a), ROUTER));
        assertFalse(Oracle.ping(NsRef.of(a), ip(b)), "vepa: the LAN's end is no hairpinning switch");
        for (Sandbox sb : List.of(a, b)) {
            Endpoint e = sb.endpoints().get(0);
            e.leave(sb);
            e.delete();
            sb.delete();
        }
        vepa.delete();

        Network pt = c.newNetwork("macvlan", "pt", lanOptions("passthru"));
        Sandbox one = joined(c, pt, "one");
        assertTrue(Oracle.ping(NsRef.of(one), ROUTER), "passthru: one endpoint on the parent");
        Sandbox two = c.newSandbox("two");
        Endpoint second = pt.createEndpoint("two");
        org.libnetwork4j.ForbiddenException e = assertThrows(org.libnetwork4j.ForbiddenException.class,
                () -> second.join(two));
        assertTrue(e.getMessage().contains("passthru"), e.getMessage());
        assertTrue(Oracle.link(NsRef.of(two), "eth0").isEmpty(), "the refused join left nothing");
        assertTrue(Oracle.ping(NsRef.of(one), ROUTER), "and the first is undisturbed");
    }

    @Test
    void withoutAParentTheNetworkIsAnIslandOnAStandInOfItsOwn(Namespaces ns) {
        NetworkController c = ns.controller();
        Network n = c.newNetwork("macvlan", "island", NetworkOptions.builder().subnet("10.78.0.0/24").build());
        String standIn = "dm-" + n.id().substring(0, 12);
        assertTrue(Oracle.link(ns.host(), standIn).isPresent());
        Sandbox a = joined(c, n, "a");
        Sandbox b = joined(c, n, "b");
        assertTrue(Oracle.ping(NsRef.of(a), ip(b)));
        assertTrue(Oracle.out(NsRef.of(a), "ip", "route", "show", "default").isBlank(), "internal: no default route");
        b.endpoints().get(0).leave(b);
        a.endpoints().get(0).leave(a);
        for (Endpoint e : n.endpoints()) {
            e.delete();
        }
        n.delete();
        assertTrue(org.libnetwork4j.testing.Eventually.settled(() -> Oracle.link(ns.host(), standIn).isEmpty(), true),
                "the stand-in goes with its network");
    }

    @Test
    void joinsSurviveARestartAndLeaveAfterIt(Namespaces ns) {
        lan(ns);
        NetworkController c = ns.controller();
        Network n = c.newNetwork("macvlan", "mv", lanOptions(null));
        Sandbox a = joined(c, n, "a");
        String sandboxId = a.id();
        c.close();
        NetworkController again = ns.controller();
        Sandbox back = again.sandboxById(sandboxId);
        assertTrue(Oracle.ping(NsRef.of(back), ROUTER), "still on the LAN");
        Endpoint ep = back.endpoints().get(0);
        assertEquals("eth0", ep.info().interfaceName());
        ep.leave(back);
        assertTrue(Oracle.link(NsRef.of(back), "eth0").isEmpty(), "the restored join leaves like any other");
    }

    @Test
    void badRequestsAreRefusedNamingTheFieldAndLeaveNothing(Namespaces ns) {
        lan(ns);
        NetworkController c = ns.controller();
        List<String> before = Oracle.linkNames(ns.host());
        InvalidParameterException mode = assertThrows(InvalidParameterException.class,
                () -> c.newNetwork("macvlan", "x", lanOptions("sideways")));
        assertTrue(mode.getMessage().contains("macvlan_mode"), mode.getMessage());
        NotFoundException parent = assertThrows(NotFoundException.class, () -> c.newNetwork("macvlan", "x",
                NetworkOptions.builder().subnet("10.79.0.0/24").option("parent", "lnwt-nope").build()));
        assertTrue(parent.getMessage().contains("lnwt-nope"), parent.getMessage());
        assertThrows(InvalidParameterException.class, () -> c.newNetwork("macvlan", "x",
                NetworkOptions.builder().option("parent", "has space").build()));
        // a VLAN parent needs 802.1q, an ipvlan network ipvlan: the oracle is whether ip can make
        // them (in the LAN namespace); where the kernel lacks them, the error names the option
        TestNs lanNs = ns.container("lan");
        boolean vlan = Oracle.exec(lanNs, "ip", "link", "add", "link", "eth0", "name", "eth0.5", "type", "vlan",
                "id", "5").exitCode() == 0;
        boolean ipvlan = Oracle.exec(lanNs, "ip", "link", "add", "link", "eth0", "name", "ipv0", "type", "ipvlan")
                .exitCode() == 0;
        NetworkOptions onVlan = NetworkOptions.builder().subnet("10.79.0.0/24").option("parent", "lnwt-par.10").build();
        NetworkOptions onPar = NetworkOptions.builder().subnet("10.79.0.0/24").option("parent", "lnwt-par").build();
        if (vlan) {
            c.newNetwork("macvlan", "v", onVlan).delete();
        } else {
            NotSupportedException e = assertThrows(NotSupportedException.class, () -> c.newNetwork("macvlan", "v", onVlan));
            assertTrue(e.getMessage().contains("CONFIG_VLAN_8021Q"), e.getMessage());
        }
        if (ipvlan) {
            c.newNetwork("ipvlan", "i", onPar).delete();
        } else {
            NotSupportedException e = assertThrows(NotSupportedException.class, () -> c.newNetwork("ipvlan", "i", onPar));
            assertTrue(e.getMessage().contains("CONFIG_IPVLAN"), e.getMessage());
        }
        Network n = c.newNetwork("macvlan", "mv", lanOptions(null));
        InvalidParameterException ports = assertThrows(InvalidParameterException.class,
                () -> n.createEndpoint("web", EndpointOptions.builder().publish("8080:80/tcp").build()));
        assertTrue(ports.getMessage().contains("published ports"), ports.getMessage());
        n.delete();
        assertEquals(before, Oracle.linkNames(ns.host()), "no link left behind");
        assertEquals(List.of(), c.networks().stream().filter(x -> !x.type().equals("host") && !x.type().equals("null")
                && !x.type().equals("bridge")).toList(), "no network left behind");
    }
}
