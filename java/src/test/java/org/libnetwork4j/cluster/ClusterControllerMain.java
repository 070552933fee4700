package org.libnetwork4j.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.libnetwork4j.ControllerConfig;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.NetworkException;
import org.libnetwork4j.NetworkOptions;
import org.libnetwork4j.NotFoundException;

/**
 * One host's controller with a cluster store, in a JVM of its own in the host's namespace:
 * {@code ClusterControllerMain HOSTNS STATEDIR RUNDIR ENDPOINT ADVERTISE NETWORK THREADS EACH}.
 * The host at .1 creates the overlay network NETWORK; every host waits for it (at most 20 s),
 * then THREADS threads create EACH endpoints on it at once. Prints "got ADDRESS" per endpoint,
 * "error TYPE: MESSAGE" per refusal, "created", then, after a line on its standard input,
 * deletes every endpoint and prints "done".
 */
public final class ClusterControllerMain {
    private ClusterControllerMain() {
    }

    public static void main(String[] a) throws Exception {
        ControllerConfig cfg = ControllerConfig.builder().hostNamespace(Path.of(a[0])).stateDir(Path.of(a[1]))
                .runDir(Path.of(a[2])).clusterStore(a[3]).advertiseAddress(a[4]).embeddedDns(false)
                .lockWait(Duration.ofSeconds(10)).build();
        int threads = Integer.parseInt(a[6]);
        int each = Integer.parseInt(a[7]);
        try (NetworkController c = NetworkController.create(cfg)) {
            if (a[4].endsWith(".1")) {
                c.newNetwork("overlay", a[5], NetworkOptions.builder().subnet("10.94.0.0/24").build());
            }
            Network n = null;
            for (int i = 0; i < 200 && n == null; i++) { // bounded: 20 s
                try {
                    n = c.networkByName(a[5]);
                } catch (NotFoundException notYet) {
                    Thread.sleep(100);
                }
            }
            if (n == null) {
                say("error NotFoundException: network " + a[5] + " never came");
                System.exit(1);
            }
            Network net = n;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            for (int t = 0; t < threads; t++) {
                int thread = t;
                pool.execute(() -> {
                    for (int i = 0; i < each; i++) {
                        try {
                            var e = net.createEndpoint("e" + thread + "-" + i);
                            say("got " + e.info().ipv4().address().getHostAddress());
                        } catch (NetworkException e) {
                            say("error " + e.getClass().getSimpleName() + ": " + e.getMessage());
                        }
                    }
                });
            }
            pool.shutdown();
            pool.awaitTermination(120, TimeUnit.SECONDS);
            say("created");
            // every host holds its endpoints until all have made theirs: an address given
            // back early would be taken again by a host still making its own
            new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine();
            for (var e : net.endpoints()) {
                e.delete();
            }
        }
        say("done");
        System.exit(0);
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
