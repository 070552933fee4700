package org.libnetwork4j.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.Endpoint;
import org.libnetwork4j.EndpointInfo;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.NetworkOptions;
import org.libnetwork4j.RecoveryReport;
import org.libnetwork4j.Sandbox;
import org.libnetwork4j.testing.ControllerProcess;
import org.libnetwork4j.testing.Eventually;
import org.libnetwork4j.testing.HostState;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;
import org.libnetwork4j.testing.NsRef;
import org.libnetwork4j.testing.Oracle;
import org.libnetwork4j.testing.StateDb;

/**
 * A controller in another JVM is killed with SIGKILL at random points while it creates 100
 * endpoints (sandbox, endpoint, join; every fifth with a published port) from 8 threads, and
 * again while it deletes them. After each kill a controller reopened on the same state
 * directory must find every endpoint fully there or fully gone, and the kernel holding exactly
 * what the survivors need: no stray veth, namespace, mount, rule or address. 100 more endpoints
 * must then get addresses distinct from the survivors'.
 */
@ExtendWith(NetnsExtension.class)
class CrashTest {
    static final int ENDPOINTS = 100;
    static final int THREADS = 8;
    /** Kill points: half during creations, half during deletions. */
    static final int KILLS = Integer.getInteger("lnw.crash.kills", 24);

    @Test
    @Timeout(600)
    void killedAnywhereLeavesNothingHalfMade(Namespaces ns) throws Exception {
        long seed = Long.getLong("lnw.crash.seed", System.nanoTime());
        Random rnd = new Random(seed);
        Path state = ns.dir().resolve("state");
        Path run = ns.dir().resolve("run");
        try (NetworkController c = ns.controller()) {
            c.newNetwork("bridge", "kn", NetworkOptions.builder().subnet("10.46.0.0/20").build());
        }
        HostState empty = HostState.of(ns.host(), run);
        int rolledBack = 0;
        int finished = 0;
        int survivors = 0;
        int orphans = 0;
        for (int k = 0; k < KILLS; k++) {
            boolean creating = k % 2 == 0;
            int base = k * 1000;
            if (!creating) {
                try (NetworkController c = ns.controller()) {
                    createMany(c, base, ENDPOINTS);
                }
            }
            // kill after a random number of finished operations, then a random few microseconds
            int after = rnd.nextInt(ENDPOINTS);
            Process p = creating
                    ? ControllerProcess.start(ns.host().path(), state, run, "create", "kn", Integer.toString(base),
                            Integer.toString(ENDPOINTS), Integer.toString(THREADS))
                    : ControllerProcess.start(ns.host().path(), state, run, "delete", Integer.toString(THREADS));
            try {
                waitFor(p, after);
                Thread.sleep(0, rnd.nextInt(999_999));
            } finally {
                p.destroyForcibly();
                p.waitFor();
            }
            ControllerProcess.assertKilledOrDone(p, state, "kill " + k);

            String where = "kill " + k + " (" + (creating ? "creating" : "deleting") + " after " + after + ", seed "
                    + seed + ")";
            try (NetworkController c = ns.controller()) {
                RecoveryReport r = c.recoveryReport();
                rolledBack += r.rolledBack().size();
                finished += r.finished().size();
                orphans += r.orphans().size();
                if (Boolean.getBoolean("lnw.crash.verbose")) {
                    System.out.println("kill " + k + ": " + r);
                }
                assertEquals(List.of(), r.quarantined(), "kill " + k);
                assertEquals(List.of(), r.warnings(), "kill " + k);
                Network n = c.networkByName("kn");
                survivors += n.endpoints().size();
                checkConsistent(ns, c, n, run, where + ": " + r);
                // 100 more get addresses distinct from the survivors' and from each other
                Set<String> before = addresses(n);
                List<Endpoint> more = createMany(c, base + 500, ENDPOINTS);
                Set<String> all = new HashSet<>(before);
                for (Endpoint e : more) {
                    assertTrue(all.add(e.info().ipv4().toString()), "address " + e.info().ipv4() + " given twice");
                }
                checkConsistent(ns, c, n, run, "kill " + k + " then 100 more");
                // clean slate for the next kill point: delete everything through the API
                for (Sandbox s : c.sandboxes()) {
                    s.delete();
                }
                for (Endpoint e : n.endpoints()) {
                    e.delete(false);
                }
            } catch (RuntimeException e) {
                // with its seed (-Dlnw.crash.seed) the same kill points come again
                throw new AssertionError(where + ": " + e, e);
            }
            // the kernel removes a deleted namespace's veth pairs asynchronously: give it time
            assertEquals(empty, Eventually.settled(() -> HostState.of(ns.host(), run), empty), "kill " + k + ": after deleting everything");
        }
        System.out.printf("crash test: %d kill points (seed %d), %d endpoints survived in all, %d interrupted"
                + " operations undone, %d finished, %d orphans removed; nothing leaked%n",
                KILLS, seed, survivors, rolledBack, finished, orphans);
    }

