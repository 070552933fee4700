package org.libnetwork4j.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.libnetwork4j.testing.World.HOST_ON_REMOTE_LINK;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.ControllerConfig;
import org.libnetwork4j.Endpoint;
import org.libnetwork4j.EndpointOptions;
import org.libnetwork4j.ForbiddenException;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.NetworkOptions;
import org.libnetwork4j.RecoveryReport;
import org.libnetwork4j.Sandbox;
import org.libnetwork4j.SandboxOptions;
import org.libnetwork4j.kernel.Netns;
import org.libnetwork4j.testing.ControllerProcess;
import org.libnetwork4j.testing.HostState;
import org.libnetwork4j.testing.Eventually;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;
import org.libnetwork4j.testing.NsRef;
import org.libnetwork4j.testing.Oracle;
import org.libnetwork4j.testing.Traffic;
import org.libnetwork4j.testing.World;

/** The store and recovery, against the kernel: close and reopen, restarts, a reboot, corruption. */
@ExtendWith(NetnsExtension.class)
class PersistenceTest {

    static NetworkController reopen(Namespaces ns) {
        return ns.controller();
    }

    static Path runDir(Namespaces ns) {
        return ns.dir().resolve("run");
    }

    /**
     * After a clean close, a sandbox's resolv.conf is taken as written unless what it derives
     * from changed: the host's resolv.conf (then it follows it), or whether a resolver serves.
     */
    @Test
    void resolvConfFollowsTheHostsAcrossCleanRestarts(Namespaces ns) throws Exception {
        Path hostConf = ns.fakeResolvConf("192.0.2.53");
        java.nio.file.Files.writeString(hostConf, "nameserver 192.0.2.53\nsearch a.test\n");
        ControllerConfig.Builder config = ControllerConfig.builder().hostResolvConf(hostConf);
        NetworkController c = ns.controller(config);
        c.newNetwork("bridge", "n1", NetworkOptions.builder().subnet("10.61.0.0/24").build())
                .createEndpoint("e").join("c1");
        Path rc = c.sandboxByContainerId("c1").resolvConfPath();
        assertEquals("nameserver 10.61.0.1\nsearch a.test\noptions ndots:0\n", java.nio.file.Files.readString(rc));
        c.close();

        // the same host file: not read back (an edit made while no controller ran stays)
        java.nio.file.Files.writeString(rc, "# edited\n", java.nio.file.StandardOpenOption.APPEND);
        c = ns.controller(config);
        assertTrue(java.nio.file.Files.readString(rc).endsWith("# edited\n"));
        c.close();

        // the host's changed: the sandbox's follows
        java.nio.file.Files.writeString(hostConf, "nameserver 192.0.2.53\nsearch b.test\n");
        c = ns.controller(config);
        assertEquals("nameserver 10.61.0.1\nsearch b.test\noptions ndots:0\n", java.nio.file.Files.readString(rc));
        c.close();

        // a controller without a resolver leaves it; the next one with a resolver checks it again
        java.nio.file.Files.writeString(rc, "nameserver 192.0.2.53\n");
        c = ns.controller(ControllerConfig.builder().hostResolvConf(hostConf).embeddedDns(false));
        assertEquals("nameserver 192.0.2.53\n", java.nio.file.Files.readString(rc));
        c.close();
        c = ns.controller(config);
        assertEquals("nameserver 10.61.0.1\nsearch b.test\noptions ndots:0\n", java.nio.file.Files.readString(rc));
    }

