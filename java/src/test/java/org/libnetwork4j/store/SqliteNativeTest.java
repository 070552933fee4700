package org.libnetwork4j.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * sqlite-jdbc's native library comes from a private copy deleted at once: a JVM killed with
 * SIGKILL (no exit hooks) leaves nothing in its temporary directory. sqlite-jdbc's own copy
 * and lock file would stay for good. No root needed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SqliteNativeTest {
    @Test
    void aKilledJvmLeavesNoCopyOfSqlitesLibraryBehind(@TempDir Path tmp, @TempDir Path state) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"),
                SqliteHoldMain.class.getName(), state.toString()).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try {
            var out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            for (String l = out.readLine(); l != null && !l.equals("opened"); l = out.readLine()) {
                lines.add(l);
            }
            assertTrue(!lines.isEmpty() && lines.stream().allMatch(l -> l.startsWith(tmp + "/libnetwork4j-sqlite-")
                    && l.endsWith("/libsqlitejdbc.so (deleted)")), "mapped from a copy deleted at once: " + lines);
        } finally {
            p.destroyForcibly(); // SIGKILL
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        }
        try (var left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList(), "left in the killed JVM's temporary directory");
        }
        assertTrue(Files.exists(state.resolve("state.db")), "the store was made: " + lines);
    }
}
