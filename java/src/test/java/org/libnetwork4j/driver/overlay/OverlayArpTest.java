package org.libnetwork4j.driver.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.testing.Eventually;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;
import org.libnetwork4j.testing.NsRef;
import org.libnetwork4j.testing.Oracle;

/**
 * Address resolution across hosts: the VXLAN devices answer ARP from the neighbour entries the
 * directory gives (proxy), and a host that learns of a peer late does not leave its containers
 * waiting for the kernel's next ARP attempt (a second later).
 */
@ExtendWith(NetnsExtension.class)
class OverlayArpTest {
    private static final String NET = TwoHosts.id('a');
    private static final Map<String, String> VNI_256 = Map.of(OverlaySettings.VXLANID_LIST, "256");
    private static final String VX = "vx-000100";
    private static final Pattern RTT = Pattern.compile("time=([0-9.]+) ms");
    private static final int RETRY_MS = 5000;

    @Test
    void theVxlanDeviceAnswersArpItself(Namespaces ns) {
        try (TwoHosts w = new TwoHosts(ns)) {
            TwoHosts.Pair pair = w.oneOnEach(ns, NET, VNI_256);
            TestSandbox c1 = pair.c1();
            TestSandbox c2 = pair.c2();
            NsRef ov1 = TwoHosts.overlayNs(w.run1, NET);
            JsonNode info = Oracle.link(ov1, VX).orElseThrow().path("linkinfo").path("info_data");
            assertTrue(info.path("proxy").asBoolean(false), info.toString());

            // the underlay cut: only the device itself can answer c1's ARP request for c2
            Oracle.out(w.host1, "ip", "link", "set", "lnwt-u1", "down");
            assertFalse(Oracle.ping(c1.ns(), "10.77.0.3"), "the underlay is down");
            JsonNode n = Oracle.ip(c1.ns(), "neigh", "show", "10.77.0.3", "dev", "eth0").path(0);
            assertEquals("02:42:0a:4d:00:03", n.path("lladdr").asText(), "c1's ARP answered on host1: " + n);
        }
    }

    /**
     * ARP no longer crosses hosts, but other broadcasts do: through the flooding list each
     * host keeps of the others that have containers on the network.
     */
    @Test
    void broadcastsStillReachTheOtherHosts(Namespaces ns) {
        try (TwoHosts w = new TwoHosts(ns)) {
            TwoHosts.Pair pair = w.oneOnEach(ns, NET, VNI_256);
            TestSandbox c1 = pair.c1();
            TestSandbox c2 = pair.c2();
            Oracle.out(c2.ns(), "sysctl", "-qw", "net.ipv4.icmp_echo_ignore_broadcasts=0");

            Oracle.Result r = Oracle.exec(c1.ns(), "ping", "-b", "-c", "1", "-W", "2", "10.77.0.255");
            assertTrue(r.ok() && r.out().contains("from 10.77.0.3"), r.out() + r.err());
        }
    }

    /**
     * Host2 hears of host1's first container only after c1's first echo reached c2, as a watch
     * of a remote store may deliver; c2 asks its VXLAN device for c1, which cannot answer yet.
     * Without more, c2 asks again only after its ARP retransmit time (a second) and the first
     * echo waits that long; host2 tells its containers when it programs c1. Checked on ping's
     * own round-trip time, against the kernel's retransmit time.
     */
    @Test
    void theFirstPingToAHostThatLearnsLateIsNotHeldForAnArpRetry(Namespaces ns) throws Exception {
        firstEchoToAHostThatLearnsLate(ns, false);
    }

    /**
     * The same over IPv6, where the VXLAN device swallows neighbour solicitations but not
     * advertisements: host2 tells c2 with an unsolicited advertisement on c2's port, and the
     * advertisement does not cross the tunnel, which would teach host1's bridge that c1 lives
     * behind host1's own VXLAN device.
     */
    @Test
    void theFirstPing6ToAHostThatLearnsLateIsNotHeldForASolicitationRetry(Namespaces ns) throws Exception {
        firstEchoToAHostThatLearnsLate(ns, true);
    }