    /**
     * A join returns before its record is written (the kernel carries it): killed right then,
     * with the deferred write held back for the test, the join comes back from the kernel,
     * whole. A leave killed before its record, after the join's was written, stays a leave.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    @Timeout(120)
    void aJoinOrLeaveKilledBeforeItsRecordIsKept(boolean leave, Namespaces ns) throws Exception {
        Path state = ns.dir().resolve("state");
        Path run = ns.dir().resolve("run");
        try (NetworkController c = ns.controller()) {
            c.newNetwork("bridge", "kn", NetworkOptions.builder().subnet("10.47.0.0/24").build());
        }
        HostState empty = HostState.of(ns.host(), run);
        List<String> jvm = leave ? List.of("-Dlnw.store.deferredFlushMillis=3600000", "-Dlnw.store.journalLimit=0")
                : List.of("-Dlnw.store.deferredFlushMillis=3600000");
        Process p = ControllerProcess.start(jvm, ns.host().path(), state, run, "join", "kn", Boolean.toString(leave));
        killAfter(p, "joined", state);
        if (!leave) {
            // the sandbox's and the endpoint's records were put, durable when the calls
            // returned, but only in the journal: the transactions that would store them were
            // held back, so the next controller must read them from there
            assertTrue(Files.size(state.resolve("state.journal")) > 0, "the journal holds the records");
            assertEquals(0, StateDb.rows(state, "ENDPOINT") + StateDb.rows(state, "SANDBOX"), "rows in state.db");
        }
        try (NetworkController c = ns.controller()) {
            RecoveryReport r = c.recoveryReport();
            Network n = c.networkByName("kn");
            Endpoint e0 = n.endpointByName("e0");
            Sandbox k0 = c.sandboxByContainerId("k0");
            if (leave) {
                assertEquals(List.of("join of endpoint e0 of network kn: its interface is gone"), r.dropped(),
                        r.toString());
                assertEquals(null, e0.info().sandboxId());
                assertTrue(k0.endpoints().isEmpty());
            } else {
                assertTrue(r.clean(), r.toString());
                assertEquals(k0.id(), e0.info().sandboxId());
                assertEquals("eth0", e0.info().interfaceName());
                assertEquals(e0, k0.gatewayEndpoint().orElseThrow());
                String alias = Oracle.link(ns.host(), "veth" + e0.id().substring(0, 7)).orElseThrow()
                        .path("ifalias").asText();
                assertEquals("lnw4j endpoint=" + e0.id() + " sandbox=" + k0.id() + " priority=0", alias);
                assertTrue(Oracle.ping(NsRef.of(k0), "10.47.0.1"), "the join works as it did");
            }
            checkConsistent(ns, c, n, run, leave ? "leave" : "join");
            k0.delete();
            for (Endpoint e : n.endpoints()) {
                e.delete();
            }
        }
        assertEquals(empty, Eventually.settled(() -> HostState.of(ns.host(), run), empty));
    }

    /**
     * A network delete returns before the kernel has removed its bridge (that runs in the
     * background); killed right then, the next controller finishes it: no bridge is left, and
     * the name and subnet are free.
     */
    @Test
    @Timeout(120)
    void aNetworkDeleteKilledBeforeItsBridgeIsGoneIsFinished(Namespaces ns) throws Exception {
        Path state = ns.dir().resolve("state");
        Path run = ns.dir().resolve("run");
        HostState empty = HostState.of(ns.host(), run);
        try (NetworkController c = ns.controller()) {
            c.newNetwork("bridge", "kn", NetworkOptions.builder().subnet("10.45.0.0/24")
                    .option("com.docker.network.bridge.name", "lnwt-kbr").build());
        }
        Process p = ControllerProcess.start(ns.host().path(), state, run, "drop", "kn");
        killAfter(p, "dropped", state);
        try (NetworkController c = ns.controller()) {
            assertTrue(c.networks().isEmpty());
            assertTrue(Oracle.link(ns.host(), "lnwt-kbr").isEmpty(), "a restart finishes the delete");
            assertEquals(empty, HostState.of(ns.host(), run));
            c.newNetwork("bridge", "kn", NetworkOptions.builder().subnet("10.45.0.0/24")
                    .option("com.docker.network.bridge.name", "lnwt-kbr").build()).delete();
        }
        assertEquals(empty, Eventually.settled(() -> HostState.of(ns.host(), run), empty));
    }

