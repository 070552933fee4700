package org.libnetwork4j.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
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
 * for 15 s and through the facade for 10, so that its JIT is done, as JMH's warm-up does.
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
            warm(() -> kernelAttach(host), 10);
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
                System.out.printf("set %d %.4f %.4f %.4f %.3f %.3f%n", s, ms[0], ms[1], ms[2], ms[1] / ms[0],
                        ms[2] / ms[0]);
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
        return block % 2 == 1 ? ms[block / 2] : (ms[block / 2 - 1] + ms[block / 2]) / 2;
    }

    /** The C floor's attach median for block containers, from its "attach n=N median_ms=M ..." line. */
    private static double cFloor(String cfloor, int block, Path dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cfloor, Integer.toString(block), Integer.toString(WARMUP), dir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Double median = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 3 && f[0].equals("attach") && f[2].startsWith("median_ms=")) {
                    median = Double.parseDouble(f[2].substring("median_ms=".length()));
                }
            }
        } finally {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor();
            }
            Files.deleteIfExists(dir); // the program removes it; one it left (killed) is empty
        }
        if (p.exitValue() != 0 || median == null) {
            throw new IllegalStateException(cfloor + " failed (exit " + p.exitValue() + ") or printed no attach line");
        }
        return median;
    }
}
