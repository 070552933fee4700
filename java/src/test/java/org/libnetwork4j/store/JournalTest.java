package org.libnetwork4j.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.libnetwork4j.EndpointOptions;
import org.libnetwork4j.InternalException;
import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.MacAddress;
import org.libnetwork4j.testing.KilledJvm;
import org.libnetwork4j.testing.StateDb;

/**
 * The journal of {@link DeferredWrites}: a put is durable when it returns, though only the
 * journal holds it; a process killed anywhere around it (after the append, with the last
 * entry torn, between a transaction and the cut, after the replay's transaction) leaves a
 * store that the next open makes whole, and never lets an older journaled record undo a
 * later write. The kills are real: a child JVM ({@link JournalKillMain}) killed with SIGKILL.
 * No root, no kernel.
 */
class JournalTest {

    static EndpointRecord endpoint(int i, State state) {
        String id = String.format("%064x", i + 1);
        return new EndpointRecord(id, StoreTest.NET, "e" + i, state, EndpointOptions.defaults(),
                IpPrefix.parse("10.9." + (i / 250) + "." + (i % 250 + 2) + "/16"), null,
                MacAddress.parse(String.format("02:42:0a:09:%02x:%02x", i / 250, i % 250 + 2)), null, null, 0, List.of());
    }

    @Test
    @Timeout(60)
    void whatAPutReturnedFromIsThereAfterAKill(@TempDir Path dir) throws Exception {
        killedAfter(dir, "put", "0", "50");
        assertEquals(0, StateDb.rows(dir, "ENDPOINT"), "endpoint rows in state.db: the puts are only in the journal");
        long base = Long.parseLong(StateDb.value(dir, "SELECT value FROM meta WHERE key = 'journal'"));
        assertTrue(Files.size(dir.resolve(Journal.FILE)) > 0);
        Files.copy(dir.resolve(Journal.FILE), dir.resolve("journal.at-kill"));

        try (SqliteStore s = SqliteStore.open(dir); DeferredWrites w = new DeferredWrites(s, dir, 0)) {
            assertEquals(expected(0, 50, State.READY), byId(s.load().endpoints()));
            assertEquals(0, Files.size(dir.resolve(Journal.FILE)), "cut back once the store holds it");
            assertEquals(base + 50, s.journalMark());
            w.put(endpoint(7, State.JOINED)); // a newer record of one of them: entry 51
        }
        // The replay's transaction done, the cut not: the old entries are back, under the
        // store's mark (and under a newer record of endpoint 7), and must not be written again.
        Files.copy(dir.resolve("journal.at-kill"), dir.resolve(Journal.FILE), StandardCopyOption.REPLACE_EXISTING);
        try (SqliteStore s = SqliteStore.open(dir); DeferredWrites w = new DeferredWrites(s, dir, 0)) {
            Map<String, EndpointRecord> want = expected(0, 50, State.READY);
            want.put(endpoint(7, State.JOINED).id(), endpoint(7, State.JOINED));
            assertEquals(want, byId(s.load().endpoints()));
            assertEquals(base + 51, s.journalMark());
        }
    }

