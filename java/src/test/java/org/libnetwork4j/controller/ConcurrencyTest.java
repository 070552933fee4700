package org.libnetwork4j.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.Endpoint;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkOptions;
import org.libnetwork4j.Sandbox;
import org.libnetwork4j.kernel.Netns;
import org.libnetwork4j.kernel.NsId;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;
import org.libnetwork4j.testing.NsRef;
import org.libnetwork4j.testing.Oracle;

/**
 * 32 threads create, join, leave and delete endpoints on three shared networks at once: no
 * address is ever held twice, nothing leaks, and no JVM thread ends up in another namespace.
 */
@ExtendWith(NetnsExtension.class)
class ConcurrencyTest {
    private static final int THREADS = 32;
    private static final int ROUNDS = 8;

    @Test
    void thirtyTwoThreadsOnSharedNetworks(Namespaces ns) throws Exception {
        DefaultController c = (DefaultController) ns.controller();
        List<Network> nets = List.of(
                c.newNetwork("bridge", "s0", NetworkOptions.builder().subnet("10.60.0.0/20").build()),
                c.newNetwork("bridge", "s1", NetworkOptions.builder().subnet("10.61.0.0/20").build()),
                c.newNetwork("bridge", "s2", NetworkOptions.builder().subnet("10.62.0.0/20").build()));
        NsId jvm = Netns.currentThreadId();
        Set<String> held = ConcurrentHashMap.newKeySet();
        CyclicBarrier start = new CyclicBarrier(THREADS);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<Integer>> fs = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int me = t;
                fs.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    int checked = 0;
                    for (int r = 0; r < ROUNDS; r++) {
                        Network n = nets.get((me + r) % nets.size());
                        Endpoint a = n.createEndpoint("t" + me + "r" + r + "a");
                        Endpoint b = nets.get((me + r + 1) % nets.size()).createEndpoint("t" + me + "r" + r + "b");
                        for (Endpoint e : List.of(a, b)) {
                            String ip = e.info().ipv4().address().getHostAddress();
                            assertTrue(held.add(ip), "address handed out twice: " + ip);
                        }
                        Sandbox sb = c.newSandbox("t" + me + "r" + r);
                        a.join(sb);
                        b.join(sb);
                        if (r % 4 == 0) {
                            // the independent view, now and then: the addresses are really there
                            var addrs = Oracle.addrs(NsRef.of(sb), "eth0", "inet");
                            assertEquals(List.of(a.info().ipv4().toString()), addrs);
                            checked++;
                        }
                        for (Endpoint e : List.of(a, b)) {
                            held.remove(e.info().ipv4().address().getHostAddress());
                        }
                        if (r % 2 == 0) {
                            b.leave(sb);     // the slow path: a synchronous veth delete
                            b.delete();
                            sb.delete();     // takes a along
                        } else {
                            sb.delete();     // the fast path: both go with the namespace
                        }
                        assertEquals(jvm, Netns.currentThreadId(), "a JVM thread changed namespace");
                    }
                    return checked;
                }));
            }
            int checked = 0;
            for (Future<Integer> f : fs) {
                checked += f.get(120, TimeUnit.SECONDS);
            }
            assertEquals(THREADS * ROUNDS / 4, checked);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(jvm, Netns.currentThreadId());
        for (Network n : nets) {
            assertTrue(n.endpoints().isEmpty(), n + " still has endpoints");
        }
        assertTrue(c.sandboxes().isEmpty());
        try (var left = Files.list(ns.dir().resolve("run").resolve("netns"))) {
            assertEquals(0, left.count(), "sandbox namespaces left");
        }
        for (Network n : nets) {
            var sub = n.info().ipam().get(0).subnet().toString();
            assertEquals(1, c.ipam().allocated("LocalDefault/" + sub), "only the gateway of " + sub);
        }
        // the kernel removes pairs of deleted namespaces asynchronously: give it a moment
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (Oracle.linkNames(ns.host()).size() > 4 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(4, Oracle.linkNames(ns.host()).size(), "lo and the three bridges: " + Oracle.linkNames(ns.host()));
    }
}
