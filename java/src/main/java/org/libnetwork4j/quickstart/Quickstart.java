package org.libnetwork4j.quickstart;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.libnetwork4j.ControllerConfig;
import org.libnetwork4j.Endpoint;
import org.libnetwork4j.EndpointInfo;
import org.libnetwork4j.EndpointOptions;
import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.NetworkOptions;
import org.libnetwork4j.Sandbox;
import org.libnetwork4j.SandboxOptions;
import org.libnetwork4j.kernel.Addr;
import org.libnetwork4j.kernel.Netlink;
import org.libnetwork4j.kernel.Netns;
import org.libnetwork4j.kernel.Probe;
import org.libnetwork4j.kernel.Route;
import org.libnetwork4j.kernel.VethPair;
import org.libnetwork4j.kernel.VethSpec;

/**
 * {@code lnw quickstart}: libnetwork's example, and then some, in a world of its own. A
 * throwaway namespace plays the host (the machine's own network is never touched), a second
 * one a client on the host's LAN. A bridge network, two sandboxes connected to it, a ping from
 * one to the other, a port published by one and fetched by the client through the host's
 * address; then everything is removed. Each step is printed with the time it took.
 *
 * <p>The traffic is real and needs no tool: {@link Probe} sends the echo and makes the TCP
 * exchange from inside the namespaces.
 */
public final class Quickstart {
    private static final String HOST_LAN = "198.51.100.1";
    private static final String CLIENT_LAN = "198.51.100.2";

    private final PrintWriter out;
    private final Deque<Runnable> undo = new ArrayDeque<>();
    private long total;

    /**
     * A tour that reports to out.
     *
     * @param out where each step is printed, with the time it took, and what failed
     */
    public Quickstart(PrintWriter out) {
        this.out = out;
    }

    /**
     * Runs the tour; true if every step worked. Whatever happens, nothing stays behind.
     *
     * @return true if every step worked; false after the first that failed, whose message
     *         was printed
     */
    public boolean run() {
        Path root;
        try {
            root = Files.createTempDirectory(Files.isWritable(Path.of("/run")) ? Path.of("/run") : Path.of("/tmp"),
                    "lnw-quickstart-");
        } catch (IOException e) {
            out.println("lnw quickstart: cannot make a directory: " + e.getMessage());
            return false;
        }
        undo.push(() -> deleteTree(root));
        try {
            tour(root);
            return true;
        } catch (RuntimeException e) {
            out.println("FAILED: " + e.getMessage());
            return false;
        } finally {
            long t0 = System.nanoTime();
            RuntimeException first = null;
            while (!undo.isEmpty()) {
                try {
                    undo.pop().run();
                } catch (RuntimeException e) {
                    first = first == null ? e : first;
                }
            }
            total += System.nanoTime() - t0;
            print(System.nanoTime() - t0, "remove everything (the namespaces take their links along)");
            if (first != null) {
                out.println("cleanup: " + first.getMessage());
            }
            out.printf("%9.2f ms  in all%n", total / 1e6);
            out.flush();
        }
    }

