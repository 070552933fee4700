package org.libnetwork4j.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

/**
 * Loads sqlite-jdbc's native library from a private copy deleted as soon as it is loaded.
 * Left to itself, sqlite-jdbc writes its library (1.1 MB) and a lock file into java.io.tmpdir
 * under a fresh name for every JVM and deletes them only when the JVM exits normally; its own
 * clean-up spares any whose lock file is there, so every JVM killed (a crashed daemon, kill -9
 * in the crash tests) left both for good: 2,700 copies, 3 GB, piled up in this project's /tmp
 * within days. The same as {@code kernel.NativeLoader} does for liblnw4j.so.
 */
final class SqliteNative {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteNative.class);
    private static boolean done; // guarded by the class

    private SqliteNative() {
    }

    /**
     * Before the first connection. Leaves everything to sqlite-jdbc when the caller chose a
     * library (org.sqlite.lib.path), the jar has none for this platform, or the private copy
     * cannot be made or loaded (logged): the store opens as it did before, only leakier.
     */
    static synchronized void load() {
        if (done) {
            return;
        }
        done = true;
        String resource = LibraryLoaderUtil.getNativeLibResourcePath();
        String name = LibraryLoaderUtil.getNativeLibName();
        if (System.getProperty("org.sqlite.lib.path") != null || !LibraryLoaderUtil.hasNativeLib(resource, name)) {
            return;
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("libnetwork4j-sqlite-"); // 0700: nobody else may swap the file
            try (InputStream in = SQLiteJDBCLoader.class.getResourceAsStream(resource + "/" + name)) {
                Files.copy(in, dir.resolve(name));
            }
            System.setProperty("org.sqlite.lib.path", dir.toString());
            System.setProperty("org.sqlite.lib.name", name);
            try {
                SQLiteJDBCLoader.initialize();
            } finally {
                System.clearProperty("org.sqlite.lib.path");
                System.clearProperty("org.sqlite.lib.name");
            }
        } catch (Exception e) {
            LOG.warn("sqlite-jdbc's native library not loaded from a private copy ({}): sqlite-jdbc loads its own",
                    e.toString());
        } finally {
            if (dir != null) {
                deleteQuietly(dir.resolve(name)); // the mapping stays
                deleteQuietly(dir);
            }
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.warn("remove {}: {}", p, e.toString());
        }
    }
}
