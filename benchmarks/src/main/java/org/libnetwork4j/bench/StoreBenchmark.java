package org.libnetwork4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.libnetwork4j.EndpointOptions;
import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.MacAddress;
import org.libnetwork4j.store.EndpointRecord;
import org.libnetwork4j.store.SqliteStore;
import org.libnetwork4j.store.State;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The store alone (no root, no kernel): one endpoint record written, one transaction, as
 * {@code createEndpoint}, a join's intent and a join's commit each write one. Back to back,
 * with the caches warm; between an attach's kernel work the same write costs 3-10 times more
 * (benchmarks/RESULTS.md, "what the store costs the attach").
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = Bench.PRE_TOUCH)
@org.openjdk.jmh.annotations.State(Scope.Thread)
public class StoreBenchmark {
    private Path dir;
    private SqliteStore store;
    private EndpointRecord ready;
    private EndpointRecord joined;
    private boolean flip;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory(Bench.runRoot(), "lnw-bench-store-");
        store = SqliteStore.open(dir);
        String net = "a".repeat(64);
        ready = new EndpointRecord("b".repeat(64), net, "e1", State.READY, EndpointOptions.builder().build(),
                IpPrefix.parse("10.201.0.2/16"), null, MacAddress.parse("02:42:0a:c9:00:02"), null, null, 0, List.of());
        joined = new EndpointRecord(ready.id(), net, "e1", State.JOINED, ready.options(), ready.ipv4(), null,
                ready.mac(), "c".repeat(64), "eth0", 0, List.of());
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        store.close();
        try (var walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** One record replaced (alternately ready and joined, as an attach and a detach would). */
    @Benchmark
    public void writeEndpoint() {
        flip = !flip;
        store.put(flip ? joined : ready);
    }
}
