package org.libnetwork4j.bench;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkOptions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Network create (a bridge, its gateway, its sysctls, its firewall elements, the store) and
 * network delete (its firewall elements, the bridge down and marked, the store; the kernel's
 * delete of the bridge, 30-40 ms of RCU waiting, follows in the background), each alone: the
 * background delete of one round is over before the next round's measured call.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
// A create and a delete every ~45 ms (the kernel's removal of the bridge is waited for): 24 s
// of warm-up, ~500 creates, before the JIT has compiled the path (2 x 2 s measured 3.8 ms,
// falling to a steady 2.3 ms from the fifth 3 s iteration on)
@Warmup(iterations = 8, time = 3)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {Bench.NATIVE_ACCESS, Bench.PRE_TOUCH})
public class NetworkBenchmark {

    @State(Scope.Thread)
    public static class World {
        ControllerWorld w;

        @Setup(Level.Trial)
        public void start() throws IOException {
            w = new ControllerWorld("net");
        }

        @TearDown(Level.Trial)
        public void stop() throws IOException {
            w.close();
        }
    }

    /** Deletes, after the measurement, the network the create made. */
    @State(Scope.Thread)
    public static class ToCreate {
        World world;
        Network made;

        @Setup(Level.Invocation)
        public void before(World w) {
            world = w;
        }

        @TearDown(Level.Invocation)
        public void after() {
            made.delete();
            world.w.awaitDeletedBridges();
        }
    }

    @Benchmark
    public Network create(ToCreate t) {
        t.made = t.world.w.controller.newNetwork("bridge", "n" + t.world.w.next(),
                NetworkOptions.builder().subnet("10.202.0.0/24").build());
        return t.made;
    }

    @State(Scope.Thread)
    public static class ToDelete {
        Network network;

        @Setup(Level.Invocation)
        public void before(World w) {
            w.w.awaitDeletedBridges();
            network = w.w.controller.newNetwork("bridge", "d" + w.w.next(),
                    NetworkOptions.builder().subnet("10.203.0.0/24").build());
        }
    }

    @Benchmark
    public void delete(ToDelete t) {
        t.network.delete();
    }
}
