package org.libnetwork4j.store;

import java.nio.file.Path;

import org.libnetwork4j.testing.KilledJvm;

/**
 * A JVM of its own for {@link SqliteNativeTest}: opens a store in args[0], prints where
 * sqlite-jdbc's library is mapped from, and waits to be killed ({@link KilledJvm}).
 */
public final class SqliteHoldMain {
    private SqliteHoldMain() {
    }

    public static void main(String[] args) throws Exception {
        try (SqliteStore store = SqliteStore.open(Path.of(args[0]))) {
            KilledJvm.printMappings("sqlitejdbc");
        }
    }
}