    private static List<Endpoint> createMany(NetworkController c, int base, int count) {
        Network n = c.networkByName("kn");
        List<Endpoint> made = new ArrayList<>();
        for (int i = base; i < base + count; i++) {
            Sandbox sb = c.newSandbox("k" + i);
            Endpoint e = n.createEndpoint("e" + i, i % 5 == 0
                    ? org.libnetwork4j.EndpointOptions.builder().publish("80").build()
                    : org.libnetwork4j.EndpointOptions.defaults());
            e.join(sb);
            made.add(e);
        }
        return made;
    }

    /** Kills the child (SIGKILL) the moment it has said line, after its "ready". */
    private static void killAfter(Process p, String line, Path state) throws Exception {
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String ready = out.readLine();
            assertTrue(ready != null && ready.startsWith("ready"), "child said " + ready);
            assertEquals(line, out.readLine());
        } finally {
            p.destroyForcibly();
            p.waitFor();
        }
        ControllerProcess.assertKilledOrDone(p, state, line);
    }

    /** Reads the child's lines until `after` operations are done (or it finished). */
    private static void waitFor(Process p, int after) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String ready = out.readLine();
        assertTrue(ready != null && ready.startsWith("ready"), "child said " + ready);
        int done = 0;
        for (String line = out.readLine(); line != null && done < after; line = out.readLine()) {
            if (line.equals("done")) {
                return;
            }
            done++;
        }
    }

    private static Set<String> veths(Namespaces ns, String bridge, String what) {
        Set<String> veths = new TreeSet<>();
        for (var l : Oracle.ip(ns.host(), "link", "show")) {
            if (l.path("ifname").asText().startsWith("veth")) {
                assertEquals(bridge, l.path("master").asText(), what + ": " + l.path("ifname").asText());
                veths.add(l.path("ifname").asText());
            }
        }
        return veths;
    }

    private static Set<String> addresses(Network n) {
        Set<String> s = new HashSet<>();
        for (Endpoint e : n.endpoints()) {
            assertTrue(s.add(e.info().ipv4().toString()), "two endpoints hold " + e.info().ipv4());
        }
        return s;
    }

    /**
     * Every endpoint fully there (joined: its veth on the bridge, its address on its interface
     * in its sandbox, and, if it publishes, its DNAT element; not joined: no veth) and nothing
     * else: no other veth, namespace file, mount, sandbox directory, or rule owner.
     */
    static void checkConsistent(Namespaces ns, NetworkController c, Network n, Path run, String what) {
        String bridge = "br-" + n.id().substring(0, 12);
        Set<String> expectedVeths = new TreeSet<>();
        Set<String> owners = new TreeSet<>();
        owners.add("network " + n.id());
        for (Endpoint e : n.endpoints()) {
            EndpointInfo info = e.info();
            if (info.sandboxId() == null) {
                continue;
            }
            expectedVeths.add("veth" + e.id().substring(0, 7));
            Sandbox sb = c.sandboxById(info.sandboxId());
            assertTrue(Oracle.addrs(NsRef.of(sb), info.interfaceName(), "inet").contains(info.ipv4().toString()),
                    what + ": " + e.name() + " has no " + info.ipv4() + " on " + info.interfaceName());
            if (!info.ports().isEmpty()) {
                owners.add("endpoint " + e.id());
            }
        }
        // pairs of namespaces deleted just before are removed by the kernel asynchronously
        assertEquals(expectedVeths, Eventually.settled(() -> veths(ns, bridge, what), expectedVeths), what + ": veths");
        HostState s = HostState.of(ns.host(), run);
        Set<String> keys = new TreeSet<>();
        Set<String> ids = new TreeSet<>();
        for (Sandbox sb : c.sandboxes()) {
            keys.add(Path.of(sb.key()).getFileName().toString());
            ids.add(sb.id());
        }
        assertEquals(keys, new TreeSet<>(s.namespaceFiles()), what + ": namespace files");
        assertEquals(keys.stream().map(k -> "netns/" + k).toList(), s.mounts(), what + ": mounts");
        assertEquals(ids, new TreeSet<>(s.sandboxDirs()), what + ": sandbox directories");
        assertEquals(owners, new TreeSet<>(s.ruleOwners()), what + ": nftables elements");
    }
}
