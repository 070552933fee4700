package org.libnetwork4j.bench;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.ipam.DefaultIpam;
import org.libnetwork4j.ipam.Pool;
import org.libnetwork4j.ipam.PoolRequest;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * IPAM alone (pure Java, no root): the lowest free address of a /16 taken and given back, with
 * {@code taken} addresses already held (a pool in use).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = Bench.PRE_TOUCH)
@State(Scope.Thread)
public class IpamBenchmark {
    @Param({"0", "1000", "60000"})
    int taken;

    DefaultIpam ipam;
    Pool pool;

    @Setup
    public void setup() {
        ipam = new DefaultIpam(List.of(), p -> false);
        pool = ipam.requestPool(new PoolRequest(IpPrefix.parse("10.0.0.0/16"), null, false));
        for (int i = 0; i < taken; i++) {
            ipam.requestAddress(pool.id(), null);
        }
    }

    @Benchmark
    public InetAddress allocateRelease() {
        InetAddress a = ipam.requestAddress(pool.id(), null);
        ipam.releaseAddress(pool.id(), a);
        return a;
    }
}
