package org.libnetwork4j.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.libnetwork4j.testing.World.HOST_ON_ATTACKER_LINK;
import static org.libnetwork4j.testing.World.HOST_ON_REMOTE_LINK;
import static org.libnetwork4j.testing.World.HOST_ON_REMOTE_LINK6;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.AlreadyExistsException;
import org.libnetwork4j.Endpoint;
import org.libnetwork4j.EndpointOptions;
import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.IpamConfig;
import org.libnetwork4j.JoinOptions;
import org.libnetwork4j.Labels;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.NetworkOptions;
import org.libnetwork4j.Sandbox;
import org.libnetwork4j.kernel.Route;
import org.libnetwork4j.testing.Eventually;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;
import org.libnetwork4j.testing.NsRef;
import org.libnetwork4j.testing.Oracle;
import org.libnetwork4j.testing.TestNs;
import org.libnetwork4j.testing.Traffic;
import org.libnetwork4j.testing.World;

/**
 * NAT, published ports and the security defaults, decided by real TCP and UDP traffic between
 * a fake host, a remote host and an attacker on its links, and containers.
 */
@ExtendWith(NetnsExtension.class)
class FirewallTest {

    private static Network bridge(NetworkController c, String name, String subnet, String... opts) {
        NetworkOptions.Builder b = NetworkOptions.builder().subnet(subnet);
        for (int i = 0; i + 1 < opts.length; i += 2) {
            b.option(opts[i], opts[i + 1]);
        }
        return c.newNetwork("bridge", name, b.build());
    }

    @Test
    void publishedPortsFromRemoteHostLoopbackAndHairpin(Namespaces ns) {
        World w = World.of(ns);
        NetworkController c = ns.controller();
        Network n = bridge(c, "n1", "10.61.0.0/24");
        Endpoint web = n.createEndpoint("web", EndpointOptions.builder()
                .publish("8080:80").publish("127.0.0.1:8081:80").publish("5353:53/udp").build());
        Sandbox box = web.join("c1");
        NsRef c1 = NsRef.of(box);
        Traffic.tcpServer(ns, c1, null, 80, "hello-c1");
        Traffic.udpServer(ns, c1, null, 53, "udp-c1");

        assertEquals(Optional.of("hello-c1"), Traffic.tcp(w.remote, HOST_ON_REMOTE_LINK, 8080), "from a remote host");
        assertEquals(Optional.of("udp-c1"), Traffic.udp(w.remote, HOST_ON_REMOTE_LINK, 5353), "UDP from a remote host");
        assertEquals(Optional.of("hello-c1"), Traffic.tcp(w.host, HOST_ON_REMOTE_LINK, 8080), "from the host itself");
        assertEquals(Optional.of("hello-c1"), Traffic.tcp(w.host, "127.0.0.1", 8080), "from the host on 127.0.0.1");
        assertEquals(Optional.of("hello-c1"), Traffic.tcp(w.host, "127.0.0.1", 8081), "a port published on 127.0.0.1");
        assertEquals(Optional.empty(), Traffic.tcp(w.remote, HOST_ON_REMOTE_LINK, 8081),
                "a port published on 127.0.0.1 is not published on the host's other addresses");
        assertEquals(Optional.of("hello-c1"), Traffic.tcp(c1, HOST_ON_REMOTE_LINK, 8080), "hairpin: its own port");
        Sandbox other = n.createEndpoint("other").join("c2");
        assertEquals(Optional.of("hello-c1"), Traffic.tcp(NsRef.of(other), HOST_ON_REMOTE_LINK, 8080),
                "a neighbour through the host's address");

        // what the API reports, and what the kernel holds
        var ports = web.info().ports().stream().map(Object::toString).sorted().toList();
        assertEquals(List.of("0.0.0.0:5353->53/udp", "0.0.0.0:8080->80/tcp", "127.0.0.1:8081->80/tcp"), ports);
        String owner = "endpoint " + web.id();
        assertEquals(List.of(new Oracle.NftElement("tcp . 8080", "10.61.0.2 . 80", owner),
                new Oracle.NftElement("udp . 5353", "10.61.0.2 . 53", owner)),
                Oracle.nftElements(w.host, "inet libnetwork4j", "ports_any4"));
        assertEquals(List.of(new Oracle.NftElement("127.0.0.1 . tcp . 8081", "10.61.0.2 . 80", owner)),
                Oracle.nftElements(w.host, "inet libnetwork4j", "ports_ip4"));

        // leaving takes the ports away, and their host ports are free again
        web.leave(box);
        assertEquals(Optional.empty(), Traffic.tcp(w.remote, HOST_ON_REMOTE_LINK, 8080));
        assertEquals(List.of(), Oracle.nftElements(w.host, "inet libnetwork4j", "ports_any4"));
        assertEquals(List.of(), Oracle.nftElements(w.host, "inet libnetwork4j", "ports_ip4"));
        assertTrue(Oracle.out(w.host, "ss", "-Hltn").lines().noneMatch(l -> l.contains(":8080")));
    }

    @Test
    void aPortPublishedOnLoopbackIsNotReachableFromANeighbour(Namespaces ns) {
        World w = World.of(ns);
        w.routeLoopbackViaHost();
        NetworkController c = ns.controller();
        Network n = bridge(c, "n1", "10.62.0.0/24");
        Sandbox box = n.createEndpoint("db", EndpointOptions.builder().publish("127.0.0.1:5432:80").build()).join("c1");
        Traffic.tcpServer(ns, NsRef.of(box), null, 80, "secret");
        assertEquals(Optional.of("secret"), Traffic.tcp(w.host, "127.0.0.1", 5432));

        assertEquals(Optional.empty(), Traffic.tcp(w.attacker, "127.0.0.1", 5432), "CVE-2020-8558");

        // the test has teeth: without the rule the attacker gets in...
        Oracle.out(w.host, "nft", "flush", "chain", "inet", "libnetwork4j", "raw_prerouting");
        assertEquals(Optional.of("secret"), Traffic.tcp(w.attacker, "127.0.0.1", 5432));
        // ...and the rule comes back when asked for, exactly as it was
        c.reloadFirewall();
        assertEquals(Optional.empty(), Traffic.tcp(w.attacker, "127.0.0.1", 5432));
        assertEquals(Optional.of("secret"), Traffic.tcp(w.host, "127.0.0.1", 5432));
    }

