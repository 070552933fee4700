package org.libnetwork4j.cluster;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * ClusterStoreRacesTest's client for a lease across etcd's restart, in a JVM of its own in a
 * host's namespace: {@code LeaseKeptMain ENDPOINT KEY}. Connects (a lease of 10 s), puts KEY
 * under the lease, prints "ready", and stays connected until a line comes on its input; then
 * prints "done".
 */
public final class LeaseKeptMain {
    private LeaseKeptMain() {
    }

    public static void main(String[] a) throws Exception {
        try (EtcdStore store = EtcdStore.connect(List.of(URI.create(a[0])), Duration.ofSeconds(10))) {
            store.put(a[1], "here".getBytes(StandardCharsets.UTF_8), true);
            System.out.println("ready");
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        }
        System.out.println("done");
        System.exit(0); // the client's threads are not all daemons
    }
}