    private void tour(Path root) {
        Netns host = step("create a throwaway host namespace", () -> Netns.createAt(root, "host"));
        undo.push(host::delete);
        Netlink hnl = Netlink.open(host);
        undo.push(hnl::close);
        hnl.setUp(hnl.link("lo").index());

        Netns client = step("create a client on the host's LAN (" + HOST_LAN + "/24)", () -> {
            Netns c = Netns.createAt(root, "client");
            try (Netlink cnl = Netlink.open(c)) {
                VethPair p = hnl.createVeth(VethSpec.of("lan0", "eth0").peerIn(cnl).up());
                hnl.addAddr(Addr.of(p.host().index(), HOST_LAN + "/24"));
                cnl.addAddr(Addr.of(p.peer().index(), CLIENT_LAN + "/24"));
                cnl.setUp(p.peer().index());
                cnl.addRoute(Route.defaultVia(IpAddresses.parse(HOST_LAN), p.peer().index()));
            }
            return c;
        });
        undo.push(client::delete);

        ControllerConfig config = ControllerConfig.builder().hostNamespace(host.path().orElseThrow())
                .stateDir(root.resolve("state")).runDir(root.resolve("run")).build();
        NetworkController first = step("open a network controller bound to that host",
                () -> NetworkController.create(config));
        Runnable closeFirst = first::close;
        undo.push(closeFirst);

        Network n = step("create bridge network \"quickstart\"",
                () -> first.newNetwork("bridge", "quickstart", NetworkOptions.defaults()));
        Runnable deleteN = n::delete;
        undo.push(deleteN); // after the sandboxes (pushed later, undone first) took their endpoints
        var ipam = n.info().ipam().get(0);
        out.printf("             %s, subnet %s, gateway %s%n", "br-" + n.id().substring(0, 12), ipam.subnet(),
                IpAddresses.format(ipam.gateway()));

        Sandbox alpha = step("create sandbox alpha", () -> first.newSandbox("alpha",
                SandboxOptions.builder().hostname("alpha").build()));
        Runnable deleteAlpha = alpha::delete;
        undo.push(deleteAlpha);
        Sandbox beta = step("create sandbox beta", () -> first.newSandbox("beta",
                SandboxOptions.builder().hostname("beta").build()));
        Runnable deleteBeta = beta::delete;
        undo.push(deleteBeta);
        Endpoint ea = step("connect alpha to quickstart", () -> {
            Endpoint e = n.createEndpoint("alpha");
            e.join(alpha);
            return e;
        });
        Endpoint eb = step("connect beta to quickstart, publishing 8080:80", () -> {
            Endpoint e = n.createEndpoint("beta", EndpointOptions.builder().publish("8080:80").build());
            e.join(beta);
            return e;
        });
        for (Endpoint e : new Endpoint[] {ea, eb}) {
            EndpointInfo i = e.info();
            out.printf("             %-5s %s %s mac %s%s%n", e.name(), i.interfaceName(), i.ipv4(), i.mac(),
                    i.ports().isEmpty() ? "" : ", ports " + i.ports());
        }

        InetAddress betaIp = eb.info().ipv4().address();
        try (Netns a = Netns.open(Path.of(alpha.key()))) {
            for (int seq = 1; seq <= 3; seq++) {
                int s = seq;
                Duration rtt = step("ping beta (" + IpAddresses.format(betaIp) + ") from alpha, echo " + seq,
                        () -> Probe.ping(a, betaIp, s, Duration.ofSeconds(2)));
                out.printf("             reply in %.3f ms%n", rtt.toNanos() / 1e6);
            }
        }

        // The state is in the store: a new controller takes everything up without disturbing it.
        first.close();
        for (Runnable r : new Runnable[] {deleteBeta, deleteAlpha, deleteN, closeFirst}) {
            undo.remove(r); // the second controller deletes them (below)
        }
        NetworkController c = step("close the controller and open it again: it takes everything up", () -> {
            NetworkController again = NetworkController.create(config);
            undo.push(again::close);
            return again;
        });
        out.printf("             restored: %s%n", String.join(", ", c.recoveryReport().restored()));
        Sandbox alpha2 = c.sandboxByContainerId("alpha");
        Sandbox beta2 = c.sandboxByContainerId("beta");
        Network n2 = c.networkByName("quickstart");
        // what the first controller made is deleted through the second one
        undo.push(() -> {
            alpha2.delete();
            beta2.delete();
            n2.delete();
        });

        try (Netns b = Netns.open(Path.of(beta.key()));
                Probe.Listener web = Probe.listen(b, 80)) {
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> web.serveOnce(
                    "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhello from beta\n", Duration.ofSeconds(5)));
            String reply = step("fetch http://" + HOST_LAN + ":8080/ from the client (DNAT to beta:80)",
                    () -> Probe.fetch(client, IpAddresses.parse(HOST_LAN), 8080, Duration.ofSeconds(5)));
            out.printf("             %s%n", reply.lines().reduce((x, y) -> y).orElse("").strip());
            try {
                served.get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("beta's server: " + e.getMessage(), e);
            }
        }
    }

    private <T> T step(String what, Supplier<T> action) {
        long t0 = System.nanoTime();
        T r;
        try {
            r = action.get();
        } catch (RuntimeException e) {
            print(System.nanoTime() - t0, what);
            throw e;
        }
        long dt = System.nanoTime() - t0;
        total += dt;
        print(dt, what);
        return r;
    }

    private void print(long nanos, String what) {
        out.printf("%9.2f ms  %s%n", nanos / 1e6, what);
        out.flush();
    }

    private static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new IllegalStateException("remove " + dir + ": " + e.getMessage(), e);
        }
    }
}
