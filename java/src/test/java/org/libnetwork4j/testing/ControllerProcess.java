package org.libnetwork4j.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.libnetwork4j.ControllerConfig;
import org.libnetwork4j.EndpointOptions;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.Sandbox;

/**
 * A controller in a JVM of its own, for tests that kill it or lock against it. Prints
 * {@code ready PID} once its controller is open, then one line per thing done.
 *
 * <pre>
 * ControllerProcess HOSTNS STATEDIR RUNDIR hold                  # until stdin closes
 * ControllerProcess HOSTNS STATEDIR RUNDIR create NETWORK FROM COUNT THREADS
 * ControllerProcess HOSTNS STATEDIR RUNDIR delete THREADS        # every sandbox
 * ControllerProcess HOSTNS STATEDIR RUNDIR join NETWORK LEAVE     # k0/e0 joined (and left), then hold
 * ControllerProcess HOSTNS STATEDIR RUNDIR drop NETWORK           # the network deleted, then hold
 * </pre>
 * {@code create} makes, for i in [FROM, FROM+COUNT): sandbox "kI", endpoint "eI" on NETWORK
 * joined to it; every fifth publishes a port.
 */
public final class ControllerProcess {
    private ControllerProcess() {
    }

    public static void main(String[] a) throws Exception {
        ControllerConfig cfg = ControllerConfig.builder().hostNamespace(Path.of(a[0])).stateDir(Path.of(a[1]))
                .runDir(Path.of(a[2])).lockWait(Duration.ofSeconds(10)).build();
        try (NetworkController c = NetworkController.create(cfg)) {
            say("ready " + ProcessHandle.current().pid());
            switch (a[3]) {
                case "hold" -> System.in.readAllBytes();
                case "create" -> create(c, c.networkByName(a[4]), Integer.parseInt(a[5]), Integer.parseInt(a[6]),
                        Integer.parseInt(a[7]));
                case "delete" -> delete(c, Integer.parseInt(a[4]));
                case "join" -> {
                    Sandbox sb = c.newSandbox("k0");
                    var e = c.networkByName(a[4]).createEndpoint("e0");
                    e.join(sb);
                    if (Boolean.parseBoolean(a[5])) {
                        // A write that makes a transaction, which takes the join's record along:
                        // run with -Dlnw.store.journalLimit=0, a write that finds the journal
                        // not empty makes one (the create journals, the delete makes it).
                        c.networkByName(a[4]).createEndpoint("e1").delete();
                        e.leave(sb);
                    }
                    say("joined");
                    System.in.readAllBytes();
                }
                case "drop" -> {
                    c.networkByName(a[4]).delete();
                    say("dropped");
                    System.in.readAllBytes();
                }
                default -> throw new IllegalArgumentException(a[3]);
            }
            say("done");
        }
    }

    private static void create(NetworkController c, Network n, int from, int count, int threads) throws Exception {
        AtomicInteger next = new AtomicInteger(from);
        run(threads, () -> {
            for (int i = next.getAndIncrement(); i < from + count; i = next.getAndIncrement()) {
                Sandbox sb = c.newSandbox("k" + i);
                EndpointOptions o = i % 5 == 0 ? EndpointOptions.builder().publish("80").build() : EndpointOptions.defaults();
                n.createEndpoint("e" + i, o).join(sb);
                say("created " + i);
            }
        });
    }

    private static void delete(NetworkController c, int threads) throws Exception {
        List<Sandbox> all = c.sandboxes();
        AtomicInteger next = new AtomicInteger();
        run(threads, () -> {
            for (int i = next.getAndIncrement(); i < all.size(); i = next.getAndIncrement()) {
                all.get(i).delete();
                say("deleted " + all.get(i).containerId());
            }
        });
    }

    private static void run(int threads, Runnable work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                fs.add(pool.submit(work));
            }
            for (Future<?> f : fs) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    /** Starts one, in this test JVM's class path; its stderr goes to the test's output. */
    public static Process start(Path hostNs, Path stateDir, Path runDir, String... args) throws IOException {
        return start(List.of(), hostNs, stateDir, runDir, args);
    }

    /** The same with JVM options (system properties) of its own. */
    public static Process start(List<String> jvmOptions, Path hostNs, Path stateDir, Path runDir, String... args)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xshare:auto", "-XX:TieredStopAtLevel=1"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of(
                // a crash report beside the state, not in the build's working directory
                "-XX:ErrorFile=" + crashFile(stateDir, "%p"),
                "-cp", System.getProperty("java.class.path"), ControllerProcess.class.getName(),
                hostNs.toString(), stateDir.toString(), runDir.toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static Path crashFile(Path stateDir, String pid) {
        return stateDir.resolveSibling("hs_err_pid" + pid + ".log");
    }

    /**
     * Fails unless p ended by our SIGKILL (exit 137) or finished its work (0): a child that
     * died by itself, a JVM crash above all, must not pass for one of our kill points.
     */
    public static void assertKilledOrDone(Process p, Path stateDir, String what) {
        int exit = p.exitValue();
        if (exit == 137 || exit == 0) {
            return;
        }
        Path report = crashFile(stateDir, Long.toString(p.pid()));
        String head = "";
        try {
            if (Files.exists(report)) {
                head = "; its crash report " + report + " begins:\n"
                        + String.join("\n", Files.readAllLines(report).stream().limit(40).toList());
            }
        } catch (IOException e) {
            head = "; its crash report " + report + " is unreadable: " + e;
        }
        throw new AssertionError(what + ": the controller process ended by itself with exit " + exit + head);
    }
}
