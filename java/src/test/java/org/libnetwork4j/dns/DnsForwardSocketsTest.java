package org.libnetwork4j.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.NetworkOptions;
import org.libnetwork4j.Sandbox;
import org.libnetwork4j.testing.Eventually;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;
import org.libnetwork4j.testing.NsRef;
import org.libnetwork4j.testing.Oracle;

/**
 * Many forwards in a row from one sandbox, as a client that asks again as soon as it has its
 * answer (the case the spare sockets are kept for): every one answered, each from a socket of
 * its own (the upstream sees a fresh source port per query), the sockets kept for the next
 * forwards bounded, and all of them gone with the sandbox. The upstream is a small server in
 * the test's own namespace that logs the source port of each query.
 */
@ExtendWith(NetnsExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DnsForwardSocketsTest {
    private static final int QUERIES = 300;

    /** A server on ip:53 (UDP) in ns answering every A question 10.99.0.99; logs the asker's port. */
    static Process portLogger(NsRef ns, String ip, Path log) throws Exception {
        String script = """
                import socket, sys
                u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                u.bind((sys.argv[1], 53))
                out = open(sys.argv[2], 'a', buffering=1)
                print('ready', flush=True)
                while True:
                    q, peer = u.recvfrom(4096)
                    out.write('%d\\n' % peer[1])
                    i = 12
                    while q[i]:
                        i += q[i] + 1
                    i += 5
                    a = bytes([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 10, 99, 0, 99])
                    u.sendto(q[:2] + bytes([0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0]) + q[12:i] + a, peer)
                """;
        Process p = new ProcessBuilder("nsenter", "--net=" + ns.path(), "python3", "-c", script, ip, log.toString())
                .redirectErrorStream(true).start();
        String first = new BufferedReader(new InputStreamReader(p.getInputStream())).readLine();
        if (!"ready".equals(first)) {
            p.destroyForcibly();
            throw new AssertionError("the upstream did not start on " + ip + ": " + first);
        }
        return p;
    }

    /** QUERIES A questions for name, one after the other, from ns; prints how many were answered right. */
    static int askInARow(NsRef ns, String server, String name) {
        String script = """
                import socket, struct, sys
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.settimeout(3)
                s.connect((sys.argv[1], 53))
                qname = b''.join(bytes([len(l)]) + l.encode() for l in sys.argv[2].split('.')) + b'\\0'
                ok = 0
                for i in range(int(sys.argv[3])):
                    s.send(struct.pack('!HHHHHH', i, 0x0100, 1, 0, 0, 0) + qname + struct.pack('!HH', 1, 1))
                    try:
                        while True:
                            r = s.recv(4096)
                            if struct.unpack('!H', r[:2])[0] == i:
                                break
                    except socket.timeout:
                        continue
                    if r[3] & 0xf == 0 and r.endswith(bytes([10, 99, 0, 99])):
                        ok += 1
                print(ok)
                """;
        Oracle.Result r = Oracle.exec(ns, "python3", "-c", script, server, name, String.valueOf(QUERIES));
        assertEquals(0, r.exitCode(), r.out() + r.err());
        return Integer.parseInt(r.out().strip());
    }

    @Test
    void manyForwardsInARowAreAllAnsweredEachFromAFreshPortAndTheirSocketsGoWithTheSandbox(Namespaces ns)
            throws Exception {
        NsRef up = DnsTest.upstreamNamespace(ns, "10.99.0.2");
        Path log = ns.dir().resolve("ports.log");
        Process server = portLogger(up, "10.99.0.2", log);
        try {
            NetworkController c = ns.controller(org.libnetwork4j.ControllerConfig.builder()
                    .hostResolvConf(ns.fakeResolvConf("10.99.0.2")));
            Network n = c.newNetwork("bridge", "n1", NetworkOptions.builder().subnet("10.67.0.0/24").build());
            Sandbox a = n.createEndpoint("a").join("a");
            long before = ForwardSocketsTest.openFds();

            assertEquals(QUERIES, askInARow(NsRef.of(a), "10.67.0.1", "upstream.test"));

            List<String> ports = Files.readAllLines(log);
            assertEquals(QUERIES, ports.size(), "each query forwarded once");
            Set<String> distinct = new HashSet<>(ports);
            // a fresh socket per query takes a random free port: a few may come again by chance
            // (300 of some 28,000), one shared socket would show one
            assertTrue(distinct.size() >= QUERIES * 95 / 100, distinct.size() + " distinct source ports");
            // the last forward's socket is closed on the loop just after its answer went out,
            // which the client may have read first: settled, not read once
            assertEquals(Boolean.TRUE, Eventually.settled(
                    () -> ForwardSocketsTest.openFds() - before <= ForwardSockets.PER_OWNER, Boolean.TRUE),
                    (ForwardSocketsTest.openFds() - before) + " descriptors kept after the forwards");

            // the sandbox going closes its spares: nothing then keeps its namespace, which the
            // kernel frees with the veth pair whose host end is in the fake host
            String hostEnd = "veth" + a.endpoints().get(0).id().substring(0, 7);
            assertTrue(Oracle.link(ns.host(), hostEnd).isPresent());
            a.delete();
            assertEquals(Boolean.FALSE, Eventually.settled(() -> Oracle.link(ns.host(), hostEnd).isPresent(),
                    Boolean.FALSE), "the namespace is kept alive");
            // settled: a process the oracle ran a moment ago may still hold its pipes until the
            // JDK's reaper thread sees it exit
            assertEquals(Boolean.TRUE, Eventually.settled(() -> ForwardSocketsTest.openFds() <= before, Boolean.TRUE),
                    "descriptors left: " + (ForwardSocketsTest.openFds() - before));
        } finally {
            DnsTest.stop(server);
        }
    }
}
