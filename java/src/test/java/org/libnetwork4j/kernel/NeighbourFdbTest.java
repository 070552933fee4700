package org.libnetwork4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.AlreadyExistsException;
import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.MacAddress;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;
import org.libnetwork4j.testing.Oracle;
import org.libnetwork4j.testing.TestNs;

@ExtendWith(NetnsExtension.class)
class NeighbourFdbTest {

    @Test
    void permanentNeighbours(Namespaces ns) {
        TestNs host = ns.host();
        VethPair p = host.netlink().createVeth(VethSpec.of("lnwt-a", "lnwt-b"));
        Neighbour n = new Neighbour(p.host().index(), IpAddresses.parse("10.66.0.5"),
                MacAddress.parse("02:42:0a:42:00:05"));
        host.netlink().addNeighbour(n, false);
        var j = Oracle.ip(host, "neigh", "show", "dev", "lnwt-a").get(0);
        assertEquals("10.66.0.5", j.path("dst").asText());
        assertEquals("02:42:0a:42:00:05", j.path("lladdr").asText());
        assertTrue(j.path("state").toString().contains("PERMANENT"));
        assertThrows(AlreadyExistsException.class, () -> host.netlink().addNeighbour(n, false));
        host.netlink().addNeighbour(n, true);
        host.netlink().delNeighbour(n);
        assertEquals(0, Oracle.ip(host, "neigh", "show", "dev", "lnwt-a").size());
        assertThrows(NotFoundException.class, () -> host.netlink().delNeighbour(n));
    }

    @Test
    void vxlanForwardingEntries(Namespaces ns) {
        TestNs host = ns.host();
        Link vx = host.netlink().createVxlan(VxlanSpec.of("lnwt-vx", 256).local(IpAddresses.parse("10.66.0.1")));
        MacAddress mac = MacAddress.parse("02:42:0a:00:00:05");
        FdbEntry e = new FdbEntry(vx.index(), mac, IpAddresses.parse("10.66.0.9"));
        host.netlink().addFdb(e, false);
        MacAddress zero = new MacAddress(0);
        host.netlink().addFdb(new FdbEntry(vx.index(), zero, IpAddresses.parse("10.66.0.9")), true);
        host.netlink().addFdb(new FdbEntry(vx.index(), zero, IpAddresses.parse("10.66.0.10")), true);

        var fdb = Oracle.out(host, "bridge", "-j", "fdb", "show", "dev", "lnwt-vx");
        var entries = Oracle.parse(fdb);
        long toRemote = 0;
        long flood = 0;
        for (var x : entries) {
            if (x.path("mac").asText().equals("02:42:0a:00:00:05") && x.path("dst").asText().equals("10.66.0.9")) {
                toRemote++;
            }
            if (x.path("mac").asText().equals("00:00:00:00:00:00")) {
                flood++;
            }
        }
        assertEquals(1, toRemote, fdb);
        assertEquals(2, flood, fdb);
        host.netlink().delFdb(e);
        assertTrue(!Oracle.out(host, "bridge", "fdb", "show", "dev", "lnwt-vx").contains("02:42:0a:00:00:05"));
    }

