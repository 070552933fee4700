package org.libnetwork4j.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.libnetwork4j.IpAddresses;

/**
 * A tour of the kernel facade in a throwaway world: a fake host namespace with a bridge and two
 * container namespaces attached to it, a ping between them (through {@code nsenter ping}: real
 * packets), an nftables counter that saw them, then everything removed. The machine's own
 * network namespace is never touched. Run by {@code ./lnw demo}.
 */
public final class Demo {
    private static final String GATEWAY = "10.88.0.1";

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        Path runDir = Path.of("/run", "lnw-demo-" + ProcessHandle.current().pid());
        long t0 = System.nanoTime();
        List<AutoCloseable> cleanup = new ArrayList<>();
        int status = 0;
        try {
            step("load the native library (liblnw4j.so from the jar)", () -> {
                NativeLoader.ensureLoaded();
                return null;
            });
            Netns host = step("create a fake host namespace", () -> Netns.create());
            cleanup.add(0, host);
            Netlink hnl = Netlink.open(host);
            cleanup.add(0, hnl);
            Link br = step("create bridge lnw-demo0 with " + GATEWAY + "/24", () -> {
                Link b = hnl.createBridge(BridgeSpec.of("lnw-demo0").up());
                hnl.addAddr(Addr.of(b.index(), GATEWAY + "/24"));
                return b;
            });

            Netns[] c = new Netns[2];
            Netlink[] cnl = new Netlink[2];
            for (int i = 0; i < 2; i++) {
                int n = i;
                c[i] = step("create container namespace c" + (i + 1) + " in " + runDir,
                        () -> Netns.createAt(runDir, "c" + (n + 1)));
                Netns ns = c[i];
                cleanup.add(0, ns::delete);
                cnl[i] = Netlink.open(c[i]);
                cleanup.add(0, cnl[i]);
                String ip = "10.88.0." + (i + 2);
                Netlink nl = cnl[i];
                step("attach c" + (i + 1) + ": veth born in it as eth0, " + ip + "/24, default route",
                        () -> {
                            VethPair p = hnl.createVeth(VethSpec.of("lnw-demo-v" + (n + 1), "eth0")
                                    .peerIn(nl).master(br.index()).up());
                            nl.addAddr(Addr.of(p.peer().index(), ip + "/24"));
                            nl.setUp(p.peer().index());
                            nl.addRoute(Route.defaultVia(IpAddresses.parse(GATEWAY), p.peer().index()));
                            return p;
                        });
            }
            for (int i = 0; i < 2; i++) {
                Netlink nl = cnl[i];
                Link eth0 = nl.link("eth0");
                System.out.printf("      c%d: eth0 %s mac %s, addresses %s%n", i + 1,
                        eth0.isUp() ? "up" : "down", eth0.mac(),
                        nl.addrs(eth0.index()).stream().filter(a -> a.prefix().isIpv4())
                                .map(a -> a.prefix().toString()).toList());
            }

            Nftables nft = Nftables.open(c[1]);
            cleanup.add(0, nft);
            step("count pings arriving in c2 with an in-process nftables rule", () -> {
                nft.apply("""
                        table inet lnw-demo {
                          chain input {
                            type filter hook input priority 0;
                            icmp type echo-request counter
                          }
                        }
                        """);
                return null;
            });
            String ping = step("ping c2 (10.88.0.3) from c1, 3 packets", () ->
                    run("nsenter", "--net=" + runDir.resolve("c1"), "ping", "-c", "3", "-i", "0.2",
                            "-W", "2", "10.88.0.3"));
            ping.lines().filter(l -> l.contains("transmitted") || l.contains("rtt"))
                    .forEach(l -> System.out.println("      " + l));
            String counters = nft.listTableJson("inet", "lnw-demo");
            Matcher m = Pattern.compile("\"packets\":\\s*(\\d+)").matcher(counters);
            long packets = m.find() ? Long.parseLong(m.group(1)) : -1;
            System.out.println("      nftables counter in c2: " + packets + " echo requests");
            if (packets != 3 || !ping.contains(" 0% packet loss")) {
                System.out.println("demo FAILED: the containers did not reach each other");
                status = 1;
            }
        } finally {
            long tc = System.nanoTime();
            for (AutoCloseable a : cleanup) {
                try {
                    a.close();
                } catch (Exception e) {
                    System.out.println("cleanup: " + e.getMessage());
                    status = 1;
                }
            }
            Files.deleteIfExists(runDir);
            System.out.printf("%8.2f ms  remove everything (namespaces take their links along)%n",
                    (System.nanoTime() - tc) / 1e6);
        }
        System.out.printf("total %.1f ms%n", (System.nanoTime() - t0) / 1e6);
        System.exit(status);
    }

    private interface Step<T> {
        T run() throws Exception;
    }

    private static <T> T step(String what, Step<T> s) throws Exception {
        long t = System.nanoTime();
        T r = s.run();
        System.out.printf("%8.2f ms  %s%n", (System.nanoTime() - t) / 1e6, what);
        return r;
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return out;
    }
}