    @Test
    void closeAndReopenGivesTheSameObjectsLive(Namespaces ns) {
        World w = World.of(ns);
        NetworkController c = ns.controller();
        Network n = c.newNetwork("bridge", "n1", NetworkOptions.builder().subnet("10.40.0.0/24").enableIpv6(true)
                .subnet("fd40::/64").option("com.docker.network.bridge.name", "lnwt-br40").label("team", "a").build());
        Network quiet = c.newNetwork("bridge", "quiet", NetworkOptions.builder().subnet("10.41.0.0/24")
                .option("com.docker.network.bridge.enable_icc", "false").build());
        Endpoint web = n.createEndpoint("web", EndpointOptions.builder().publish("80").build());
        Sandbox a = web.join("a", org.libnetwork4j.JoinOptions.hostname("a"));
        Endpoint db = n.createEndpoint("db");
        Sandbox b = db.join("b");
        quiet.createEndpoint("q").join(b);
        Endpoint spare = n.createEndpoint("spare");
        Traffic.tcpServer(ns, NsRef.of(a), null, 80, "web");
        int hostPort = web.info().ports().get(0).hostPort();
        String info = web.info().toString();
        HostState before = HostState.of(ns.host(), runDir(ns));
        c.close();

        NetworkController c2 = reopen(ns);
        RecoveryReport r = c2.recoveryReport();
        assertTrue(r.clean(), r.toString());
        assertEquals(List.of("network n1", "network quiet", "sandbox of container a", "sandbox of container b"),
                r.restored().stream().sorted().toList());
        assertEquals(before, HostState.of(ns.host(), runDir(ns)), "nothing in the kernel changed");
        Network n2 = c2.networkByName("n1");
        assertEquals(n.id(), n2.id());
        assertEquals(n.info().ipam().toString(), n2.info().ipam().toString());
        assertEquals(n.info().created(), n2.info().created());
        assertEquals(n.info().labels(), n2.info().labels());
        assertEquals(info, n2.endpointByName("web").info().toString(), "same address, MAC, sandbox, host port");
        assertEquals(List.of("db", "q"), c2.sandboxByContainerId("b").endpoints().stream().map(Endpoint::name).sorted().toList());
        w.assertRemoteGets("web", hostPort, "its port still works");
        // new work after the restart: the next address is fresh, the taken ones stay taken
        Endpoint more = n2.createEndpoint("more");
        assertFalse(List.of(web, db, spare).stream().anyMatch(e -> e.info().ipv4().equals(more.info().ipv4())));
        // and everything can be deleted through the new controller
        for (Sandbox s : c2.sandboxes()) {
            s.delete();
        }
        n2.endpointByName("spare").delete(false);
        more.delete(false);
        n2.delete();
        c2.networkByName("quiet").delete();
        assertEquals(java.util.Optional.empty(),
                Eventually.settled(() -> Oracle.link(ns.host(), "lnwt-br40"), java.util.Optional.empty()));
        assertEquals(List.of(), HostState.of(ns.host(), runDir(ns)).namespaceFiles());
    }

