package org.libnetwork4j.bench;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import org.libnetwork4j.Endpoint;
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
 * The endpoint verbs one by one: create (IPAM, the store; no kernel work), join (veth, address,
 * routes, gateway election), leave (the veth deleted synchronously: an RCU grace period in the
 * kernel, which a sandbox delete avoids) and delete (after a leave: IPAM, the store).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {Bench.NATIVE_ACCESS, Bench.PRE_TOUCH})
public class EndpointBenchmark {

    @State(Scope.Thread)
    public static class World {
        ControllerWorld w;

        @Setup(Level.Trial)
        public void start() throws IOException {
            w = new ControllerWorld("ep");
        }

        @TearDown(Level.Trial)
        public void stop() throws IOException {
            w.close();
        }
    }

    /** What each verb starts from, made before and removed after the measured call. */
    @State(Scope.Thread)
    public static class Step {
        World world;
        Sandbox sandbox;
        Endpoint endpoint;
        int n;

        @Setup(Level.Invocation)
        public void before(World w) {
            world = w;
            n = w.w.next();
        }

        @TearDown(Level.Invocation)
        public void after() {
            if (sandbox != null) {
                sandbox.delete(); // takes a joined endpoint along
            } else if (endpoint != null) {
                endpoint.delete(true);
            }
            sandbox = null;
            endpoint = null;
        }
    }

    @Benchmark
    public Endpoint create(Step s) {
        s.endpoint = s.world.w.network.createEndpoint("e" + s.n);
        return s.endpoint;
    }

    /** A made endpoint and an empty sandbox, for the join. */
    @State(Scope.Thread)
    public static class Unjoined {
        Step step;

        @Setup(Level.Invocation)
        public void before(Step s) {
            step = s;
            s.sandbox = s.world.w.controller.newSandbox("c" + s.n);
            s.endpoint = s.world.w.network.createEndpoint("e" + s.n);
        }
    }

    @Benchmark
    public void join(Unjoined u) {
        u.step.endpoint.join(u.step.sandbox);
    }

    /** A joined endpoint, for the leave. */
    @State(Scope.Thread)
    public static class Joined {
        Step step;

        @Setup(Level.Invocation)
        public void before(Step s) {
            step = s;
            s.sandbox = s.world.w.controller.newSandbox("c" + s.n);
            s.endpoint = s.world.w.network.createEndpoint("e" + s.n);
            s.endpoint.join(s.sandbox);
        }
    }

    @Benchmark
    public void leave(Joined j) {
        j.step.endpoint.leave(j.step.sandbox);
    }

    /** An endpoint made and never joined, for the delete. */
    @State(Scope.Thread)
    public static class Made {
        Step step;

        @Setup(Level.Invocation)
        public void before(Step s) {
            step = s;
            s.endpoint = s.world.w.network.createEndpoint("e" + s.n);
        }
    }

    @Benchmark
    public void delete(Made m) {
        m.step.endpoint.delete(false);
        m.step.endpoint = null;
    }
}
