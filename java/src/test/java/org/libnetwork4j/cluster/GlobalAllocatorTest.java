package org.libnetwork4j.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.testing.EtcdLab;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;
import org.libnetwork4j.testing.TestNs;

/**
 * Addresses and VNIs of networks that span hosts, taken with etcd transactions: three hosts,
 * each a JVM of its own in its namespace, sixteen threads each, asking at once; checked with
 * what each was given and with etcdctl's view of the store. etcd 3.4 runs in a throwaway
 * namespace on the hosts' underlay.
 */
@ExtendWith(NetnsExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class GlobalAllocatorTest {

    /** Runs AllocatorMain on every host at once; returns every line they printed. */
    private static List<String> onEveryHost(EtcdLab lab, String... args) throws Exception {
        List<Process> ps = new ArrayList<>();
        for (int h = 0; h < lab.hosts().size(); h++) {
            List<String> all = new ArrayList<>(List.of(EtcdLab.ENDPOINT));
            all.addAll(List.of(args));
            ps.add(lab.java(h, AllocatorMain.class, all.toArray(String[]::new)));
        }
        List<String> lines = new ArrayList<>();
        try {
            for (Process p : ps) {
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(p.waitFor(150, TimeUnit.SECONDS), "a host did not finish");
                assertTrue(out.strip().endsWith("done"), out);
                lines.addAll(out.lines().filter(l -> !l.equals("done")).toList());
            }
        } finally {
            ps.forEach(Process::destroyForcibly);
        }
        return lines;
    }

    private static List<String> got(List<String> lines) {
        return lines.stream().filter(l -> l.startsWith("got ")).map(l -> l.substring(4)).toList();
    }

    @Test
    void threeHostsOfSixteenThreadsNeverShareAnAddressOrAVni(Namespaces ns) throws Exception {
        try (EtcdLab lab = EtcdLab.start(ns, 3)) {
            List<String> lines = onEveryHost(lab, "netA", "10.80.0.0/24", "16", "5", "address");
            List<String> addrs = got(lines);
            assertEquals(240, addrs.size(), "every request answered: " + lines.stream().filter(l -> !l.startsWith("got"))
                    .limit(5).toList());
            Set<String> distinct = new HashSet<>(addrs);
            assertEquals(240, distinct.size(), "no address twice");
            IpPrefix subnet = IpPrefix.parse("10.80.0.0/24");
            assertTrue(addrs.stream().map(IpAddresses::parse).allMatch(subnet::contains));
            assertTrue(!distinct.contains("10.80.0.0") && !distinct.contains("10.80.0.255"), "never the subnet's own");
            String keys = lab.etcdctl("get", "--prefix", "--keys-only", "/libnetwork4j/ipam/netA/").out();
            assertEquals(240, keys.lines().filter(l -> !l.isBlank()).count(), "etcd holds each, once");

            List<String> vnis = got(onEveryHost(lab, "net", "10.80.0.0/24", "16", "2", "vni"));
            assertEquals(96, vnis.size());
            assertEquals(96, new HashSet<>(vnis).size(), "no VNI twice");
            assertTrue(vnis.stream().mapToInt(Integer::parseInt).allMatch(v -> v >= 256 && v < 256 + 96 + 16),
                    "the lowest free ones: " + vnis);
        }
    }

    private static long delta(java.util.Map<String, Long> before, java.util.Map<String, Long> after, String method) {
        return after.getOrDefault(method, 0L) - before.getOrDefault(method, 0L);
    }

    /** Starts AllocatorMain steps on host h; its output, read a line at a time. */
    private static Process stepper(EtcdLab lab, int h, String network, int steps) throws Exception {
        return lab.java(h, AllocatorMain.class, EtcdLab.ENDPOINT, network, "10.84.0.0/24", "1",
                Integer.toString(steps), "steps");
    }

    /** One step of a stepper: the address it took. */
    private static String step(Process p, java.io.BufferedReader out) throws Exception {
        p.getOutputStream().write('\n');
        p.getOutputStream().flush();
        String got = out.readLine();
        assertTrue(got != null && got.startsWith("got "), "a step: " + got);
        assertEquals("step", out.readLine());
        return got.substring(4);
    }

    @Test
    void anAddressCostsOneTransactionAndAStaleBeliefOneMoreWithoutAListing(Namespaces ns) throws Exception {
        try (EtcdLab lab = EtcdLab.start(ns, 2)) {
            Process a = stepper(lab, 0, "netD", 3);
            Process b = stepper(lab, 1, "netD", 1);
            try {
                var aOut = new java.io.BufferedReader(new java.io.InputStreamReader(a.getInputStream(), StandardCharsets.UTF_8));
                var bOut = new java.io.BufferedReader(new java.io.InputStreamReader(b.getInputStream(), StandardCharsets.UTF_8));
                List<String> got = new ArrayList<>();
                got.add(step(a, aOut)); // A's first: it lists the network once, then claims
                var before = lab.requestsHandled();
                got.add(step(a, aOut)); // what A believes free is: one transaction
                var after = lab.requestsHandled();
                assertEquals(1, delta(before, after, "Txn"), "one transaction: " + before + " -> " + after);
                assertEquals(0, delta(before, after, "Range"), "no listing: " + before + " -> " + after);

                got.add(step(b, bOut)); // B takes the address A believes free
                before = lab.requestsHandled();
                got.add(step(a, aOut)); // A's claim loses, learns what is taken in that answer, claims again
                after = lab.requestsHandled();
                assertEquals(2, delta(before, after, "Txn"), "the lost claim and the next: " + before + " -> " + after);
                assertEquals(0, delta(before, after, "Range"), "the listing came with the lost claim: " + after);

                assertEquals(List.of("10.84.0.1", "10.84.0.2", "10.84.0.3"), got.subList(0, 3), "the lowest free");
                assertEquals(4, new HashSet<>(got).size(), "B's never given again: " + got);
                assertTrue(IpPrefix.parse("10.84.0.0/24").contains(IpAddresses.parse(got.get(3))), got.get(3));
                String keys = lab.etcdctl("get", "--prefix", "--keys-only", "/libnetwork4j/ipam/netD/").out();
                assertEquals(4, keys.lines().filter(l -> !l.isBlank()).count(), "etcd holds each, once: " + keys);
            } finally {
                a.destroyForcibly();
                b.destroyForcibly();
                a.waitFor(10, TimeUnit.SECONDS);
                b.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void onceEtcdIsFoundAwayTheNextCallsWaitHalfASecondNotTheWholeDeadline(Namespaces ns) throws Exception {
        try (EtcdLab lab = EtcdLab.start(ns, 1)) {
            Process a = stepper(lab, 0, "netE", 4);
            try {
                var out = new java.io.BufferedReader(new java.io.InputStreamReader(a.getInputStream(),
                        StandardCharsets.UTF_8));
                assertTrue(step(a, out).startsWith("10.84.0."), "etcd there");
                lab.stopEtcd();
                long[] ms = new long[3];
                for (int i = 0; i < 3; i++) {
                    long t0 = System.nanoTime();
                    p(a);
                    String l = out.readLine();
                    ms[i] = (System.nanoTime() - t0) / 1_000_000;
                    assertTrue(l.startsWith("error RetryableException: cluster store etcd http://192.168.77.100:2379"), l);
                    assertEquals("step", out.readLine());
                }
                assertTrue(ms[0] >= 4_000, "the first waits out the call's deadline: " + ms[0] + " ms");
                // half a second's wait, with a round trip to another JVM: well under the deadline
                assertTrue(ms[1] < 3_000 && ms[2] < 3_000, "the next ones do not: " + java.util.Arrays.toString(ms));
            } finally {
                a.destroyForcibly();
                a.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static void p(Process p) throws java.io.IOException {
        p.getOutputStream().write('\n');
        p.getOutputStream().flush();
    }

    @Test
    void sparesComeInTheAddresssTransactionAndOnlyWhereTheSubnetIsRoomy(Namespaces ns) throws Exception {
        try (EtcdLab lab = EtcdLab.start(ns, 1)) {
            var before = lab.requestsHandled();
            List<String> roomy = got(onEveryHost(lab, "netS", "10.85.0.0/22", "1", "8", "spares"));
            var after = lab.requestsHandled();
            assertEquals(List.of("10.85.0.1", "10.85.0.2", "10.85.0.3", "10.85.0.4", "10.85.0.5", "10.85.0.6",
                    "10.85.0.7", "10.85.0.8", "10.85.0.9"), roomy, "the owner's, then the next lowest as spares");
            assertEquals(1, delta(before, after, "Txn"), "one transaction: " + before + " -> " + after);
            String held = lab.etcdctl("get", "--prefix", "/libnetwork4j/ipam/netS/").out();
            List<String> lines = held.lines().filter(l -> !l.isBlank()).toList();
            assertEquals(18, lines.size(), held);
            assertEquals(List.of("/libnetwork4j/ipam/netS/10.85.0.1", "owner"), lines.subList(0, 2), held);
            for (int i = 2; i < lines.size(); i += 2) {
                assertEquals("owner spare", lines.get(i + 1), "a spare is marked as one: " + held);
            }

            // one spare for every 64 addresses believed free, less one: a /24 gives three, a /26
            // none
            assertEquals(List.of("10.86.0.1", "10.86.0.2", "10.86.0.3", "10.86.0.4"),
                    got(onEveryHost(lab, "netT", "10.86.0.0/24", "1", "8", "spares")));
            assertEquals(List.of("10.87.0.1"), got(onEveryHost(lab, "netU", "10.87.0.0/26", "1", "8", "spares")));
            assertEquals(1, lab.etcdctl("get", "--prefix", "--keys-only", "/libnetwork4j/ipam/netU/").out().lines()
                    .filter(l -> !l.isBlank()).count());
        }
    }

    @Test
    void aVniGivenToOneHostsNetworkIsRefusedToTheOthers(Namespaces ns) throws Exception {
        try (EtcdLab lab = EtcdLab.start(ns, 3)) {
            List<String> lines = onEveryHost(lab, "given", "10.83.0.0/24", "1", "1", "reserve");
            assertEquals(List.of("5000"), got(lines), "one network holds it: " + lines);
            assertEquals(2, lines.stream().filter(l -> l.startsWith("error ForbiddenException: VNI 5000")).count(),
                    lines.toString());
            assertEquals(1, lab.etcdctl("get", "--prefix", "--keys-only", "/libnetwork4j/vni/").out().lines()
                    .filter(l -> !l.isBlank()).count(), "etcd holds it once");
        }
    }

    @Test
    void anExhaustedSubnetIsATypedErrorOnEveryHost(Namespaces ns) throws Exception {
        try (EtcdLab lab = EtcdLab.start(ns, 3)) {
            List<String> lines = onEveryHost(lab, "netB", "10.81.0.0/29", "4", "1", "address");
            assertEquals(6, got(lines).size(), "a /29 has six: " + lines);
            assertEquals(6, new HashSet<>(got(lines)).size());
            assertEquals(6, lines.stream().filter(l -> l.startsWith("error PoolExhaustedException: no available address"))
                    .count(), lines.toString());
        }
    }

    @Test
    void withEtcdDownARequestFailsAtOnceWithARetryableErrorNamingTheStore(Namespaces ns) throws Exception {
        try (EtcdLab lab = EtcdLab.start(ns, 1)) {
            lab.stopEtcd();
            long t0 = System.nanoTime();
            List<String> lines = onEveryHost(lab, "netC", "10.82.0.0/24", "1", "1", "address");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(1, lines.size(), lines.toString());
            assertTrue(lines.get(0).startsWith("error RetryableException: cluster store etcd http://192.168.77.100:2379"),
                    lines.get(0));
            assertTrue(ms < 30_000, "within its deadlines, not hanging: " + ms + " ms");
        }
    }

    @Test
    void threeControllersOfSixteenThreadsEachCreateEndpointsOnOneOverlayNetwork(Namespaces ns) throws Exception {
        try (EtcdLab lab = EtcdLab.start(ns, 3)) {
            List<Process> ps = new ArrayList<>();
            List<String> lines = new ArrayList<>();
            try {
                for (int h = 1; h <= lab.hosts().size(); h++) {
                    TestNs host = lab.hosts().get(h - 1);
                    Path dir = ns.dir().resolve("c" + h);
                    ps.add(lab.java(h - 1, ClusterControllerMain.class, host.path().toString(),
                            dir.resolve("state").toString(), dir.resolve("run").toString(), EtcdLab.ENDPOINT,
                            "192.168.77." + h, "ovc", "16", "5"));
                }
                List<java.io.BufferedReader> outs = new ArrayList<>();
                for (Process p : ps) {
                    var r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                            StandardCharsets.UTF_8));
                    outs.add(r);
                    for (String l = r.readLine(); l != null && !l.equals("created"); l = r.readLine()) {
                        lines.add(l);
                    }
                }
                for (Process p : ps) { // every host has made its endpoints: now they go
                    p.getOutputStream().write('\n');
                    p.getOutputStream().flush();
                }
                for (int i = 0; i < ps.size(); i++) {
                    String rest = outs.get(i).lines().reduce("", (x, y) -> x + y + "\n");
                    assertTrue(ps.get(i).waitFor(150, TimeUnit.SECONDS), "a host did not finish");
                    assertTrue(rest.strip().endsWith("done"), rest);
                }
            } finally {
                ps.forEach(Process::destroyForcibly);
            }
            List<String> addrs = got(lines);
            assertEquals(240, addrs.size(), "every endpoint made: " + lines.stream().filter(l -> l.startsWith("error"))
                    .limit(5).toList());
            java.util.Map<String, Long> count = addrs.stream().collect(java.util.stream.Collectors.groupingBy(x -> x,
                    java.util.stream.Collectors.counting()));
            assertEquals(240, new HashSet<>(addrs).size(), () -> "no address twice across the three controllers: "
                    + count.entrySet().stream().filter(e -> e.getValue() > 1).limit(10).toList());
            assertTrue(!addrs.contains("10.94.0.1"), "never the gateway");
            // every endpoint's address given back when it was deleted; the gateway stays, and
            // what each host took ahead as spares (marked so: the network's delete takes them)
            List<String> held = lab.etcdctl("get", "--prefix", "/libnetwork4j/ipam/").out().lines()
                    .filter(l -> !l.isBlank()).toList();
            List<String> holders = new ArrayList<>();
            for (int i = 1; i < held.size(); i += 2) {
                holders.add(held.get(i));
            }
            assertEquals(1, holders.stream().filter(x -> x.equals("gateway")).count(), held.toString());
            assertTrue(holders.stream().allMatch(x -> x.equals("gateway") || x.matches("host 192\\.168\\.77\\.[123] spare")),
                    "no endpoint's address is left: " + held);
            assertTrue(holders.size() - 1 <= 3 * 8, "at most 8 spares a host: " + held);
        }
    }
}
