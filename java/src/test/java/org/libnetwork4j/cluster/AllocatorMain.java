package org.libnetwork4j.cluster;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.NetworkException;

/**
 * One host of GlobalAllocatorTest, in a JVM of its own in the host's namespace:
 * {@code AllocatorMain ENDPOINT NETWORK SUBNET THREADS EACH address|vni|reserve|steps|spares}. Prints one line
 * per value taken ("got VALUE") or refused ("error TYPE: MESSAGE"), then "done". {@code steps}:
 * one address at a time, each after a line read on stdin, then "step" (for a test that counts
 * etcd's requests between them); EACH of them, one thread. {@code spares}: one request for an
 * address ("owner") and up to EACH spares ("owner spare"), each taken printed, the owner's first.
 */
public final class AllocatorMain {
    private AllocatorMain() {
    }

    public static void main(String[] a) throws Exception {
        int threads = Integer.parseInt(a[3]);
        int each = Integer.parseInt(a[4]);
        IpPrefix subnet = IpPrefix.parse(a[2]);
        try (EtcdStore store = EtcdStore.connect(List.of(URI.create(a[0])), Duration.ofSeconds(5))) {
            GlobalAllocator g = new GlobalAllocator(store);
            if (a[5].equals("steps")) {
                var in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in));
                for (int i = 0; i < each && in.readLine() != null; i++) {
                    try {
                        say("got " + IpAddresses.format(g.requestAddress(a[1], subnet, subnet, null, "step-" + i)));
                    } catch (NetworkException e) {
                        say("error " + e.getClass().getSimpleName() + ": " + e.getMessage());
                    }
                    say("step");
                }
                say("done");
                System.exit(0);
            }
            if (a[5].equals("spares")) { // one request of an address and EACH spares at most
                try {
                    for (var got : g.requestAddresses(a[1], subnet, subnet, each, "owner", "owner spare")) {
                        say("got " + IpAddresses.format(got));
                    }
                } catch (NetworkException e) {
                    say("error " + e.getClass().getSimpleName() + ": " + e.getMessage());
                }
                say("done");
                System.exit(0);
            }
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            for (int t = 0; t < threads; t++) {
                int thread = t;
                pool.execute(() -> {
                    for (int i = 0; i < each; i++) {
                        try {
                            String owner = ProcessHandle.current().pid() + "-" + thread + "-" + i;
                            String got = switch (a[5]) {
                                case "vni" -> Integer.toString(g.requestVni(a[1] + owner, 0));
                                // a VNI given in vxlanid_list, for a network of each host's own
                                case "reserve" -> Integer.toString(g.requestVni(a[1] + owner, 5000));
                                default -> IpAddresses.format(g.requestAddress(a[1], subnet, subnet, null, owner));
                            };
                            say("got " + got);
                        } catch (NetworkException e) {
                            say("error " + e.getClass().getSimpleName() + ": " + e.getMessage());
                        }
                    }
                });
            }
            pool.shutdown();
            pool.awaitTermination(120, TimeUnit.SECONDS);
        } catch (NetworkException e) {
            say("error " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        say("done");
        System.exit(0); // the client's threads are not all daemons
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
