package org.libnetwork4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.testing.EtcdLab;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;
import org.libnetwork4j.testing.NsRef;
import org.libnetwork4j.testing.Oracle;
import org.libnetwork4j.testing.TestNs;

/**
 * An overlay network across three hosts: each host a fake host namespace on an underlay
 * bridge, its controller an {@code lnw daemon --cluster-store etcd://... --advertise-addr ...}
 * in a JVM of its own, etcd 3.4 in a namespace of its own on the underlay. The network made on
 * h1 appears on h2 and h3; containers on each reach each other by ping and TCP over VXLAN; the
 * peer tables (ip neigh, bridge fdb in each host's overlay namespace) hold exactly the remote
 * endpoints; a host killed with kill -9 drops out of the others' tables within its lease's
 * time to live and comes back when restarted; a delete refused while another host has
 * endpoints, and carried to every host once none has.
 */
@ExtendWith(NetnsExtension.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class OverlayClusterTest {
    // keep-alives every TTL/3 s: a daemon starved of CPU for TTL s on a loaded 2-core machine
    // would lose its lease, and publish again under a new one (more etcd requests than a test
    // counts, its peers gone a moment); 5 s, where 3 left 2 s of starvation
    private static final int TTL = 5;

    private Path repo;
    private Namespaces ns;
    private EtcdLab lab;
    private final Map<String, Process> daemons = new HashMap<>();

    /** The daemons (SIGTERM, then SIGKILL), then etcd: also after a failure. */
    @AfterEach
    void stopAll() throws InterruptedException {
        for (Process p : daemons.values()) {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void anOverlayNetworkSpansThreeHosts(Namespaces namespaces) throws Exception {
        startLab(namespaces, 3);
        lnw(1, "network", "create", "-d", "overlay", "--subnet", "10.90.0.0/24", "ov1");
        for (int i = 2; i <= 3; i++) {
            int h = i;
            eventually("h" + h + " has ov1", () -> lnwOut(h, "network", "ls", "--format", "json").contains("\"ov1\""));
        }
        String networkId = Oracle.parse(lnwOut(1, "network", "inspect", "ov1")).get(0).path("Id").asText();
        assertEquals(networkId, Oracle.parse(lnwOut(3, "network", "inspect", "ov1")).get(0).path("Id").asText(),
                "one network, one id, on every host");

        Map<Integer, NsRef> c = new HashMap<>();
        Map<Integer, String> ip = new HashMap<>();
        for (int i = 1; i <= 3; i++) {
            c.put(i, NsRef.of(Path.of(lnwOut(i, "sandbox", "create", "c" + i).strip())));
            lnw(i, "network", "connect", "ov1", "c" + i);
            ip.put(i, Oracle.addrs(c.get(i), "eth0", "inet").get(0).split("/")[0]);
        }
        assertEquals(3, ip.values().stream().distinct().count(), "one address each, across hosts: " + ip);
        // each address is held in etcd by its host; each host took spares ahead, marked so
        Map<String, String> holders = holders(networkId);
        for (int i = 1; i <= 3; i++) {
            assertEquals("host 192.168.77." + i, holders.get(ip.get(i)), "c" + i + "'s address: " + holders);
            String spare = "host 192.168.77." + i + " spare";
            assertTrue(holders.containsValue(spare), "h" + i + " holds spares: " + holders);
        }
        assertEquals(3 + 1, holders.values().stream().filter(x -> !x.endsWith(" spare")).count(),
                "the endpoints' and the gateway's, the rest spares: " + holders);
        // a connect that finds a spare costs etcd one transaction: the endpoint's publication,
        // with the spare's hand-over and the endpoint's names in it
        NsRef c1b = NsRef.of(Path.of(lnwOut(1, "sandbox", "create", "c1b").strip()));
        var before = lab.requestsHandled();
        lnw(1, "network", "connect", "ov1", "c1b");
        var after = lab.requestsHandled();
        assertEquals(1, after.getOrDefault("Txn", 0L) - before.getOrDefault("Txn", 0L), before + " -> " + after);
        assertEquals(0, after.getOrDefault("Range", 0L) - before.getOrDefault("Range", 0L), before + " -> " + after);
        assertEquals(0, after.getOrDefault("Put", 0L) - before.getOrDefault("Put", 0L), before + " -> " + after);
        String ip1b = Oracle.addrs(c1b, "eth0", "inet").get(0).split("/")[0];
        // and its removal two: the peers' withdrawal with the names' in it, then (alone, as no
        // other write follows within 20 ms) the address's change back to a spare of h1's
        before = lab.requestsHandled();
        lnw(1, "sandbox", "rm", "c1b");
        eventually("c1b's address a spare of h1's again",
                () -> "host 192.168.77.1 spare".equals(holdersQuietly(networkId).get(ip1b)));
        after = lab.requestsHandled();
        assertEquals(2, after.getOrDefault("Txn", 0L) - before.getOrDefault("Txn", 0L), before + " -> " + after);
        assertEquals(0, after.getOrDefault("Put", 0L) - before.getOrDefault("Put", 0L), before + " -> " + after);
        assertEquals(0, after.getOrDefault("DeleteRange", 0L) - before.getOrDefault("DeleteRange", 0L),
                before + " -> " + after);
        for (int i = 1; i <= 3; i++) {
            for (int j = 1; j <= 3; j++) {
                if (i != j) {
                    int from = i;
                    int to = j;
                    eventually("c" + from + " pings c" + to, () -> Oracle.ping(c.get(from), ip.get(to)));
                }
            }
        }
        // names: c1 finds the containers of the other hosts by name, through its resolver
        for (int j = 2; j <= 3; j++) {
            int to = j;
            eventually("c1 resolves c" + to, () -> lnwRun(1, "exec", "c1", "--", "dig", "+short", "+time=2",
                    "+tries=2", "c" + to).out().strip().equals(ip.get(to)));
        }
        Oracle.Result tcp = tcp(c.get(1), c.get(2), ip.get(1));
        assertTrue(tcp.out().contains("over the overlay"), "TCP from h2 to h1: " + tcp);

        // h1's peer table: exactly c2 and c3, at their hosts' addresses
        NsRef plane1 = NsRef.of(ns.dir().resolve("h1").resolve("run/overlay/ov-" + networkId.substring(0, 12)));
        assertEquals(Set.of(ip.get(2), ip.get(3)), Set.copyOf(neighbours(plane1)), "h1's neighbours");
        String fdb = Oracle.out(plane1, "bridge", "-j", "fdb", "show");
        assertTrue(fdb.contains("192.168.77.2") && fdb.contains("192.168.77.3") && !fdb.contains("192.168.77.1\""),
                "h1's FDB sends to h2 and h3: " + fdb);
        String vx = Oracle.out(plane1, "ip", "-j", "-d", "link", "show", "type", "vxlan");
        assertTrue(vx.contains("\"local\":\"192.168.77.1\"") && vx.contains("\"port\":4789")
                && vx.contains("\"learning\":false") && vx.contains("\"mtu\":1450"), vx);

        Oracle.Result refused = lnwRun(1, "network", "rm", "ov1");
        assertNotEquals(0, refused.exitCode());
        assertTrue(refused.err().contains("active endpoints"), refused.err());

        // h3 dies: the others drop it within its lease's time to live
        daemons.get("h3").destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        try (var left = Files.list(tmpDir(3))) { // no native library copy, no Vert.x file cache
            assertEquals(List.of(), left.toList(), "what the killed daemon left in its temporary directory");
        }
        eventually("h1 forgets c3", () -> !neighbours(plane1).contains(ip.get(3)));
        assertTrue(neighbours(plane1).contains(ip.get(2)), "and keeps c2");
        String lowestSpare3 = holders(networkId).entrySet().stream()
                .filter(e -> e.getValue().equals("host 192.168.77.3 spare")).map(Map.Entry::getKey)
                .min(java.util.Comparator.comparingInt(x -> Integer.parseInt(x.substring(x.lastIndexOf('.') + 1))))
                .orElseThrow();
        // an address h3's endpoints hold that none uses (as if its process had died between an
        // endpoint's delete and the address's change back to a spare): taken up as a spare
        assertEquals(null, holders(networkId).get("10.90.0.250"));
        lab.etcdctl("put", "/libnetwork4j/ipam/" + networkId + "/10.90.0.250", "host 192.168.77.3");
        startDaemon(3); // its controller comes back and publishes c3 again
        eventually("h1 learns c3 again", () -> neighbours(plane1).contains(ip.get(3)));
        eventually("c1 pings c3 again", () -> Oracle.ping(c.get(1), ip.get(3)));
        // the spares h3 held before it was killed are its own still: its next container gets
        // the lowest, handed over to it in etcd by the time the connect returns
        NsRef c3b = NsRef.of(Path.of(lnwOut(3, "sandbox", "create", "c3b").strip()));
        lnw(3, "network", "connect", "ov1", "c3b");
        assertEquals(lowestSpare3, Oracle.addrs(c3b, "eth0", "inet").get(0).split("/")[0]);
        assertEquals("host 192.168.77.3", holders(networkId).get(lowestSpare3));
        assertEquals("host 192.168.77.3 spare", holders(networkId).get("10.90.0.250"), "the orphan, a spare again");
        lnw(3, "network", "disconnect", "ov1", "c3b");
        lnw(3, "sandbox", "rm", "c3b");
        // h3 holds two spares (the orphan one of them), as many as a request takes in this /24
        // (one for every 64 free addresses, less one): this one goes back to the cluster
        assertEquals(2, holders(networkId).values().stream().filter("host 192.168.77.3 spare"::equals).count());
        assertEquals(null, holders(networkId).get(lowestSpare3), "given back with its endpoint");

        for (int i = 1; i <= 3; i++) {
            lnw(i, "network", "disconnect", "ov1", "c" + i);
            lnw(i, "sandbox", "rm", "c" + i);
        }
        lnw(2, "network", "rm", "ov1"); // from any host, once no host has endpoints
        for (int i = 1; i <= 3; i++) {
            int h = i;
            eventually("h" + h + " has no ov1", () -> !lnwOut(h, "network", "ls", "--format", "json").contains("\"ov1\""));
            eventually("h" + h + " has no overlay namespace", () -> overlayDir(h).isEmpty());
        }
        String left = lab.etcdctl("get", "--prefix", "--keys-only", "/libnetwork4j/").out();
        assertFalse(left.contains("/networks/") || left.contains("/ipam/") || left.contains("/subnets/")
                || left.contains("/vni"), "nothing of ov1 left in etcd: " + left);
    }

    @Test
    void etcdAwayAndAHostCutOffFromIt(Namespaces namespaces) throws Exception {
        startLab(namespaces, 2);
        lnw(1, "network", "create", "-d", "overlay", "--subnet", "10.91.0.0/24", "ov2");
        eventually("h2 has ov2", () -> lnwOut(2, "network", "ls", "--format", "json").contains("\"ov2\""));
        NsRef c1 = NsRef.of(Path.of(lnwOut(1, "sandbox", "create", "c1").strip()));
        NsRef c2 = NsRef.of(Path.of(lnwOut(2, "sandbox", "create", "c2").strip()));
        lnw(1, "network", "connect", "ov2", "c1");
        lnw(2, "network", "connect", "ov2", "c2");
        String ip2 = Oracle.addrs(c2, "eth0", "inet").get(0).split("/")[0];
        eventually("c1 pings c2", () -> Oracle.ping(c1, ip2));
        String networkId = Oracle.parse(lnwOut(1, "network", "inspect", "ov2")).get(0).path("Id").asText();
        NsRef plane1 = NsRef.of(ns.dir().resolve("h1").resolve("run/overlay/ov-" + networkId.substring(0, 12)));

        // etcd away: what needs it fails at once, naming it; what runs keeps running
        lab.stopEtcd();
        NsRef c1b = NsRef.of(Path.of(lnwOut(1, "sandbox", "create", "c1b").strip()));
        long waysOut = lnwOut(1, "network", "inspect", "docker_gwbridge").split("gateway_", -1).length;
        long t0 = System.nanoTime();
        // h1 has a spare address (taken with c1's): the endpoint is made, its join fails on
        // the publication, and the join is undone, its way out with it
        Oracle.Result refused = lnwRun(1, "network", "connect", "ov2", "c1b");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertNotEquals(0, refused.exitCode());
        assertTrue(refused.err().contains("cluster store etcd http://192.168.77.100:2379"), refused.err());
        assertTrue(ms < 15_000, "at once, within the store's deadline: " + ms + " ms");
        assertEquals(List.of("lo"), Oracle.linkNames(c1b), "nothing left in c1b");
        assertEquals(waysOut, lnwOut(1, "network", "inspect", "docker_gwbridge").split("gateway_", -1).length,
                "no way out left on docker_gwbridge (c1's only)");
        assertTrue(Oracle.ping(c1, ip2), "existing overlay traffic keeps flowing");
        lnw(1, "network", "create", "--subnet", "10.92.0.0/24", "local1");
        lnw(1, "network", "connect", "local1", "c1b");
        assertTrue(Oracle.ping(NsRef.of(Path.of(lnwOut(1, "sandbox", "ls", "--format", "json").lines()
                .filter(l -> l.contains("\"c1b\"")).map(l -> Oracle.parse(l).path("Key").asText()).findFirst()
                .orElseThrow())), "10.92.0.1"), "local networks are unaffected");

        // etcd back: the watches resync, and a change after it reaches the other host
        lab.restartEtcd();
        eventually("c2 leaves once etcd is back", () -> lnwRun(2, "network", "disconnect", "ov2", "c2").exitCode() == 0);
        eventually("h1 drops c2 through its watch", () -> !neighbours(plane1).contains(ip2));
        lnw(2, "network", "connect", "ov2", "c2");
        String ip2b = containerIp(c2); // on eth1 now: interface names are not reused
        eventually("h1 learns c2 again", () -> neighbours(plane1).contains(ip2b));

        // h2 cut off from etcd only (the underlay between the hosts stays): dropped after
        // its lease's time to live; healed, it publishes again under a new lease
        TestNs h2 = lab.hosts().get(1);
        Oracle.out(h2, "ip", "route", "add", "blackhole", "192.168.77.100/32");
        eventually("h1 drops the cut-off host's c2", () -> !neighbours(plane1).contains(ip2b));
        Oracle.out(h2, "ip", "route", "del", "blackhole", "192.168.77.100/32");
        eventually("h1 learns c2 once h2 is back", () -> neighbours(plane1).contains(ip2b));
        eventually("c1 pings c2 again", () -> Oracle.ping(c1, ip2b));
    }

    @Test
    void aContainerOnAnOverlayReachesOutThroughDockerGwbridge(Namespaces namespaces) throws Exception {
        startLab(namespaces, 1);
        assertTrue(lnwOut(1, "network", "ls", "--format", "json").contains("\"docker_gwbridge\""),
                "a controller with a cluster store keeps the way out");
        lnw(1, "network", "create", "-d", "overlay", "--subnet", "10.93.0.0/24", "ov3");
        // its upstream a neighbour with no DNS server: a name forwarded fails inside the lab
        NsRef c1 = NsRef.of(Path.of(lnwOut(1, "sandbox", "create", "--dns", "192.168.77.100", "c1").strip()));
        lnw(1, "network", "connect", "-p", "8087:80", "ov3", "c1");
        assertEquals(List.of("10.93.0.2/24"), Oracle.addrs(c1, "eth0", "inet"), "the overlay's interface");
        assertEquals(1, Oracle.addrs(c1, "eth1", "inet").size(), "and one on docker_gwbridge");

        // The way out is anonymous, as libnetwork's: c4, on another overlay network of this
        // host, shares only docker_gwbridge with c1, and c1 finds it under no name
        lnw(1, "network", "create", "-d", "overlay", "--subnet", "10.95.0.0/24", "ov4");
        NsRef c4 = NsRef.of(Path.of(lnwOut(1, "sandbox", "create", "c4").strip()));
        lnw(1, "network", "connect", "ov4", "c4");
        String c4Out = Oracle.addrs(c4, "eth1", "inet").get(0).split("/")[0];
        assertEquals("10.93.0.2", dig(1, "c1", "c1"), "c1's own name, on the network it joined first");
        assertEquals("", dig(1, "c1", "c4"), "not c4's address on docker_gwbridge, nor any other");
        assertEquals("", dig(1, "c1", "-x", c4Out), "no name for c4's address on docker_gwbridge either");
        assertEquals("10.95.0.2", dig(1, "c4", "c4"), "c4 asks its own network's resolver");
        List<String> servers = lnwOut(1, "exec", "c1", "--", "grep", "^nameserver", "/etc/resolv.conf").lines().toList();
        String gwbridge = Oracle.parse(lnwOut(1, "network", "inspect", "docker_gwbridge")).get(0).path("IPAM")
                .path("Config").get(0).path("Gateway").asText();
        assertEquals(List.of("nameserver 10.93.0.1", "nameserver " + gwbridge), servers,
                "the overlay's gateway first (in its namespace), then the way out's");
        lnw(1, "network", "disconnect", "ov4", "c4");
        lnw(1, "sandbox", "rm", "c4");
        lnw(1, "network", "rm", "ov4");
        assertTrue(Oracle.out(c1, "ip", "route", "show", "default").contains("dev eth1"),
                "the default route goes out through docker_gwbridge");
        TestNs neighbour = lab.etcdHost();
        assertTrue(Oracle.ping(c1, "192.168.77.100"), "a neighbour of the host is reached (NAT)");
        Process web = new ProcessBuilder("nsenter", "--net=" + c1.path(), "socat", "TCP-LISTEN:80,reuseaddr",
                "SYSTEM:echo published from the overlay").start();
        try {
            Oracle.Result r = null;
            for (int i = 0; i < 50; i++) {
                r = Oracle.exec(neighbour, "socat", "-T5", "-", "TCP:192.168.77.1:8087");
                if (r.ok() && !r.out().isEmpty()) {
                    break;
                }
                Thread.sleep(100);
            }
            assertTrue(r.out().contains("published from the overlay"), "the port, from the host's neighbour: " + r);
        } finally {
            web.destroyForcibly();
        }
        // a way out of its own (a bridge network) replaces docker_gwbridge's, and gives it back
        lnw(1, "network", "create", "--subnet", "10.94.0.0/24", "b3");
        lnw(1, "network", "connect", "b3", "c1");
        assertEquals(0, gwContainers(), "docker_gwbridge's endpoint went, as libnetwork's clearDefaultGW");
        assertTrue(Oracle.out(c1, "ip", "route", "show", "default").contains("via 10.94.0.1"),
                Oracle.out(c1, "ip", "route"));
        assertEquals(3, Oracle.linkNames(c1).size(), "lo, the overlay's and the bridge's: " + Oracle.linkNames(c1));
        lnw(1, "network", "disconnect", "b3", "c1");
        assertEquals(1, gwContainers(), "back on docker_gwbridge while the overlay endpoint stays");
        String route = Oracle.out(c1, "ip", "route", "show", "default");
        assertTrue(route.startsWith("default via") && !route.contains("10.94.0.1"), route);
        assertTrue(Oracle.ping(c1, "192.168.77.100"), "out again through docker_gwbridge");
        lnw(1, "network", "rm", "b3");

        lnw(1, "network", "disconnect", "ov3", "c1");
        assertTrue(Oracle.linkNames(c1).equals(List.of("lo")), "both interfaces went: " + Oracle.linkNames(c1));
        JsonNode gw = Oracle.parse(lnwOut(1, "network", "inspect", "docker_gwbridge")).get(0);
        assertEquals(0, gw.path("Containers").size(), "its way out went with it: " + gw);
        // a forced disconnect (the endpoint's forced delete: CNI DEL, dockerd's --force) too
        lnw(1, "network", "connect", "ov3", "c1");
        assertEquals(1, gwContainers(), "on docker_gwbridge again");
        lnw(1, "network", "disconnect", "-f", "ov3", "c1");
        assertEquals(List.of("lo"), Oracle.linkNames(c1), "both interfaces went: " + Oracle.linkNames(c1));
        assertEquals(0, gwContainers(), "and its way out");
        lnw(1, "sandbox", "rm", "c1");
        lnw(1, "network", "rm", "ov3");
    }

    /**
     * A container whose only network is an internal overlay (no way out, so no resolver on
     * docker_gwbridge) asks the one on the overlay's gateway, in the network's namespace on
     * its own host: it finds a container of another host by name, gets no forward, and a
     * query sent while its host's daemon is killed and restarted is answered at a retry. The
     * network has two subnets: each container is told the gateway of its own.
     */
    @Test
    void aContainerOnlyOnAnInternalOverlayFindsOthersByName(Namespaces namespaces) throws Exception {
        startLab(namespaces, 2);
        lnw(1, "network", "create", "-d", "overlay", "--internal", "--subnet", "10.96.0.0/24", "--subnet", "10.97.0.0/24",
                "-o", "com.docker.network.driver.overlay.vxlanid_list=4196,4197", "ovi");
        eventually("h2 has ovi", () -> lnwOut(2, "network", "ls", "--format", "json").contains("\"ovi\""));
        // its upstream a neighbour with no DNS server: were a name forwarded, it would fail too
        NsRef c1 = NsRef.of(Path.of(lnwOut(1, "sandbox", "create", "--dns", "192.168.77.100", "c1").strip()));
        lnw(1, "network", "connect", "ovi", "c1");
        NsRef c2 = NsRef.of(Path.of(lnwOut(2, "sandbox", "create", "c2").strip()));
        lnw(2, "network", "connect", "--ip", "10.97.0.5", "ovi", "c2");
        String ip1 = Oracle.addrs(c1, "eth0", "inet").get(0).split("/")[0];
        String ip2 = Oracle.addrs(c2, "eth0", "inet").get(0).split("/")[0];
        assertEquals(List.of("lo", "eth0"), Oracle.linkNames(c1), "no way out on an internal network");
        assertEquals(0, gwContainers());
        assertEquals("nameserver 10.96.0.1", lnwOut(1, "exec", "c1", "--", "grep", "^nameserver", "/etc/resolv.conf")
                .strip(), "the overlay's gateway on its subnet, and nothing else");
        assertEquals("10.97.0.5", ip2, "from the subnet that holds the address asked for");
        assertEquals("nameserver 10.97.0.1", lnwOut(2, "exec", "c2", "--", "grep", "^nameserver", "/etc/resolv.conf")
                .strip(), "c2's on its own subnet");

        eventually("c1 resolves c2, of h2", () -> dig(1, "c1", "c2").equals(ip2));
        eventually("c2 resolves c1, of h1", () -> dig(2, "c2", "c1").equals(ip1));
        assertEquals("c1.ovi.", dig(2, "c2", "-x", ip1), "PTR, from the other host");
        String unknown = lnwOut(1, "exec", "c1", "--", "dig", "+time=2", "+tries=1", "example.org");
        assertTrue(unknown.contains("status: SERVFAIL"), "an internal network forwards nothing: " + unknown);

        // kill -9 and a restart: the query waits in the namespace (no refusal) for a retry
        daemons.get("h1").destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        Process query = new ProcessBuilder("nsenter", "--net=" + c1.path(), "dig", "+short", "+time=2", "+tries=10",
                "@10.96.0.1", "c2").redirectErrorStream(true).start();
        try {
            Thread.sleep(300); // its first try is out, to nobody
            assertTrue(query.isAlive(), "not refused while no resolver listens");
            startDaemon(1);
            assertTrue(query.waitFor(20, TimeUnit.SECONDS), "answered within its tries");
            String out = new String(query.getInputStream().readAllBytes());
            // the tries that went unanswered say so (";; ... timed out"); a refusal would too
            assertFalse(out.contains("refused"), out);
            assertEquals(ip2, out.lines().filter(l -> !l.startsWith(";;")).collect(
                    java.util.stream.Collectors.joining("\n")), "answered once the daemon is back: " + out);
        } finally {
            query.destroyForcibly();
        }

        lnw(1, "network", "disconnect", "ovi", "c1");
        lnw(1, "sandbox", "rm", "c1");
        lnw(2, "network", "disconnect", "ovi", "c2");
        lnw(2, "sandbox", "rm", "c2");
        lnw(1, "network", "rm", "ovi");
        for (int i = 1; i <= 2; i++) {
            int h = i;
            eventually("h" + h + " has no overlay namespace", () -> overlayDir(h).isEmpty());
        }
    }

    /**
     * A runtime's namespace adopted by a sandbox on an overlay (runc's hook, libnetwork's
     * SetKey): the overlay's interface and docker_gwbridge's both move in, the way out keeps
     * working, and a leave takes both out of the runtime's namespace, which stays.
     */
    @Test
    void setKeyTakesTheWayOutAlong(Namespaces namespaces) throws Exception {
        startLab(namespaces, 1);
        TestNs runtime = ns.container("runc-made");
        lnw(1, "network", "create", "-d", "overlay", "--subnet", "10.95.0.0/24", "ov4");
        Path own = Path.of(lnwOut(1, "sandbox", "create", "c1").strip());
        lnw(1, "network", "connect", "ov4", "c1");
        assertEquals(1, gwContainers(), "c1 is on docker_gwbridge");

        lnw(1, "sandbox", "set-key", "c1", "--netns", runtime.path().toString());
        assertFalse(Files.exists(own), "the sandbox's own namespace is gone");
        assertEquals(List.of("10.95.0.2/24"), Oracle.addrs(runtime, "eth0", "inet"), "the overlay's interface moved");
        assertEquals(1, Oracle.addrs(runtime, "eth1", "inet").size(), "and docker_gwbridge's");
        assertTrue(Oracle.out(runtime, "ip", "route", "show", "default").contains("dev eth1"),
                "the default route still goes out through docker_gwbridge: " + Oracle.out(runtime, "ip", "route"));
        assertTrue(Oracle.ping(runtime, "192.168.77.100"), "a neighbour of the host is reached (NAT)");

        lnw(1, "network", "disconnect", "ov4", "c1");
        assertEquals(List.of("lo"), Oracle.linkNames(runtime), "both interfaces left the runtime's namespace");
        assertEquals(0, gwContainers(), "docker_gwbridge's endpoint went with the overlay's");
        lnw(1, "sandbox", "rm", "c1");
        assertTrue(Files.exists(runtime.path()), "the runtime's namespace is left to the runtime");
        lnw(1, "network", "rm", "ov4");
    }

    private int gwContainers() {
        return Oracle.parse(lnwOut(1, "network", "inspect", "docker_gwbridge")).get(0).path("Containers").size();
    }

    /** The container's one IPv4 address that is not loopback. */
    private static String containerIp(NsRef c) {
        for (JsonNode link : Oracle.parse(Oracle.out(c, "ip", "-j", "-4", "addr", "show"))) {
            for (JsonNode a : link.path("addr_info")) {
                if (!a.path("local").asText().startsWith("127.")) {
                    return a.path("local").asText();
                }
            }
        }
        throw new AssertionError("no address in " + c);
    }

    private List<String> overlayDir(int host) {
        Path d = ns.dir().resolve("h" + host).resolve("run/overlay");
        try (var s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).toList();
        } catch (java.io.IOException none) {
            return List.of();
        }
    }

    private static List<String> neighbours(NsRef plane) {
        List<String> l = new ArrayList<>();
        for (JsonNode n : Oracle.parse(Oracle.out(plane, "ip", "-j", "-4", "neigh", "show", "nud", "permanent"))) {
            l.add(n.path("dst").asText());
        }
        l.sort(null);
        return l;
    }

    /** One line of text from a TCP server in {@code server} to a client in {@code client}. */
    private static Oracle.Result tcp(NsRef server, NsRef client, String serverIp) throws Exception {
        Process listener = new ProcessBuilder("nsenter", "--net=" + server.path(), "socat",
                "TCP-LISTEN:7070,reuseaddr", "SYSTEM:echo over the overlay").redirectErrorStream(true).start();
        try {
            Oracle.Result r = null;
            for (int i = 0; i < 50; i++) {
                r = Oracle.exec(client, "socat", "-T5", "-", "TCP:" + serverIp + ":7070");
                if (r.ok() && !r.out().isEmpty()) {
                    break;
                }
                Thread.sleep(100);
            }
            if (r == null || !r.ok()) {
                return new Oracle.Result(r.exitCode(), r.out(), r.err() + " [server ss: "
                        + Oracle.exec(server, "ss", "-ltn").out() + " server addrs: " + Oracle.exec(server, "ip", "-br", "a").out()
                        + " client addrs: " + Oracle.exec(client, "ip", "-br", "a").out() + "]");
            }
            if (!listener.isAlive()) {
                return new Oracle.Result(r.exitCode(), r.out(), r.err() + " (the listener exited "
                        + listener.exitValue() + ": " + new String(listener.getInputStream().readAllBytes()) + ")");
            }
            return r;
        } finally {
            listener.destroyForcibly();
        }
    }

    private Map<String, String> holdersQuietly(String networkId) {
        try {
            return holders(networkId);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Who holds each address of a network in etcd, by address. */
    private Map<String, String> holders(String networkId) throws Exception {
        String prefix = "/libnetwork4j/ipam/" + networkId + "/";
        List<String> l = lab.etcdctl("get", "--prefix", prefix).out().lines().filter(x -> !x.isBlank()).toList();
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i + 1 < l.size(); i += 2) {
            m.put(l.get(i).substring(prefix.length()), l.get(i + 1));
        }
        return m;
    }

    /** What dig +short prints for ARGS asked from inside sandbox of host, one try of 2 s. */
    private String dig(int host, String sandbox, String... args) {
        List<String> cmd = new ArrayList<>(List.of("exec", sandbox, "--", "dig", "+short", "+time=2", "+tries=1"));
        cmd.addAll(List.of(args));
        Oracle.Result r = lnwRun(host, cmd.toArray(String[]::new));
        // a failed lookup prints why on stdout with +short too (";; ..."), and nothing else
        return r.out().lines().filter(l -> !l.startsWith(";;")).collect(java.util.stream.Collectors.joining("\n"));
    }

    private void eventually(String what, BooleanSupplier check) throws InterruptedException {
        for (int i = 0; i < 150; i++) { // bounded: 15 s, the lease's 5 s with a margin
            if (check.getAsBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not within 15 s: " + what + logs());
    }

    private String logs() {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= 3; i++) {
            try {
                String s = Files.readString(ns.dir().resolve("daemon-h" + i + ".log"));
                b.append("\n--- daemon of h").append(i).append(":\n").append(s.length() > 3000 ? s.substring(s.length() - 3000) : s);
            } catch (java.io.IOException e) {
                b.append("\n(no log of h").append(i).append(")");
            }
        }
        return b.toString();
    }

    /** etcd and hosts 1..n on the underlay, each host's daemon started. */
    private void startLab(Namespaces namespaces, int n) throws Exception {
        ns = namespaces;
        repo = Path.of(System.getProperty("user.dir")).getParent();
        lab = EtcdLab.start(ns, n);
        for (int i = 1; i <= n; i++) {
            startDaemon(i);
        }
    }

    private List<String> lnwCommand(int host, String... args) {
        TestNs h = lab.hosts().get(host - 1);
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=" + h.path(), "env",
                "LNW_CLUSTER_LEASE_TTL=" + TTL, repo.resolve("lnw").toString(),
                "--state-dir", ns.dir().resolve("h" + host).resolve("state").toString(),
                "--run-dir", ns.dir().resolve("h" + host).resolve("run").toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private void startDaemon(int host) throws Exception {
        List<String> cmd = lnwCommand(host, "daemon", "--cluster-store", EtcdLab.ENDPOINT, "--advertise-addr",
                "192.168.77." + host);
        Path log = ns.dir().resolve("daemon-h" + host + ".log");
        cmd.add(3, "LNW_LOG_LEVEL=info");
        Files.createDirectories(tmpDir(host));
        cmd.add(3, "LNW_JAVA_OPTS=-Djava.io.tmpdir=" + tmpDir(host));
        // a daemon killed with kill -9 left its socket: the new one is up once it makes its own
        Files.deleteIfExists(ns.dir().resolve("h" + host).resolve("state").resolve(DaemonCommand.SOCKET));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        daemons.put("h" + host, p);
        Path socket = ns.dir().resolve("h" + host).resolve("state").resolve(DaemonCommand.SOCKET);
        for (int i = 0; i < 600 && p.isAlive() && !Files.exists(socket); i++) {
            Thread.sleep(50);
        }
        assertTrue(p.isAlive() && Files.exists(socket), "the daemon of h" + host + ": " + Files.readString(log));
    }

    /** The java.io.tmpdir of host's daemon. */
    private Path tmpDir(int host) {
        return ns.dir().resolve("h" + host).resolve("tmp");
    }

    private Oracle.Result lnwRun(int host, String... args) {
        return Oracle.run(lnwCommand(host, args));
    }

    private String lnwOut(int host, String... args) {
        Oracle.Result r = lnwRun(host, args);
        assertEquals(0, r.exitCode(), () -> "lnw " + String.join(" ", args) + " on h" + host + ": " + r.out() + r.err());
        return r.out();
    }

    private void lnw(int host, String... args) {
        lnwOut(host, args);
    }
}
