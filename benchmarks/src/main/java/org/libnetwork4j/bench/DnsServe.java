package org.libnetwork4j.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.libnetwork4j.ControllerConfig;
import org.libnetwork4j.Endpoint;
import org.libnetwork4j.EndpointOptions;
import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.NetworkOptions;
import org.libnetwork4j.Sandbox;
import org.libnetwork4j.SandboxOptions;

/**
 * libnetwork4j's side of the DNS comparison (benchmarks/dns/harness.py): a controller on a
 * fake host namespace the harness made, a bridge network "dnsbench" on 10.123.0.0/16 and N
 * sandboxes c1..cN joined to it, kept alive while the harness queries the embedded resolver
 * from inside them. Nothing here sends a query: the harness does, from the sandboxes'
 * namespaces (a JVM cannot open a socket in another network namespace).
 *
 * <pre>DnsServe HOST_NETNS STATE_DIR RUN_DIR HOST_RESOLV_CONF N [join-latency]</pre>
 *
 * Prints, one line each: {@code cI ADDRESS NSPATH} per sandbox, {@code gateway IP},
 * {@code info ...} lines (what c1's resolv.conf says), then {@code ready}; then reads stdin
 * until it is closed, deletes the sandboxes and the network and closes the controller.
 *
 * <p>With {@code join-latency}, each stdin line {@code join} deletes the previous "jK" sandbox
 * (if any), creates sandbox and endpoint "jK" (K = 1, 2, ...), joins them and answers
 * {@code joined jK ADDRESS NANOS}, NANOS being {@link System#nanoTime()} read right after
 * {@code join} returned. On Linux that is CLOCK_MONOTONIC, the clock of Python's
 * {@code time.monotonic_ns()}, so the harness's client (in another sandbox's namespace)
 * measures from join's return to its first correct answer for "jK" on one clock. A failure
 * answers {@code error MESSAGE}.
 */
public final class DnsServe {
    private DnsServe() {
    }

    public static void main(String[] a) throws IOException {
        if (a.length < 5 || a.length > 6 || (a.length == 6 && !a[5].equals("join-latency"))) {
            System.err.println("usage: DnsServe HOST_NETNS STATE_DIR RUN_DIR HOST_RESOLV_CONF N [join-latency]");
            System.exit(2);
        }
        int n = Integer.parseInt(a[4]);
        boolean joinLatency = a.length == 6;
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        ControllerConfig config = ControllerConfig.builder()
                .hostNamespace(Path.of(a[0])).stateDir(Path.of(a[1])).runDir(Path.of(a[2]))
                .hostResolvConf(Path.of(a[3])).build();
        try (NetworkController c = NetworkController.create(config)) {
            Network net = c.newNetwork("bridge", "dnsbench", NetworkOptions.builder().subnet("10.123.0.0/16").build());
            List<Sandbox> sandboxes = new ArrayList<>();
            Sandbox last = null;
            try {
                for (int i = 1; i <= n; i++) {
                    String name = "c" + i;
                    Sandbox sb = c.newSandbox(name, SandboxOptions.defaults());
                    sandboxes.add(sb);
                    Endpoint ep = net.createEndpoint(name, EndpointOptions.defaults());
                    ep.join(sb);
                    out.println(name + " " + IpAddresses.format(ep.info().ipv4().address()) + " " + sb.key());
                }
                out.println("gateway " + IpAddresses.format(net.info().ipam().get(0).gateway()));
                if (!sandboxes.isEmpty()) {
                    Path rc = sandboxes.get(0).resolvConfPath();
                    for (String l : Files.readAllLines(rc)) {
                        if (l.startsWith("nameserver") || l.startsWith("options") || l.startsWith("search")) {
                            out.println("info c1 resolv.conf: " + l);
                        }
                    }
                }
                out.println("ready");
                out.flush();
                int k = 0;
                for (String line; (line = in.readLine()) != null; ) {
                    if (!joinLatency || !line.equals("join")) {
                        continue;
                    }
                    if (last != null) {
                        last.delete();
                        last = null;
                    }
                    String name = "j" + ++k;
                    try {
                        Sandbox sb = c.newSandbox(name, SandboxOptions.defaults());
                        last = sb;
                        Endpoint ep = net.createEndpoint(name, EndpointOptions.defaults());
                        ep.join(sb);
                        long joined = System.nanoTime();
                        // no string concatenation here: its first run bootstraps an invokedynamic
                        // call site (milliseconds), which would be counted against the resolver
                        out.println(new StringBuilder(64).append("joined ").append(name).append(' ')
                                .append(IpAddresses.format(ep.info().ipv4().address())).append(' ').append(joined));
                    } catch (RuntimeException e) {
                        out.println("error " + name + ": " + String.valueOf(e.getMessage()).replace('\n', ' '));
                    }
                    out.flush();
                }
            } finally {
                // each delete on its own: one failure must not leave the rest behind
                if (last != null) {
                    sandboxes.add(last);
                }
                for (int i = sandboxes.size() - 1; i >= 0; i--) {
                    Sandbox sb = sandboxes.get(i);
                    try {
                        sb.delete();
                    } catch (RuntimeException e) {
                        System.err.println("delete sandbox " + sb.containerId() + ": " + e.getMessage());
                    }
                }
                try {
                    net.delete();
                } catch (RuntimeException e) {
                    System.err.println("delete network: " + e.getMessage());
                }
            }
        }
    }
}
