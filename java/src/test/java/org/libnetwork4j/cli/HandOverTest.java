package org.libnetwork4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.libnetwork4j.StateDirectoryInUseException;
import org.libnetwork4j.store.StateDirLock;

/** When a command's JVM may hand its command line to the thin client, and what it sends. */
class HandOverTest {
    private static final Map<String, String> LAUNCHED = Map.of("LNW_CLIENT", "/x/lnw-client", "LNW_LAUNCHER", "/x/lnw");

    @Test
    void theCommandStartsAfterTheGlobalOptionsTheLauncherKnows() {
        assertEquals(0, HandOver.commandIndex(new String[] {"network", "ls"}));
        assertEquals(5, HandOver.commandIndex(new String[] {"--state-dir", "s", "--run-dir", "r", "--debug", "network"}));
        assertEquals(2, HandOver.commandIndex(new String[] {"--state-dir=s", "--run-dir=r", "sandbox", "ls"}));
        // an option the launcher does not skip ends the globals: that is not a command it sends
        assertEquals(0, HandOver.commandIndex(new String[] {"--cluster-store", "etcd://1.2.3.4:2379", "network"}));
        // a dangling option: no command at all
        assertEquals(1, HandOver.commandIndex(new String[] {"--state-dir"}));
    }

    @Test
    void onlyALauncherStartedJvmHandsOverAndOnlyWhatADaemonServes() {
        assertTrue(HandOver.allowed(new String[] {"--state-dir", "s", "network", "ls"}, LAUNCHED));
        assertTrue(HandOver.allowed(new String[] {"exec", "c1", "ip", "a"}, LAUNCHED));
        assertFalse(HandOver.allowed(new String[] {"daemon"}, LAUNCHED));
        assertFalse(HandOver.allowed(new String[] {"quickstart"}, LAUNCHED));
        assertFalse(HandOver.allowed(new String[] {"--cluster-store", "etcd://1.2.3.4:2379", "network", "ls"}, LAUNCHED));
        assertFalse(HandOver.allowed(new String[] {"--debug"}, LAUNCHED));
        // the client's fallback may (a daemon can take the lock while it starts), but once per
        // command, and not after the client waited out the lock
        Map<String, String> fallback = Map.of("LNW_CLIENT", "c", "LNW_LAUNCHER", "l", "LNW_NO_DAEMON", "1",
                "LNW_CLIENT_FALLBACK", "1");
        assertTrue(HandOver.allowed(new String[] {"network", "ls"}, fallback));
        assertFalse(HandOver.allowed(new String[] {"network", "ls"}, with(fallback, "LNW_HANDED_OVER")));
        assertFalse(HandOver.allowed(new String[] {"network", "ls"}, with(fallback, "LNW_LOCK_WAITED")));
        // a user who says no daemon means it
        assertFalse(HandOver.allowed(new String[] {"network", "ls"},
                Map.of("LNW_CLIENT", "c", "LNW_LAUNCHER", "l", "LNW_NO_DAEMON", "1")));
        // a JVM nobody started through the launcher (tests, embedders)
        assertFalse(HandOver.allowed(new String[] {"network", "ls"}, Map.of()));
        assertFalse(HandOver.allowed(new String[] {"network", "ls"}, Map.of("LNW_CLIENT", "c")));
    }

    /**
     * Another process's lock is seen through the kernel's list of locks (the oracle holding
     * it: Python's fcntl.lockf, the same POSIX record lock as the JVM's), this process's own
     * is not another's, and a missing directory is held by nobody.
     */
    @Test
    void anotherProcessHoldingTheLockIsSeen(@TempDir Path dir) throws Exception {
        StateDirLock.acquire(dir, Duration.ZERO).close(); // the lock file, held by nobody
        assertFalse(HandOver.heldByAnotherProcess(dir));
        Process holder = new ProcessBuilder("python3", "-c", "import fcntl, sys\n"
                + "f = open(sys.argv[1], 'r+')\nfcntl.lockf(f, fcntl.LOCK_EX)\nprint('held', flush=True)\n"
                + "sys.stdin.read()\n", dir.resolve("lock").toString()).redirectErrorStream(true).start();
        try {
            assertEquals("held", new BufferedReader(new InputStreamReader(holder.getInputStream())).readLine());
            assertTrue(HandOver.heldByAnotherProcess(dir));
            assertThrows(StateDirectoryInUseException.class, () -> StateDirLock.acquire(dir, Duration.ZERO));
        } finally {
            holder.getOutputStream().close(); // it exits, and its lock goes with it
            assertTrue(holder.waitFor(10, TimeUnit.SECONDS));
        }
        assertFalse(HandOver.heldByAnotherProcess(dir));
        try (StateDirLock mine = StateDirLock.acquire(dir, Duration.ZERO)) {
            assertFalse(HandOver.heldByAnotherProcess(dir), "this process's own lock is not another's");
        }
        assertFalse(HandOver.heldByAnotherProcess(dir.resolve("nosuch")), "no directory: nobody holds it");
    }

    private static Map<String, String> with(Map<String, String> env, String key) {
        Map<String, String> m = new java.util.HashMap<>(env);
        m.put(key, "1");
        return m;
    }
}
