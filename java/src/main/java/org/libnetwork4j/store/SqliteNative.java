package org.libnetwork4j.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

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
    private static boolean done; // guarded by the class

    private SqliteNative() {
    }

    /**
     * Before the first connection. Leaves everything to sqlite-jdbc when the caller chose a
     * library (org.sqlite.lib.path) or the jar has none for this platform.
     */
    static synchronized void load() throws IOException {
        if (done) {
            return;
        }
        done = true;
        String resource = LibraryLoaderUtil.getNativeLibResourcePath();
        String name = LibraryLoaderUtil.getNativeLibName();
        if (System.getProperty("org.sqlite.lib.path") != null || !LibraryLoaderUtil.hasNativeLib(resource, name)) {
            return;
        }
        Path dir = Files.createTempDirectory("libnetwork4j-sqlite-"); // 0700: nobody else may swap the file
        Path lib = dir.resolve(name);
        try {
            try (InputStream in = SQLiteJDBCLoader.class.getResourceAsStream(resource + "/" + name)) {
                Files.copy(in, lib);
            }
            System.setProperty("org.sqlite.lib.path", dir.toString());
            System.setProperty("org.sqlite.lib.name", name);
            try {
                SQLiteJDBCLoader.initialize();
            } finally {
                System.clearProperty("org.sqlite.lib.path");
                System.clearProperty("org.sqlite.lib.name");
            }
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("load sqlite-jdbc's native library from " + lib + ": " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(lib); // the mapping stays
            Files.deleteIfExists(dir);
        }
    }
}
