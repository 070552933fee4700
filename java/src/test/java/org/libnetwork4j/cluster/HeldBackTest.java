package org.libnetwork4j.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

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

    @Test
    void heldBackChangesGoWithTheNextWriteOrAloneAndEachIsDecidedByItsKey(Namespaces ns) throws Exception {
        try (EtcdLab lab = EtcdLab.start(ns, 1)) {
            Process p = new ProcessBuilder("nsenter", "--net=" + lab.hosts().get(0).path(),
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1",
                    "-cp", System.getProperty("java.class.path"), HeldBackMain.class.getName(), EtcdLab.ENDPOINT,
                    "/libnetwork4j/t/").redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out;
            try {
                out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            } finally {
                p.destroyForcibly();
            }
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
}
