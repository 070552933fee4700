package org.libnetwork4j.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.Endpoint;
import org.libnetwork4j.EndpointOptions;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.NetworkOptions;
import org.libnetwork4j.Sandbox;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;
import org.libnetwork4j.testing.NsRef;
import org.libnetwork4j.testing.Oracle;

/**
 * The embedded resolver, asked from inside sandboxes with dig and with the C library's
 * resolver (getent, with the sandbox's resolv.conf bind-mounted as a runtime does).
 * Upstreams are dnsmasq instances in the test's own namespaces: no query leaves the machine.
 */
@ExtendWith(NetnsExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DnsTest {

    /** dig from ns to server; one try, short timeout. */
    static Oracle.Result dig(NsRef from, String server, String... args) {
        List<String> argv = new ArrayList<>(List.of("dig", "+time=2", "+tries=1", "@" + server));
        argv.addAll(List.of(args));
        return Oracle.exec(from, argv.toArray(String[]::new));
    }

    /** The addresses (or names) of the answer, dig +short. */
    static List<String> answer(NsRef from, String server, String... args) {
        List<String> argv = new ArrayList<>(List.of("+short"));
        argv.addAll(List.of(args));
        return addresses(dig(from, server, argv.toArray(String[]::new)), args);
    }

    /**
     * As {@link #answer}, for a test that loads a 2-core machine with many joins at once:
     * there a dig process can wait seconds for the CPU, and a timeout would say nothing about
     * the property under test (a stale or missing name), so it waits 5 s and asks twice.
     */
    static List<String> answerUnderLoad(NsRef from, String server, String name) {
        return answerAskingTwice(from, server, name, 5);
    }

    /** The answer to a dig that asks once and, after seconds without one, again. */
    static List<String> answerAskingTwice(NsRef from, String server, String name, int seconds) {
        return addresses(Oracle.exec(from, "dig", "+time=" + seconds, "+tries=2", "@" + server, "+short", name), name);
    }

    /**
     * The answer lines of a dig +short; without its ";;" remarks, such as the warning about a
     * datagram that carried another query's id (a late answer to an earlier dig that had the
     * same source port: not ours to judge).
     */
    private static List<String> addresses(Oracle.Result r, String... args) {
        assertEquals(0, r.exitCode(), "dig " + List.of(args) + ": " + r.out() + r.err());
        return r.out().lines().filter(l -> !l.isBlank() && !l.startsWith(";;")).sorted().toList();
    }

    static String status(NsRef from, String server, String... args) {
        List<String> argv = new ArrayList<>(List.of("+noall", "+comments"));
        argv.addAll(List.of(args));
        Oracle.Result r = dig(from, server, argv.toArray(String[]::new));
        for (String l : r.out().split("\n")) {
            int i = l.indexOf("status: ");
            if (i >= 0) {
                return l.substring(i + 8, l.indexOf(',', i));
            }
        }
        return "no answer (" + r.exitCode() + "): " + r.out().strip();
    }

    /**
     * A controller whose sandboxes have no upstream: a name nobody knows gets SERVFAIL at once
     * instead of waiting for a fake upstream that never answers.
     */
    static NetworkController controller(Namespaces ns) {
        return ns.controller(org.libnetwork4j.ControllerConfig.builder().hostResolvConf(ns.fakeResolvConf()));
    }

    /** A network n with two sandboxes: a, which asks, and b's endpoint, which it asks for. */
    record Pair(Network n, Sandbox a, Endpoint b) {
    }

    static Pair pair(NetworkController c, String subnet) {
        Network n = c.newNetwork("bridge", "n1", NetworkOptions.builder().subnet(subnet).build());
        Sandbox a = n.createEndpoint("a").join("a");
        Endpoint b = n.createEndpoint("b");
        b.join("b");
        return new Pair(n, a, b);
    }

    static String ip(Endpoint ep) {
        return ep.info().ipv4().address().getHostAddress();
    }

    @Test
    void namesAliasesIdsAndNetworkQualifiedNamesResolveInTheNetwork(Namespaces ns) throws Exception {
        NetworkController c = controller(ns);
        Network n = c.newNetwork("bridge", "n1", NetworkOptions.builder().subnet("10.60.0.0/24").build());
        Endpoint e1 = n.createEndpoint("c1");
        Sandbox c1 = e1.join("c1");
        Endpoint e2 = n.createEndpoint("c2", EndpointOptions.builder().alias("db").build());
        Sandbox c2 = e2.join("c2");
        NsRef from = NsRef.of(c1);

        assertEquals(List.of(ip(e2)), answer(from, "10.60.0.1", "c2"));
        assertEquals(List.of(ip(e2)), answer(from, "10.60.0.1", "C2."), "names are case-insensitive");
        assertEquals(List.of(ip(e2)), answer(from, "10.60.0.1", "db"), "an alias");
        assertEquals(List.of(ip(e2)), answer(from, "10.60.0.1", c2.id().substring(0, 12)), "the short id");
        assertEquals(List.of(ip(e2)), answer(from, "10.60.0.1", "c2.n1"), "name.network");
        assertEquals(List.of(ip(e1)), answer(NsRef.of(c2), "10.60.0.1", "c1"), "the other way");
        // a known name without an address of the family: an empty NOERROR, not a forward
        assertEquals("NOERROR", status(from, "10.60.0.1", "c2", "AAAA"));
        assertEquals(List.of(), answer(from, "10.60.0.1", "c2", "AAAA"));
        // PTR: name.network.
        assertEquals(List.of("c2.n1."), answer(from, "10.60.0.1", "-x", ip(e2)));

        // resolv.conf names the resolver, keeps search, adds ndots:0
        String resolv = Files.readString(c1.resolvConfPath());
        assertEquals("nameserver 10.60.0.1\nsearch example.test\noptions ndots:0\n", resolv);
        // the C library's resolver, with the file bind-mounted as a runtime does
        Oracle.Result g = Oracle.run(List.of("unshare", "--mount", "--propagation", "private", "sh", "-c",
                "mount --bind " + c1.resolvConfPath() + " /etc/resolv.conf && nsenter --net=" + c1.key()
                        + " getent hosts db"));
        assertEquals(0, g.exitCode(), g.err());
        assertTrue(g.out().startsWith(ip(e2) + " "), g.out());
    }

    @Test
    void dockersDefaultBridgeHasNoResolver(Namespaces ns) throws Exception {
        NetworkController c = ns.controller();
        Network n = c.newNetwork("bridge", "bridge", NetworkOptions.builder().subnet("10.72.0.0/24")
                .option("com.docker.network.bridge.default_bridge", "true").build());
        Sandbox a = n.createEndpoint("a").join("a");
        n.createEndpoint("b").join("b");
        assertEquals("nameserver 192.0.2.53\nsearch example.test\n", Files.readString(a.resolvConfPath()),
                "the host's nameservers, as in Docker");
        assertFalse(Oracle.exec(ns.host(), "ss", "-Hlun", "sport = :53").out().contains("10.72.0.1"));
    }

    @Test
    void lookupsAreScopedToTheAskersNetworksAndOutsidersGetNothing(Namespaces ns) throws Exception {
        NetworkController c = controller(ns);
        Network n1 = c.newNetwork("bridge", "n1", NetworkOptions.builder().subnet("10.61.0.0/24").build());
        Network n2 = c.newNetwork("bridge", "n2", NetworkOptions.builder().subnet("10.62.0.0/24").build());
        Sandbox a = n1.createEndpoint("a").join("a");
        Endpoint eb = n2.createEndpoint("b");
        Sandbox b = eb.join("b");
        // both: on n1 and n2, joined to n1 first
        Endpoint both1 = n1.createEndpoint("both");
        Sandbox both = both1.join("both");
        Endpoint both2 = n2.createEndpoint("both");
        both2.join(both);
        assertEquals("nameserver 10.61.0.1\nnameserver 10.62.0.1\nsearch example.test\noptions ndots:0\n",
                Files.readString(both.resolvConfPath()), "each network's resolver, in join order");

        assertTrue(answer(NsRef.of(a), "10.61.0.1", "b").isEmpty(), "b is not on a's network");
        assertEquals("SERVFAIL", status(NsRef.of(a), "10.61.0.1", "b"), "no upstream to ask");
        assertEquals(List.of(ip(eb)), answer(NsRef.of(both), "10.61.0.1", "b"), "scope: all of the asker's networks");
        assertEquals(List.of(ip(eb)), answer(NsRef.of(both), "10.62.0.1", "b"));
        // the first network that knows a name decides; name.network picks one
        assertEquals(List.of(ip(both1)), answer(NsRef.of(a), "10.61.0.1", "both"));
        assertEquals(List.of(ip(both2)), answer(NsRef.of(b), "10.62.0.1", "both"));
        assertTrue(answer(NsRef.of(a), "10.61.0.1", "both.n2").isEmpty(), "a is not on n2");

        // b asking n1's resolver (reachable through the host): not one of n1's, no answer
        Oracle.Result r = dig(NsRef.of(b), "10.61.0.1", "a");
        assertTrue(r.out().contains("timed out") || r.out().contains("no servers"), r.out());
        // from outside the host: a fake remote host routed to the bridge gets nothing either
        NsRef remote = ns.container("remote");
        ns.host().netlink().createVeth(org.libnetwork4j.kernel.VethSpec.of("lnwt-wan", "eth0")
                .peerIn(((org.libnetwork4j.testing.TestNs) remote).netlink()).up());
        Oracle.out(ns.host(), "ip", "addr", "add", "203.0.113.1/24", "dev", "lnwt-wan");
        Oracle.out(ns.host(), "ip", "link", "set", "lnwt-wan", "up");
        Oracle.out(remote, "ip", "addr", "add", "203.0.113.2/24", "dev", "eth0");
        Oracle.out(remote, "ip", "link", "set", "eth0", "up");
        Oracle.out(remote, "ip", "route", "add", "10.61.0.0/24", "via", "203.0.113.1");
        r = dig(remote, "10.61.0.1", "a");
        assertTrue(r.out().contains("timed out") || r.out().contains("no servers"), r.out());
        // nor when it spoofs a container's address: the firewall drops what reaches a gateway from outside
        Oracle.out(remote, "ip", "addr", "add", "10.61.0.2/32", "dev", "eth0");
        r = dig(remote, "10.61.0.1", "-b", "10.61.0.2", "a");
        assertTrue(r.out().contains("timed out") || r.out().contains("no servers"), r.out());
    }

    @Test
    void roundRobinTruncationAndTcp(Namespaces ns) throws Exception {
        NetworkController c = controller(ns);
        Network n = c.newNetwork("bridge", "n1", NetworkOptions.builder().subnet("10.63.0.0/24").build());
        Sandbox asker = n.createEndpoint("asker").join("asker");
        Set<String> all = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            Endpoint e = n.createEndpoint("w" + i, EndpointOptions.builder().alias("web").build());
            e.join("w" + i);
            all.add(ip(e));
        }
        NsRef from = NsRef.of(asker);
        // over TCP (and over UDP with EDNS): every address
        assertEquals(all, new HashSet<>(answer(from, "10.63.0.1", "+tcp", "web")));
        assertEquals(all, new HashSet<>(answer(from, "10.63.0.1", "+bufsize=4096", "web")));
        // UDP without EDNS: 512 bytes at most, truncated with TC set
        Oracle.Result r = dig(from, "10.63.0.1", "+noedns", "+ignore", "web");
        assertTrue(r.out().contains("flags: qr aa tc rd ra"), r.out());
        // dig asks again over TCP on TC, as a resolver does: the whole answer
        assertEquals(all, new HashSet<>(answer(from, "10.63.0.1", "+noedns", "web")));
        // round robin: the order changes from answer to answer
        Set<String> firsts = new HashSet<>();
        for (int i = 0; i < 10 && firsts.size() < 2; i++) {
            Oracle.Result x = dig(from, "10.63.0.1", "+short", "+tcp", "web");
            firsts.add(x.out().lines().findFirst().orElse(""));
        }
        assertTrue(firsts.size() >= 2, "the same first address 10 times: " + firsts);
    }

    /** A dnsmasq in ns answering on ip:53; with answer, upstream.test is 10.99.0.99, else REFUSED. */
    static Process dnsmasq(NsRef ns, String ip, boolean answer) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=" + ns.path(), "dnsmasq", "--keep-in-foreground",
                "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--bind-interfaces", "--listen-address=" + ip,
                "--port=53", "--pid-file=", "--user=root", "--log-queries", "--log-facility=-"));
        if (answer) {
            cmd.add("--address=/upstream.test/10.99.0.99");
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        for (int i = 0; i < 100; i++) { // bounded: 2 s
            if (Oracle.exec(ns, "ss", "-Hlun", "sport = :53").out().contains(ip)) {
                return p;
            }
            Thread.sleep(20);
        }
        p.destroyForcibly();
        throw new AssertionError("dnsmasq did not start on " + ip);
    }

    static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }

    /** An upstream namespace linked to the fake host: 10.99.0.1 there, ips here. */
    static NsRef upstreamNamespace(Namespaces ns, String... ips) {
        org.libnetwork4j.testing.TestNs up = ns.container("upstream");
        ns.host().netlink().createVeth(org.libnetwork4j.kernel.VethSpec.of("lnwt-up", "eth0").peerIn(up.netlink()).up());
        Oracle.out(ns.host(), "ip", "addr", "add", "10.99.0.1/24", "dev", "lnwt-up");
        Oracle.out(ns.host(), "ip", "link", "set", "lnwt-up", "up");
        for (String ip : ips) {
            Oracle.out(up, "ip", "addr", "add", ip + "/24", "dev", "eth0");
        }
        Oracle.out(up, "ip", "link", "set", "eth0", "up");
        Oracle.out(up, "ip", "link", "set", "lo", "up");
        return up;
    }

    @Test
    void forwardsInOrderWithFailoverFromTheSandboxOrTheHostAndNeverFromInternalNetworks(Namespaces ns)
            throws Exception {
        NsRef up = upstreamNamespace(ns, "10.99.0.2", "10.99.0.3");
        Oracle.out(ns.host(), "ip", "link", "set", "lo", "up");
        List<Process> servers = new ArrayList<>();
        try {
            servers.add(dnsmasq(up, "10.99.0.3", false)); // REFUSED
            servers.add(dnsmasq(up, "10.99.0.2", true));
            servers.add(dnsmasq(ns.host(), "127.0.0.53", true)); // the host's loopback resolver
            // 10.99.0.9: nobody (a timeout), then REFUSED, then an answer
            NetworkController c = ns.controller(org.libnetwork4j.ControllerConfig.builder()
                    .hostResolvConf(ns.fakeResolvConf("10.99.0.9", "10.99.0.3", "10.99.0.2")));
            Network n = c.newNetwork("bridge", "n1", NetworkOptions.builder().subnet("10.64.0.0/24").build());
            Sandbox a = n.createEndpoint("a").join("a");
            long t0 = System.nanoTime();
            assertEquals(List.of("10.99.0.99"), answerWithin(NsRef.of(a), "10.64.0.1", 5, "upstream.test"));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= EmbeddedDns.FORWARD_TIMEOUT_MILLIS, "the first upstream was waited for: " + ms);
            // dialled from the sandbox, through its own routes: without a default route it
            // cannot reach the upstream (from the host's namespace it still could)
            Oracle.out(NsRef.of(a), "ip", "route", "del", "default");
            assertEquals("SERVFAIL", status(NsRef.of(a), "10.64.0.1", "upstream.test"));
            // the same at a sandbox's first forward, whose socket is made for it then (no spare
            // yet): each upstream is given up at once, none is waited for
            Sandbox lost = n.createEndpoint("lost").join("lost");
            Oracle.out(NsRef.of(lost), "ip", "route", "del", "default");
            long t1 = System.nanoTime();
            assertEquals("SERVFAIL", status(NsRef.of(lost), "10.64.0.1", "upstream.test"));
            long lostMs = (System.nanoTime() - t1) / 1_000_000;
            assertTrue(lostMs < EmbeddedDns.FORWARD_TIMEOUT_MILLIS, "no upstream was waited for: " + lostMs + " ms");
            // a sandbox's own dns servers replace the host's; a loopback one is the host's loopback
            Sandbox b = c.newSandbox("b", org.libnetwork4j.SandboxOptions.builder().dns("127.0.0.53").build());
            n.createEndpoint("b").join(b);
            assertEquals(List.of("10.99.0.99"), answerWithin(NsRef.of(b), "10.64.0.1", 2, "upstream.test"));
            assertEquals("nameserver 10.64.0.1\nsearch example.test\noptions ndots:0\n",
                    Files.readString(b.resolvConfPath()), "its dns server is the resolver's upstream, not in the file");
            // an internal network never forwards; its own names still resolve
            Network in = c.newNetwork("bridge", "in", NetworkOptions.builder().subnet("10.65.0.0/24").internal(true)
                    .build());
            Endpoint ei = in.createEndpoint("i1");
            Sandbox i1 = ei.join("i1");
            in.createEndpoint("i2").join("i2");
            assertEquals("SERVFAIL", status(NsRef.of(i1), "10.65.0.1", "upstream.test"));
            // a forwarding sandbox's sockets go with it: the kernel then frees its namespace,
            // and with it the veth pair whose host end is left in the fake host
            String hostEnd = "veth" + a.endpoints().get(0).id().substring(0, 7);
            assertTrue(Oracle.link(ns.host(), hostEnd).isPresent());
            a.delete();
            assertEquals(Boolean.FALSE, org.libnetwork4j.testing.Eventually.settled(
                    () -> Oracle.link(ns.host(), hostEnd).isPresent(), Boolean.FALSE), "the namespace is kept alive");
            assertEquals(1, answer(NsRef.of(i1), "10.65.0.1", "i2").size());
        } finally {
            for (Process p : servers) {
                stop(p);
            }
        }
    }

    /**
     * A server in ns on ip:53, UDP and TCP, that answers every question SERVFAIL (a resolver
     * whose own upstreams fail); it writes "udp" or "tcp" to log for each question it got.
     */
    static Process servfail(NsRef ns, String ip, Path log) throws Exception {
        String script = """
                import socket, struct, sys, threading
                def reply(q):
                    i = 12
                    while q[i]:
                        i += q[i] + 1
                    i += 5  # the root label, type and class: the question ends there
                    return q[:2] + bytes([0x80 | (q[2] & 0x79), 0x82]) + q[4:6] + bytes(6) + q[12:i]
                def note(what):
                    with open(sys.argv[2], 'a') as f:
                        f.write(what + '\\n')
                def tcp(srv):
                    while True:
                        c, _ = srv.accept()
                        n = struct.unpack('!H', c.recv(2))[0]
                        q = b''
                        while len(q) < n:
                            q += c.recv(n - len(q))
                        note('tcp')
                        r = reply(q)
                        c.sendall(struct.pack('!H', len(r)) + r)
                        c.close()
                t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                t.bind((sys.argv[1], 53))
                t.listen(8)
                u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                u.bind((sys.argv[1], 53))
                threading.Thread(target=tcp, args=(t,), daemon=True).start()
                print('ready', flush=True)
                while True:
                    q, peer = u.recvfrom(4096)
                    note('udp')
                    u.sendto(reply(q), peer)
                """;
        Process p = new ProcessBuilder("nsenter", "--net=" + ns.path(), "python3", "-c", script, ip, log.toString())
                .redirectErrorStream(true).start();
        String first = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream())).readLine();
        if (!"ready".equals(first)) {
            p.destroyForcibly();
            throw new AssertionError("the SERVFAIL server did not start on " + ip + ": " + first);
        }
        return p;
    }

    @Test
    void servfailFailsOverAndATcpQuestionIsForwardedOverTcp(Namespaces ns) throws Exception {
        NsRef up = upstreamNamespace(ns, "10.99.0.2", "10.99.0.4");
        Path log = Files.createTempFile(ns.dir(), "servfail", ".log");
        List<Process> servers = new ArrayList<>();
        try {
            servers.add(servfail(up, "10.99.0.4", log));
            servers.add(dnsmasq(up, "10.99.0.2", true));
            NetworkController c = ns.controller(org.libnetwork4j.ControllerConfig.builder()
                    .hostResolvConf(ns.fakeResolvConf("10.99.0.4", "10.99.0.2")));
            Sandbox a = c.newNetwork("bridge", "n1", NetworkOptions.builder().subnet("10.84.0.0/24").build())
                    .createEndpoint("a").join("a");
            // the first upstream answers SERVFAIL: the second is asked, and its answer given
            assertEquals(List.of("10.99.0.99"), answerWithin(NsRef.of(a), "10.84.0.1", 3, "upstream.test"));
            assertEquals(List.of("udp"), Files.readAllLines(log), "the failing upstream was asked first");
            // asked over TCP, the resolver asks its upstreams over TCP, with the same failover
            Oracle.Result r = Oracle.exec(NsRef.of(a), "dig", "+tcp", "+time=3", "+tries=1", "+short",
                    "@10.84.0.1", "upstream.test");
            assertEquals(List.of("10.99.0.99"), r.out().lines().filter(l -> !l.isBlank()).toList(), r.err());
            assertEquals(List.of("udp", "tcp"), Files.readAllLines(log), "over TCP to the failing upstream too");
            // every upstream failing: SERVFAIL to the container, not a timeout; an upstream
            // whose port is closed is given up at its ICMP port unreachable (the forward's
            // socket is connected to it), not after waiting out its timeout
            stop(servers.remove(1));
            long t0 = System.nanoTime();
            assertEquals("SERVFAIL", status(NsRef.of(a), "10.84.0.1", "upstream.test"));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < EmbeddedDns.FORWARD_TIMEOUT_MILLIS, "the closed port was not waited for: " + ms + " ms");
        } finally {
            for (Process p : servers) {
                stop(p);
            }
        }
    }

    /**
     * Over TCP, an upstream that accepts and says nothing is given up at its attempt's
     * deadline, once; one that hangs up without an answer is given up at once.
     */
    @Test
    void aTcpUpstreamThatSaysNothingIsGivenUpOnTimeAndOneThatHangsUpAtOnce(Namespaces ns) throws Exception {
        NsRef up = upstreamNamespace(ns, "10.99.0.2", "10.99.0.5", "10.99.0.6");
        String script = """
                import socket, sys, time
                t = socket.socket()
                t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                t.bind((sys.argv[1], 53))
                t.listen(8)
                print('ready', flush=True)
                held = []
                for _ in range(100):
                    c, _ = t.accept()
                    if sys.argv[2] == 'silent':
                        held.append(c)
                    else:  # reads the query, then an orderly close (FIN, not a reset)
                        c.recv(4096)
                        c.close()
                time.sleep(60)
                """;
        List<Process> servers = new ArrayList<>();
        try {
            for (String[] s : new String[][] {{"10.99.0.5", "silent"}, {"10.99.0.6", "hangs-up"}}) {
                Process p = new ProcessBuilder("nsenter", "--net=" + up.path(), "python3", "-c", script, s[0], s[1])
                        .redirectErrorStream(true).start();
                servers.add(p);
                assertEquals("ready", new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()))
                        .readLine(), "the TCP server on " + s[0]);
            }
            servers.add(dnsmasq(up, "10.99.0.2", true));
            NetworkController c = ns.controller(org.libnetwork4j.ControllerConfig.builder()
                    .hostResolvConf(ns.fakeResolvConf("10.99.0.6", "10.99.0.5", "10.99.0.2")));
            Sandbox a = c.newNetwork("bridge", "n1", NetworkOptions.builder().subnet("10.87.0.0/24").build())
                    .createEndpoint("a").join("a");
            long t0 = System.nanoTime();
            Oracle.Result r = Oracle.exec(NsRef.of(a), "dig", "+tcp", "+time=5", "+tries=1", "+short",
                    "@10.87.0.1", "upstream.test");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(List.of("10.99.0.99"), r.out().lines().filter(l -> !l.isBlank()).toList(), r.err());
            // the one that hangs up costs nothing; the silent one its deadline, once
            assertTrue(ms >= EmbeddedDns.FORWARD_TIMEOUT_MILLIS, "the silent upstream was waited for: " + ms + " ms");
            // (each waited out, as before the hang-up counted, would be twice the deadline)
            assertTrue(ms < 2 * EmbeddedDns.FORWARD_TIMEOUT_MILLIS, "and only once: " + ms + " ms");
        } finally {
            for (Process p : servers) {
                stop(p);
            }
        }
    }

    /**
     * Docker's rule for a sandbox whose resolv.conf has an ndots option of its own: a name of
     * one label that no network knows is answered empty, never forwarded, so that the C
     * library goes on with the search domains; other names are forwarded as ever.
     */
    @Test
    void withItsOwnNdotsABareUnknownNameIsNotForwarded(Namespaces ns) throws Exception {
        NsRef up = upstreamNamespace(ns, "10.99.0.4");
        Path log = Files.createTempFile(ns.dir(), "servfail", ".log");
        Process upstream = servfail(up, "10.99.0.4", log);
        try {
            NetworkController c = ns.controller(org.libnetwork4j.ControllerConfig.builder()
                    .hostResolvConf(ns.fakeResolvConf("10.99.0.4")));
            Network n = c.newNetwork("bridge", "n1", NetworkOptions.builder().subnet("10.85.0.0/24").build());
            Sandbox own = c.newSandbox("own", org.libnetwork4j.SandboxOptions.builder().dnsOption("ndots:2").build());
            n.createEndpoint("own").join(own);
            Sandbox plain = n.createEndpoint("plain").join("plain");
            assertTrue(Files.readString(own.resolvConfPath()).contains("options ndots:2\n"));

            assertEquals("NOERROR", status(NsRef.of(own), "10.85.0.1", "printer"));
            assertEquals("NOERROR", status(NsRef.of(own), "10.85.0.1", "printer", "AAAA"));
            assertEquals(List.of(), Files.readAllLines(log), "nothing forwarded");
            assertEquals(List.of(ip(plain.endpoints().get(0))), answer(NsRef.of(own), "10.85.0.1", "plain"),
                    "a known bare name answers as ever");
            assertEquals("SERVFAIL", status(NsRef.of(own), "10.85.0.1", "printer.test"), "two labels: forwarded");
            assertEquals(List.of("udp"), Files.readAllLines(log));
            assertEquals("SERVFAIL", status(NsRef.of(plain), "10.85.0.1", "printer"),
                    "the resolver's own ndots:0: forwarded");
            assertEquals(List.of("udp", "udp"), Files.readAllLines(log));
        } finally {
            stop(upstream);
        }
    }

    static List<String> answerWithin(NsRef from, String server, int seconds, String name) {
        Oracle.Result r = Oracle.exec(from, "dig", "+time=" + seconds, "+tries=1", "+short", "@" + server, name);
        assertEquals(0, r.exitCode(), r.out() + r.err());
        return r.out().lines().filter(l -> !l.isBlank()).toList();
    }

    @Test
    void aContainerPublishingPort53DoesNotTakeTheResolver(Namespaces ns) throws Exception {
        NetworkController c = controller(ns);
        Network later = c.newNetwork("bridge", "later", NetworkOptions.builder().subnet("10.66.1.0/24").build());
        Pair p = pair(c, "10.66.0.0/24");
        Network n = p.n();
        Sandbox a = p.a();
        Endpoint eb = p.b();
        Endpoint evil = n.createEndpoint("evil", EndpointOptions.builder().publish("53:53/udp").publish("53:53/tcp")
                .build());
        Sandbox e = evil.join("evil");
        try (var s = org.libnetwork4j.testing.Traffic.udpServer(ns, NsRef.of(e), null, 53, "hijacked")) {
            assertEquals(List.of(ip(eb)), answer(NsRef.of(a), "10.66.0.1", "b"));
            assertEquals(List.of(ip(eb)), answer(NsRef.of(a), "10.66.0.1", "+tcp", "b"));
        }
        // the firewall's part, as nft lists it: the resolver's address, with the network's comment
        assertEquals(List.of(new Oracle.NftElement("10.66.0.1", null, "network " + n.id()),
                new Oracle.NftElement("10.66.1.1", null, "network " + later.id())),
                Oracle.nftElements(ns.host(), "inet libnetwork4j", "resolvers4").stream()
                        .sorted(java.util.Comparator.comparing(Oracle.NftElement::toString)).toList());
        // both hold port 53: the publish's reservation on every address, the resolver on the gateway
        String held = Oracle.out(ns.host(), "ss", "-Hlun", "sport = :53");
        assertTrue(held.contains("0.0.0.0:53") && held.contains("10.66.0.1:53"), held);
        // the other order: a network made before the publish, first joined after it, listens
        // beside the reservation all the same
        assertEquals("", listening(ns, "10.66.1.1"));
        Sandbox x = later.createEndpoint("x").join("x");
        Endpoint y = later.createEndpoint("y");
        y.join("y");
        assertEquals(2, listening(ns, "10.66.1.1").lines().count());
        assertEquals(List.of(ip(y)), answer(NsRef.of(x), "10.66.1.1", "y"));
        assertEquals(List.of(ip(y)), answer(NsRef.of(x), "10.66.1.1", "+tcp", "y"));
    }

    /**
     * Port 53 held on a network's gateway by another program: that network gets no listener
     * and its containers keep the host's nameservers, but its names stay known, so a
     * container also on a network that has one finds that network's peers through it.
     */
    @Test
    void aNetworkWithoutAListenerIsStillSearchedThroughAnother(Namespaces ns) throws Exception {
        // bound before the gateway address exists (IP_FREEBIND): ours then finds it taken
        Process squatter = new ProcessBuilder("nsenter", "--net=" + ns.host().path(), "python3", "-c", """
                import socket, sys, time
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.setsockopt(socket.SOL_IP, 15, 1)
                s.bind(("10.61.1.1", 53))
                print("bound", flush=True)
                time.sleep(60)
                """).redirectErrorStream(true).start();
        try {
            assertEquals("bound", new java.io.BufferedReader(new java.io.InputStreamReader(squatter.getInputStream()))
                    .readLine());
            NetworkController c = controller(ns);
            Network served = c.newNetwork("bridge", "n1", NetworkOptions.builder().subnet("10.61.0.0/24").build());
            Network taken = c.newNetwork("bridge", "n2", NetworkOptions.builder().subnet("10.61.1.0/24").build());
            Sandbox a = served.createEndpoint("a").join("a");
            taken.createEndpoint("a2").join(a);
            Endpoint b = taken.createEndpoint("b", EndpointOptions.builder().alias("db").build());
            Sandbox bs = b.join("b");
            String bResolv = Files.readString(bs.resolvConfPath());
            assertFalse(bResolv.contains("10.61.1.1") || bResolv.contains("ndots"),
                    "b's only network has no listener: the host's nameservers (Docker's fallback here) " + bResolv);
            assertEquals("nameserver 10.61.0.1\nsearch example.test\noptions ndots:0\n",
                    Files.readString(a.resolvConfPath()));
            assertEquals(List.of(ip(b)), answer(NsRef.of(a), "10.61.0.1", "db"), "n2's alias, asked on n1");
            assertEquals(List.of(ip(b)), answer(NsRef.of(a), "10.61.0.1", "b.n2"));
            assertFalse(Files.readString(a.hostsPath()).contains("db"), "so no hosts-file line is needed for it");
        } finally {
            squatter.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aNameResolvesWhenItsJoinReturnsAndStopsWhenItsLeaveReturns(Namespaces ns) throws Exception {
        NetworkController c = controller(ns);
        Network n = c.newNetwork("bridge", "n1", NetworkOptions.builder().subnet("10.67.0.0/24").build());
        NsRef a = NsRef.of(n.createEndpoint("a").join("a"));
        for (int i = 0; i < 3; i++) {
            Endpoint e = n.createEndpoint("t" + i);
            Sandbox sb = e.join("t" + i);
            assertEquals(List.of(ip(e)), answer(a, "10.67.0.1", "t" + i));
            e.leave(sb);
            assertEquals(List.of(), answer(a, "10.67.0.1", "t" + i));
            e.join(sb);
            assertEquals(List.of(ip(e)), answer(a, "10.67.0.1", "t" + i));
            sb.delete();
            assertEquals(List.of(), answer(a, "10.67.0.1", "t" + i));
        }
        // a network's resolver listens from its first join; a deleted network's is gone with it,
        // and its address can be served again
        Network gone = c.newNetwork("bridge", "gone", NetworkOptions.builder().subnet("10.68.0.0/24").build());
        assertEquals("", listening(ns, "10.68.0.1"), "no socket before the first join");
        Endpoint first = gone.createEndpoint("first");
        Sandbox firstSb = first.join("first");
        assertEquals(2, listening(ns, "10.68.0.1").lines().count(), "UDP and TCP from the first join");
        firstSb.delete();
        first.delete();
        gone.delete();
        assertEquals("", listening(ns, "10.68.0.1"));
        Network again = c.newNetwork("bridge", "again", NetworkOptions.builder().subnet("10.68.0.0/24").build());
        Endpoint x = again.createEndpoint("x");
        x.join("x");
        assertEquals(List.of(ip(x)), answer(NsRef.of(again.createEndpoint("y").join("y")), "10.68.0.1", "x"));
    }

    /** The host's sockets listening on address, port 53 (UDP and TCP), one line each, as ss says. */
    private static String listening(Namespaces ns, String address) throws Exception {
        return Oracle.exec(ns.host(), "ss", "-Hlntu", "sport = :53").out().lines()
                .filter(l -> l.contains(address + ":53")).collect(java.util.stream.Collectors.joining("\n"));
    }

    @Test
    void aLookupWhileAKilledControllerIsDownIsAnsweredByTheNextOne(Namespaces ns) throws Exception {
        String want;
        Path aKey;
        try (NetworkController c = controller(ns)) {
            Pair p = pair(c, "10.85.0.0/24");
            want = ip(p.b());
            aKey = Path.of(p.a().key());
        }
        // a controller in a process of its own serves the names; then it is killed (-9)
        Process child = org.libnetwork4j.testing.ControllerProcess.start(ns.host().path(), ns.dir().resolve("state"),
                ns.dir().resolve("run"), "hold");
        try {
            String ready = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream()))
                    .readLine();
            assertTrue(ready != null && ready.startsWith("ready"), "child said " + ready);
            assertEquals(List.of(want), answer(NsRef.of(aKey), "10.85.0.1", "b"), "served by the child");
        } finally {
            child.destroyForcibly();
            child.waitFor();
        }
        // asked while none runs: no refusal comes back, and the retry finds the next controller
        Process q = new ProcessBuilder("nsenter", "--net=" + aKey, "dig", "+time=1", "+tries=3", "+short",
                "@10.85.0.1", "b").redirectErrorStream(true).start();
        Thread.sleep(300);
        try (NetworkController c2 = controller(ns)) {
            assertTrue(q.waitFor(10, TimeUnit.SECONDS));
            List<String> out = new String(q.getInputStream().readAllBytes()).lines().toList();
            assertEquals(want, out.get(out.size() - 1), "the query across the kill: " + out);
            assertTrue(c2.recoveryReport().clean(), c2.recoveryReport().toString());
        }
    }

    @Test
    void aRestartLosesNoLookup(Namespaces ns) throws Exception {
        NetworkController c = controller(ns);
        Pair p = pair(c, "10.69.0.0/24");
        Sandbox a = p.a();
        String want = ip(p.b());
        c.close();
        // a query sent while no controller runs: no refusal comes back (the firewall keeps the
        // kernel's port-unreachable in), so the client's retry, 1 s later, finds the new one
        Process q = new ProcessBuilder("nsenter", "--net=" + a.key(), "dig", "+time=1", "+tries=3", "+short",
                "@10.69.0.1", "b").redirectErrorStream(true).start();
        Thread.sleep(300);
        long t0 = System.nanoTime();
        NetworkController c2 = controller(ns);
        long reopenMs = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(q.waitFor(10, TimeUnit.SECONDS));
        List<String> out = new String(q.getInputStream().readAllBytes()).lines().toList();
        // the first try timed out (no refusal: the kernel's port unreachable was dropped), the
        // retry got the answer
        assertEquals(want, out.get(out.size() - 1), "the query across the restart: " + out);
        System.out.println("dns restart: controller reopened in " + reopenMs + " ms");
        assertEquals(List.of(want), answer(NsRef.of(a), "10.69.0.1", "b"));
        assertEquals(1, c2.networks().stream().filter(x -> x.name().equals("n1")).count());
    }

    /**
     * While no resolver listens, a TCP connection to it is not refused: the kernel's reset
     * to the SYN is held back, and the client's SYN retransmission (1 s later) finds the next
     * controller. A reset of a connection that was established is a real one and reaches the
     * client: it must not wait for its timeout over a connection that is gone.
     */
    @Test
    void whileNoResolverListensAConnectionWaitsButAnAbortIsSeen(Namespaces ns) throws Exception {
        NetworkController c = controller(ns);
        Sandbox a = pair(c, "10.86.0.0/24").a();
        c.close();
        String connect = """
                import socket, sys
                s = socket.socket()
                s.settimeout(float(sys.argv[1]))
                try:
                    s.connect(("10.86.0.1", 53))
                    print("connected", flush=True)
                    print("read", s.recv(10), flush=True)
                except socket.timeout:
                    print("timed out")
                except ConnectionRefusedError:
                    print("refused")
                except ConnectionResetError:
                    print("reset")
                """;
        // no listener: the reset to the SYN is held back, so the client sees no refusal
        assertEquals("timed out", Oracle.exec(NsRef.of(a), "python3", "-c", connect, "0.5").out().strip());

        // a listener in the resolver's place that aborts its one connection (SO_LINGER 0)
        String abort = """
                import socket, struct
                l = socket.socket()
                l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                l.bind(("10.86.0.1", 53))
                l.listen(1)
                l.settimeout(20)
                print("listening", flush=True)
                s, _ = l.accept()
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                s.close()
                """;
        Process server = new ProcessBuilder("nsenter", "--net=" + ns.host().path(), "python3", "-c", abort)
                .redirectErrorStream(true).start();
        try {
            var out = new java.io.BufferedReader(new java.io.InputStreamReader(server.getInputStream()));
            assertEquals("listening", out.readLine());
            Oracle.Result r = Oracle.exec(NsRef.of(a), "python3", "-c", connect, "5");
            assertEquals(List.of("connected", "reset"), r.out().lines().toList(), r.err());
            assertTrue(server.waitFor(5, TimeUnit.SECONDS));
        } finally {
            server.destroyForcibly();
            server.waitFor();
        }
    }

    @Test
    void badInputAndAFloodLeaveTheOthersAnswered(Namespaces ns) throws Exception {
        NetworkController c = ns.controller(); // forwards to 192.0.2.53, which never answers
        Network n = c.newNetwork("bridge", "n1", NetworkOptions.builder().subnet("10.70.0.0/24").build());
        Sandbox bad = n.createEndpoint("bad").join("bad");
        Sandbox good = n.createEndpoint("good").join("good");
        Endpoint eb = n.createEndpoint("b");
        eb.join("b");
        // garbage, a truncated header, an oversized datagram, a response, a flood of 20,000
        // queries for names nobody knows (forwards, each to an upstream that never answers)
        String script = """
                import socket, os, struct, random
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                gw = ("10.70.0.1", 53)
                s.sendto(b"\\x00", gw)
                s.sendto(os.urandom(11), gw)
                for _ in range(200):
                    s.sendto(os.urandom(random.randint(12, 300)), gw)
                s.sendto(b"\\x12\\x34\\x81\\x80" + bytes(8), gw)
                s.sendto(os.urandom(60000), gw)
                for i in range(20000):
                    label = ("f%d" % i).encode()
                    q = struct.pack(">HHHHHH", i, 0x0100, 1, 0, 0, 0) + bytes([len(label)]) + label + b"\\x00\\x00\\x01\\x00\\x01"
                    try:
                        s.sendto(q, gw)
                    except BlockingIOError:
                        pass
                t = socket.create_connection(gw, timeout=2)
                t.sendall(struct.pack(">H", 65535) + os.urandom(1000))
                t.close()
                """;
        Oracle.Result r = Oracle.exec(NsRef.of(bad), "python3", "-c", script);
        assertEquals(0, r.exitCode(), r.err());
        // the others are answered, and so is the flooder. The network's socket is shared: a
        // query that arrives while the flood's backlog still fills its buffer is dropped by the
        // kernel, whatever the resolver does, so the first one may take the client's retry,
        // here after 1 s (UdpRcvbufErrors counted such a drop when this asked once, for 2 s)
        assertEquals(List.of(ip(eb)), answerAskingTwice(NsRef.of(good), "10.70.0.1", "b", 1));
        assertEquals(List.of(ip(eb)), answer(NsRef.of(good), "10.70.0.1", "+tcp", "b"));
        assertEquals(List.of(ip(eb)), answer(NsRef.of(bad), "10.70.0.1", "b"));
    }

    @Test
    void joinsAndLeavesOn32ThreadsNeverLeaveAStaleOrMissingAnswer(Namespaces ns) throws Exception {
        NetworkController c = controller(ns);
        Network n = c.newNetwork("bridge", "n1", NetworkOptions.builder().subnet("10.71.0.0/22").build());
        NsRef asker = NsRef.of(n.createEndpoint("asker").join("asker"));
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 32; t++) {
            String name = "p" + t;
            Thread th = new Thread(() -> {
                try {
                    Endpoint e = n.createEndpoint(name);
                    for (int round = 0; round < 2; round++) {
                        Sandbox sb = e.join(name);
                        List<String> got = answerUnderLoad(asker, "10.71.0.1", name);
                        if (!got.equals(List.of(ip(e)))) {
                            failures.add(name + " after join: " + got);
                        }
                        e.leave(sb);
                        got = answerUnderLoad(asker, "10.71.0.1", name);
                        if (!got.isEmpty()) {
                            failures.add(name + " after leave: " + got);
                        }
                        sb.delete();
                    }
                } catch (Throwable x) {
                    failures.add(name + ": " + x);
                }
            });
            th.start();
            threads.add(th);
        }
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(90));
        }
        assertEquals(List.of(), failures);
    }
}