    /** The dumps a restarted overlay driver compares with its directory, against iproute2's. */
    @Test
    void aDevicesStaticEntriesAreReadBack(Namespaces ns) {
        TestNs host = ns.host();
        Link br = host.netlink().createBridge(BridgeSpec.of("lnwt-br").up());
        Link vx = host.netlink().createVxlan(VxlanSpec.of("lnwt-vx", 256).local(IpAddresses.parse("10.66.0.1")));
        host.netlink().setMaster(vx.index(), br.index()); // the bridge's own entries show under vx too
        MacAddress mac = MacAddress.parse("02:42:0a:00:00:05");
        MacAddress zero = new MacAddress(0);
        host.netlink().addNeighbour(new Neighbour(vx.index(), IpAddresses.parse("10.66.0.5"), mac), false);
        host.netlink().addNeighbour(new Neighbour(vx.index(), IpAddresses.parse("fd00::5"), mac), false);
        host.netlink().addFdb(new FdbEntry(vx.index(), mac, IpAddresses.parse("10.66.0.9")), false);
        host.netlink().addFdb(new FdbEntry(vx.index(), zero, IpAddresses.parse("10.66.0.9")), true);
        host.netlink().addFdb(new FdbEntry(vx.index(), zero, IpAddresses.parse("10.66.0.10")), true);

        java.util.Set<String> neigh = new java.util.TreeSet<>();
        for (Neighbour n : host.netlink().permanentNeighbours(vx.index())) {
            assertEquals(vx.index(), n.ifindex());
            neigh.add(IpAddresses.format(n.ip()) + " " + n.mac());
        }
        java.util.Set<String> oracle = new java.util.TreeSet<>();
        for (var j : Oracle.ip(host, "neigh", "show", "dev", "lnwt-vx", "nud", "permanent")) {
            oracle.add(j.path("dst").asText() + " " + j.path("lladdr").asText());
        }
        assertEquals(oracle, neigh);
        assertEquals(2, neigh.size(), neigh.toString());

        java.util.Set<String> fdb = new java.util.TreeSet<>();
        for (FdbEntry f : host.netlink().staticFdb(vx.index())) {
            fdb.add(f.mac() + " " + IpAddresses.format(f.remote()));
        }
        java.util.Set<String> fdbOracle = new java.util.TreeSet<>();
        for (var j : Oracle.parse(Oracle.out(host, "bridge", "-j", "fdb", "show", "dev", "lnwt-vx", "self"))) {
            if (j.has("dst")) {
                fdbOracle.add(j.path("mac").asText() + " " + j.path("dst").asText());
            }
        }
        assertEquals(fdbOracle, fdb, "the device's own entries, none of the bridge's");
        assertEquals(3, fdb.size(), fdb.toString());

        assertThrows(org.libnetwork4j.InvalidParameterException.class, () -> host.netlink().staticFdb(0));
        assertThrows(org.libnetwork4j.InvalidParameterException.class,
                () -> Arp.announce(host.netns(), br.index(), java.util.List.of(
                        new Neighbour(br.index(), IpAddresses.parse("fd00::5"), mac))));
        assertThrows(org.libnetwork4j.InvalidParameterException.class,
                () -> Ndisc.announce(host.netns(), java.util.List.of(br.index()), java.util.List.of(
                        new Neighbour(br.index(), IpAddresses.parse("10.66.0.5"), mac))));
        assertThrows(org.libnetwork4j.InvalidParameterException.class,
                () -> Ndisc.announce(host.netns(), java.util.List.of(0), java.util.List.of(
                        new Neighbour(br.index(), IpAddresses.parse("fd00::5"), mac))));
    }

    /**
     * An unsolicited advertisement on a container's port: the container takes the new MAC of
     * an address it knew and makes no entry for one it never asked for (checked with `ip`).
     */
    @Test
    void anAdvertisementUpdatesWhatAContainerKnowsAndNothingElse(Namespaces ns) {
        TestNs host = ns.host();
        TestNs c = ns.container("c");
        var pair = host.netlink().createVeth(VethSpec.of("lnwt-p0", "lnwt-c0").peerIn(c.netlink()).up());
        c.netlink().addAddr(Addr.of(pair.peer().index(), "fd66::2/64").nodad());
        c.netlink().setUp(pair.peer().index());
        MacAddress old = MacAddress.parse("02:00:00:00:00:01");
        MacAddress now = MacAddress.parse("02:42:0a:00:00:09");
        Oracle.out(c, "ip", "-6", "neigh", "add", "fd66::9", "lladdr", old.toString(), "dev", "lnwt-c0", "nud", "stale");

        // The container's end settled now, not by the link-watch worker later: sent before that
        // worker has seen its carrier, the advertisement is not taken (the old MAC stays)
        c.netlink().settle("lnwt-c0");
        Ndisc.announce(host.netns(), java.util.List.of(pair.host().index()), java.util.List.of(
                new Neighbour(0, IpAddresses.parse("fd66::9"), now),
                new Neighbour(0, IpAddresses.parse("fd66::a"), now)));
        var known = Oracle.ip(c, "-6", "neigh", "show", "dev", "lnwt-c0");
        java.util.Map<String, String> macs = new java.util.TreeMap<>();
        known.forEach(j -> macs.put(j.path("dst").asText(), j.path("lladdr").asText()));
        assertEquals(java.util.Map.of("fd66::9", now.toString()), macs, known.toString());
    }
}
