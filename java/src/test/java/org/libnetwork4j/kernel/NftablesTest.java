package org.libnetwork4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;
import org.libnetwork4j.testing.Oracle;
import org.libnetwork4j.testing.TestNs;

@ExtendWith(NetnsExtension.class)
class NftablesTest {
    private static final String TABLE = """
            table inet lnwt {
              chain forward {
                type filter hook forward priority 0; policy accept;
                iifname "lnwt-br0" counter accept comment "net-1"
              }
            }
            """;

    @Test
    void applyListAndAtomicity(Namespaces ns) {
        TestNs host = ns.host();
        TestNs other = ns.container("other");
        Nftables nft = host.nftables();
        nft.apply(TABLE);

        var oracle = Oracle.nft(host, "list", "table", "inet", "lnwt");
        assertTrue(oracle.toString().contains("net-1"), oracle.toString());
        assertFalse(Oracle.out(other, "nft", "list", "tables").contains("lnwt"), "leaked into another namespace");
        var ours = Oracle.parse(nft.listTableJson("inet", "lnwt"));
        assertEquals(rules(oracle), rules(ours));

        // one bad statement: none of the transaction is applied
        var e = assertThrows(NotFoundException.class, () -> nft.apply("""
                add rule inet lnwt forward counter comment "net-2"
                add rule inet lnwt nosuchchain accept
                """));
        assertTrue(e.getMessage().startsWith("apply nftables ruleset "), e.getMessage());
        assertFalse(Oracle.nft(host, "list", "table", "inet", "lnwt").toString().contains("net-2"));

        var syntax = assertThrows(InvalidParameterException.class, () -> nft.apply("this is not nft"));
        assertTrue(syntax.getMessage().contains("syntax error"), syntax.getMessage());
        assertThrows(NotFoundException.class, () -> nft.listTableJson("inet", "nosuchtable"));

        nft.apply("delete table inet lnwt");
        assertFalse(Oracle.out(host, "nft", "list", "tables").contains("lnwt"));
    }

    @Test
    void largeListingsAndConcurrentUse(Namespaces ns) throws Exception {
        TestNs a = ns.container("a");
        TestNs b = ns.container("b");
        StringBuilder big = new StringBuilder("table inet lnwt { chain c {\n");
        for (int i = 0; i < 2000; i++) {
            big.append("  ip saddr 10.1.").append(i / 250).append('.').append(i % 250)
                    .append(" counter accept comment \"rule-").append(i).append("\"\n");
        }
        big.append("}\n}\n");
        a.nftables().apply(big.toString());
        String json = a.nftables().listTableJson("inet", "lnwt");
        assertTrue(json.length() > 64 * 1024, "the listing should outgrow the first buffer");
        assertTrue(json.contains("rule-1999"));

        // two handles in two namespaces, used from many threads at once
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int n = t;
                fs.add(pool.submit(() -> {
                    Nftables h = n % 2 == 0 ? a.nftables() : b.nftables();
                    for (int i = 0; i < 10; i++) {
                        h.apply("add table inet lnwt-t" + n + "\nadd chain inet lnwt-t" + n + " c" + i);
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        String inA = Oracle.out(a, "nft", "list", "tables");
        String inB = Oracle.out(b, "nft", "list", "tables");
        for (int t = 0; t < 8; t++) {
            assertEquals(t % 2 == 0, inA.contains("lnwt-t" + t + "\n") || inA.endsWith("lnwt-t" + t));
            assertEquals(t % 2 == 1, inB.contains("lnwt-t" + t + "\n") || inB.endsWith("lnwt-t" + t));
        }
    }

    /**
     * libnftables waits for the kernel's answers with select(), which aborts the process for a
     * descriptor of 1024 or more; a JVM raises its descriptor limit to the hard one, so a
     * daemon with many sockets passes 1024. A context opened then must still work (before,
     * this test took its JVM down).
     */
    @Test
    void aContextOpenedWithOver1024DescriptorsInUseWorks(Namespaces ns) throws Exception {
        List<FileChannel> held = new ArrayList<>();
        try {
            // bounded: enough to take every number below 1024, as descriptors go to the lowest free
            for (int i = 0; i < 1100; i++) {
                held.add(FileChannel.open(Path.of("/dev/null")));
            }
            try (var fds = Files.list(Path.of("/proc/self/fd"))) {
                assertTrue(fds.anyMatch(f -> Integer.parseInt(f.getFileName().toString()) >= 1024),
                        "the JVM should hold descriptors numbered 1024 and above now");
            }
            try (Nftables nft = Nftables.open(ns.host().netns())) {
                nft.apply("add table inet lnwt-many-fds");
                assertTrue(Oracle.out(ns.host(), "nft", "list", "tables").contains("lnwt-many-fds"));
                nft.apply("delete table inet lnwt-many-fds");
                assertFalse(Oracle.out(ns.host(), "nft", "list", "tables").contains("lnwt-many-fds"));
            }
        } finally {
            for (FileChannel c : held) {
                c.close();
            }
        }
    }

    private static List<String> rules(com.fasterxml.jackson.databind.JsonNode listing) {
        List<String> out = new ArrayList<>();
        for (var item : listing.path("nftables")) {
            if (item.has("rule")) {
                out.add(item.path("rule").path("comment").asText() + " " + item.path("rule").path("expr"));
            }
        }
        return out;
    }
}
