package org.libnetwork4j.testing;

import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.kernel.Addr;
import org.libnetwork4j.kernel.Netlink;
import org.libnetwork4j.kernel.Route;
import org.libnetwork4j.kernel.Sysctl;
import org.libnetwork4j.kernel.VethSpec;
import org.libnetwork4j.kernel.VethPair;

/**
 * A small world around the fake host: a "remote" host on one link (10.98.0.0/24, fd98::/64)
 * and an "attacker" on another (10.97.0.0/24), each with its default route via the fake host,
 * the way neighbours on a LAN would reach a Docker host.
 */
public final class World {
    public static final String HOST_ON_REMOTE_LINK = "10.98.0.1";
    public static final String HOST_ON_REMOTE_LINK6 = "fd98::1";
    public static final String REMOTE = "10.98.0.2";
    public static final String HOST_ON_ATTACKER_LINK = "10.97.0.1";

    public final TestNs host;
    public final TestNs remote;
    public final TestNs attacker;

    private World(Namespaces ns) {
        this.host = ns.host();
        this.remote = ns.container("remote");
        this.attacker = ns.container("attacker");
    }

    /** Builds the links; the attacker keeps its loopback down (see {@link #routeLoopbackViaHost}). */
    public static World of(Namespaces ns) {
        World w = new World(ns);
        w.host.netlink().setUp(w.host.netlink().link("lo").index()); // as on any real host
        w.link("lnwt-rem", w.remote, "10.98.0", "fd98::");
        w.link("lnwt-att", w.attacker, "10.97.0", null);
        return w;
    }

    private void link(String hostEnd, TestNs other, String v4, String v6) {
        Netlink h = host.netlink();
        Netlink o = other.netlink();
        VethPair p = h.createVeth(VethSpec.of(hostEnd, "eth0").peerIn(o).up());
        h.addAddr(Addr.of(p.host().index(), v4 + ".1/24"));
        o.addAddr(Addr.of(p.peer().index(), v4 + ".2/24"));
        if (v6 != null) {
            h.addAddr(Addr.of(p.host().index(), v6 + "1/64").nodad());
            o.addAddr(Addr.of(p.peer().index(), v6 + "2/64").nodad());
        }
        o.setUp(p.peer().index());
        o.addRoute(Route.defaultVia(IpAddresses.parse(v4 + ".1"), p.peer().index()));
        if (v6 != null) {
            o.addRoute(Route.defaultVia(IpAddresses.parse(v6 + "1"), p.peer().index()));
        }
        if (other == remote) {
            o.setUp(o.link("lo").index());
        }
    }

    /**
     * Asserts that a TCP connection from remote to the host's address on its link, port, is
     * answered with expected. When it is not, the failure says why as far as can be seen at that
     * moment: what socat said, and the fake host's ruleset and TCP sockets.
     */
    public void assertRemoteGets(String expected, int port, String what) {
        java.util.Optional<String> got = Traffic.tcp(remote, HOST_ON_REMOTE_LINK, port);
        if (!got.equals(java.util.Optional.of(expected))) {
            String why = "socat: " + Traffic.lastClientError() + "\n--- nft list ruleset (host)\n"
                    + Oracle.exec(host, "nft", "list", "ruleset").out() + "\n--- ss -tan (host)\n"
                    + Oracle.exec(host, "ss", "-tan").out();
            org.junit.jupiter.api.Assertions.assertEquals(java.util.Optional.of(expected), got,
                    (what == null ? "" : what + "; ") + why);
        }
    }

    /**
     * The attacker sends packets for 127.0.0.0/8 to the fake host, as a neighbour of a
     * CVE-2020-8558 host could: its own loopback stays down (no local 127/8 routes) and it
     * may route 127/8 out of eth0.
     */
    public void routeLoopbackViaHost() {
        Sysctl.setRouteLocalnet(attacker.netns(), "eth0", true);
        Sysctl.write(attacker.netns(), "net/ipv4/conf/all/route_localnet", "1");
        Netlink o = attacker.netlink();
        o.addRoute(Route.to(org.libnetwork4j.IpPrefix.parse("127.0.0.0/8"))
                .via(IpAddresses.parse(HOST_ON_ATTACKER_LINK)).dev(o.link("eth0").index()));
    }
}
