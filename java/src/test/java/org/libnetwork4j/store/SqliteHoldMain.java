package org.libnetwork4j.store;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A JVM of its own for {@link SqliteNativeTest}: opens a store in args[0], prints where
 * sqlite-jdbc's library is mapped from, then "opened", and waits to be killed.
 */
public final class SqliteHoldMain {
    private SqliteHoldMain() {
    }

    public static void main(String[] args) throws Exception {
        try (SqliteStore store = SqliteStore.open(Path.of(args[0]))) {
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                if (line.contains("sqlitejdbc")) {
                    System.out.println(line.substring(line.indexOf('/')));
                }
            }
            System.out.println("opened");
            System.out.flush();
            Thread.sleep(60_000);
        }
    }
}
