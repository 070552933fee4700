package org.libnetwork4j.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.libnetwork4j.ControllerConfig;
import org.libnetwork4j.Endpoint;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.NetworkOptions;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.Sandbox;
import org.libnetwork4j.kernel.Addr;
import org.libnetwork4j.kernel.BridgeSpec;
import org.libnetwork4j.kernel.Link;
import org.libnetwork4j.kernel.Netlink;
import org.libnetwork4j.kernel.Netns;
import org.libnetwork4j.kernel.VethSpec;

/**
 * The overlay benchmark of issue 15, parts 1-3 (run-overlay.sh runs it, then Docker's side).
 * A lab as EtcdLab builds it, all in namespaces mounted under a private directory: an underlay
 * bridge in a namespace of its own, etcd 3.4 in another, hosts h1-h4 on it (192.168.77.N). h1
 * (A) is this JVM's own network namespace, which must not be the machine's (run-overlay.sh
 * starts it under {@code unshare --net}): the etcd clients of its controllers connect from it.
 * A and h4 (D) are controllers in this JVM; h2 (B) and h3 (C) are {@code lnw daemon}s in JVMs
 * of their own, driven through {@code lnw} commands, as another host would be.
 *
 * <ol>
 * <li>attach on A, interleaved: createEndpoint + join of a new sandbox on the overlay network
 *     ov1 (its address taken in etcd, its peer published there) and on a local bridge;</li>
 * <li>attach on A until the first ping answered by a container on B: a prober in the new
 *     sandbox sends an echo every millisecond from before the join; "warm" with another
 *     container of A's on ov1 already (B knows A), "cold" without;</li>
 * <li>a new host: 300 endpoints on B and C, then on D, a controller opened, ov1 seen, a first
 *     sandbox joined; until D's overlay namespace holds all 300 neighbours (a netlink dump
 *     about every millisecond, from a poller waiting for the namespace).</li>
 * </ol>
 *
 * <pre>OverlayRun ROUNDS PING_ROUNDS NEW_HOST_ROUNDS WORK REPO</pre>
 *
 * <p>Prints one "op ..." line per measurement and "note ..." lines. Every process it starts
 * is written to WORK/pids (for run-overlay.sh's last resort) and stopped by its PID; every
 * namespace mounted under WORK is removed at the end, also after a failure or on SIGINT
 * (a shutdown hook).
 */
public final class OverlayRun {
    private static final String ETCD_IP = "192.168.77.100";
    private static final String STORE = "etcd://" + ETCD_IP + ":2379";
    // Unmeasured rounds of part 1 first, until the JIT is quiet. Three JVMs share two cores
    // here (A, and B's and C's daemons reacting to each publication), and their one C2 thread
    // each compiles jetcd's, gRPC's, Netty's and our paths for a minute or more: 2026-12-06 on
    // the Intel VM, A's C2 thread still took a quarter of a core 40-60 s in, and was what A's
    // joining thread waited behind most; the overlay attach fell from 3.3 ms in rounds 0-200 to
    // 1.4 at round 3000 and 1.2 from round 9000 on, the bridge's from 0.63 to 0.43 ms. A daemon
    // spends its life in the last state, so that is the one measured: at least WARMUP_MIN
    // rounds, then blocks of WARMUP_BLOCK until the lab's compiler threads took less than
    // QUIET of one core over a block, at most WARMUP_MAX. lnw.overlay.warmup=N instead runs
    // exactly N (for comparisons of one count).
    private static final Integer WARMUP_FIXED = Integer.getInteger("lnw.overlay.warmup");
    private static final int WARMUP_MIN = 2000;
    private static final int WARMUP_BLOCK = 500;
    private static final int WARMUP_MAX = Integer.getInteger("lnw.overlay.warmup.max", 20_000);
    private static final double QUIET = 0.05;
    private static final int REMOTE = 300;

    private final Path work;
    private final Path repo;
    private final Map<String, Netns> hosts = new ConcurrentHashMap<>();
    private final Map<String, Process> processes = new ConcurrentHashMap<>();
    private final List<NetworkController> controllers = new ArrayList<>();
    private final AtomicBoolean cleaned = new AtomicBoolean();

