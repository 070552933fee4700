package org.libnetwork4j.bench;

import java.util.concurrent.TimeUnit;

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
 * Attach and detach through the Java kernel facade, one container at a time: the same steps as
 * native/bench/attach_bench.c (see {@link FakeHost}), its resolv.conf rewrite included. Sampled
 * per invocation; creating the sandbox (namespace, handle and files) happens outside the
 * measurement, as in the C program.
 *
 * <p>Run with benchmarks/run-attach.sh, which also runs the C floor in the same session.
 * (Shared state lives in {@link Host}, reached only through the per-invocation states: JMH
 * gives a state used both by a benchmark method and by another state's setup two instances.)
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
// 15 s of warm-up: the join's path is long, and with 3 s the JIT was still compiling it into
// the measurement (the sample mean fell from 1.6 ms to 0.7 ms over the first 15 iterations)
@Warmup(iterations = 15, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {Bench.NATIVE_ACCESS, Bench.PRE_TOUCH})
public class AttachBenchmark {

    /** The fake host with its bridge, for the whole trial. */
    @State(Scope.Thread)
    public static class Host {
        FakeHost host;

        @Setup(Level.Trial)
        public void start() {
            host = new FakeHost();
        }

        @TearDown(Level.Trial)
        public void stop() throws Exception {
            host.close();
        }
    }

    /** A fresh sandbox per attach, deleted after it. */
    @State(Scope.Thread)
    public static class Fresh {
        FakeHost.Sandbox sandbox;

        @Setup(Level.Invocation)
        public void create(Host h) {
            sandbox = h.host.newSandbox();
        }

        @TearDown(Level.Invocation)
        public void delete() {
            sandbox.close();
        }
    }

    /** attach: veth (peer born as eth0 in the sandbox) on the bridge, address, up, route. */
    @Benchmark
    public void attach(Fresh fresh) {
        fresh.sandbox.attach();
    }

    /** An attached sandbox per detach. */
    @State(Scope.Thread)
    public static class Attached {
        FakeHost.Sandbox sandbox;

        @Setup(Level.Invocation)
        public void create(Host h) {
            sandbox = h.host.newSandbox();
            sandbox.attach();
        }

    }

    /** detach: delete the sandbox's namespace; the kernel removes the pair with it. */
    @Benchmark
    public void detach(Attached attached) {
        attached.sandbox.close();
    }
}