    @Test
    @Timeout(60)
    void aTornLastEntryIsDroppedAndTheJournalGoesOnAfterIt(@TempDir Path dir) throws Exception {
        killedAfter(dir, "put", "0", "3");
        long base = Long.parseLong(StateDb.value(dir, "SELECT value FROM meta WHERE key = 'journal'"));
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve(Journal.FILE).toFile(), "rw")) {
            f.setLength(f.length() - 7); // the last write cut short between its pages
        }
        try (SqliteStore s = SqliteStore.open(dir); DeferredWrites w = new DeferredWrites(s, dir, 0)) {
            assertEquals(expected(0, 2, State.READY), byId(s.load().endpoints()));
            assertEquals(base + 2, s.journalMark());
            assertEquals(0, Files.size(dir.resolve(Journal.FILE)), "the torn end is cut away with the rest");
        }
        // and the journal goes on
        killedAfter(dir, "put", "100", "1");
        Map<String, EndpointRecord> want = expected(0, 2, State.READY);
        want.putAll(expected(100, 1, State.READY));
        assertEquals(want, reopened(dir));
    }

    @Test
    @Timeout(60)
    void aDeleteReturnedFromIsThereAfterAKill(@TempDir Path dir) throws Exception {
        killedAfter(dir, "delete");
        assertEquals(0, StateDb.rows(dir, "ENDPOINT"),
                "endpoint rows in state.db: the puts and the delete are only in the journal");
        Map<String, EndpointRecord> want = expected(0, 1, State.READY);
        want.putAll(expected(2, 1, State.READY));
        assertEquals(want, reopened(dir));
    }

    @Test
    @Timeout(60)
    void anOlderPutInTheJournalDoesNotUndoALaterDelete(@TempDir Path dir) throws Exception {
        killedAfter(dir, "put-close-delete");
        // as if killed between the transaction that took both puts and the journal's cut:
        // the puts are in it again, under the store's mark, and the delete came after them
        Files.copy(dir.resolve(Journal.FILE + ".saved"), dir.resolve(Journal.FILE), StandardCopyOption.REPLACE_EXISTING);
        assertEquals(expected(1, 1, State.READY), reopened(dir));
    }

    @Test
    void entriesUnderTheMarkAreSkippedAndTheOnesAfterItWritten(@TempDir Path dir) throws Exception {
        // killed after a transaction that took entries m+1 and m+2, with m+3 appended since
        long m = newStore(dir);
        try (Journal j = Journal.open(dir)) {
            j.append(m + 1, List.of(endpoint(0, State.READY)), List.of());
            j.append(m + 2, List.of(endpoint(1, State.READY)), List.of());
            j.append(m + 3, List.of(endpoint(2, State.READY)), List.of(endpoint(0, State.READY)));
        }
        try (SqliteStore s = SqliteStore.open(dir)) {
            s.update(List.of(endpoint(0, State.READY), endpoint(1, State.JOINED)), List.of(), m + 2);
        }
        try (SqliteStore s = SqliteStore.open(dir); DeferredWrites w = new DeferredWrites(s, dir, 0)) {
            Map<String, EndpointRecord> want = expected(2, 1, State.READY);
            want.putAll(expected(1, 1, State.JOINED)); // as the store had it, not as entry m+2 did
            assertEquals(want, byId(s.load().endpoints()));
            assertEquals(m + 3, s.journalMark());
        }
    }

    @Test
    void theMarkMovesPastEntriesThatHoldNothing(@TempDir Path dir) throws Exception {
        // else the next process's entries would start past a mark the store never got, and a
        // third open would take them for a gap
        long m = newStore(dir);
        try (Journal j = Journal.open(dir)) {
            j.append(m + 1, List.of(), List.of());
        }
        try (SqliteStore s = SqliteStore.open(dir); DeferredWrites w = new DeferredWrites(s, dir, 0)) {
            assertEquals(m + 1, s.journalMark());
        }
    }

    @Test
    void entriesAfterAGapAreDropped(@TempDir Path dir) throws Exception {
        // what a power cut can leave: the database lost a transaction, the journal kept later
        // entries (entry m+3 went to the database, and is gone with it)
        long m = newStore(dir);
        try (Journal j = Journal.open(dir)) {
            j.append(m + 1, List.of(endpoint(0, State.READY)), List.of());
            j.append(m + 2, List.of(endpoint(1, State.READY)), List.of());
            j.append(m + 4, List.of(endpoint(3, State.READY)), List.of(endpoint(0, State.READY)));
        }
        try (SqliteStore s = SqliteStore.open(dir); DeferredWrites w = new DeferredWrites(s, dir, 0)) {
            assertEquals(expected(0, 2, State.READY), byId(s.load().endpoints()));
            assertEquals(m + 2, s.journalMark());
        }
    }

    /**
     * A state.db deleted (or replaced) beside its journal: the new database numbers its
     * entries from a base of its own, the old journal's do not follow its mark, and nothing
     * of them is written into it.
     */
    @Test
    void aJournalLeftBesideAnotherDatabaseIsNotWrittenIntoIt(@TempDir Path dir) throws Exception {
        long m = newStore(dir);
        try (Journal j = Journal.open(dir)) {
            j.append(m + 1, List.of(endpoint(0, State.READY)), List.of());
        }
        for (String f : new String[] {SqliteStore.FILE, SqliteStore.FILE + "-wal", SqliteStore.FILE + "-shm"}) {
            Files.deleteIfExists(dir.resolve(f));
        }
        try (SqliteStore s = SqliteStore.open(dir); DeferredWrites w = new DeferredWrites(s, dir, 0)) {
            assertEquals(List.of(), s.load().endpoints());
            long base = s.journalMark();
            assertTrue(base >= 1L << 40 && base != m, "a base of its own: " + base);
            assertEquals(0, Files.size(dir.resolve(Journal.FILE)), "the other database's journal is cut");
        }
    }

    /**
     * A database an earlier version made has no base: its journal's entries follow 0 and are
     * written; it then takes a base of its own, and from there on a journal not its own, even
     * one numbered as its own went on, is dropped as beside a new database.
     */
    @Test
    void aDatabaseWithoutABaseTakesTheEntriesAfterZeroThenABase(@TempDir Path dir) throws Exception {
        newStore(dir);
        StateDb.execute(dir, "DELETE FROM meta WHERE key = 'journal'"); // as an earlier version left it
        try (Journal j = Journal.open(dir)) {
            j.append(1, List.of(endpoint(0, State.READY)), List.of());
            j.append(2, List.of(endpoint(1, State.READY)), List.of());
        }
        long base;
        try (SqliteStore s = SqliteStore.open(dir); DeferredWrites w = new DeferredWrites(s, dir, 0)) {
            assertEquals(expected(0, 2, State.READY), byId(s.load().endpoints()));
            base = s.journalMark();
            assertTrue(base >= 1L << 40, "a base of its own once its journal is written: " + base);
            w.put(endpoint(2, State.READY));
        }
        assertEquals(String.valueOf(base + 1), StateDb.value(dir, "SELECT value FROM meta WHERE key = 'journal'"),
                "the entries after it follow the base");
        // a journal this database would have gone on with had it kept numbering from 0 (entry 3
        // was the put above), as an older copy of it put back would write
        try (Journal j = Journal.open(dir)) {
            j.append(4, List.of(endpoint(7, State.READY)), List.of());
        }
        assertEquals(expected(0, 3, State.READY), reopened(dir));
        assertEquals(3, StateDb.rows(dir, "ENDPOINT"), "endpoint rows in state.db");
    }

    @Test
    void anEntryThatDoesNotDecodeStopsTheOpenAndIsKept(@TempDir Path dir) throws Exception {
        long m = newStore(dir);
        try (Journal j = Journal.open(dir)) {
            j.append(m + 1, List.of(endpoint(0, State.READY)), List.of());
        }
        // entry m+2, whole and checksummed, holding what this version cannot read
        byte[] doc = "{\"id\": 7}".getBytes(StandardCharsets.UTF_8);
        ByteBuffer body = ByteBuffer.allocate(8 + 2 + 1 + 1 + 8 + 4 + doc.length);
        body.putLong(m + 2).putShort((short) 1).put((byte) 0).put((byte) 8).put("ENDPOINT".getBytes(StandardCharsets.US_ASCII))
                .putInt(doc.length).put(doc);
        CRC32C crc = new CRC32C();
        crc.update(body.array());
        ByteBuffer frame = ByteBuffer.allocate(8 + body.capacity()).putInt(body.capacity()).putInt((int) crc.getValue())
                .put(body.array());
        Files.write(dir.resolve(Journal.FILE), frame.array(), StandardOpenOption.APPEND);
        long size = Files.size(dir.resolve(Journal.FILE));
        try (SqliteStore s = SqliteStore.open(dir)) {
            InternalException e = assertThrows(InternalException.class, () -> new DeferredWrites(s, dir, 0));
            assertTrue(e.getMessage().contains(dir.resolve(Journal.FILE).toString())
                    && e.getMessage().contains("entry " + (m + 2)), e.getMessage());
            assertEquals(List.of(), s.load().endpoints(), "nothing written from a journal that was refused");
        }
        assertEquals(size, Files.size(dir.resolve(Journal.FILE)), "the journal is kept as it was");
    }

    @Test
    void anInterruptedCallerStillJournals(@TempDir Path dir) throws Exception {
        try (SqliteStore s = SqliteStore.open(dir); DeferredWrites w = new DeferredWrites(s, dir, 0)) {
            Thread.currentThread().interrupt();
            try {
                w.put(endpoint(0, State.READY));
                w.put(endpoint(1, State.READY));
                assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is the caller's, kept");
            } finally {
                Thread.interrupted();
            }
            // both in the journal, none in the database yet: the journal was not closed by it
            assertEquals(List.of(), s.load().endpoints());
            assertTrue(Files.size(dir.resolve(Journal.FILE)) > 0);
        }
        try (SqliteStore s = SqliteStore.open(dir)) {
            assertEquals(expected(0, 2, State.READY), byId(s.load().endpoints()));
        }
    }

    @Test
    @Timeout(60)
    void aJournalOverItsLimitIsCaughtUpByAPut(@TempDir Path dir) throws Exception {
        int n = 4000; // about 1.7 MB of entries, no deferred writer to catch up
        long largest = 0;
        try (SqliteStore s = SqliteStore.open(dir); DeferredWrites w = new DeferredWrites(s, dir, 0)) {
            for (int i = 0; i < n; i++) {
                w.put(endpoint(i, State.READY));
                largest = Math.max(largest, Files.size(dir.resolve(Journal.FILE)));
            }
            assertTrue(largest <= DeferredWrites.JOURNAL_LIMIT + 4096, "the journal grew to " + largest);
            assertTrue(largest > DeferredWrites.JOURNAL_LIMIT, "the limit was reached (" + largest + ")");
        }
        try (SqliteStore s = SqliteStore.open(dir)) {
            assertEquals(expected(0, n, State.READY), byId(s.load().endpoints()));
        }
    }

    @Test
    @Timeout(120)
    void putsDeletesAndTheDeferredWriterFromManyThreadsAgree(@TempDir Path dir) throws Exception {
        Map<String, EndpointRecord> want = new ConcurrentHashMap<>();
        try (SqliteStore s = SqliteStore.open(dir); DeferredWrites w = new DeferredWrites(s, dir, 1)) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int thread = t;
                    done.add(pool.submit(() -> {
                        for (int k = 0; k < 250; k++) {
                            int i = thread * 250 + k;
                            w.put(endpoint(i, State.READY));
                            if (k % 3 == 0) {
                                w.delete(endpoint(i, State.READY));
                            } else if (k % 3 == 1) {
                                w.putLater(StoredObject.Kind.ENDPOINT, endpoint(i, State.JOINED).id(),
                                        () -> endpoint(i, State.JOINED));
                                want.put(endpoint(i, State.JOINED).id(), endpoint(i, State.JOINED));
                            } else {
                                want.put(endpoint(i, State.READY).id(), endpoint(i, State.READY));
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
        }
        assertEquals(0, Files.size(dir.resolve(Journal.FILE)), "a clean close leaves the journal empty");
        try (SqliteStore s = SqliteStore.open(dir)) {
            assertEquals(new HashMap<>(want), byId(s.load().endpoints()));
        }
    }

    private static Map<String, EndpointRecord> expected(int from, int count, State state) {
        Map<String, EndpointRecord> m = new HashMap<>();
        for (int i = from; i < from + count; i++) {
            m.put(endpoint(i, state).id(), endpoint(i, state));
        }
        return m;
    }

    /** The endpoints of the store in dir, opened with its journal. */
    private static Map<String, EndpointRecord> reopened(Path dir) {
        try (SqliteStore s = SqliteStore.open(dir); DeferredWrites w = new DeferredWrites(s, dir, 0)) {
            return byId(s.load().endpoints());
        }
    }

    private static Map<String, EndpointRecord> byId(List<EndpointRecord> records) {
        Map<String, EndpointRecord> m = new HashMap<>();
        records.forEach(r -> m.put(r.id(), r));
        assertEquals(records.size(), m.size(), "ids given twice");
        return m;
    }

    /** Makes the store in dir; returns its journal mark, a new database's base. */
    private static long newStore(Path dir) {
        try (SqliteStore s = SqliteStore.open(dir)) {
            long m = s.journalMark();
            assertTrue(m >= 1L << 40, "a new database's base: " + m);
            return m;
        }
    }

    /** Runs {@link JournalKillMain} with dir and args, and kills it (SIGKILL) once it is ready. */
    private static void killedAfter(Path dir, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(dir.toString()));
        all.addAll(List.of(args));
        KilledJvm.runAndKill(List.of(), JournalKillMain.class, all.toArray(String[]::new));
    }
}
