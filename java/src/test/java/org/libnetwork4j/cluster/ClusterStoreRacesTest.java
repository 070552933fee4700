package org.libnetwork4j.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.testing.EtcdLab;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;

/**
 * Races of the cluster store with etcd's own timing, against a real etcd 3.4 in a throwaway
 * namespace, each client in a JVM of its own in a host's namespace; checked with etcdctl where
 * etcd holds the answer.
 */
@ExtendWith(NetnsExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterStoreRacesTest {

    /**
     * A watch broken by etcd's restart is made anew once, with one new snapshot: not again and
     * again (closing the broken watch reports its end to its listener, which must not take that
     * for another break).
     */
    @Test
    void aWatchBrokenByARestartIsMadeAnewOnce(Namespaces ns) throws Exception {
        try (EtcdLab lab = EtcdLab.start(ns, 1)) {
            try (Client c = new Client(lab, WatchResyncMain.class, "/libnetwork4j/w/")) {
                assertEquals("ready", c.line());
                lab.restartEtcd();
                c.say("restarted");
                assertEquals(List.of("resync", "snapshots after it 0"), List.of(c.line(), c.line()));
                assertEquals(0, c.exit());
            }
        }
    }

    /**
     * An error etcd answers (a request too large) does not make the store believe etcd away:
     * the next call still waits its whole deadline for a slow answer (etcd frozen for 1.5 s),
     * where one after no answer at all would give up at 500 ms.
     */
    @Test
    void anErrorEtcdAnswersIsNoSignThatItIsAway(Namespaces ns) throws Exception {
        try (EtcdLab lab = EtcdLab.start(ns, 1)) {
            try (Client c = new Client(lab, AnsweredErrorMain.class, "/libnetwork4j/big")) {
                assertEquals("refused", c.line());
                lab.freezeEtcd(true);
                try {
                    c.say("go");
                    Thread.sleep(1500);
                } finally {
                    lab.freezeEtcd(false);
                }
                String read = c.line();
                assertTrue(read != null && read.startsWith("read after "), read);
                assertTrue(Long.parseLong(read.split(" ")[2]) >= 1000, read + ": it waited for etcd to thaw");
                assertEquals(0, c.exit());
            }
        }
    }

    /**
     * A peer withdrawn while a new lease's hook writes it again (the hook read it before the
     * withdrawal) is not brought back: etcd holds nothing under its network afterwards.
     */
    @Test
    void aPeerWithdrawnIsNotBroughtBackByTheNewLeasesHook(Namespaces ns) throws Exception {
        try (EtcdLab lab = EtcdLab.start(ns, 1)) {
            Process p = lab.java(0, PeerRepublishMain.class, EtcdLab.ENDPOINT, "n1");
            try {
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(p.waitFor(60, TimeUnit.SECONDS));
                assertEquals(List.of("done"), out.lines().toList());
                assertEquals("", lab.etcdctl("get", "--prefix", "/libnetwork4j/peers/n1/").out().strip(),
                        "what etcd holds of the network's peers");
            } finally {
                p.destroyForcibly();
            }
        }
    }

    /**
     * A lease outlives a short restart of etcd: the keep-alive stream breaks and jetcd sends on
     * a new one, and the host keeps its one lease, its key under it (no new lease per report of
     * the break, each of which dropped what was published without a hook to write it again).
     */
    @Test
    void aLeaseOutlivesAShortRestartOfEtcd(Namespaces ns) throws Exception {
        try (EtcdLab lab = EtcdLab.start(ns, 1)) {
            try (Client c = new Client(lab, LeaseKeptMain.class, "/libnetwork4j/l/k")) {
                assertEquals("ready", c.line());
                List<String> before = leases(lab);
                assertEquals(1, before.size(), "leases: " + before);
                lab.restartEtcd();
                Thread.sleep(4000); // past several of jetcd's new streams (every 0.5 s while away) and renewals (1 s)
                assertEquals(before, leases(lab), "the leases after the restart");
                JsonNode kv = new ObjectMapper().readTree(lab.etcdctl("get", "/libnetwork4j/l/k", "-w", "json").out())
                        .path("kvs").path(0);
                assertEquals(before.get(0), Long.toHexString(kv.path("lease").asLong()), "the key's lease");
                c.say("stop");
                assertEquals("done", c.line());
                assertEquals(0, c.exit());
            }
        }
    }

    /**
     * A client main in a JVM of its own in the lab's host 0, given the endpoint and an argument:
     * its output read a line at a time, lines written to its input; ended when closed.
     */
    private static final class Client implements AutoCloseable {
        private final Process p;
        private final BufferedReader out;
        private final Writer in;

        Client(EtcdLab lab, Class<?> main, String arg) throws java.io.IOException {
            p = lab.java(0, main, EtcdLab.ENDPOINT, arg);
            out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            in = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
        }

        String line() throws java.io.IOException {
            return out.readLine();
        }

        void say(String line) throws java.io.IOException {
            in.write(line + "\n");
            in.flush();
        }

        /** Its exit status, once it has ended by itself (within 30 s). */
        int exit() throws InterruptedException {
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the client ends by itself");
            return p.exitValue();
        }

        @Override
        public void close() throws InterruptedException {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The leases etcd holds, as etcdctl lists them (hexadecimal ids). */
    private static List<String> leases(EtcdLab lab) throws Exception {
        return lab.etcdctl("lease", "list").out().lines().map(String::strip).filter(l -> l.matches("[0-9a-f]+"))
                .sorted().toList();
    }
}
