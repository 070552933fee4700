package org.libnetwork4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;
import org.libnetwork4j.testing.Oracle;
import org.libnetwork4j.testing.TestNs;

/**
 * No JVM thread ever changes namespace: 16 pool threads create namespaces, open handles in
 * them, make links and write sysctls, and each thread's own namespace (read from
 * /proc/thread-self) is the JVM's before and after every step.
 */
@ExtendWith(NetnsExtension.class)
class ThreadNamespaceTest {

    @Test
    void workInNamespacesLeavesEveryJvmThreadWhereItWas(Namespaces ns) throws Exception {
        NsId jvm = Netns.currentThreadId();
        TestNs host = ns.host();
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int n = t;
                fs.add(pool.submit(() -> {
                    int checks = 0;
                    for (int i = 0; i < 5; i++) {
                        try (Netns c = Netns.create(); Netlink cnl = Netlink.open(c)) {
                            assertEquals(jvm, Netns.currentThreadId());
                            Netlink hnl = Netlink.open(host.netns());
                            try (hnl) {
                                VethPair p = hnl.createVeth(VethSpec.of("lnwt-t" + n + "-" + i, "eth0").peerIn(cnl));
                                cnl.setUp(p.peer().index());
                                Sysctl.write(c, "net/ipv4/ip_forward", "1");
                                hnl.deleteLink(p.host().index());
                            }
                            assertEquals(jvm, Netns.currentThreadId());
                            checks++;
                        }
                    }
                    return checks;
                }));
            }
            int total = 0;
            for (Future<Integer> f : fs) {
                total += f.get(60, TimeUnit.SECONDS);
            }
            assertEquals(threads * 5, total);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(jvm, Netns.currentThreadId());
        assertEquals(List.of("lo"), Oracle.linkNames(host), "every pair was deleted");
    }
}
