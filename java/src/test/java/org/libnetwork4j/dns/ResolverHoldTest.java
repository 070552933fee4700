package org.libnetwork4j.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.kernel.Netns;
import org.libnetwork4j.testing.Eventually;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;
import org.libnetwork4j.testing.Oracle;
import org.libnetwork4j.testing.TestNs;

/**
 * The resolver's listeners held while a restart brings the joins back: a query that comes
 * meanwhile waits in the socket and is answered on release, on the client's first and only
 * try; without the hold, the same query is read before its sender is known and gets nothing.
 * Real queries (dig) from a container namespace to a listener in the fake host.
 */
@ExtendWith(NetnsExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ResolverHoldTest {
    private static final InetAddress SERVER = IpAddresses.parse("10.79.0.1");
    private static final InetAddress CLIENT = IpAddresses.parse("10.79.0.2");

    @Test
    void aQueryWhileHeldIsAnsweredOnReleaseAndOneReadBeforeItsSenderIsKnownIsNot(Namespaces ns) throws Exception {
        TestNs c1 = ns.container("c1");
        Oracle.out(ns.host(), "ip", "link", "add", "hold0", "type", "veth", "peer", "name", "eth0", "netns",
                c1.path().toString());
        Oracle.out(ns.host(), "ip", "addr", "add", "10.79.0.1/24", "dev", "hold0");
        Oracle.out(ns.host(), "ip", "link", "set", "hold0", "up");
        Oracle.out(c1, "ip", "addr", "add", "10.79.0.2/24", "dev", "eth0");
        Oracle.out(c1, "ip", "link", "set", "eth0", "up");
        try (Netns host = Netns.open(ns.host().path()); Netns sandbox = Netns.open(c1.path());
                NameService dns = EmbeddedDns.open(host)) {
            dns.hold();
            dns.addNetwork("n1", "n1", false);
            assertEquals(List.of(SERVER), dns.listen("n1", host, List.of(SERVER)));
            long delivered = counter(ns.host(), "Ip:", "InDelivers");
            Process held = dig(c1, 5);
            assertTrue(Eventually.settled(() -> counter(ns.host(), "Ip:", "InDelivers") > delivered, true),
                    "dig's query reached the host"); // and waits in the listener's socket
            assertTrue(held.isAlive(), "no answer while held");
            dns.addSandbox("sb1", List.of(), false, sandbox);
            dns.join("n1", "ep1", "sb1", List.of("web"), CLIENT, null);
            dns.release();
            assertTrue(held.waitFor(10, TimeUnit.SECONDS));
            assertEquals("10.79.0.2", output(held), "answered on its only try");

            // the control: not held, and the sender unknown when its query is read
            dns.leave("n1", "ep1");
            dns.removeSandbox("sb1");
            dns.removeNetwork("n1");
            dns.addNetwork("n1", "n1", false);
            assertEquals(List.of(SERVER), dns.listen("n1", host, List.of(SERVER)));
            long read = counter(ns.host(), "Udp:", "InDatagrams");
            Process early = dig(c1, 1);
            assertTrue(Eventually.settled(() -> counter(ns.host(), "Udp:", "InDatagrams") > read, true),
                    "dig's query was read"); // with its sender unknown
            dns.addSandbox("sb1", List.of(), false, sandbox);
            dns.join("n1", "ep1", "sb1", List.of("web"), CLIENT, null);
            assertTrue(early.waitFor(10, TimeUnit.SECONDS));
            assertNotEquals(0, early.exitValue(), "read before its sender was known: no answer");
            assertEquals("10.79.0.2", output(dig(c1, 5)), "and the next query is answered");
        }
    }

    /**
     * A counter of the host namespace's /proc/net/snmp, the kernel's own: Ip InDelivers counts
     * a datagram once it is handed to UDP, whether a socket has read it yet or not; Udp
     * InDatagrams once a socket has read it. In these tests the only IPv4 traffic to the host
     * is dig's query (ARP and IPv6 are counted apart).
     */
    private static long counter(TestNs host, String protocol, String name) {
        List<String> rows = Oracle.out(host, "cat", "/proc/net/snmp").lines().filter(l -> l.startsWith(protocol))
                .toList();
        String[] names = rows.get(0).trim().split("\\s+");
        String[] values = rows.get(1).trim().split("\\s+");
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return Long.parseLong(values[i]);
            }
        }
        throw new IllegalStateException("no " + name + " in " + rows);
    }

    /** dig from c1 for "web": one try, waiting up to seconds; +short. */
    private static Process dig(TestNs c1, int seconds) throws IOException {
        return new ProcessBuilder("nsenter", "--net=" + c1.path(), "dig", "+short", "+tries=1", "+time=" + seconds,
                "@" + SERVER.getHostAddress(), "web").redirectErrorStream(true).start();
    }

    private static String output(Process p) throws Exception {
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                .filter(l -> !l.startsWith(";;")).reduce("", String::concat);
    }
}
