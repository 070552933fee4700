package org.libnetwork4j.cluster;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * ClusterStoreRacesTest's client for an error etcd answers, in a JVM of its own in a host's
 * namespace: {@code AnsweredErrorMain ENDPOINT KEY}. Puts a value too large for etcd (which
 * refuses it) and prints "refused"; at the next line on its input it reads KEY and prints
 * "read after N ms", or "failed after N ms: WHY".
 */
public final class AnsweredErrorMain {
    private AnsweredErrorMain() {
    }

    public static void main(String[] a) throws Exception {
        try (EtcdStore store = EtcdStore.connect(List.of(URI.create(a[0])), Duration.ofSeconds(10))) {
            try {
                store.put(a[1], new byte[2 << 20], false); // etcd's limit: 1.5 MiB a request
                System.out.println("written, not refused");
            } catch (RuntimeException e) {
                System.out.println("refused");
            }
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            long t0 = System.nanoTime();
            try {
                store.get(a[1]);
                System.out.println("read after " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            } catch (RuntimeException e) {
                System.out.println("failed after " + (System.nanoTime() - t0) / 1_000_000 + " ms: " + e.getMessage());
            }
        }
        System.out.flush();
        System.exit(0); // the client's threads are not all daemons
    }
}
