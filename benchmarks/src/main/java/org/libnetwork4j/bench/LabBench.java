package org.libnetwork4j.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.libnetwork4j.lab.Fault;
import org.libnetwork4j.lab.Lab;
import org.libnetwork4j.lab.LabSandbox;

/**
 * The lab's faults, timed: how long each takes to apply and to heal (the call's return, by
 * which it is in force), and how long a lab of 3 hosts and 6 sandboxes takes to set up and to
 * tear down. Appends rows "system,phase,i,us" to CSV, for benchmarks/lab/harness.py, which
 * sets them beside dockerd's network disconnect and connect.
 *
 * <pre>LabBench N CSV</pre>
 *
 * <p>Before timing, it checks once with real traffic that a partition cuts and its heal
 * restores a TCP connection, so that what is timed is a fault that works.
 */
public final class LabBench {
    private static final int WARMUP = 50;

    private LabBench() {
    }

    public static void main(String[] a) throws Exception {
        int n = Integer.parseInt(a[0]);
        Path csv = Path.of(a[1]);
        List<String> rows = new ArrayList<>();
        try (Lab lab = Lab.create()) {
            LabSandbox c1 = lab.host("h1").sandbox("c1");
            LabSandbox c2 = lab.host("h1").sandbox("c2");
            checkPartitionWorks(lab, c1, c2);
            time(rows, "lnw-partition", n, () -> lab.partition(c1, c2));
            time(rows, "lnw-isolate", n, () -> lab.isolate(c1));
            time(rows, "lnw-linkdown", n, () -> lab.linkDown(c1));
            time(rows, "lnw-loss", n, () -> lab.loss(c1, 10));
            time(rows, "lnw-bandwidth", n, () -> lab.bandwidth(c1, 10_000_000));
            time(rows, "lnw-dnsfail", n, () -> lab.dnsFailure("c2", List.of(c1)));
        }
        int labs = Math.max(3, Math.min(n, 20));
        for (int i = 0; i < labs + 2; i++) {
            long t0 = System.nanoTime();
            Lab lab = Lab.create();
            for (int h = 1; h <= 3; h++) {
                lab.host("h" + h).sandbox("a");
                lab.host("h" + h).sandbox("b");
            }
            long t1 = System.nanoTime();
            lab.close();
            long t2 = System.nanoTime();
            if (i >= 2) { // the first two warm the JIT and the caches
                rows.add(row("lnw-lab", "setup", i - 2, t1 - t0));
                rows.add(row("lnw-lab", "teardown", i - 2, t2 - t1));
            }
        }
        Files.write(csv, rows, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        System.out.println("LabBench: " + rows.size() + " rows to " + csv);
    }

    /** WARMUP untimed rounds, then n timed ones: apply, then heal. */
    private static void time(List<String> rows, String system, int n, Supplier<Fault> apply) {
        for (int i = 0; i < WARMUP + n; i++) {
            long t0 = System.nanoTime();
            Fault f = apply.get();
            long t1 = System.nanoTime();
            f.heal();
            long t2 = System.nanoTime();
            if (i >= WARMUP) {
                rows.add(row(system, "apply", i - WARMUP, t1 - t0));
                rows.add(row(system, "remove", i - WARMUP, t2 - t1));
            }
        }
        System.out.println("LabBench: " + system + " done");
    }

    private static String row(String system, String phase, int i, long nanos) {
        return system + "," + phase + "," + i + "," + nanos / 1000;
    }

    private static void checkPartitionWorks(Lab lab, LabSandbox c1, LabSandbox c2) throws Exception {
        try (ServerSocket server = c1.call(() -> new ServerSocket(8080))) {
            Thread accept = new Thread(() -> {
                for (int i = 0; i < 10; i++) { // bounded: the check makes two connections
                    try (Socket s = server.accept()) {
                        s.getOutputStream().write('k');
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "labbench-accept");
            accept.setDaemon(true);
            accept.start();
            if (!reaches(c2, c1)) {
                throw new IllegalStateException("c2 does not reach c1 before the partition");
            }
            Fault f = lab.partition(c1, c2);
            if (reaches(c2, c1)) {
                throw new IllegalStateException("c2 still reaches c1 during the partition");
            }
            f.heal();
            if (!reaches(c2, c1)) {
                throw new IllegalStateException("c2 does not reach c1 after the heal");
            }
        }
        System.out.println("LabBench: checked: a partition cuts c2 -> c1 and its heal restores it");
    }

    private static boolean reaches(LabSandbox from, LabSandbox to) throws Exception {
        return from.call(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(to.address(), 8080), 500);
                s.setSoTimeout(500);
                return s.getInputStream().read() == 'k';
            } catch (IOException e) {
                return false;
            }
        });
    }

}
