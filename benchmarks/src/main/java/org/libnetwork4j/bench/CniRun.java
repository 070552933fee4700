package org.libnetwork4j.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.libnetwork4j.NetworkController;
import org.libnetwork4j.cni.CniPlugin;
import org.libnetwork4j.kernel.Netns;

/**
 * The CNI plugin's own work, without processes or the daemon's socket: {@link CniPlugin#run}
 * called in-process on one warm controller, as {@code lnw daemon} calls it (a controller the
 * call may not close), for containers whose namespaces are made beforehand (untimed), in a
 * fake host namespace of its own. The configuration is the peer harness's for lnw-cni.
 *
 * <pre>CniRun N WARMUP RUN_ROOT [CSV]</pre>
 * prints the medians of ADD and DEL; appends {@code lnw-cni-inproc,attach|detach,i,us} rows
 * to CSV if given.
 */
public final class CniRun {
    private static final String CONF = "{\"cniVersion\": \"1.1.0\", \"name\": \"lnwcni\", \"type\": \"libnetwork4j\","
            + " \"network\": \"lnwcni\", \"subnet\": \"10.205.0.0/16\"}";

    private CniRun() {
    }

    public static void main(String[] a) throws IOException {
        int n = Integer.parseInt(a[0]);
        int warmup = Integer.parseInt(a[1]);
        Path root = Files.createTempDirectory(Path.of(a[2]), "lnw-cnirun-");
        PrintWriter csv = a.length > 3 ? new PrintWriter(Files.newBufferedWriter(Path.of(a[3]),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND)) : null;
        Netns host = Bench.fakeHost(root);
        List<Long> add = new ArrayList<>();
        List<Long> del = new ArrayList<>();
        try {
            try (NetworkController c = NetworkController.create(Bench.controllerConfig(root, host).build())) {
                NetworkController kept = unclosable(c);
                for (int i = 0; i < warmup + n; i++) {
                    Netns ctr = Netns.createAt(root, "c" + i);
                    try {
                        Map<String, String> env = Map.of("CNI_COMMAND", "ADD", "CNI_CONTAINERID", "ctr" + i,
                                "CNI_NETNS", ctr.path().orElseThrow().toString(), "CNI_IFNAME", "eth0");
                        long t0 = System.nanoTime();
                        call(env, kept);
                        long t1 = System.nanoTime();
                        call(Map.of("CNI_COMMAND", "DEL", "CNI_CONTAINERID", "ctr" + i, "CNI_NETNS",
                                ctr.path().orElseThrow().toString(), "CNI_IFNAME", "eth0"), kept);
                        long t2 = System.nanoTime();
                        if (i >= warmup) {
                            add.add(t1 - t0);
                            del.add(t2 - t1);
                            if (csv != null) {
                                csv.printf("lnw-cni-inproc,attach,%d,%.1f%nlnw-cni-inproc,detach,%d,%.1f%n", i - warmup,
                                        (t1 - t0) / 1e3, i - warmup, (t2 - t1) / 1e3);
                            }
                        }
                    } finally {
                        ctr.delete();
                    }
                }
                long c0 = System.nanoTime();
                c.close(); // waits for what the reaper has left to delete
                System.out.printf("close (pending deletes): %.1f ms%n", (System.nanoTime() - c0) / 1e6);
            }
        } finally {
            if (csv != null) {
                csv.close();
            }
            host.delete();
            try (var s = Files.walk(root)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.out.printf("in-process CNI, N=%d after %d: ADD median %.3f ms (p90 %.3f), DEL median %.3f ms (p90 %.3f)%n",
                n, warmup, pct(add, 0.5), pct(add, 0.9), pct(del, 0.5), pct(del, 0.9));
    }

    private static void call(Map<String, String> env, NetworkController c) {
        StringWriter out = new StringWriter();
        int code = CniPlugin.run(env, CONF.getBytes(StandardCharsets.UTF_8), new PrintWriter(out), () -> c);
        if (code != 0) {
            throw new IllegalStateException(env.get("CNI_COMMAND") + " failed: " + out);
        }
    }

    private static double pct(List<Long> v, double p) {
        List<Long> s = new ArrayList<>(v);
        s.sort(null);
        return s.isEmpty() ? Double.NaN : s.get(Math.min(s.size() - 1, (int) Math.ceil(p * s.size()) - 1)) / 1e6;
    }

    /** As the daemon hands its controller to a command: close() does nothing. */
    private static NetworkController unclosable(NetworkController c) {
        return (NetworkController) java.lang.reflect.Proxy.newProxyInstance(NetworkController.class.getClassLoader(),
                new Class<?>[] {NetworkController.class}, (proxy, method, margs) -> {
                    if (method.getName().equals("close") && method.getParameterCount() == 0) {
                        return null;
                    }
                    try {
                        return method.invoke(c, margs);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
