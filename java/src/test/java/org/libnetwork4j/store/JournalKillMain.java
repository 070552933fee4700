package org.libnetwork4j.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.libnetwork4j.testing.KilledJvm;

/**
 * A JVM of its own for {@link JournalTest}, killed with SIGKILL once it says "ready": opens
 * the store in args[0] with its journal and no deferred writer, so that nothing it puts
 * reaches the database, and then, by args[1]:
 * <ul>
 * <li>{@code put FROM COUNT}: puts the endpoints FROM to FROM+COUNT-1 of {@link JournalTest#endpoint}, one call each;</li>
 * <li>{@code delete}: puts endpoints 0, 1 and 2, deletes endpoint 1;</li>
 * <li>{@code put-close-delete}: puts endpoints 0 and 1, copies the journal to
 * {@code state.journal.saved}, closes the writes (a transaction takes both puts along, the
 * journal is cut), then deletes endpoint 0, a transaction of its own once closed.</li>
 * </ul>
 */
public final class JournalKillMain {
    private JournalKillMain() {
    }

    public static void main(String[] a) throws Exception {
        Path dir = Path.of(a[0]);
        SqliteStore store = SqliteStore.open(dir);
        DeferredWrites writes = new DeferredWrites(store, dir, 0);
        switch (a[1]) {
            case "put" -> {
                int from = Integer.parseInt(a[2]);
                for (int i = from; i < from + Integer.parseInt(a[3]); i++) {
                    writes.put(JournalTest.endpoint(i, State.READY));
                }
            }
            case "delete" -> {
                for (int i = 0; i < 3; i++) {
                    writes.put(JournalTest.endpoint(i, State.READY));
                }
                writes.delete(JournalTest.endpoint(1, State.READY));
            }
            case "put-close-delete" -> {
                writes.put(JournalTest.endpoint(0, State.READY));
                writes.put(JournalTest.endpoint(1, State.READY));
                Files.copy(dir.resolve(Journal.FILE), dir.resolve(Journal.FILE + ".saved"),
                        StandardCopyOption.REPLACE_EXISTING);
                writes.close();
                writes.delete(JournalTest.endpoint(0, State.READY));
            }
            default -> throw new IllegalArgumentException(a[1]);
        }
        System.out.println(KilledJvm.READY);
        System.out.flush();
        Thread.sleep(60_000); // killed long before
    }
}
