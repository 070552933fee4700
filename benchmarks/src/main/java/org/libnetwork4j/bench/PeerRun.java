package org.libnetwork4j.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;

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
 * gone). The network masquerades (Docker's default); {@code port} adds one published port;
 * {@code macvlan} is a macvlan network instead (mode bridge) on a parent veth "lnwpar" of the
 * fake host, whose other end is a LAN namespace with the gateway 10.204.0.1/16 (as the CNI
 * macvlan plugin is driven beside it).
 *
 * <pre>PeerRun plain|port|macvlan N WARMUP RUN_ROOT CSV</pre>
 * appends {@code system,phase,index,microseconds} rows to CSV.
 */
public final class PeerRun {
    private PeerRun() {
    }

    public static void main(String[] a) throws IOException {
        boolean port = a[0].equals("port");
        boolean macvlan = a[0].equals("macvlan");
        int n = Integer.parseInt(a[1]);
        int warmup = Integer.parseInt(a[2]);
        Path root = Files.createTempDirectory(Path.of(a[3]), "lnwp-java-");
        String system = port ? "lnw4j-port" : macvlan ? "lnw4j-macvlan" : "lnw4j";
        EndpointOptions opts = port ? EndpointOptions.builder().publish("8080:80").build() : EndpointOptions.defaults();
        Netns host = Bench.fakeHost(root);
        Netns lan = macvlan ? Netns.createAt(root, "lan") : null;
        try (PrintWriter csv = new PrintWriter(Files.newBufferedWriter(Path.of(a[4]), StandardOpenOption.CREATE,
                StandardOpenOption.APPEND))) {
            if (macvlan) {
                try (Netlink nl = Netlink.open(host); Netlink l = Netlink.open(lan)) {
                    var p = nl.createVeth(org.libnetwork4j.kernel.VethSpec.of("lnwpar", "eth0").peerIn(l).up());
                    l.addAddr(org.libnetwork4j.kernel.Addr.of(p.peer().index(), "10.204.0.1/16"));
                    l.setUp(p.peer().index());
                }
            }
            long c0 = System.nanoTime();
            try (NetworkController c = NetworkController.create(Bench.controllerConfig(root, host).build())) {
                Network net = macvlan
                        ? c.newNetwork("macvlan", "bench", NetworkOptions.builder()
                                .ipam(org.libnetwork4j.IpamConfig.builder().subnet("10.204.0.0/16").gateway("10.204.0.1")
                                        .build()).option("parent", "lnwpar").build())
                        : c.newNetwork("bridge", "bench", NetworkOptions.builder().subnet("10.201.0.0/16").build());
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
            if (lan != null) {
                lan.delete();
            }
            try (var w = Files.walk(root)) {
                for (Path p : w.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