    @Test
    void containersAndGatewaysAreNotReachableByRoutingToTheSubnet(Namespaces ns) {
        World w = World.of(ns);
        NetworkController c = ns.controller();
        Network n = bridge(c, "n1", "10.63.0.0/24");
        Sandbox box = n.createEndpoint("web", EndpointOptions.builder().publish("8080:80").build()).join("c1");
        NsRef c1 = NsRef.of(box);
        Traffic.tcpServer(ns, c1, null, 80, "hello");
        Traffic.tcpServer(ns, c1, null, 22, "unpublished");
        Traffic.tcpServer(ns, w.host, "10.63.0.1", 9, "gateway-service");
        // the remote routes the bridge's subnet to the host, as a neighbour on a LAN could
        w.remote.netlink().addRoute(Route.to(IpPrefix.parse("10.63.0.0/24"))
                .via(IpAddresses.parse(HOST_ON_REMOTE_LINK)).dev(w.remote.netlink().link("eth0").index()));

        assertEquals(Optional.empty(), Traffic.tcp(w.remote, "10.63.0.2", 22), "an unpublished port (moby#48724)");
        assertEquals(Optional.empty(), Traffic.tcp(w.remote, "10.63.0.2", 80), "a published port at the container's address");
        assertEquals(Optional.empty(), Traffic.tcp(w.remote, "10.63.0.1", 9), "the bridge's gateway address (moby#49325)");
        assertFalse(Oracle.ping(w.remote, "10.63.0.1"));
        w.assertRemoteGets("hello", 8080, "the published port is fine");
        assertEquals(Optional.of("gateway-service"), Traffic.tcp(c1, "10.63.0.1", 9),
                () -> "containers reach their gateway; socat: " + Traffic.lastClientError() + "; host:\n"
                        + Oracle.exec(w.host, "nft", "list", "ruleset").out() + Oracle.exec(w.host, "ss", "-tan").out()
                        + Oracle.exec(c1, "ip", "neigh").out());

        // traffic not addressed to the host is never DNAT'd to a published port (CVE-2025-67499)
        w.remote.netlink().addRoute(Route.to(IpPrefix.parse("203.0.113.0/24"))
                .via(IpAddresses.parse(HOST_ON_REMOTE_LINK)).dev(w.remote.netlink().link("eth0").index()));
        assertEquals(Optional.empty(), Traffic.tcp(w.remote, "203.0.113.5", 8080));
    }

    /**
     * The same for IPv6: a remote host that routes a network's IPv6 subnet through the host
     * reaches neither a container's unpublished port nor its published one at the container's
     * address, nor the gateway address; the published port answers on the host's address.
     */
    @Test
    void anIpv6SubnetRoutedThroughTheHostExposesNothingUnpublished(Namespaces ns) {
        World w = World.of(ns);
        NetworkController c = ns.controller();
        Network n = c.newNetwork("bridge", "v6x", NetworkOptions.builder().enableIpv6(true)
                .subnet("10.75.0.0/24").ipam(IpamConfig.subnet("fd75::/64")).build());
        Sandbox box = n.createEndpoint("web", EndpointOptions.builder().publish("8080:80").build()).join("c1");
        NsRef c1 = NsRef.of(box);
        Traffic.tcpServerDual(ns, c1, 80, "hello6");
        Traffic.tcpServerDual(ns, c1, 22, "unpublished6");
        Traffic.tcpServerDual(ns, w.host, 9, "gateway-service6"); // on every address of the host, fd75::1 too
        w.remote.netlink().addRoute(Route.to(IpPrefix.parse("fd75::/64"))
                .via(IpAddresses.parse(HOST_ON_REMOTE_LINK6)).dev(w.remote.netlink().link("eth0").index()));
        String ip6 = box.endpoints().get(0).info().ipv6().address().getHostAddress();

        assertEquals(Optional.empty(), Traffic.tcp(w.remote, ip6, 22), "an unpublished port over IPv6");
        assertEquals(Optional.empty(), Traffic.tcp(w.remote, ip6, 80), "a published port at the container's address");
        assertEquals(Optional.empty(), Traffic.tcp(w.remote, "fd75::1", 9), "the bridge's IPv6 gateway address");
        assertFalse(Oracle.ping(w.remote, "fd75::1"), "the gateway answers no ping from outside");
        assertFalse(Oracle.ping(w.remote, ip6), "nor does the container");
        assertEquals(Optional.of("hello6"), Traffic.tcp(w.remote, HOST_ON_REMOTE_LINK6, 8080), "the published port");
        assertEquals(Optional.of("gateway-service6"), Traffic.tcp(c1, "fd75::1", 9), "containers reach their gateway");
        // the probe can see an exposure: without our rules the unpublished port answers, and
        // with them back it does not
        Oracle.out(w.host, "nft", "flush", "ruleset");
        assertEquals(Optional.of("unpublished6"), Traffic.tcp(w.remote, ip6, 22), "no rules: exposed");
        c.reloadFirewall();
        assertEquals(Optional.empty(), Traffic.tcp(w.remote, ip6, 22), "the rules again: not exposed");
    }

