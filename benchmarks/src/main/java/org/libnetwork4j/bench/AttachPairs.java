package org.libnetwork4j.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

import org.libnetwork4j.Endpoint;
import org.libnetwork4j.Sandbox;

/**
 * The attach beside its C floor in sets of short blocks run one right after the other:
 *
 * <pre>
 *   java -XX:+AlwaysPreTouch -cp ... org.libnetwork4j.bench.AttachPairs SETS BLOCK CFLOOR RUNROOT
 * </pre>
 *
 * <p><b>Why.</b> run-attach.sh's rounds run the C floor for a few seconds and then JMH for
 * minutes. On a virtual machine whose speed drifts from minute to minute (the C floor's own
 * median moved between 0.36 and 0.70 ms from round to round of one run on the AMD VM), the
 * ratio of two medians taken minutes apart is mostly that drift. Here the blocks of one set
 * run within seconds of each other and the ratios are taken per set, so the drift cancels in
 * each; the median of the sets' ratios says how far the Java rows are from the floor.
 *
 * <p>Each set has three blocks of BLOCK attaches, in an order that rotates from set to set:
 * <ul>
 * <li>the C floor ({@code lnw-attach-bench BLOCK 50 DIR}, a process of its own that prints
 * its median);</li>
 * <li>the Java kernel facade (AttachBenchmark's attach);</li>
 * <li>the CNM (createEndpoint + join into a fresh sandbox, as CnmBenchmark's attach).</li>
 * </ul>
 * Each block starts with {@value #WARMUP} untimed attaches, as the C floor's does (after
 * the pause below, caches and branch predictors are cold: without them the first sets' CNM
 * blocks ran 0.8-0.9 ms against 0.55-0.65 later). Sandboxes are made before each attach and
 * deleted after it, untimed, as in the JMH suites.
 * Before each block the machine is left alone for {@value #SETTLE_MS} ms: a deleted network
 * namespace is torn down by the kernel in the background, and without the pause the last
 * block's teardowns ran into the next block's attaches (ratios spread over 1.23-1.68x
 * instead of 1.38-1.52x in one trial). Before the first set the JVM attaches through the CNM
 * for 15 s and through the facade for 15, as long as the JMH suites warm each up; unlike
 * them, one JVM runs both. With a number of sets that is a multiple of three, each block
 * comes first, second and third equally often.
 *
 * <p>Prints one line per set, {@code set N c_ms kernel_ms cnm_ms kernel/c cnm/c}; everything
 * it made is removed at the end.
 */
public final class AttachPairs {
    static final long SETTLE_MS = 1500;
    /** Untimed attaches that start each block, of each of the three. */
    static final int WARMUP = 50;

    private AttachPairs() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: AttachPairs SETS BLOCK CFLOOR RUNROOT");
            System.exit(2);
        }
        int sets = Integer.parseInt(args[0]);
        int block = Integer.parseInt(args[1]);
        String cfloor = args[2];
        Path runRoot = Path.of(args[3]);
        try (ControllerWorld w = new ControllerWorld("pairs"); FakeHost host = new FakeHost()) {
            warm(() -> cnmAttach(w), 15); // as CnmBenchmark's JMH warm-up
            warm(() -> kernelAttach(host), 15); // as AttachBenchmark's
            for (int s = 1; s <= sets; s++) {
                double[] ms = new double[3]; // c, kernel, cnm
                for (int k = 0; k < 3; k++) {
                    int which = (s + k) % 3;
                    Thread.sleep(SETTLE_MS);
                    ms[which] = switch (which) {
                        case 0 -> cFloor(cfloor, block, runRoot.resolve("c" + s));
                        case 1 -> median(block, () -> kernelAttach(host));
                        default -> median(block, () -> cnmAttach(w));
                    };
                }
                System.out.printf(Locale.ROOT, "set %d %.4f %.4f %.4f %.3f %.3f%n", s, ms[0], ms[1], ms[2],
                        ms[1] / ms[0], ms[2] / ms[0]);
            }
        }
    }

    /** One CNM attach, in ms; its sandbox made before and deleted after, untimed. */
    private static double cnmAttach(ControllerWorld w) {
        int n = w.next();
        Sandbox sb = w.controller.newSandbox("c" + n);
        try {
            long t0 = System.nanoTime();
            Endpoint ep = w.network.createEndpoint("e" + n);
            ep.join(sb);
            return (System.nanoTime() - t0) / 1e6;
        } finally {
            sb.delete();
        }
    }

    /** One attach through the Java kernel facade, in ms, likewise. */
    private static double kernelAttach(FakeHost host) {
        try (FakeHost.Sandbox sb = host.newSandbox()) {
            long t0 = System.nanoTime();
            sb.attach();
            return (System.nanoTime() - t0) / 1e6;
        }
    }

    private static void warm(DoubleSupplier attach, int seconds) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (int i = 0; i < 1_000_000 && System.nanoTime() < until; i++) {
            attach.getAsDouble();
        }
    }

    /** The median of block attaches, after WARMUP untimed ones, as the C floor's block. */
    private static double median(int block, DoubleSupplier attach) {
        for (int i = 0; i < WARMUP; i++) {
            attach.getAsDouble();
        }
        double[] ms = new double[block];
        for (int i = 0; i < block; i++) {
            ms[i] = attach.getAsDouble();
        }
        Arrays.sort(ms);
        return ms[block / 2]; // as the C floor takes its median (bench.h)
    }

    /**
     * The C floor's attach median for block containers, from its "attach n=N median_ms=M ..."
     * line. A floor that fails or hangs (killed after 120 s) leaves its namespaces mounted in
     * dir: they are deleted here, and the failure reported with what the cleanup met.
     */
    private static double cFloor(String cfloor, int block, Path dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cfloor, Integer.toString(block), Integer.toString(WARMUP), dir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        // read on a thread of its own: readLine blocks until the floor exits, which the
        // timeout below must not wait for
        java.util.concurrent.CompletableFuture<String> out = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                StringBuilder all = new StringBuilder();
                for (String line; (line = r.readLine()) != null; ) {
                    all.append(line).append('\n');
                }
                return all.toString();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        boolean exited = p.waitFor(120, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly();
            p.waitFor();
        }
        Double median = null;
        if (exited && p.exitValue() == 0) {
            for (String line : out.join().split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 3 && f[0].equals("attach") && f[2].startsWith("median_ms=")) {
                    median = Double.parseDouble(f[2].substring("median_ms=".length()));
                }
            }
        }
        if (median != null) {
            Files.deleteIfExists(dir); // the floor removed what it made
            return median;
        }
        IllegalStateException failed = new IllegalStateException(cfloor + (exited ? " failed (exit "
                + p.exitValue() + ") or printed no attach line" : " did not finish in 120 s"));
        if (Files.isDirectory(dir)) {
            try (var left = Files.list(dir)) {
                for (Path ns : left.toList()) {
                    try {
                        org.libnetwork4j.kernel.Netns.delete(ns); // unmounts and unlinks
                    } catch (RuntimeException e) {
                        failed.addSuppressed(e);
                        Files.deleteIfExists(ns);
                    }
                }
            }
            Files.deleteIfExists(dir);
        }
        throw failed;
    }
}