    private static void firstEchoToAHostThatLearnsLate(Namespaces ns, boolean v6) throws Exception {
        try (TwoHosts w = new TwoHosts(ns); HeldDirectory held = new HeldDirectory(w.directory)) {
            w.d2.close();
            w.d2 = new OverlayDriver(new TestHost(w.host2), w.run2, IpAddresses.parse(TwoHosts.H2), w.vnis, held);
            w.createOnBoth(NET, "10.77.0.0/24", "fd77::/64", VNI_256);
            TestSandbox c1 = new TestSandbox("c1", ns.container("c1"));
            TestSandbox c2 = new TestSandbox("c2", ns.container("c2"));
            w.join(w.d2, NET, TwoHosts.id('2'), "10.77.0.3", "fd77::3", null, c2);
            held.hold();
            w.join(w.d1, NET, TwoHosts.id('1'), "10.77.0.2", "fd77::2", null, c1); // host1's first container
            String c1Ip = v6 ? "fd77::2" : "10.77.0.2";
            String c2Ip = v6 ? "fd77::3" : "10.77.0.3";
            String c1Mac = Oracle.link(c1.ns(), "eth0").orElseThrow().path("address").asText();
            // c2's solicitation retry 5 s away, not 1 s: the test's own polling and a loaded
            // machine then cannot bring an answer that waited for the retry near the bound
            Oracle.out(c2.ns(), "sysctl", "-qw", "net.ipv4.neigh.eth0.retrans_time_ms=" + RETRY_MS,
                    "net.ipv6.neigh.eth0.retrans_time_ms=" + RETRY_MS);

            Process ping = new ProcessBuilder("nsenter", "--net=" + c1.ns().path(), "ping", "-c", "1", "-W", "10",
                    c2Ip).redirectErrorStream(true).start();
            try {
                ping.getOutputStream().close();
                // the echo is at c2, whose answer waits for c1's MAC
                assertEquals("INCOMPLETE", Eventually.settled(() -> neighState(c2, c1Ip), "INCOMPLETE"));
                held.release();
                assertTrue(ping.waitFor(15, TimeUnit.SECONDS), "ping ended");
                String out = new String(ping.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals(0, ping.exitValue(), out);
                Matcher m = RTT.matcher(out);
                if (!m.find()) {
                    fail("no round-trip time in " + out);
                }
                double rtt = Double.parseDouble(m.group(1));
                assertTrue(rtt < RETRY_MS / 2, "first echo answered after " + rtt + " ms (the retry is " + RETRY_MS
                        + "): " + out);
            } finally {
                ping.destroyForcibly();
                ping.waitFor(5, TimeUnit.SECONDS);
            }
            // what host2 said of c1 stayed on host2: host1's bridge still has c1 on its veth
            JsonNode fdb = Oracle.parse(Oracle.out(TwoHosts.overlayNs(w.run1, NET), "bridge", "-j", "fdb", "show",
                    "br", "ov-000100"));
            boolean onVeth = false;
            for (JsonNode e : fdb) {
                if (c1Mac.equals(e.path("mac").asText())) {
                    assertNotEquals(VX, e.path("ifname").asText(), "c1's MAC learnt behind the tunnel: " + fdb);
                    onVeth |= OverlayDriver.vethName(TwoHosts.id('1')).equals(e.path("ifname").asText());
                }
            }
            assertTrue(onVeth, "c1's MAC on its veth in host1's bridge: " + fdb);
        }
    }

    private static String neighState(TestSandbox sb, String ip) {
        JsonNode n = Oracle.ip(sb.ns(), ip.contains(":") ? "-6" : "-4", "neigh", "show", ip, "dev", "eth0").path(0);
        return n.path("state").path(0).asText("none");
    }

    /**
     * The directory as a remote store's watch may deliver it: once held, the changes wait, in
     * order, until released.
     */
    private static final class HeldDirectory extends ForwardingDirectory implements AutoCloseable {
        private final ExecutorService delivery = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "held-directory");
            t.setDaemon(true);
            return t;
        });
        private final CountDownLatch released = new CountDownLatch(1);
        private volatile boolean holding;

        HeldDirectory(PeerDirectory inner) {
            super(inner);
        }

        void hold() {
            holding = true;
        }

        void release() {
            released.countDown();
        }

        @Override
        public Subscription watch(String networkId, Listener listener) {
            return inner.watch(networkId, new Listener() {
                @Override
                public void snapshot(Set<Peer> peers) {
                    listener.snapshot(peers);
                }

                @Override
                public void added(Peer peer) {
                    deliver(() -> listener.added(peer));
                }

                @Override
                public void removed(Peer peer) {
                    deliver(() -> listener.removed(peer));
                }
            });
        }

        private void deliver(Runnable call) {
            if (!holding) {
                call.run();
                return;
            }
            try {
                delivery.execute(() -> {
                    try {
                        if (released.await(20, TimeUnit.SECONDS)) {
                            call.run();
                        }
                    } catch (InterruptedException closed) {
                        Thread.currentThread().interrupt();
                    }
                });
            } catch (RejectedExecutionException closed) {
                // the test is over
            }
        }

        @Override
        public void close() {
            delivery.shutdownNow();
        }
    }
}