    /**
     * Another program writing nftables in the same namespace all along (firewalld, a CNI
     * plugin): it commits transactions in a loop and flushes its own table, while 100
     * endpoints with published ports are made. Every create succeeds, and our rules end up
     * whole: one DNAT element per endpoint, the foreign table untouched by us.
     */
    @Test
    void aForeignNftablesWriterLeavesEveryCreateWhole(Namespaces ns) throws Exception {
        World w = World.of(ns);
        NetworkController c = ns.controller();
        Network n = bridge(c, "n1", "10.76.0.0/24");
        java.nio.file.Path flag = java.nio.file.Files.createFile(ns.dir().resolve("writing"));
        // bounded: until the flag goes, 120 s at most; prints how many rounds it committed
        String script = """
                end=$((SECONDS + 120)); n=0
                while [ -e %s ] && [ $SECONDS -lt $end ]; do
                  printf 'table inet foreign { chain input { type filter hook input priority 10; tcp dport 9999 counter accept; }; }\\n' | nft -f - || exit 1
                  nft flush table inet foreign && nft delete table inet foreign || exit 1
                  n=$((n + 1))
                done
                echo $n
                """.formatted(flag);
        Process writer = new ProcessBuilder("nsenter", "--net=" + w.host.path(), "bash", "-c", script)
                .redirectErrorStream(true).start();
        List<Endpoint> eps = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 100; i++) {
                Endpoint e = n.createEndpoint("e" + i, EndpointOptions.builder().publish((9000 + i) + ":80").build());
                e.join("c" + i);
                eps.add(e);
            }
        } finally {
            java.nio.file.Files.delete(flag);
        }
        String said = new String(writer.getInputStream().readAllBytes()).strip();
        assertTrue(writer.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, writer.exitValue(), "the foreign writer ran without a failure of its own: " + said);
        assertTrue(Integer.parseInt(said.lines().reduce((x, y) -> y).orElse("0")) > 0, "it committed meanwhile: " + said);
        List<Oracle.NftElement> ports = Oracle.nftElements(w.host, "inet libnetwork4j", "ports_any4");
        assertEquals(100, ports.size(), "one DNAT element per endpoint");
        for (Endpoint e : eps) {
            assertTrue(ports.stream().anyMatch(el -> el.comment().equals("endpoint " + e.id())), e.name());
        }
        Traffic.tcpServer(ns, NsRef.of(c.sandboxByContainerId("c99")), null, 80, "last");
        w.assertRemoteGets("last", 9099, "the last one's port answers");
    }

    /**
     * A UDP client streams to a published port from one source port, all along: across a
     * controller restart the stream goes on (its conntrack entry and our rules survive), and
     * when the container is made again with another address, the same flow reaches the new
     * one within a second (the old DNAT entry is not left to steer it to the gone address).
     */
    @Test
    void aUdpStreamSurvivesARestartAndFollowsTheContainerToItsNewAddress(Namespaces ns) throws Exception {
        World w = World.of(ns);
        NetworkController c = ns.controller();
        Network n = bridge(c, "n1", "10.77.0.0/24");
        EndpointOptions published = EndpointOptions.builder().publish("5400:54/udp").build();
        Endpoint first = n.createEndpoint("first", published);
        Traffic.udpServer(ns, NsRef.of(first.join("c1")), null, 54, "first");
        java.nio.file.Path log = ns.dir().resolve("udp-client.log");
        java.nio.file.Path flag = java.nio.file.Files.createFile(ns.dir().resolve("streaming"));
        // every 50 ms from port 40000, for at most 60 s: "SECONDS-SINCE-START ANSWER" per answer
        String client = """
                import os, socket, time
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.bind(("0.0.0.0", 40000))
                s.settimeout(0.05)
                t0 = time.time()
                with open("%s", "w", buffering=1) as out:
                    while os.path.exists("%s") and time.time() - t0 < 60:
                        s.sendto(b"hi\\n", ("%s", 5400))
                        try:
                            out.write("%%.3f %%s\\n" %% (time.time() - t0, s.recv(100).decode().strip()))
                        except socket.timeout:
                            pass
                        time.sleep(0.05)
                """.formatted(log, flag, HOST_ON_REMOTE_LINK);
        Process stream = new ProcessBuilder("nsenter", "--net=" + w.remote.path(), "python3", "-c", client)
                .redirectErrorStream(true).start();
        try {
            assertTrue(Eventually.settled(() -> answers(log).contains("first"), true), "the stream reaches c1");
            c.close();
            NetworkController again = ns.controller();
            int before = answers(log).size();
            Thread.sleep(1000);
            assertTrue(answers(log).size() > before + 5 && answers(log).stream().skip(before).allMatch("first"::equals),
                    "after the restart the stream goes on to c1: " + answers(log).subList(before, answers(log).size()));
            // the container made again, elsewhere: the same flow finds it within a second
            Network n1 = again.networkByName("n1");
            Sandbox c1 = again.sandboxByContainerId("c1");
            n1.endpointByName("first").delete(true);
            c1.delete();
            Endpoint second = n1.createEndpoint("second", EndpointOptions.builder().ipv4("10.77.0.9").publish("5400:54/udp")
                    .build());
            Traffic.udpServer(ns, NsRef.of(second.join("c2")), null, 54, "second");
            long joined = System.nanoTime();
            assertTrue(Eventually.settled(() -> answers(log).contains("second"), true), "the stream reaches c2");
            double waited = (System.nanoTime() - joined) / 1e9;
            assertTrue(waited < 1.0, "reached the new address after " + waited + " s");
        } finally {
            java.nio.file.Files.deleteIfExists(flag);
            if (!stream.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                stream.destroyForcibly();
            }
        }
    }

    /**
     * Endpoints deleted while a remote host floods their published UDP ports: a capture on
     * the bridge (where whatever is still DNAT'd to a container goes out, or asks for its
     * address) sees the flood reach the container before the delete and nothing addressed to
     * it, not even an ARP question, once the delete has returned; no error is raised.
     */
    @Test
    void deletingUnderAFloodLeavesNothingSteeredToTheGoneContainer(Namespaces ns) throws Exception {
        World w = World.of(ns);
        NetworkController c = ns.controller();
        Network n = bridge(c, "n1", "10.78.0.0/24");
        Endpoint victim = n.createEndpoint("victim", EndpointOptions.builder().publish("5500:55/udp").build());
        Sandbox sb = victim.join("c1");
        n.createEndpoint("other").join("c2"); // the network and its bridge stay
        String ip = victim.info().ipv4().address().getHostAddress();
        String bridgeName = n.info().driverInfo().get("bridge");
        java.nio.file.Path flag = java.nio.file.Files.createFile(ns.dir().resolve("flooding"));
        java.nio.file.Path seen = ns.dir().resolve("capture.log");
        // AF_PACKET on the bridge: "EPOCH-SECONDS ip|arp" for each frame to, or asking for, ip,
        // stamped by the kernel when the frame arrived (SO_TIMESTAMPNS), not when this reads it:
        // a capture that falls behind the flood would otherwise date frames from before the
        // delete after it. The kernel turns its receive stamps on a moment after the option is
        // set (a deferred switch), hence the pause before "ready".
        String capture = """
                import os, socket, struct, time
                SO_TIMESTAMPNS = 35
                s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
                s.bind(("%s", 0))
                s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
                s.settimeout(0.2)
                target = socket.inet_aton("%s")
                time.sleep(0.2)
                t0 = time.time()
                with open("%s", "w", buffering=1) as out:
                    out.write("ready\\n")
                    while os.path.exists("%s") and time.time() - t0 < 60:
                        try:
                            f, anc, _, _ = s.recvmsg(2048, 64)
                        except socket.timeout:
                            continue
                        at = time.time()
                        for level, kind, data in anc:
                            if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                                sec, nsec = struct.unpack("qq", data[:16])
                                at = sec + nsec / 1e9
                        kind = f[12:14]
                        if kind == b"\\x08\\x00" and f[30:34] == target:
                            out.write("%%.6f ip\\n" %% at)
                        elif kind == b"\\x08\\x06" and f[38:42] == target:
                            out.write("%%.6f arp\\n" %% at)
                """.formatted(bridgeName, ip, seen, flag);
        String flood = """
                import os, socket, time
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                t0 = time.time()
                while os.path.exists("%s") and time.time() - t0 < 60:
                    for _ in range(20):
                        s.sendto(b"x", ("%s", 5500))
                    time.sleep(0.002)
                """.formatted(flag, HOST_ON_REMOTE_LINK);
        Process capturer = new ProcessBuilder("nsenter", "--net=" + w.host.path(), "python3", "-c", capture)
                .redirectErrorStream(true).start();
        Process flooder = null;
        try {
            assertEquals("ready", Eventually.settled(() -> firstLine(seen), "ready"), "the capture runs");
            flooder = new ProcessBuilder("nsenter", "--net=" + w.remote.path(), "python3", "-c", flood)
                    .redirectErrorStream(true).start();
            assertTrue(Eventually.settled(() -> capturedAfter(seen, 0) > 20, true), "the flood reaches c1 (the control)");
            victim.leave(sb);
            victim.delete();
            sb.delete();
            double returned = System.currentTimeMillis() / 1000.0;
            Thread.sleep(2000); // the flood goes on
            assertEquals(0, capturedAfter(seen, returned), "frames to or asking for " + ip + " after the delete");
        } finally {
            java.nio.file.Files.deleteIfExists(flag);
            for (Process p : new Process[] {flooder, capturer}) {
                if (p != null && !p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    private static String firstLine(java.nio.file.Path log) {
        return logLines(log).stream().findFirst().orElse("");
    }

    /** How many frames the capture logged after epoch second t. */
    private static long capturedAfter(java.nio.file.Path log, double t) {
        return logLines(log).stream().skip(1).filter(l -> Double.parseDouble(l.substring(0, l.indexOf(' '))) > t)
                .count();
    }

    /** The answers the UDP client logged, in order. */
    private static List<String> answers(java.nio.file.Path log) {
        return logLines(log).stream().map(l -> l.substring(l.indexOf(' ') + 1)).toList();
    }

    /** The lines a helper process logged so far; none before it made the file. */
    private static List<String> logLines(java.nio.file.Path log) {
        try {
            return java.nio.file.Files.readAllLines(log);
        } catch (java.io.IOException notYet) {
            return List.of();
        }
    }

    @Test
    void outboundTrafficIsMasqueradedOrSnatedOrNeither(Namespaces ns) {
        World w = World.of(ns);
        Traffic.tcpServer(ns, w.remote, null, 7, "$PEER");
        NetworkController c = ns.controller();
        Sandbox masq = bridge(c, "masq", "10.64.0.0/24").createEndpoint("e").join("c1");
        assertEquals(Optional.of(HOST_ON_REMOTE_LINK), Traffic.tcp(NsRef.of(masq), World.REMOTE, 7),
                "the remote sees the host's address");

        Sandbox plain = bridge(c, "plain", "10.65.0.0/24", Labels.ENABLE_IP_MASQUERADE, "false")
                .createEndpoint("e").join("c2");
        w.remote.netlink().addRoute(Route.to(IpPrefix.parse("10.65.0.0/24"))
                .via(IpAddresses.parse(HOST_ON_REMOTE_LINK)).dev(w.remote.netlink().link("eth0").index()));
        assertEquals(Optional.of("10.65.0.2"), Traffic.tcp(NsRef.of(plain), World.REMOTE, 7),
                "without masquerade the remote sees the container");

        w.host.netlink().addAddr(org.libnetwork4j.kernel.Addr.of(w.host.netlink().link("lnwt-rem").index(), "10.98.0.100/24"));
        Sandbox snat = bridge(c, "snat", "10.66.0.0/24", Labels.HOST_IPV4, "10.98.0.100")
                .createEndpoint("e").join("c3");
        assertEquals(Optional.of("10.98.0.100"), Traffic.tcp(NsRef.of(snat), World.REMOTE, 7), "host_ipv4");
    }

    /**
     * ICC off is each port's isolation flag, set with the port. A pair whose flag is off (as
     * made before ports were isolated, or changed by hand) is isolated again when a restart
     * takes it up; a network with ICC on isolates nothing.
     */
    @Test
    void iccOffIsolatesEachPortAndARestartIsolatesItAgain(Namespaces ns) {
        NetworkController c = ns.controller();
        Network noIcc = bridge(c, "noicc", "10.67.0.0/24", Labels.ENABLE_ICC, "false");
        Endpoint ea = noIcc.createEndpoint("a");
        Sandbox a = ea.join("ca");
        Endpoint eb = noIcc.createEndpoint("b");
        eb.join("cb");
        Network icc = bridge(c, "icc", "10.68.0.0/24");
        Endpoint ec = icc.createEndpoint("c");
        ec.join("cc");
        String portA = Oracle.hostEnd(ns.host(), ea.id()).orElseThrow().path("ifname").asText();
        String portB = Oracle.hostEnd(ns.host(), eb.id()).orElseThrow().path("ifname").asText();
        String portC = Oracle.hostEnd(ns.host(), ec.id()).orElseThrow().path("ifname").asText();
        assertTrue(Oracle.bridgePort(ns.host(), portA).path("isolated").asBoolean());
        assertTrue(Oracle.bridgePort(ns.host(), portB).path("isolated").asBoolean());
        assertFalse(Oracle.bridgePort(ns.host(), portC).path("isolated").asBoolean(), "ICC on");
        assertFalse(Oracle.ping(NsRef.of(a), "10.67.0.3"), "ICC off");
        // the bridge checks isolation before its forward hooks: br_netfilter's pass through
        // the inet chains (which accept traffic within a network) changes nothing
        for (String call : List.of("0", "1")) {
            Oracle.out(ns.host(), "sysctl", "-qw", "net.bridge.bridge-nf-call-iptables=" + call);
            assertEquals(call, Oracle.out(ns.host(), "sysctl", "-n", "net.bridge.bridge-nf-call-iptables").trim());
            assertFalse(Oracle.ping(NsRef.of(a), "10.67.0.3"), "ICC off, bridge-nf-call-iptables=" + call);
        }

        for (String port : List.of(portA, portB)) {
            Oracle.out(ns.host(), "bridge", "link", "set", "dev", port, "isolated", "off");
        }
        assertTrue(Oracle.ping(NsRef.of(a), "10.67.0.3"), "without the flag they meet (the test's own check)");
        c.close();
        NetworkController c2 = ns.controller();
        assertEquals(List.of(), c2.recoveryReport().dropped(), c2.recoveryReport().toString());
        assertTrue(Oracle.bridgePort(ns.host(), portA).path("isolated").asBoolean(), "isolated again");
        assertTrue(Oracle.bridgePort(ns.host(), portB).path("isolated").asBoolean(), "isolated again");
        assertFalse(Oracle.bridgePort(ns.host(), portC).path("isolated").asBoolean(), "ICC on");
        assertFalse(Oracle.ping(NsRef.of(a), "10.67.0.3"), "ICC off after the restart");
        assertTrue(Oracle.ping(NsRef.of(a), "10.67.0.1"), "the gateway is still there");
    }

    @Test
    void iccOffIsolationAndInternalNetworks(Namespaces ns) {
        World w = World.of(ns);
        Traffic.tcpServer(ns, w.remote, null, 7, "remote");
        NetworkController c = ns.controller();
        Network noIcc = bridge(c, "noicc", "10.67.0.0/24", Labels.ENABLE_ICC, "false");
        Sandbox a = noIcc.createEndpoint("a").join("ca");
        Sandbox b = noIcc.createEndpoint("b").join("cb");
        Traffic.tcpServer(ns, NsRef.of(b), null, 80, "b");
        assertEquals(Optional.empty(), Traffic.tcp(NsRef.of(a), "10.67.0.3", 80), "ICC off");
        assertFalse(Oracle.ping(NsRef.of(a), "10.67.0.3"));
        assertTrue(Oracle.ping(NsRef.of(a), "10.67.0.1"), "the gateway is still there");
        assertEquals(Optional.of("remote"), Traffic.tcp(NsRef.of(a), World.REMOTE, 7), "and the outside");

        Network n1 = bridge(c, "n1", "10.68.0.0/24");
        Network n2 = bridge(c, "n2", "10.69.0.0/24");
        Sandbox s1 = n1.createEndpoint("e").join("c1");
        Sandbox s2 = n2.createEndpoint("e").join("c2");
        Sandbox s1b = n1.createEndpoint("f").join("c1b");
        Traffic.tcpServer(ns, NsRef.of(s1), null, 80, "s1");
        Traffic.tcpServer(ns, NsRef.of(s2), null, 80, "s2");
        assertEquals(Optional.empty(), Traffic.tcp(NsRef.of(s1), "10.69.0.2", 80), "n1 -> n2");
        assertEquals(Optional.empty(), Traffic.tcp(NsRef.of(s2), "10.68.0.2", 80), "n2 -> n1");
        assertEquals(Optional.of("s1"), Traffic.tcp(NsRef.of(s1b), "10.68.0.2", 80), "within n1, ICC on");

        Network internal = bridge(c, "int", "10.70.0.0/24", Labels.INTERNAL, "true");
        Sandbox i1 = internal.createEndpoint("e").join("ci1");
        Sandbox i2 = internal.createEndpoint("f").join("ci2");
        Traffic.tcpServer(ns, NsRef.of(i2), null, 80, "i2");
        assertEquals(Optional.of("i2"), Traffic.tcp(NsRef.of(i1), "10.70.0.3", 80), "within an internal network");
        // even with a default route added by hand, nothing leaves (CVE-2024-29018's class)
        var nl = org.libnetwork4j.kernel.Netlink.open(org.libnetwork4j.kernel.Netns.open(java.nio.file.Path.of(i1.key())));
        try (nl) {
            nl.addRoute(Route.defaultVia(IpAddresses.parse("10.70.0.1"), nl.link("eth0").index()));
        }
        assertEquals(Optional.empty(), Traffic.tcp(NsRef.of(i1), World.REMOTE, 7), "internal -> outside");
        w.remote.netlink().addRoute(Route.to(IpPrefix.parse("10.70.0.0/24"))
                .via(IpAddresses.parse(HOST_ON_REMOTE_LINK)).dev(w.remote.netlink().link("eth0").index()));
        assertEquals(Optional.empty(), Traffic.tcp(w.remote, "10.70.0.3", 80), "outside -> internal");
        assertEquals(Optional.empty(), Traffic.tcp(NsRef.of(s1), "10.70.0.3", 80), "another network -> internal");
        assertTrue(Oracle.out(w.host, "nft", "list", "table", "inet", "libnetwork4j").contains("internal_bridges"));
    }

    @Test
    void ipv6PortsMasqueradeAndIsolation(Namespaces ns) {
        World w = World.of(ns);
        Traffic.tcpServerDual(ns, w.remote, 7, "$PEER");
        NetworkController c = ns.controller();
        Network n1 = c.newNetwork("bridge", "v6a", NetworkOptions.builder().enableIpv6(true)
                .subnet("10.71.0.0/24").ipam(IpamConfig.subnet("fd71::/64")).build());
        Network n2 = c.newNetwork("bridge", "v6b", NetworkOptions.builder().enableIpv6(true)
                .subnet("10.72.0.0/24").ipam(IpamConfig.subnet("fd72::/64")).build());
        Sandbox a = n1.createEndpoint("web", EndpointOptions.builder().publish("8080:80").build()).join("c1");
        Sandbox b = n2.createEndpoint("e").join("c2");
        Traffic.tcpServerDual(ns, NsRef.of(a), 80, "hello6");
        Traffic.tcpServerDual(ns, NsRef.of(b), 80, "b6");

        assertEquals(Optional.of("hello6"), Traffic.tcp(w.remote, HOST_ON_REMOTE_LINK6, 8080), "published on IPv6");
        assertEquals(Optional.of("hello6"), Traffic.tcp(w.remote, HOST_ON_REMOTE_LINK, 8080), "and on IPv4");
        // socat prints the peer in full, bracketed form: [fd98:0000:...:0001]
        String peer = Traffic.tcp(NsRef.of(a), "fd98::2", 7).orElse("[::]").replaceAll("[\\[\\]\\s]", "");
        assertEquals(IpAddresses.parse(HOST_ON_REMOTE_LINK6), IpAddresses.parse(peer),
                () -> "IPv6 masquerade: the remote sees the host; client: " + Traffic.lastClientError());
        assertEquals(Optional.empty(), Traffic.tcp(NsRef.of(a), "fd72::2", 80), "IPv6 isolation, one way");
        assertEquals(Optional.empty(), Traffic.tcp(NsRef.of(b), "fd71::2", 80), "IPv6 isolation, the other way");
    }

    /**
     * Sends three router advertisements of 2001:db8:77::/64 (autonomous, router lifetime 1800 s)
     * to all nodes from ifname of ns, with its link-local source and hop limit 255, as a
     * rogue router would (the kernel fills in the checksum of a raw ICMPv6 socket).
     */
    private static void advertise(NsRef ns, String ifname) {
        Oracle.out(ns, "python3", "-c", """
                import socket, struct
                s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)
                idx = socket.if_nametoindex('%s')
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, idx)
                ra = struct.pack('!BBHBBHII', 134, 0, 0, 64, 0, 1800, 0, 0)
                pi = struct.pack('!BBBBIII', 3, 4, 64, 0xc0, 86400, 14400, 0)
                pi += socket.inet_pton(socket.AF_INET6, '2001:db8:77::')
                for _ in range(3):
                    s.sendto(ra + pi, ('ff02::1', 0, 0, idx))
                """.formatted(ifname));
    }

    /** Whether ns took anything from an advertisement: an address of its prefix, or a route. */
    private static boolean obeyedAdvertisement(NsRef ns) {
        return Oracle.out(ns, "ip", "-6", "addr", "show").contains("2001:db8:77:")
                || !Oracle.ip(ns, "-6", "route", "show", "proto", "ra").isEmpty();
    }

    /**
     * Whether victim obeys advertisements sent from ifname of from, in up to 6 rounds 300 ms
     * apart: the first of a series is not always taken, the same as the ones after it.
     */
    private static boolean obeys(NsRef victim, NsRef from, String ifname) throws InterruptedException {
        for (int round = 0; round < 6; round++) {
            advertise(from, ifname);
            Thread.sleep(300);
            if (obeyedAdvertisement(victim)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void containersObeyNoRouterAdvertisement(Namespaces ns) throws InterruptedException {
        NetworkController c = ns.controller();
        Network n = c.newNetwork("bridge", "v6ra", NetworkOptions.builder().enableIpv6(true)
                .subnet("10.73.0.0/24").ipam(IpamConfig.subnet("fd73::/64")).build());
        String bridge = "br-" + n.id().substring(0, 12);
        NsRef rogue = NsRef.of(n.createEndpoint("rogue").join("rogue"));
        NsRef victim = NsRef.of(n.createEndpoint("victim").join("victim"));
        // eth0 of an IPv6 network has its link-local address: the advertisements' source
        Eventually.settled(() -> Oracle.out(rogue, "ip", "-6", "addr", "show", "dev", "eth0", "scope", "link")
                .contains("fe80::"), Boolean.TRUE);
        assertFalse(obeys(victim, rogue, "eth0"), "from another container: dropped in the bridge");
        assertFalse(obeys(victim, ns.host(), bridge), "from the host, through the bridge: dropped");
        // without br_netfilter's pass through our inet chains, the bridge family's rule alone holds
        Oracle.out(ns.host(), "nft", "flush", "chain", "inet", "libnetwork4j", "forward");
        Oracle.out(ns.host(), "nft", "flush", "chain", "inet", "libnetwork4j", "raw_prerouting");
        assertFalse(obeys(victim, rogue, "eth0"), "dropped by the bridge family's rule");
        // the control: without it, the same advertisements are obeyed
        Oracle.out(ns.host(), "nft", "flush", "chain", "bridge", "libnetwork4j", "forward");
        assertTrue(obeys(victim, rogue, "eth0"), "without the rule a container takes the rogue's prefix");
        c.reloadFirewall();
    }

    @Test
    void portConflictsLeaveNothingHalfMade(Namespaces ns) {
        World w = World.of(ns);
        NetworkController c = ns.controller();
        Network n = bridge(c, "n1", "10.73.0.0/24");
        n.createEndpoint("first", EndpointOptions.builder().publish("8080:80").build()).join("c1");
        Endpoint second = n.createEndpoint("second", EndpointOptions.builder().publish("8080:80").build());
        Sandbox sb = c.newSandbox("c2");
        var e = assertThrows(AlreadyExistsException.class, () -> second.join(sb));
        assertTrue(e.getMessage().endsWith("Bind for 0.0.0.0:8080/tcp failed: port is already allocated"), e.getMessage());
        assertEquals(List.of("lo"), Oracle.linkNames(NsRef.of(sb)), "no interface left in the sandbox");
        assertTrue(Oracle.link(w.host, "veth" + second.id().substring(0, 7)).isEmpty(), "no veth left");
        assertTrue(second.info().ports().isEmpty());

        // a port a program on the host listens on
        Traffic.tcpServer(ns, w.host, null, 8090, "host-program");
        Endpoint third = n.createEndpoint("third", EndpointOptions.builder().publish("8090:80").build());
        assertThrows(AlreadyExistsException.class, () -> third.join(c.newSandbox("c3")));
        assertEquals(Optional.of("host-program"), Traffic.tcp(w.remote, HOST_ON_REMOTE_LINK, 8090), "untouched");

        // a host address the host does not have
        Endpoint foreign = n.createEndpoint("foreign", EndpointOptions.builder().publish("192.0.2.77:8095:80").build());
        Sandbox sf = c.newSandbox("cf");
        var bad = assertThrows(org.libnetwork4j.InvalidParameterException.class, () -> foreign.join(sf));
        assertTrue(bad.getMessage().endsWith("port binding 192.0.2.77:8095:80/tcp: host IP 192.0.2.77 is not an"
                + " address of this host"), bad.getMessage());
        assertEquals(List.of("lo"), Oracle.linkNames(NsRef.of(sf)));

        // a range takes the next free port; an empty host port takes an ephemeral one
        Endpoint r1 = n.createEndpoint("r1", EndpointOptions.builder().publish("8100-8101:80").build());
        Endpoint r2 = n.createEndpoint("r2", EndpointOptions.builder().publish("8100-8101:80").build());
        Endpoint r3 = n.createEndpoint("r3", EndpointOptions.builder().publish("8100-8101:80").build());
        r1.join("cr1");
        r2.join("cr2");
        assertEquals(8100, r1.info().ports().get(0).hostPort());
        assertEquals(8101, r2.info().ports().get(0).hostPort());
        assertThrows(AlreadyExistsException.class, () -> r3.join("cr3"));
        Endpoint eph = n.createEndpoint("eph", EndpointOptions.builder().publish("80").build());
        eph.join("ce");
        int port = eph.info().ports().get(0).hostPort();
        assertTrue(port >= 1024, "ephemeral port " + port);
        assertTrue(Oracle.nftElements(w.host, "inet libnetwork4j", "ports_any4").stream()
                .anyMatch(el -> el.key().equals("tcp . " + port) && el.value().startsWith("10.73.0.")));
    }

    /**
     * hostPortsHeldByCaller: a runtime (podman's conmon) binds the host port itself. The
     * controller binds nothing there, before or after a restart, and the DNAT still takes the
     * traffic; its own endpoints are still kept apart.
     */
    @Test
    void aHostPortTheCallerHoldsIsPublishedWithoutASocketOfOurs(Namespaces ns) {
        World w = World.of(ns);
        NetworkController c = ns.controller();
        Network n = bridge(c, "n1", "10.74.0.0/24");
        EndpointOptions held = EndpointOptions.builder().publish("8085:80").hostPortsHeldByCaller().build();
        Sandbox box = n.createEndpoint("web", held).join("c1");
        Traffic.tcpServer(ns, NsRef.of(box), null, 80, "the-container");
        try (Traffic.Server runtime = Traffic.tcpServer(ns, w.host, null, 8085, "the-runtime")) {
            assertEquals(Optional.of("the-container"), Traffic.tcp(w.remote, HOST_ON_REMOTE_LINK, 8085));
        }
        Endpoint twice = n.createEndpoint("twice", held);
        assertThrows(AlreadyExistsException.class, () -> twice.join("c2"), "our own endpoints stay apart");
        twice.delete();
        c.close();
        NetworkController again = ns.controller();
        try (Traffic.Server runtime = Traffic.tcpServer(ns, w.host, null, 8085, "the-runtime")) {
            assertEquals(Optional.of("the-container"), Traffic.tcp(w.remote, HOST_ON_REMOTE_LINK, 8085),
                    "after a restart: still published, still not bound by us");
        }
        // without the option the controller holds the port: a program's bind fails (socat exits)
        Endpoint ours = again.networkByName("n1").createEndpoint("ours",
                EndpointOptions.builder().publish("8086:80").build());
        ours.join("c3");
        assertThrows(AssertionError.class, () -> Traffic.tcpServer(ns, w.host, null, 8086, "the-runtime"));
    }

    @Test
    void portsFollowTheGatewayEndpoint(Namespaces ns) {
        World w = World.of(ns);
        NetworkController c = ns.controller();
        Network web = bridge(c, "web", "10.74.0.0/24");
        Network db = bridge(c, "aaa-db", "10.75.0.0/24");
        Endpoint ep = web.createEndpoint("e", EndpointOptions.builder().publish("8080:80").build());
        Sandbox sb = ep.join("c1");
        Traffic.tcpServer(ns, NsRef.of(sb), null, 80, "hello");
        w.assertRemoteGets("hello", 8080, null);
        // a network whose name sorts first takes over the gateway: the ports go
        Endpoint other = db.createEndpoint("e");
        other.join(sb);
        assertEquals(Optional.empty(), Traffic.tcp(w.remote, HOST_ON_REMOTE_LINK, 8080));
        assertTrue(ep.info().ports().isEmpty());
        other.leave(sb);
        w.assertRemoteGets("hello", 8080, "back with the gateway");
        // a higher priority keeps them
        other.join(sb, JoinOptions.priority(-5));
        w.assertRemoteGets("hello", 8080, null);
    }

    @Test
    void rulesComeBackAfterAFlushWithoutDeletedNetworks(Namespaces ns) {
        World w = World.of(ns);
        DefaultController c = (DefaultController) ns.controller();
        Network n = bridge(c, "n1", "10.76.0.0/24");
        Network gone = bridge(c, "gone", "10.77.0.0/24");
        String goneBridge = "br-" + gone.id().substring(0, 12);
        Sandbox sb = n.createEndpoint("web", EndpointOptions.builder().publish("8080:80").build()).join("c1");
        Traffic.tcpServer(ns, NsRef.of(sb), null, 80, "hello");
        gone.delete();
        w.assertRemoteGets("hello", 8080, null);

        Oracle.out(w.host, "nft", "flush", "ruleset");
        assertEquals(Optional.empty(), Traffic.tcp(w.remote, HOST_ON_REMOTE_LINK, 8080), "flushed: the port is gone");
        long before = c.firewall().rebuilds();
        // the next change notices and rebuilds first
        bridge(c, "n2", "10.78.0.0/24");
        assertEquals(before + 1, c.firewall().rebuilds());
        w.assertRemoteGets("hello", 8080, "restored");
        String now = Oracle.out(w.host, "nft", "list", "ruleset");
        assertFalse(now.contains(goneBridge), "a deleted network's rules came back (CVE-2025-54410)");
        var owners = new java.util.TreeSet<>(Oracle.nftElementComments(w.host, "inet libnetwork4j"));
        var live = new java.util.TreeSet<>(List.of("network " + n.id(), "network " + c.networkByName("n2").id(),
                "endpoint " + sb.endpoints().get(0).id()));
        assertEquals(live, owners, "every element is owned by something alive");
        // someone else's unrelated change costs one rebuild, then increments are trusted again
        Oracle.out(w.host, "nft", "add", "table", "inet", "someone-else");
        bridge(c, "n3", "10.79.0.0/24");
        bridge(c, "n4", "10.80.0.0/24");
        assertEquals(before + 2, c.firewall().rebuilds());
        assertTrue(Oracle.out(w.host, "nft", "list", "tables").contains("someone-else"), "never touch others' tables");
    }

    @Test
    void ourTablesExistOnlyWhileANetworkNeedsThem(Namespaces ns) {
        TestNs host = ns.host();
        NetworkController c = ns.controller();
        assertEquals(List.of(), c.networks().stream().filter(n -> n.type().equals("bridge")).toList());
        assertEquals("", Oracle.out(host, "nft", "list", "tables").strip(), "opening and looking writes nothing");

        Network n = bridge(c, "n1", "10.81.0.0/24");
        String tables = Oracle.out(host, "nft", "list", "tables");
        for (String t : List.of("inet libnetwork4j", "bridge libnetwork4j", "inet libnetwork4j-user")) {
            assertTrue(tables.contains("table " + t + "\n"), t + " with the first network:\n" + tables);
        }
        Oracle.out(host, "nft", "add", "rule", "inet", "libnetwork4j-user", "forward", "ip", "saddr", "192.0.2.7", "drop");
        n.delete();
        assertEquals("table inet libnetwork4j-user", Oracle.out(host, "nft", "list", "tables").strip(),
                "ours go with the last network, the administrator's stays");
        assertTrue(Oracle.out(host, "nft", "list", "table", "inet", "libnetwork4j-user").contains("192.0.2.7"),
                "with its rule");
        c.close();

        // left by a process that died after its last network went: removed by the next controller
        Oracle.out(host, "nft", "add", "table", "inet", "libnetwork4j");
        Oracle.out(host, "nft", "add", "table", "bridge", "libnetwork4j");
        ns.controller().close();
        assertEquals("table inet libnetwork4j-user", Oracle.out(host, "nft", "list", "tables").strip());
    }

    @Test
    void conntrackOfAnUnpublishedPortIsFlushed(Namespaces ns) {
        World w = World.of(ns);
        NetworkController c = ns.controller();
        Network n = bridge(c, "n1", "10.81.0.0/24");
        Endpoint ep = n.createEndpoint("dns", EndpointOptions.builder().publish("5353:53/udp").build());
        Sandbox sb = ep.join("c1");
        Traffic.udpServer(ns, NsRef.of(sb), null, 53, "answer");
        assertEquals(Optional.of("answer"), Traffic.udp(w.remote, HOST_ON_REMOTE_LINK, 5353));
        assertTrue(Oracle.out(w.host, "cat", "/proc/net/nf_conntrack").contains("src=10.81.0.2"), "tracked");
        ep.leave(sb);
        assertFalse(Oracle.out(w.host, "cat", "/proc/net/nf_conntrack").contains("src=10.81.0.2"),
                "the DNAT'd flow is forgotten with the endpoint");
    }
}
