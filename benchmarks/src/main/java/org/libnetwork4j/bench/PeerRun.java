package org.libnetwork4j.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;

import org.libnetwork4j.ControllerConfig;
import org.libnetwork4j.EndpointOptions;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.NetworkOptions;
import org.libnetwork4j.Sandbox;
import org.libnetwork4j.kernel.Netlink;
import org.libnetwork4j.kernel.Netns;

/**
 * libnetwork4j's side of the peer comparison (benchmarks/peers): N containers one after the
 * other through the public API, in a fake host namespace of its own, as the peers are driven:
 * network create once; per container the sandbox (timed apart, as the peers' namespaces are
 * made beforehand), the attach ({@code createEndpoint} + {@code join}: veth, address, routes,
 * IPAM, NAT elements, the store), the detach ({@code sandbox.delete()}: endpoint and namespace
 * gone). The network masquerades (Docker's default); {@code port} adds one published port.
 *
 * <pre>PeerRun plain|port N WARMUP RUN_ROOT CSV</pre>
 * appends {@code system,phase,index,microseconds} rows to CSV.
 */
public final class PeerRun {
    private PeerRun() {
    }

    public static void main(String[] a) throws IOException {
        boolean port = a[0].equals("port");
        int n = Integer.parseInt(a[1]);
        int warmup = Integer.parseInt(a[2]);
        Path root = Files.createTempDirectory(Path.of(a[3]), "lnwp-java-");
        String system = port ? "lnw4j-port" : "lnw4j";
        EndpointOptions opts = port ? EndpointOptions.builder().publish("8080:80").build() : EndpointOptions.defaults();
        Netns host = Netns.createAt(root, "host");
        try (PrintWriter csv = new PrintWriter(Files.newBufferedWriter(Path.of(a[4]), StandardOpenOption.CREATE,
                StandardOpenOption.APPEND))) {
            try (Netlink nl = Netlink.open(host)) {
                nl.setUp(nl.link("lo").index());
            }
            long c0 = System.nanoTime();
            try (NetworkController c = NetworkController.create(ControllerConfig.builder()
                    .hostNamespace(host.path().orElseThrow()).stateDir(root.resolve("state"))
                    .runDir(root.resolve("run")).build())) {
                Network net = c.newNetwork("bridge", "bench", NetworkOptions.builder().subnet("10.201.0.0/16").build());
                csv.printf("%s,create,0,%.1f%n", system, (System.nanoTime() - c0) / 1e3);
                for (int i = 0; i < warmup + n; i++) {
                    long t0 = System.nanoTime();
                    Sandbox sb = c.newSandbox("c" + i);
                    long t1 = System.nanoTime();
                    net.createEndpoint("e" + i, opts).join(sb);
                    long t2 = System.nanoTime();
                    sb.delete();
                    long t3 = System.nanoTime();
                    if (i >= warmup) {
                        int k = i - warmup;
                        csv.printf("%s,sandbox,%d,%.1f%n%s,attach,%d,%.1f%n%s,detach,%d,%.1f%n", system, k,
                                (t1 - t0) / 1e3, system, k, (t2 - t1) / 1e3, system, k, (t3 - t2) / 1e3);
                    }
                }
                net.delete();
            }
        } finally {
            host.delete();
            try (var w = Files.walk(root)) {
                for (Path p : w.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
