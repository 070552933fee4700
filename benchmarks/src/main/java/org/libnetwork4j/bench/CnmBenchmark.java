package org.libnetwork4j.bench;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import org.libnetwork4j.Endpoint;
import org.libnetwork4j.EndpointOptions;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.Sandbox;
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
 * The same attach and detach through the public CNM API: a controller bound to a fake host
 * namespace, one bridge network, and per container {@code createEndpoint} + {@code join} into a
 * sandbox made beforehand (outside the measurement, as in the C program), then
 * {@code sandbox.delete()}. This is the C floor's work plus IPAM, the hosts file, gateway
 * election and bookkeeping.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
// 15 s of warm-up: the join's path is long, and with 3 s the JIT was still compiling it into
// the measurement (the sample mean fell from 1.6 ms to 0.7 ms over the first 15 iterations)
@Warmup(iterations = 15, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {Bench.NATIVE_ACCESS, Bench.PRE_TOUCH})
public class CnmBenchmark {

    /** A controller bound to a fake host, with one bridge network, for the whole trial. */
    @State(Scope.Thread)
    public static class World {
        private ControllerWorld made;
        NetworkController controller;
        Network network;

        @Setup(Level.Trial)
        public void start() throws IOException {
            made = new ControllerWorld("cnm");
            controller = made.controller;
            network = made.network;
        }

        int next() {
            return made.next();
        }

        @TearDown(Level.Trial)
        public void stop() throws IOException {
            made.close();
        }
    }

    /**
     * A fresh sandbox for the attach, deleted after it. The benchmark reaches the world through
     * it: had the benchmark method taken World too, JMH would have made a second one.
     */
    @State(Scope.Thread)
    public static class Fresh {
        World world;
        Sandbox sandbox;
        int n;

        @Setup(Level.Invocation)
        public void create(World w) {
            world = w;
            n = w.next();
            sandbox = w.controller.newSandbox("c" + n);
        }

        @TearDown(Level.Invocation)
        public void delete() {
            sandbox.delete();
        }
    }

    /** attach: createEndpoint + join (veth born in the sandbox, address, up, default route). */
    @Benchmark
    public Endpoint attach(Fresh f) {
        Endpoint ep = f.world.network.createEndpoint("e" + f.n);
        ep.join(f.sandbox);
        return ep;
    }

    /** One port, as Docker's {@code -p 8080:80}; the previous container has freed it. */
    static final EndpointOptions ONE_PORT = EndpointOptions.builder().publish("8080:80").build();

    /**
     * attachPort: the same with one published port: the host port reserved (a bound socket),
     * its DNAT map elements added in one nftables transaction, hairpin mode on the port.
     */
    @Benchmark
    public Endpoint attachPort(Fresh f) {
        Endpoint ep = f.world.network.createEndpoint("e" + f.n, ONE_PORT);
        ep.join(f.sandbox);
        return ep;
    }

    /** A joined sandbox, for the detach. */
    @State(Scope.Thread)
    public static class Joined {
        Sandbox sandbox;

        @Setup(Level.Invocation)
        public void create(World w) {
            int n = w.next();
            sandbox = w.controller.newSandbox("c" + n);
            w.network.createEndpoint("e" + n).join(sandbox);
        }
    }

    /** detach: sandbox.delete() - leaves and deletes its endpoint, removes the namespace. */
    @Benchmark
    public void detach(Joined j) {
        j.sandbox.delete();
    }

    /** A joined sandbox with one published port, for the detach. */
    @State(Scope.Thread)
    public static class JoinedPort {
        Sandbox sandbox;

        @Setup(Level.Invocation)
        public void create(World w) {
            int n = w.next();
            sandbox = w.controller.newSandbox("c" + n);
            w.network.createEndpoint("e" + n, ONE_PORT).join(sandbox);
        }
    }

    /** detachPort: the same, plus the port's map element, its socket and its conntrack flush. */
    @Benchmark
    public void detachPort(JoinedPort j) {
        j.sandbox.delete();
    }
}
