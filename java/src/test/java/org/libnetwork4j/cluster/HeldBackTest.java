package org.libnetwork4j.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * Changes held back to go with the next write ({@link EtcdStore#replaceIfLater},
 * {@link EtcdStore#putLater}, {@link EtcdStore#deleteIfLater}), against a real etcd 3.4 in a
 * throwaway namespace: each decided by what its key held, the write they went with made
 * whatever they became, one that no write takes sent alone, one taken back never sent;
 * checked with etcdctl.
 */
@ExtendWith(NetnsExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HeldBackTest {

    /** Runs HeldBackMain in the lab's first host with args; its output. */
    private static String client(EtcdLab lab, String... args) throws Exception {
        Process p = lab.java(0, HeldBackMain.class, args);
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            return out;
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void heldBackChangesGoWithTheNextWriteOrAloneAndEachIsDecidedByItsKey(Namespaces ns) throws Exception {
        try (EtcdLab lab = EtcdLab.start(ns, 1)) {
            String out = client(lab, EtcdLab.ENDPOINT, "/libnetwork4j/t/");
            assertEquals(List.of("put ok", "moved NotFoundException", "held ok", "later ok", "made ok", "alone C",
                    "cancel true false", "carrier true", "gone ok", "carrier true", "kept NotFoundException", "done"),
                    out.lines().toList());
            // no "gone", "carrier" nor "never"
            assertEquals(List.of("/libnetwork4j/t/alone", "C", "/libnetwork4j/t/held", "C", "/libnetwork4j/t/later", "L",
                    "/libnetwork4j/t/made", "C", "/libnetwork4j/t/moved", "A", "/libnetwork4j/t/put", "X"),
                    lab.etcdctl("get", "--prefix", "/libnetwork4j/t/").out().lines().filter(l -> !l.isBlank())
                            .toList(), "what etcd holds");
        }
    }

    /**
     * A write that took a held change along, given up by its caller before etcd answered (an
     * await's timeout cancels it), and failed on the change's condition: the change is still
     * sent alone and answered (its key moved on: not made), and the write is not sent alone
     * behind the caller's back.
     */
    @Test
    void aChangeThatWentWithAWriteGivenUpIsStillAnswered(Namespaces ns) throws Exception {
        try (EtcdLab lab = EtcdLab.start(ns, 1)) {
            String out = client(lab, EtcdLab.ENDPOINT, "/libnetwork4j/c/", "cancelled");
            assertEquals(List.of("given up true", "moved false", "done"), out.lines().toList());
            assertEquals(List.of("/libnetwork4j/c/moved", "A"), lab.etcdctl("get", "--prefix", "/libnetwork4j/c/")
                    .out().lines().filter(l -> !l.isBlank()).toList(), "what etcd holds");
        }
    }

    /**
     * A timer set for changes that a write took along since, firing late, sends nothing: the
     * change held after them waits for the next write, and goes in its transaction (etcd's
     * revisions say which transaction wrote each key).
     */
    @Test
    void aLateTimerLeavesChangesHeldSinceToTheNextWrite(Namespaces ns) throws Exception {
        try (EtcdLab lab = EtcdLab.start(ns, 1)) {
            String out = client(lab, EtcdLab.ENDPOINT, "/libnetwork4j/h/", "timers");
            assertEquals(List.of("first true", "timers 2", "second sent by the first timer false", "second true",
                    "done"), out.lines().toList());
            JsonNode kvs = new ObjectMapper().readTree(lab.etcdctl("get", "--prefix", "/libnetwork4j/h/", "-w", "json")
                    .out()).path("kvs");
            java.util.Map<String, Long> rev = new java.util.HashMap<>();
            kvs.forEach(kv -> rev.put(new String(java.util.Base64.getDecoder().decode(kv.path("key").asText()),
                    StandardCharsets.UTF_8), kv.path("mod_revision").asLong()));
            assertEquals(4, rev.size(), "keys: " + rev);
            assertEquals(rev.get("/libnetwork4j/h/w1"), rev.get("/libnetwork4j/h/first"), "first went with w1");
            assertEquals(rev.get("/libnetwork4j/h/w2"), rev.get("/libnetwork4j/h/second"), "second went with w2");
            assertTrue(rev.get("/libnetwork4j/h/w2") > rev.get("/libnetwork4j/h/w1"));
        }
    }
}
