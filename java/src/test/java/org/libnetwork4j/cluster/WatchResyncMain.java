package org.libnetwork4j.cluster;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * WatchResyncTest's client, in a JVM of its own in a host's namespace: {@code WatchResyncMain
 * ENDPOINT PREFIX}. Watches PREFIX and prints "ready"; once told "restarted" on its input
 * (etcd was stopped and started again), waits for the watch's resync (a second snapshot,
 * within 30 s), then counts the snapshots of the next 6 s and prints "resync" and
 * "snapshots after it N".
 */
public final class WatchResyncMain {
    private WatchResyncMain() {
    }

    public static void main(String[] a) throws Exception {
        AtomicInteger snapshots = new AtomicInteger();
        try (EtcdStore store = EtcdStore.connect(List.of(URI.create(a[0])), Duration.ofSeconds(5));
                AutoCloseable watch = store.watch(a[1], new EtcdStore.Watcher() {
                    @Override
                    public void snapshot(Map<String, byte[]> all) {
                        snapshots.incrementAndGet();
                    }

                    @Override
                    public void put(String key, byte[] value) {
                    }

                    @Override
                    public void deleted(String key) {
                    }
                })) {
            System.out.println("ready");
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            if (!"restarted".equals(in.readLine())) {
                return;
            }
            for (int i = 0; i < 300 && snapshots.get() < 2; i++) {
                Thread.sleep(100);
            }
            if (snapshots.get() < 2) {
                System.out.println("no resync");
                return;
            }
            System.out.println("resync");
            int seen = snapshots.get();
            Thread.sleep(6000);
            System.out.println("snapshots after it " + (snapshots.get() - seen));
        }
    }
}