    private OverlayRun(Path work, Path repo) {
        this.work = work;
        this.repo = repo;
    }

    public static void main(String[] a) throws Exception {
        if (a.length > 0 && a[0].equals("newhost")) {
            newHostChild(Path.of(a[1]), Path.of(a[2]));
            return;
        }
        int rounds = Integer.parseInt(a[0]);
        int pingRounds = Integer.parseInt(a[1]);
        int newHostRounds = Integer.parseInt(a[2]);
        OverlayRun run = new OverlayRun(Files.createTempDirectory(Path.of(a[3]), "lnw-ov-"), Path.of(a[4]));
        // Ctrl-C reaches the JVM too: the lab goes with it, not only with a normal end
        Thread hook = new Thread(run::cleanup, "overlay-run-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        Throwable first = null;
        try {
            run.run(rounds, pingRounds, newHostRounds);
        } catch (Throwable t) {
            first = t;
            System.out.flush();
            System.err.println("FAILED (the first failure; cleanup follows):");
            t.printStackTrace();
        } finally {
            List<String> troubles = run.cleanup();
            troubles.forEach(t -> System.err.println("cleanup: " + t));
            if (first == null && !troubles.isEmpty()) {
                first = new IllegalStateException("cleanup left " + troubles.size() + " problems");
            }
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        if (first != null) {
            System.exit(1);
        }
    }

    // ---- the run ---------------------------------------------------------------------------

    private void run(int rounds, int pingRounds, int newHostRounds) throws Exception {
        // this JVM's namespace becomes host A on the underlay and its controllers' etcd clients
        // connect from it: never the machine's own
        // (run-overlay.sh names its own namespace, the machine's, in LNW_BENCH_OUTER_NETNS)
        String outer = System.getenv("LNW_BENCH_OUTER_NETNS");
        if (outer == null || outer.isEmpty()
                || Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString().equals(outer)) {
            throw new IllegalStateException("run in a network namespace of its own (run-overlay.sh: unshare --net),"
                    + " with LNW_BENCH_OUTER_NETNS naming the one outside");
        }
        long t0 = System.nanoTime();
        lab(4);
        startEtcd();
        // LNW_OVERLAY_ALONE (part 1 only): no daemons on h2 and h3. Here every host shares this
        // machine's CPUs, so the other hosts' reaction to each publication (their watches, their
        // neighbour entries) runs beside A's attach; on real hosts it runs on theirs. Without
        // them the attach is A's own work and its etcd round trips, nothing else.
        // set and not empty, as run-overlay.sh reads it: LNW_OVERLAY_ALONE= must not stop the daemons
        boolean alone = !System.getenv().getOrDefault("LNW_OVERLAY_ALONE", "").isEmpty();
        if (alone && !System.getenv().getOrDefault("LNW_OVERLAY_PARTS", "123").equals("1")) {
            throw new IllegalStateException("LNW_OVERLAY_ALONE is for part 1 alone (LNW_OVERLAY_PARTS=1)");
        }
        if (!alone) {
            startDaemon(2);
            startDaemon(3);
        }
        note("lab up (underlay, etcd, h1-h4%s) in %.1f s", alone ? "; no other host's daemon: LNW_OVERLAY_ALONE"
                : ", lnw daemons on h2 and h3", (System.nanoTime() - t0) / 1e9);

        NetworkController a = controller(1, work.resolve("h1"));
        Network ov = a.newNetwork("overlay", "ov1", NetworkOptions.builder().subnet("10.90.0.0/16").build());
        Network br = a.newNetwork("bridge", "br1", NetworkOptions.builder().subnet("10.201.0.0/16").build());
        for (int h = 2; h <= (alone ? 1 : 3); h++) {
            int host = h;
            await("h" + h + " has ov1", 20_000, () -> lnw(host, "network", "ls", "--format", "json").contains("\"ov1\""));
        }
        note("ov1 %s made on h1%s", ov.id().substring(0, 12), alone ? "" : " and seen by h2 and h3");

        // LNW_OVERLAY_PARTS (default 123): a subset, for quick comparisons of part 1 alone
        String parts = System.getenv().getOrDefault("LNW_OVERLAY_PARTS", "123");
        if (parts.contains("1")) {
            attach(a, ov, br, rounds);
        }
        if (parts.contains("2")) {
            firstReply(a, ov, pingRounds);
        }
        if (parts.contains("3")) {
            newHost(ov.id(), newHostRounds);
        }
    }

    /** Part 1: the attach on the overlay and on a bridge, alternating which goes first. */
    private void attach(NetworkController a, Network ov, Network br, int rounds) {
        int[] seq = {0};
        int warm = 0;
        String why;
        if (WARMUP_FIXED != null) {
            while (warm < WARMUP_FIXED) {
                round(a, ov, br, warm++, seq, null);
            }
            why = "lnw.overlay.warmup";
        } else {
            why = "the most allowed; the JIT was still busy";
            while (warm < WARMUP_MAX) {
                long jit = compilerTicks();
                long t = System.nanoTime();
                for (int k = 0; k < WARMUP_BLOCK; k++) {
                    round(a, ov, br, warm++, seq, null);
                }
                double share = coreShare(jit, t);
                if (warm >= WARMUP_MIN && share < QUIET) {
                    why = String.format("the JIT quiet: the compiler threads %.1f%% of a core over the last %d",
                            share * 100, WARMUP_BLOCK);
                    break;
                }
            }
        }
        long jit0 = compilerTicks();
        long t0 = System.nanoTime();
        // kept, and printed after the last round: formatting and writing them between rounds
        // would run code the warm-up did not (the JIT compiling it meanwhile), and wake the
        // reader of this JVM's output
        long[] times = new long[rounds * 2 * 3];
        for (int i = 0; i < rounds; i++) {
            round(a, ov, br, i, seq, times);
        }
        double jitShare = coreShare(jit0, t0) * 100;
        for (int i = 0; i < rounds; i++) {
            for (int k = 0; k < 2; k++) {
                int o = (i * 2 + k) * 3;
                // the two halves apart: the overlay's address is taken in createEndpoint, its
                // peer published in join
                System.out.printf("op attach kind=%s i=%d ms=%.3f create_ms=%.3f join_ms=%.3f%n",
                        k == 0 ? ov.type() : br.type(), i, (times[o + 2] - times[o]) / 1e6,
                        (times[o + 1] - times[o]) / 1e6, (times[o + 2] - times[o + 1]) / 1e6);
            }
        }
        note("part 1: %d rounds after %d unmeasured (%s), overlay and bridge alternating which goes first;"
                + " the compiler threads took %.1f%% of a core meanwhile", rounds, warm, why, jitShare);
    }

    /** One round: an attach on each network, in turn first; their times into times if given. */
    private static void round(NetworkController a, Network ov, Network br, int i, int[] seq, long[] times) {
        Network[] order = (i & 1) == 0 ? new Network[] {ov, br} : new Network[] {br, ov};
        for (Network n : order) {
            Sandbox sb = a.newSandbox("a" + seq[0]);
            long t0 = System.nanoTime();
            Endpoint ep = n.createEndpoint("a" + seq[0]);
            long tc = System.nanoTime();
            ep.join(sb);
            long t1 = System.nanoTime();
            seq[0]++;
            if (times != null) {
                int o = (i * 2 + (n == ov ? 0 : 1)) * 3;
                times[o] = t0;
                times[o + 1] = tc;
                times[o + 2] = t1;
            }
            sb.delete();
        }
    }

    /** The share of one core the compiler threads took since ticks0 and nanoTime t0. */
    private static double coreShare(long ticks0, long t0) {
        return (compilerTicks() - ticks0) * 10e6 / (System.nanoTime() - t0); // a tick is 10 ms
    }

    /**
     * CPU time, in clock ticks (USER_HZ, 100 per second on Linux), of the JIT compiler threads
     * of this JVM and of the JVMs it started (B's and C's daemons); threads and processes
     * gone meanwhile are left out.
     */
    private static long compilerTicks() {
        List<ProcessHandle> jvms = new ArrayList<>();
        jvms.add(ProcessHandle.current());
        ProcessHandle.current().descendants().forEach(jvms::add);
        long sum = 0;
        for (ProcessHandle p : jvms) {
            try (var tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(p.pid()), "task"))) {
                for (Path t : tasks) {
                    try {
                        String comm = Files.readString(t.resolve("comm"));
                        if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
                            String stat = Files.readString(t.resolve("stat"));
                            // fields after "(comm) ": utime and stime are the 12th and 13th
                            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                            sum += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                        }
                    } catch (IOException | RuntimeException gone) {
                        // the thread ended
                    }
                }
            } catch (IOException | RuntimeException gone) {
                // the process ended
            }
        }
        return sum;
    }

    /**
     * Part 2: from the start of the attach on A to the first echo answered by B's container.
     * Warm rounds first (a resident container of A's on ov1: B has A's VTEP in its flooding
     * list already), then cold ones (A has no other container on ov1).
     */
    private void firstReply(NetworkController a, Network ov, int rounds) throws Exception {
        Path target = Path.of(lnw(2, "sandbox", "create", "target").strip());
        lnw(2, "network", "connect", "ov1", "target");
        String ip = ipv4(target);
        Sandbox resident = a.newSandbox("resident");
        ov.createEndpoint("resident").join(resident);
        int seq = 0;
        for (String variant : List.of("warm", "cold")) {
            if (variant.equals("cold")) {
                resident.delete();
                Thread.sleep(500); // B drops A's VTEP once its last peer there is withdrawn
            }
            for (int i = 0; i < rounds; i++) {
                Sandbox sb = a.newSandbox("p" + seq);
                Process probe = start("probe-" + seq, sandboxCommand(sb, "first_reply.py", ip, "5"));
                BufferedReader out = reader(probe);
                expect(out, "ready", probe);
                long t0 = System.nanoTime();
                Endpoint ep = ov.createEndpoint("p" + seq);
                ep.join(sb);
                long t1 = System.nanoTime();
                String line = out.readLine();
                stop("probe-" + seq);
                seq++;
                if (line != null && line.startsWith("reply ")) {
                    String[] f = line.split(" ");
                    System.out.printf("op first-reply variant=%s i=%d attach_ms=%.3f first_send_ms=%.3f reply_ms=%.3f%n",
                            variant, i, (t1 - t0) / 1e6, (Long.parseLong(f[2]) - t0) / 1e6,
                            (Long.parseLong(f[1]) - t0) / 1e6);
                } else {
                    System.out.printf("op first-reply variant=%s i=%d attach_ms=%.3f timeout (%s)%n", variant, i,
                            (t1 - t0) / 1e6, line);
                }
                sb.delete();
                Thread.sleep(100); // B's tables settle: each round starts from the same state
            }
        }
        lnw(2, "sandbox", "rm", "target");
        note("part 2: %d warm and %d cold rounds; target on h2 at %s; an echo every 1 ms from before the join",
                rounds, rounds, ip);
    }

    /**
     * Part 3, host D (h4): its controller opened in this JVM (run inside h4), the network
     * awaited, a sandbox and its join; prints the clock (CLOCK_MONOTONIC, as the parent's) at
     * each step, then waits for a line on stdin before it cleans up.
     */
    private static void newHostChild(Path root, Path hostNs) throws Exception {
        long s0 = System.nanoTime();
        try (NetworkController d = NetworkController.create(ControllerConfig.builder().hostNamespace(hostNs)
                .stateDir(root.resolve("state")).runDir(root.resolve("run")).clusterStore(STORE)
                .advertiseAddress("192.168.77.4").build())) {
            long s1 = System.nanoTime();
            Network ov = null;
            for (int i = 0; i < 2000 && ov == null; i++) { // bounded: 20 s
                try {
                    ov = d.networkByName("ov1");
                } catch (NotFoundException notYet) {
                    Thread.sleep(10);
                }
            }
            if (ov == null) {
                System.out.println("error: h4 never saw ov1");
                return;
            }
            long s2 = System.nanoTime();
            Sandbox sb = d.newSandbox("d");
            long s3 = System.nanoTime();
            ov.createEndpoint("d").join(sb);
            long s4 = System.nanoTime();
            System.out.println("times " + s0 + " " + s1 + " " + s2 + " " + s3 + " " + s4);
            System.out.flush();
            System.in.read();
            sb.delete();
        }
    }

    /** Part 3: REMOTE endpoints on B and C, then a new host D's controller and first join. */
    private void newHost(String networkId, int rounds) throws Exception {
        long t0 = System.nanoTime();
        List<Process> fill = new ArrayList<>();
        for (int h = 2; h <= 3; h++) {
            // one shell per host, its commands through the daemon's thin client: ~30 ms each
            String script = "set -e; for i in $(seq 1 " + REMOTE / 2 + "); do \"$0\" --state-dir \"$1\" --run-dir \"$2\""
                    + " sandbox create r$i >/dev/null; \"$0\" --state-dir \"$1\" --run-dir \"$2\" network connect ov1 r$i; done";
            fill.add(start("fill-h" + h, List.of("nsenter", "--net=" + hosts.get("h" + h).path().orElseThrow(), "bash",
                    "-c", script, repo.resolve("lnw").toString(), state(h).toString(), runDir(h).toString())));
        }
        for (int k = 0; k < fill.size(); k++) {
            Process p = fill.get(k);
            if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("filling h" + (k + 2) + ": " + new String(p.getInputStream().readAllBytes()));
            }
            processes.remove("fill-h" + (k + 2));
        }
        note("part 3: %d endpoints joined on h2 and h3 (half each) in %.1f s", REMOTE, (System.nanoTime() - t0) / 1e9);

        for (int r = 0; r < rounds; r++) {
            Path root = work.resolve("h4-" + r);
            Path plane = root.resolve("run/overlay/ov-" + networkId.substring(0, 12));
            Process poll = start("poll-" + r, List.of("python3", repo.resolve("benchmarks/overlay/neigh_count.py").toString(),
                    work.toString(), plane.toString(), Integer.toString(REMOTE), "60"));
            BufferedReader out = reader(poll);
            expect(out, "ready", poll);
            // D's controller in a JVM of its own inside h4, as on a real host: a controller reaches
            // etcd from its JVM's namespace, and refuses a host namespace that is not the JVM's
            Process child = start("newhost-" + r, List.of("nsenter", "--net=" + hosts.get("h4").path().orElseThrow(),
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), OverlayRun.class.getName(), "newhost", root.toString(),
                    hosts.get("h4").path().orElseThrow().toString()));
            BufferedReader childOut = reader(child);
            String times = childOut.readLine();
            if (times == null || !times.startsWith("times ")) {
                throw new IllegalStateException("h4's controller: " + times);
            }
            String[] t = times.split(" ");
            long s0 = Long.parseLong(t[1]);
            long s1 = Long.parseLong(t[2]);
            long s2 = Long.parseLong(t[3]);
            long s3 = Long.parseLong(t[4]);
            long s4 = Long.parseLong(t[5]);
            String ns = out.readLine();
            String done = out.readLine();
            stop("poll-" + r);
            if (ns == null || done == null || !ns.startsWith("ns ") || !done.startsWith("done ")) {
                throw new IllegalStateException("h4's neighbour table did not fill: " + ns + " / " + done);
            }
            long full = Long.parseLong(done.split(" ")[1]);
            System.out.printf("op new-host i=%d open_ms=%.3f network_ms=%.3f sandbox_ms=%.3f join_ms=%.3f"
                    + " ns_from_join_ms=%.3f full_from_join_ms=%.3f full_from_open_ms=%.3f dumps=%s%n", r,
                    (s1 - s0) / 1e6, (s2 - s1) / 1e6, (s3 - s2) / 1e6, (s4 - s3) / 1e6,
                    (Long.parseLong(ns.split(" ")[1]) - s3) / 1e6, (full - s3) / 1e6, (full - s0) / 1e6,
                    done.split(" ")[2]);
            child.getOutputStream().write('\n'); // its sandbox goes, its controller closes
            child.getOutputStream().flush();
            if (!child.waitFor(60, TimeUnit.SECONDS) || child.exitValue() != 0) {
                throw new IllegalStateException("h4's controller did not close: exit " + child.exitValue());
            }
            processes.remove("newhost-" + r);
            removePlane(plane); // the next round's D is a new host: its VNI must be free again
        }
        note("part 3: %d rounds of a new host h4 (fresh state and run directories each), %d remote endpoints",
                rounds, REMOTE);
    }

    // ---- the lab -----------------------------------------------------------------------------

    /** The underlay, etcd's namespace and hosts h1..hN on it, as EtcdLab. */
    private void lab(int n) {
        Netns underlay = Netns.createAt(work.resolve("ns"), "underlay");
        hosts.put("underlay", underlay);
        try (Netlink ul = Netlink.open(underlay)) {
            Link br0 = ul.createBridge(BridgeSpec.of("br0").up());
            for (int i = 1; i <= n + 1; i++) {
                String name = i <= n ? "h" + i : "etcd";
                String ip = "192.168.77." + (i <= n ? i : 100);
                // h1 is this JVM's own namespace (run-overlay.sh starts it in a new one): the
                // etcd clients of the controllers in this JVM connect from it
                Netns h = i == 1 ? Netns.current() : Netns.createAt(work.resolve("ns"), name);
                hosts.put(name, h);
                try (Netlink hn = Netlink.open(h)) {
                    var pair = ul.createVeth(VethSpec.of("u" + name, "eth0").peerIn(hn).master(br0.index()).up());
                    int eth0 = pair.peer().index();
                    hn.addAddr(Addr.of(eth0, ip + "/24"));
                    hn.setUp(eth0);
                    hn.setUp(hn.link("lo").index());
                }
            }
        }
    }

    private void startEtcd() throws Exception {
        Path data = work.resolve("etcd-data");
        Files.createDirectories(data);
        start("etcd", List.of("nsenter", "--net=" + hosts.get("etcd").path().orElseThrow(), "/usr/bin/etcd", "--name",
                "lnwb", "--data-dir", data.toString(), "--listen-client-urls", "http://" + ETCD_IP + ":2379",
                "--advertise-client-urls", "http://" + ETCD_IP + ":2379", "--listen-peer-urls", "http://127.0.0.1:2380",
                "--initial-advertise-peer-urls", "http://127.0.0.1:2380", "--initial-cluster",
                "lnwb=http://127.0.0.1:2380"), work.resolve("etcd.log"));
        await("etcd answers", 20_000, () -> exec(List.of("nsenter", "--net=" + hosts.get("etcd").path().orElseThrow(),
                "etcdctl", "--endpoints", ETCD_IP + ":2379", "--dial-timeout", "1s", "endpoint", "health"), 10) != null);
    }

    private Path state(int h) {
        return work.resolve("h" + h).resolve("state");
    }

    private Path runDir(int h) {
        return work.resolve("h" + h).resolve("run");
    }

    private List<String> lnwCommand(int h, String... args) {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=" + hosts.get("h" + h).path().orElseThrow(),
                repo.resolve("lnw").toString(), "--state-dir", state(h).toString(), "--run-dir", runDir(h).toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private void startDaemon(int h) throws Exception {
        Process p = start("daemon-h" + h, lnwCommand(h, "daemon", "--cluster-store", STORE, "--advertise-addr",
                "192.168.77." + h), work.resolve("daemon-h" + h + ".log"));
        Path socket = state(h).resolve("lnw.sock");
        await("the daemon of h" + h, 60_000, () -> {
            if (!p.isAlive()) {
                throw new IllegalStateException("the daemon of h" + h + " exited: " + tail(work.resolve("daemon-h" + h + ".log")));
            }
            return Files.exists(socket);
        });
    }

    /** An lnw command on host h (through its daemon), its output; throws if it fails. */
    private String lnw(int h, String... args) {
        String out = exec(lnwCommand(h, args), 60);
        if (out == null) {
            throw new IllegalStateException("lnw " + String.join(" ", args) + " on h" + h + " failed");
        }
        return out;
    }

    private NetworkController controller(int h, Path root) {
        ControllerConfig.Builder b = ControllerConfig.builder();
        if (h != 1) {
            b.hostNamespace(hosts.get("h" + h).path().orElseThrow()); // h1: the JVM's own, the default
        }
        NetworkController c = NetworkController.create(b.stateDir(root.resolve("state"))
                .runDir(root.resolve("run")).clusterStore(STORE).advertiseAddress("192.168.77." + h).build());
        synchronized (controllers) {
            controllers.add(c);
        }
        return c;
    }

    /** eth0's IPv4 address in the namespace at path. */
    private String ipv4(Path ns) {
        String out = exec(List.of("nsenter", "--net=" + ns, "ip", "-4", "-o", "addr", "show", "dev", "eth0"), 10);
        if (out == null || !out.contains(" inet ")) {
            throw new IllegalStateException("no address on eth0 in " + ns + ": " + out);
        }
        return out.split(" inet ")[1].split("/")[0];
    }

    private List<String> sandboxCommand(Sandbox sb, String script, String... args) {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=" + sb.key(), "python3",
                repo.resolve("benchmarks/overlay").resolve(script).toString(), work.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Deletes the VXLAN devices of an overlay namespace (their VNI is held while they live), then the mount. */
    private static void removePlane(Path plane) {
        if (!Files.exists(plane)) {
            return;
        }
        try (Netns ns = Netns.open(plane); Netlink nl = Netlink.open(ns)) {
            for (Link l : nl.links()) {
                if ("vxlan".equals(l.kind())) {
                    nl.deleteLink(l.index());
                }
            }
        }
        Netns.delete(plane);
    }

    // ---- processes -------------------------------------------------------------------------

    private Process start(String name, List<String> cmd) throws IOException {
        return start(name, cmd, null);
    }

    /** Starts cmd, noting its PID in WORK/pids for run-overlay.sh's last resort. */
    private Process start(String name, List<String> cmd, Path log) throws IOException {
        ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (log != null) {
            b.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        }
        Process p = b.start();
        processes.put(name, p);
        Files.writeString(work.resolve("pids"), p.pid() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return p;
    }

    /** Stops a process started here: SIGTERM, after 20 s SIGKILL. */
    private void stop(String name) throws InterruptedException {
        Process p = processes.remove(name);
        if (p != null && p.isAlive()) {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static BufferedReader reader(Process p) {
        return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    }

    private static void expect(BufferedReader out, String what, Process p) throws IOException {
        String line = out.readLine();
        if (!what.equals(line)) {
            throw new IllegalStateException("expected \"" + what + "\" from " + p.info().commandLine().orElse("?") + ": "
                    + line);
        }
    }

    /** Runs cmd to its end (bounded), its output; null if it failed. */
    private static String exec(List<String> cmd, int seconds) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private interface Check<T> {
        T get() throws Exception;
    }

    /** Polls check every millisecond until it gives true or a value, bounded by ms. */
    private static <T> T await(String what, long ms, Check<T> check) throws Exception {
        long deadline = System.nanoTime() + ms * 1_000_000;
        do {
            T v = check.get();
            if (v != null && !Boolean.FALSE.equals(v)) {
                return v;
            }
            Thread.sleep(1);
        } while (System.nanoTime() < deadline);
        throw new IllegalStateException("not within " + ms + " ms: " + what);
    }

    private static String tail(Path log) {
        try {
            String s = Files.readString(log);
            return s.length() > 3000 ? s.substring(s.length() - 3000) : s;
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static void note(String fmt, Object... args) {
        System.out.println("note " + String.format(fmt, args));
    }

    // ---- cleanup -----------------------------------------------------------------------------

    /**
     * Everything this run made, whatever state it stopped in, once: the in-process controllers
     * closed, every process stopped by its PID (daemons first: they hold the store), etcd
     * last; then every namespace mounted under WORK unmounted (the daemons' sandboxes and
     * overlay namespaces, the hosts, the underlay: the kernel frees their links with them)
     * and the directory removed. Returns what it could not do.
     */
    private List<String> cleanup() {
        List<String> troubles = new ArrayList<>();
        if (!cleaned.compareAndSet(false, true)) {
            return troubles;
        }
        synchronized (controllers) {
            for (NetworkController c : controllers) {
                try {
                    c.close();
                } catch (RuntimeException e) {
                    troubles.add("close a controller: " + e);
                }
            }
            controllers.clear();
        }
        List<String> names = new ArrayList<>(processes.keySet());
        names.sort(Comparator.comparing((String n) -> n.equals("etcd")));
        for (String n : names) {
            try {
                stop(n);
            } catch (InterruptedException e) {
                troubles.add("stop " + n + ": interrupted");
            }
        }
        hosts.values().forEach(Netns::close);
        Leftovers.unmountUnder(work, m -> false, troubles);
        Leftovers.deleteTree(work, troubles);
        return troubles;
    }
}
