package org.libnetwork4j.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.libnetwork4j.ForbiddenException;
import org.libnetwork4j.InternalException;
import org.libnetwork4j.StateDirectoryInUseException;

/**
 * The one-writer lock of a state directory: an fcntl lock on {@code lock} in it, which holds
 * the holder's pid. The kernel drops the lock the moment its holder dies, kill -9 included, so
 * there is nothing stale to clean up.
 *
 * <p>Within one JVM the directory is also registered here before the file is touched: fcntl
 * locks belong to the process, and closing any descriptor of the file would drop the lock the
 * first holder has, so a second controller of the same process must not even open it.
 */
public final class StateDirLock implements AutoCloseable {
    private static final Map<Path, StateDirLock> HELD = new ConcurrentHashMap<>();
    private static final long POLL_MS = 50;

    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;

    private StateDirLock(Path dir, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of dir, waiting up to {@code wait} (zero: try once) for a holder to let
     * go; fails with a {@link StateDirectoryInUseException} that names the holder's pid.
     *
     * @param stateDir the state directory, made if missing
     * @param wait     how long to wait for the holder, polling every 50 ms
     * @return the lock, held until {@link #close}
     * @throws StateDirectoryInUseException if another process, or another controller of this
     *         one, still holds it
     * @throws ForbiddenException if the wait is interrupted
     * @throws InternalException if the directory or its lock file cannot be made
     */
    public static StateDirLock acquire(Path stateDir, Duration wait) {
        Path dir;
        try {
            Files.createDirectories(stateDir);
            dir = stateDir.toRealPath();
        } catch (IOException e) {
            throw new InternalException("create state directory " + stateDir + ": " + e.getMessage(), 0,
                    "lock state directory", stateDir.toString(), e);
        }
        long deadline = System.nanoTime() + wait.toNanos();
        for (;;) {
            StateDirLock l = tryAcquire(dir);
            if (l != null) {
                return l;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new StateDirectoryInUseException("state directory " + dir + " is in use by " + holder(dir)
                        + (wait.isZero() ? "" : " (waited " + wait.toMillis() + " ms)"));
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ForbiddenException("interrupted while waiting for the lock of state directory " + dir);
            }
        }
    }

    private static StateDirLock tryAcquire(Path dir) {
        StateDirLock[] made = new StateDirLock[1];
        HELD.compute(dir, (k, current) -> {
            if (current != null) {
                return current; // this process holds it
            }
            FileChannel ch = null;
            try {
                ch = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
                FileLock fl = ch.tryLock();
                if (fl == null) {
                    ch.close(); // ours held nothing: closing it drops no lock of this process
                    return null;
                }
                ch.truncate(0);
                ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
                ch.force(false);
                made[0] = new StateDirLock(dir, ch, fl);
                return made[0];
            } catch (IOException e) {
                if (ch != null) {
                    try {
                        ch.close();
                    } catch (IOException ignored) {
                        // failing anyway
                    }
                }
                throw new InternalException("lock state directory " + dir + ": " + e.getMessage(), 0,
                        "lock state directory", dir.toString(), e);
            }
        });
        return made[0];
    }

    /** "process 1234 (java ...)", from the pid the holder wrote. */
    private static String holder(Path dir) {
        StateDirLock mine = HELD.get(dir);
        if (mine != null) {
            return "this process (pid " + ProcessHandle.current().pid() + "): another controller";
        }
        try {
            String pid = Files.readString(dir.resolve("lock"), StandardCharsets.US_ASCII).trim();
            String cmd = ProcessHandle.of(Long.parseLong(pid)).flatMap(p -> p.info().command()).orElse("");
            return "process " + pid + (cmd.isEmpty() ? "" : " (" + cmd + ")");
        } catch (IOException | NumberFormatException e) {
            return "another process";
        }
    }

    /**
     * The directory locked.
     *
     * @return its real path, links resolved
     */
    public Path dir() {
        return dir;
    }

    /** Releases the lock. Idempotent. */
    @Override
    public void close() {
        HELD.computeIfPresent(dir, (k, current) -> {
            if (current != this) {
                return current;
            }
            try {
                lock.release();
                channel.close();
            } catch (IOException ignored) {
                // the descriptor is gone either way, and with it the lock
            }
            return null;
        });
    }
}
