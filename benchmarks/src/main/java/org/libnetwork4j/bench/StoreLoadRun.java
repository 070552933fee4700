package org.libnetwork4j.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.libnetwork4j.EndpointOptions;
import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.MacAddress;
import org.libnetwork4j.NetworkOptions;
import org.libnetwork4j.SandboxOptions;
import org.libnetwork4j.store.EndpointRecord;
import org.libnetwork4j.store.NetworkRecord;
import org.libnetwork4j.store.SandboxRecord;
import org.libnetwork4j.store.SqliteStore;
import org.libnetwork4j.store.State;
import org.libnetwork4j.store.Store;
import org.libnetwork4j.store.StoredObject;

/**
 * The store's load as the first restart of a JVM does it: cold (no root, no kernel; what a
 * controller's recovery then does with the records is not in it).
 *
 * <pre>
 * StoreLoadRun make DIR N   a state.db in DIR with N endpoints, joined, and their N
 *                           sandboxes, on bridges of 1,000, as ScaleRun leaves it
 * StoreLoadRun load DIR     in a fresh JVM: the first load, then four more, each with its
 *                           wall time and the process's CPU time (both cores decode);
 *                           SQLite's driver loaded before, on an empty store
 * </pre>
 */
public final class StoreLoadRun {
    private StoreLoadRun() {
    }

    public static void main(String[] a) throws java.io.IOException {
        Path dir = Path.of(a[1]);
        if (a[0].equals("make")) {
            make(dir, Integer.parseInt(a[2]));
        } else {
            load(dir);
        }
    }

    private static void make(Path dir, int n) {
        try (SqliteStore s = SqliteStore.open(dir)) {
            List<StoredObject> batch = new ArrayList<>();
            List<String> nets = new ArrayList<>();
            for (int b = 0; b * 1000 < n; b++) {
                String id = String.format("%064x", 0xA000 + b);
                nets.add(id);
                batch.add(new NetworkRecord(id, "scale" + b, "bridge", State.READY, java.time.Instant.now(),
                        NetworkOptions.builder().subnet("10." + (150 + b) + ".0.0/16").build(), false, false, "eth",
                        List.of(new NetworkRecord.Allocation(IpPrefix.parse("10." + (150 + b) + ".0.0/16"), null,
                                org.libnetwork4j.IpAddresses.parse("10." + (150 + b) + ".0.1"), java.util.Map.of())),
                        java.util.Map.of("bridge", "br-" + id.substring(0, 12), "adopted", "false")));
            }
            for (int i = 0; i < n; i++) {
                String sb = String.format("%064x", 0xC0000000L + i);
                String ep = String.format("%064x", 0xE0000000L + i);
                int host = 2 + i % 1000;
                batch.add(new SandboxRecord(sb, "s" + i, State.READY, SandboxOptions.defaults(),
                        "/run/libnetwork4j/netns/" + sb.substring(0, 12), null));
                batch.add(new EndpointRecord(ep, nets.get(i / 1000), "e" + i, State.JOINED, EndpointOptions.defaults(),
                        IpPrefix.parse("10." + (150 + i / 1000) + "." + (host >> 8) + "." + (host & 0xff) + "/16"), null,
                        MacAddress.of(new byte[] {2, 0x42, 10, (byte) (150 + i / 1000), (byte) (host >> 8), (byte) host}),
                        sb, "eth0", 0, List.of()));
                if (batch.size() >= 1000) {
                    s.update(batch, List.of());
                    batch.clear();
                }
            }
            s.update(batch, List.of());
            s.markClean();
        }
    }

    private static void load(Path dir) throws java.io.IOException {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        // SQLite's driver and native library loaded, as in a JVM whose controller was open
        // before: what ScaleRun's restarts and a daemon's open both have behind them
        Path empty = java.nio.file.Files.createTempDirectory(dir.getParent(), "lnw-empty-");
        try (SqliteStore s = SqliteStore.open(empty)) {
            s.load();
        } finally {
            try (var files = java.nio.file.Files.list(empty)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    java.nio.file.Files.delete(f);
                }
            }
            java.nio.file.Files.delete(empty);
        }
        for (int k = 1; k <= 5; k++) {
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            Store.Snapshot snap;
            try (SqliteStore s = SqliteStore.open(dir)) {
                snap = s.load();
                s.markClean(); // the load takes the mark away; the next one reads as a restart after a clean close
            }
            long t1 = System.nanoTime();
            long cpu1 = os.getProcessCpuTime();
            System.out.printf("load %d: %d networks, %d endpoints, %d sandboxes, %d quarantined: wall %.1f ms,"
                    + " cpu %.1f ms%n", k, snap.networks().size(), snap.endpoints().size(), snap.sandboxes().size(),
                    snap.quarantined().size(), (t1 - t0) / 1e6, (cpu1 - cpu0) / 1e6);
        }
    }
}