    @Test
    void trafficKeepsFlowingAcrossARestart(Namespaces ns) throws Exception {
        World w = World.of(ns);
        NetworkController c = ns.controller();
        Network n = c.newNetwork("bridge", "n1", NetworkOptions.builder().subnet("10.42.0.0/24").build());
        Sandbox a = n.createEndpoint("web", EndpointOptions.builder().publish("8080:80").build()).join("a");
        Sandbox b = n.createEndpoint("b").join("b");
        Traffic.echoServer(ns, NsRef.of(a), 80);
        try (var outside = Traffic.session(ns, w.remote, HOST_ON_REMOTE_LINK, 8080);
                var inside = Traffic.session(ns, NsRef.of(b), "10.42.0.2", 80)) {
            assertEquals("hello", outside.roundTrip("hello"));
            assertEquals("hello", inside.roundTrip("hello"));
            // new connections to the published port, back to back, all through the restart
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger ok = new AtomicInteger();
            List<String> lost = new java.util.concurrent.CopyOnWriteArrayList<>();
            CompletableFuture<Void> prober = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 2000 && !stop.get(); i++) {
                    var got = Traffic.tcp(w.remote, HOST_ON_REMOTE_LINK, 8080);
                    if (got.isPresent()) {
                        ok.incrementAndGet();
                    } else {
                        lost.add("connection " + i + ": " + Traffic.lastClientError());
                    }
                }
            });
            Thread.sleep(300);
            long t0 = System.nanoTime();
            c.close();
            NetworkController c2 = reopen(ns);
            long restartMs = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(c2.recoveryReport().clean(), c2.recoveryReport().toString());
            Thread.sleep(300);
            stop.set(true);
            prober.get(30, TimeUnit.SECONDS);
            System.out.printf("restart took %d ms; %d connections made across it, %d lost%n", restartMs, ok.get(), lost.size());
            assertEquals(List.of(), lost, "no connection lost across the restart");
            assertTrue(ok.get() >= 5, "the prober made " + ok.get() + " connections");
            // the open connections were not disturbed either
            assertEquals("after", outside.roundTrip("after"));
            assertEquals("after", inside.roundTrip("after"));
        }
    }

    @Test
    void aRebootDropsWhatTheKernelLostAndFreesItsAddresses(Namespaces ns) {
        NetworkController c = ns.controller();
        Network n = c.newNetwork("bridge", "n1", NetworkOptions.builder().subnet("10.43.0.0/24").build());
        List<String> first = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Endpoint e = n.createEndpoint("e" + i, i == 0 ? EndpointOptions.builder().publish("8080:80").build()
                    : EndpointOptions.defaults());
            e.join("c" + i);
            first.add(e.info().ipv4().toString());
        }
        Endpoint unjoined = n.createEndpoint("kept");
        String bridge = "br-" + n.id().substring(0, 12);
        c.close();

        // the reboot: every namespace, link and rule of the fake host gone; the store kept
        for (String f : HostState.of(ns.host(), runDir(ns)).namespaceFiles()) {
            Netns.delete(runDir(ns).resolve("netns").resolve(f));
        }
        Oracle.out(ns.host(), "ip", "link", "del", bridge);
        Oracle.out(ns.host(), "nft", "flush", "ruleset");

        NetworkController c2 = reopen(ns);
        RecoveryReport r = c2.recoveryReport();
        assertEquals(5, r.dropped().stream().filter(d -> d.startsWith("sandbox of container c")).count(), r.toString());
        assertEquals(5, r.dropped().stream().filter(d -> d.startsWith("endpoint e")).count(), r.toString());
        assertEquals(List.of(), c2.sandboxes());
        Network n2 = c2.networkByName("n1");
        assertEquals(List.of("kept"), n2.endpoints().stream().map(Endpoint::name).toList());
        assertEquals(unjoined.info().ipv4(), n2.endpointByName("kept").info().ipv4());
        // the bridge is back with its gateway, and the addresses of the dropped endpoints are free
        assertTrue(Oracle.addrs(ns.host(), bridge, "inet").contains("10.43.0.1/24"));
        List<String> again = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Endpoint e = n2.createEndpoint("again" + i, i == 0 ? EndpointOptions.builder().publish("8080:80").build()
                    : EndpointOptions.defaults());
            e.join("d" + i);
            again.add(e.info().ipv4().toString());
        }
        assertEquals(first, again, "the same addresses, lowest first, and the same host port");
        HostState s = HostState.of(ns.host(), runDir(ns));
        assertEquals(5, s.namespaceFiles().size());
        assertFalse(s.ruleOwners().stream().anyMatch(o -> first.stream().anyMatch(o::contains)));
    }

    @Test
    void oneWriterAtATimeAcrossProcesses(Namespaces ns) throws Exception {
        ns.controller().close(); // state and run directories exist, the fake host too
        Path state = ns.dir().resolve("state");
        Process holder = ControllerProcess.start(ns.host().path(), state, runDir(ns), "hold");
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            String ready = out.readLine();
            assertEquals("ready " + holder.pid(), ready);
            long t0 = System.nanoTime();
            var e = assertThrows(ForbiddenException.class, () -> ns.controller());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 1000, "failed after " + ms + " ms");
            assertTrue(e.getMessage().contains("in use by process " + holder.pid()), e.getMessage());

            // a waiting controller gets in as soon as the holder closes
            CompletableFuture<NetworkController> waiter = CompletableFuture.supplyAsync(
                    () -> ns.controller(ControllerConfig.builder().lockWait(Duration.ofSeconds(20))));
            Thread.sleep(200);
            assertFalse(waiter.isDone());
            holder.getOutputStream().close();
            NetworkController c = waiter.get(20, TimeUnit.SECONDS);
            assertEquals(0, holder.waitFor());
            c.close();

            // a holder killed with -9 releases at once
            Process victim = ControllerProcess.start(ns.host().path(), state, runDir(ns), "hold");
            try {
                assertTrue(new BufferedReader(new InputStreamReader(victim.getInputStream(), StandardCharsets.UTF_8))
                        .readLine().startsWith("ready"));
                victim.destroyForcibly().waitFor();
                // no wait for the lock (lockWait is zero here): were it still held, the open
                // would fail at once with ForbiddenException
                ns.controller().close();
            } finally {
                victim.destroyForcibly();
            }
        } finally {
            holder.destroyForcibly();
        }
    }

    @Test
    void anUnreadableRecordIsQuarantinedAndItsAddressStaysTaken(Namespaces ns) throws Exception {
        NetworkController c = ns.controller();
        Network n = c.newNetwork("bridge", "n1", NetworkOptions.builder().subnet("10.44.0.0/29").build());
        Endpoint a = n.createEndpoint("a");
        Sandbox sa = a.join("ca");
        Endpoint b = n.createEndpoint("b");
        String taken = a.info().ipv4().address().getHostAddress();
        c.close();
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + ns.dir().resolve("state/state.db"));
                Statement st = db.createStatement()) {
            assertEquals(1, st.executeUpdate("UPDATE objects SET doc = substr(doc, 1, 30) WHERE id = '" + a.id() + "'"));
        }
        NetworkController c2 = reopen(ns);
        RecoveryReport r = c2.recoveryReport();
        assertEquals(1, r.quarantined().size(), r.toString());
        assertTrue(r.quarantined().get(0).startsWith("endpoint " + a.id()), r.quarantined().toString());
        Network n2 = c2.networkByName("n1");
        assertEquals(List.of("b"), n2.endpoints().stream().map(Endpoint::name).toList());
        // its interface is not taken for an orphan, and its address is not handed out again
        assertTrue(Oracle.link(ns.host(), "veth" + a.id().substring(0, 7)).isPresent());
        assertTrue(Oracle.addrs(NsRef.of(Path.of(sa.key())), "eth0", "inet").contains(taken + "/29"));
        List<String> given = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            given.add(n2.createEndpoint("x" + i).info().ipv4().address().getHostAddress());
        }
        assertFalse(given.contains(taken), given + " reuses " + taken);
        assertFalse(given.contains(b.info().ipv4().address().getHostAddress()));
        // the /29 has .2-.6: a and b hold two, x0-x2 three: it is full, and says so
        assertThrows(org.libnetwork4j.PoolExhaustedException.class, () -> n2.createEndpoint("x3"));
    }

    @Test
    void aHostNamespaceSandboxAndSandboxOptionsComeBack(Namespaces ns) {
        NetworkController c = ns.controller();
        Sandbox s = c.newSandbox("web", SandboxOptions.builder().hostname("web").domainname("example.org")
                .dns("192.0.2.53").extraHost("db", "192.0.2.10").build());
        String hosts = Oracle.out(ns.host(), "cat", s.hostsPath().toString());
        c.close();
        NetworkController c2 = reopen(ns);
        Sandbox s2 = c2.sandboxByContainerId("web");
        assertEquals(s.id(), s2.id());
        assertEquals("web", s2.hostname());
        assertEquals(hosts, Oracle.out(ns.host(), "cat", s2.hostsPath().toString()));
        assertTrue(Oracle.out(ns.host(), "cat", s2.resolvConfPath().toString()).contains("nameserver 192.0.2.53"));
    }
}
