package org.libnetwork4j.store;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.libnetwork4j.testing.KilledJvm;

/**
 * sqlite-jdbc's native library comes from a private copy deleted at once: a JVM killed with
 * SIGKILL (no exit hooks) leaves nothing in its temporary directory. sqlite-jdbc's own copy
 * and lock file would stay for good. No root needed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SqliteNativeTest {
    @Test
    void aKilledJvmLeavesNoCopyOfSqlitesLibraryBehind(@TempDir Path tmp, @TempDir Path state) throws Exception {
        List<String> lines = KilledJvm.runKillAndCheckEmpty(tmp, SqliteHoldMain.class, state.toString());
        assertTrue(!lines.isEmpty() && lines.stream().allMatch(l -> l.startsWith(tmp + "/libnetwork4j-sqlite-")
                && l.endsWith("/libsqlitejdbc.so (deleted)")), "mapped from a copy deleted at once: " + lines);
        assertTrue(Files.exists(state.resolve("state.db")), "the store was made: " + lines);
    }
}
