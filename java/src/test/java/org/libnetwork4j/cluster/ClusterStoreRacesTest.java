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
            Process p = lab.java(0, WatchResyncMain.class, EtcdLab.ENDPOINT, "/libnetwork4j/w/");
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                    Writer in = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8)) {
                assertEquals("ready", out.readLine());
                lab.restartEtcd();
                in.write("restarted\n");
                in.flush();
                assertEquals(List.of("resync", "snapshots after it 0"), List.of(out.readLine(), out.readLine()));
                assertTrue(p.waitFor(30, TimeUnit.SECONDS));
                assertEquals(0, p.exitValue());
            } finally {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
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
            Process p = lab.java(0, AnsweredErrorMain.class, EtcdLab.ENDPOINT, "/libnetwork4j/big");
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                    Writer in = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8)) {
                assertEquals("refused", out.readLine());
                lab.freezeEtcd(true);
                try {
                    in.write("go\n");
                    in.flush();
                    Thread.sleep(1500);
                } finally {
                    lab.freezeEtcd(false);
                }
                String read = out.readLine();
                assertTrue(read != null && read.startsWith("read after "), read);
                assertTrue(Long.parseLong(read.split(" ")[2]) >= 1000, read + ": it waited for etcd to thaw");
                assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            } finally {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
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
            Process p = lab.java(0, LeaseKeptMain.class, EtcdLab.ENDPOINT, "/libnetwork4j/l/k");
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                    Writer in = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8)) {
                assertEquals("ready", out.readLine());
                List<String> before = leases(lab);
                assertEquals(1, before.size(), "leases: " + before);
                lab.restartEtcd();
                Thread.sleep(4000); // past several of jetcd's new streams (every 0.5 s while away) and renewals (1 s)
                assertEquals(before, leases(lab), "the leases after the restart");
                JsonNode kv = new ObjectMapper().readTree(lab.etcdctl("get", "/libnetwork4j/l/k", "-w", "json").out())
                        .path("kvs").path(0);
                assertEquals(before.get(0), Long.toHexString(kv.path("lease").asLong()), "the key's lease");
                in.write("stop\n");
                in.flush();
                assertEquals("done", out.readLine());
                assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            } finally {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** The leases etcd holds, as etcdctl lists them (hexadecimal ids). */
    private static List<String> leases(EtcdLab lab) throws Exception {
        return lab.etcdctl("lease", "list").out().lines().map(String::strip).filter(l -> l.matches("[0-9a-f]+"))
                .sorted().toList();
    }
}
