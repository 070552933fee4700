package org.libnetwork4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import org.libnetwork4j.ControllerConfig;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.NetworkOptions;
import org.libnetwork4j.Sandbox;
import org.libnetwork4j.kernel.Netlink;
import org.libnetwork4j.kernel.Netns;

/**
 * The scale run: TOTAL live endpoints (default 1000), each in a sandbox of its own, spread
 * over bridges of at most PER_BRIDGE ports (a Linux bridge has 1023), in a fake host. Prints
 * the attach latency of the first and the last hundred (after 300 attach/delete cycles on
 * another network for the JIT), and the controller's heap and the process's RSS with all of
 * them alive; then removes everything.
 *
 * <pre>ScaleRun TOTAL PER_BRIDGE RUN_ROOT</pre>
 */
public final class ScaleRun {
    private static final int WARMUP = 300;

    private ScaleRun() {
    }

    public static void main(String[] a) throws Exception {
        int total = Integer.parseInt(a[0]);
        int perBridge = Integer.parseInt(a[1]);
        Path root = Files.createTempDirectory(Path.of(a[2]), "lnwp-scale-");
        Netns host = Netns.createAt(root, "host");
        List<Sandbox> live = new ArrayList<>();
        double[] attach = new double[total];
        try (Netlink nl = Netlink.open(host)) {
            nl.setUp(nl.link("lo").index());
        }
        try (NetworkController c = NetworkController.create(ControllerConfig.builder()
                .hostNamespace(host.path().orElseThrow()).stateDir(root.resolve("state"))
                .runDir(root.resolve("run")).build())) {
            List<Network> nets = new ArrayList<>();
            for (int b = 0; b * perBridge < total; b++) {
                nets.add(c.newNetwork("bridge", "scale" + b, NetworkOptions.builder().subnet("10." + (150 + b) + ".0.0/16")
                        .build()));
            }
            // the JIT first, on a network of its own, so that the first hundred is not the JVM's warm-up
            Network warm = c.newNetwork("bridge", "warmup", NetworkOptions.builder().subnet("10.149.0.0/16").build());
            for (int i = 0; i < WARMUP; i++) {
                Sandbox sb = c.newSandbox("w" + i);
                warm.createEndpoint("w" + i).join(sb);
                sb.delete();
            }
            warm.delete();
            System.gc();
            long heap0 = heap();
            long rss0 = rss();
            for (int i = 0; i < total; i++) {
                Sandbox sb = c.newSandbox("s" + i);
                long t0 = System.nanoTime();
                nets.get(i / perBridge).createEndpoint("e" + i).join(sb);
                attach[i] = (System.nanoTime() - t0) / 1e6;
                live.add(sb);
            }
            System.gc();
            long heap1 = heap();
            long rss1 = rss();
            int h = Math.min(100, total);
            System.out.printf("scale: %d live endpoints on %d bridges%n", total, nets.size());
            System.out.printf("attach median, endpoints 1-%d: %.3f ms; %d-%d: %.3f ms; ratio %.2f%n", h,
                    median(Arrays.copyOfRange(attach, 0, h)), total - h + 1, total,
                    median(Arrays.copyOfRange(attach, total - h, total)),
                    median(Arrays.copyOfRange(attach, total - h, total)) / median(Arrays.copyOfRange(attach, 0, h)));
            for (int k = 0; k < total; k += h) {
                System.out.printf("  endpoints %4d-%4d: attach median %.3f ms%n", k + 1, Math.min(total, k + h),
                        median(Arrays.copyOfRange(attach, k, Math.min(total, k + h))));
            }
            System.out.printf("heap in use: %.1f MB before, %.1f MB with %d endpoints (%.1f KB each)%n", heap0 / 1e6,
                    heap1 / 1e6, total, (heap1 - heap0) / 1e3 / total);
            System.out.printf("RSS: %.1f MB before, %.1f MB with %d endpoints%n", rss0 / 1e6, rss1 / 1e6, total);
            for (Sandbox sb : live) {
                sb.delete();
            }
            for (Network n : nets) {
                n.delete();
            }
        } finally {
            host.delete();
            try (var w = Files.walk(root)) {
                for (Path p : w.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static long heap() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    private static long rss() throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("\\D", "")) * 1024;
            }
        }
        return -1;
    }
}
