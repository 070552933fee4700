package org.libnetwork4j.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicBoolean;

import org.libnetwork4j.InternalException;

/**
 * The default store: one SQLite database, {@code state.db} in the state directory.
 *
 * <p>Why SQLite: embedded (no server), transactional, and the most tested storage engine
 * there is, crash-safe by design; its file can be inspected with {@code sqlite3}. Each record
 * is one row: kind, id, the network of an endpoint, the addresses it holds (plain text, beside
 * the record, so a record that cannot be read still says what it held), and the record as
 * JSON.
 *
 * <p>Durability: write-ahead log with {@code synchronous=NORMAL}. A committed transaction
 * survives the death of the process (kill -9 included) as soon as the commit returns; a power
 * cut may lose the last ones, but never leaves the database inconsistent, and after a power
 * cut the kernel objects those transactions described are gone too. {@code FULL} would add an
 * fsync to every change (milliseconds on a disk) for no gain in that case.
 *
 * <p>Thread-safe: one connection, used under this object's monitor. Exclusive: no other
 * connection, in this process or another, can read the file until this store is closed.
 */
public final class SqliteStore implements Store {
    static final String FILE = "state.db";
    private static final int SCHEMA = 1;

    private final Path file;
    private final Connection db;
    // prepared once: compiling the statement is a good part of a small transaction's cost
    private final PreparedStatement upsert;
    private final PreparedStatement remove;
    private final PreparedStatement setMark;
    // The connection stays in auto-commit mode, and a transaction of several statements is
    // opened and closed by these, compiled once: out of it, the driver's commit() runs
    // "commit;" and then "begin;" as SQL text, each compiled anew (~1.5 % of an attach). A
    // write of one record is one statement, which SQLite makes a transaction of by itself.
    // (In auto-commit mode the driver follows each statement with its own begin and commit,
    // prepared once: an empty transaction, or a refused begin inside ours; cheap either way.)
    private final PreparedStatement begin;
    private final PreparedStatement commit;
    private final PreparedStatement rollback;
    private boolean closed;

    private SqliteStore(Path file, Connection db) throws SQLException {
        this.file = file;
        this.db = db;
        this.upsert = db.prepareStatement("INSERT OR REPLACE INTO objects(kind, id, parent, addresses, doc)"
                + " VALUES (?, ?, ?, ?, ?)");
        this.remove = db.prepareStatement("DELETE FROM objects WHERE kind = ? AND id = ?");
        this.setMark = db.prepareStatement("INSERT OR REPLACE INTO meta(key, value) VALUES ('journal', ?)");
        this.begin = db.prepareStatement("BEGIN");
        this.commit = db.prepareStatement("COMMIT");
        this.rollback = db.prepareStatement("ROLLBACK");
    }

    /** Work on the connection, inside or as one transaction. */
    private interface Work<T> {
        T run() throws SQLException;
    }

    /**
     * Runs work as one transaction: committed if it returns, rolled back if it throws.
     * alone: work is a single statement, atomic by itself: no BEGIN or COMMIT around it.
     */
    private <T> T transaction(String op, boolean alone, Work<T> work) {
        check();
        boolean done = false;
        try {
            if (!alone) {
                begin.executeUpdate();
            }
            T r = work.run();
            if (!alone) {
                commit.executeUpdate();
            }
            done = true;
            return r;
        } catch (SQLException e) {
            throw failure(op, file, e);
        } finally {
            if (!done && !alone) {
                rollbackQuietly(); // whatever failed: or the next BEGIN would find this one open
            }
        }
    }

    /**
     * Opens (creating if needed) the store in dir. The caller holds the directory's lock.
     *
     * @param dir the state directory, made if missing
     * @return the store, open until {@link #close}
     * @throws InternalException if the database cannot be opened or made, or has a schema
     *         this version does not read
     */
    public static SqliteStore open(Path dir) {
        Path file = dir.resolve(FILE);
        Connection c = null;
        try {
            Files.createDirectories(dir);
            SqliteNative.load();
            // The driver would follow every INSERT with "SELECT last_insert_rowid()", a
            // statement compiled and run each time, for keys we never ask for (the objects
            // table has none): a third of the store's cost in an attach.
            Properties p = new Properties();
            p.setProperty("jdbc.get_generated_keys", "false");
            c = DriverManager.getConnection("jdbc:sqlite:" + file, p);
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=NORMAL");
                // The state directory's lock (StateDirLock) keeps every other process out while
                // we are open, so SQLite's own file locks per transaction and its shared-memory
                // WAL index buy nothing: held once, the index in our heap, each transaction is
                // ~4 us cheaper (three of them per attach). Readers come after close().
                s.execute("PRAGMA locking_mode=EXCLUSIVE");
                // the log is folded into the database every 256 pages and cut back to 1 MB then,
                // so the store's size follows what it holds, not how much was written
                s.execute("PRAGMA wal_autocheckpoint=256");
                s.execute("PRAGMA journal_size_limit=1048576");
                s.execute("PRAGMA foreign_keys=OFF");
                s.execute("PRAGMA busy_timeout=5000");
                s.execute("CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)");
                s.execute("CREATE TABLE IF NOT EXISTS objects(kind TEXT NOT NULL, id TEXT NOT NULL, parent TEXT,"
                        + " addresses TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (kind, id)) WITHOUT ROWID");
                s.execute("CREATE TABLE IF NOT EXISTS quarantine(seq INTEGER PRIMARY KEY AUTOINCREMENT,"
                        + " kind TEXT NOT NULL, id TEXT NOT NULL, parent TEXT, addresses TEXT NOT NULL, doc TEXT,"
                        + " reason TEXT NOT NULL, at TEXT NOT NULL)");
                boolean fresh;
                try (ResultSet r = s.executeQuery("SELECT 1 FROM meta WHERE key = 'schema'")) {
                    fresh = !r.next();
                }
                if (fresh) {
                    // A new database numbers its journal's entries from a random base, not 1:
                    // a journal that is not its own (a state.db deleted or replaced beside
                    // it) then falls under its mark or after a gap, and is dropped instead of
                    // written into it. Before the schema row: killed in between, the next
                    // open finds the database new still and keeps the base.
                    s.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('journal', '" + Journal.newBase() + "')");
                }
                s.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('schema', '" + SCHEMA + "')");
            }
            int schema = schema(c);
            if (schema != SCHEMA) {
                throw new InternalException("the store " + file + " has schema " + schema + ", this version reads "
                        + SCHEMA, 0, "open store", file.toString(), null);
            }
            return new SqliteStore(file, c);
        } catch (SQLException | IOException e) {
            closeQuietly(c);
            throw failure("open store", file, e);
        } catch (RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    private static int schema(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT value FROM meta WHERE key = 'schema'")) {
            return r.next() ? Integer.parseInt(r.getString(1)) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public synchronized Snapshot load() {
        return transaction("load store", false, this::read);
    }

    private Snapshot read() throws SQLException {
        List<NetworkRecord> networks = new ArrayList<>();
        List<EndpointRecord> endpoints = new ArrayList<>();
        List<SandboxRecord> sandboxes = new ArrayList<>();
        List<Quarantined> bad = new ArrayList<>();
        // Only what decoding needs, the document as its bytes: at a restart with 10,000
        // live endpoints these 20,000 rows were a third of the reopen, read one JNI call
        // per column and turned into Strings only for Jackson to read them back as UTF-8.
        // Decoded on every core, and while the rows are still being read: 20,000 records
        // are the largest part of a restart, read by a JVM that has not compiled the
        // decoder yet.
        List<Row> rows = new ArrayList<>();
        List<Chunk> chunks = new ArrayList<>();
        try (Statement s = db.createStatement();
                ResultSet r = s.executeQuery("SELECT kind, id, doc FROM objects ORDER BY kind, id")) {
            Chunk c = new Chunk();
            while (r.next()) {
                Row row = new Row(r.getString(1), r.getString(2), r.getBytes(3));
                rows.add(row);
                c.rows.add(row);
                if (c.rows.size() == Chunk.SIZE) {
                    chunks.add(c.start());
                    c = new Chunk();
                }
            }
            chunks.add(c); // the rest: decoded below, by this thread or whoever is free first
        }
        List<Object> decoded = new ArrayList<>(rows.size());
        for (Chunk c : chunks) {
            c.decodeIfUnclaimed(); // what no worker has taken yet, this thread does itself
        }
        for (Chunk c : chunks) {
            decoded.addAll(c.done.join());
        }
        List<Broken> broken = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Object o = decoded.get(i);
            if (o instanceof String reason) {
                broken.add(new Broken(rows.get(i).kind(), rows.get(i).id(), reason));
            } else if (o instanceof NetworkRecord n) {
                networks.add(n);
            } else if (o instanceof EndpointRecord e) {
                endpoints.add(e);
            } else {
                sandboxes.add((SandboxRecord) o);
            }
        }
        if (!broken.isEmpty()) {
            quarantine(broken);
        }
        try (Statement s = db.createStatement();
                ResultSet r = s.executeQuery("SELECT kind, id, parent, addresses, reason FROM quarantine ORDER BY seq")) {
            while (r.next()) {
                StoredObject.Kind kind;
                try {
                    kind = StoredObject.Kind.valueOf(r.getString(1));
                } catch (IllegalArgumentException e) {
                    continue; // not ours to interpret: left in quarantine, holds nothing we know
                }
                bad.add(new Quarantined(kind, r.getString(2), r.getString(3), split(r.getString(4)), r.getString(5)));
            }
        }
        boolean clean;
        try (Statement s = db.createStatement();
                ResultSet r = s.executeQuery("SELECT value FROM meta WHERE key = 'clean'")) {
            clean = r.next() && "1".equals(r.getString(1));
        }
        try (Statement s = db.createStatement()) {
            s.executeUpdate("DELETE FROM meta WHERE key = 'clean'"); // committed with the load
        }
        return new Snapshot(networks, endpoints, sandboxes, bad, clean);
    }

    /** A stored object's row, as far as reading it back needs. */
    private record Row(String kind, String id, byte[] doc) {
    }

    /**
     * Rows decoded as a unit, by a worker of the common pool once the chunk is full, or by the
     * loading thread if no worker took it first: whoever claims it.
     */
    private static final class Chunk implements Runnable {
        static final int SIZE = 500;
        final List<Row> rows = new ArrayList<>(SIZE);
        final CompletableFuture<List<Object>> done = new CompletableFuture<>();
        private final AtomicBoolean claimed = new AtomicBoolean();

        /** Full: offered to a worker (rows is not touched by the reading thread again). */
        Chunk start() {
            ForkJoinPool.commonPool().execute(this);
            return this;
        }

        @Override
        public void run() {
            decodeIfUnclaimed();
        }

        void decodeIfUnclaimed() {
            if (!claimed.compareAndSet(false, true)) {
                return;
            }
            try {
                List<Object> out = new ArrayList<>(rows.size());
                for (Row r : rows) {
                    out.add(decode(r));
                }
                done.complete(out);
            } catch (RuntimeException | Error e) {
                done.completeExceptionally(e);
            }
        }
    }

    /** A row as its record, or why it cannot be one. */
    private static Object decode(Row row) {
        try {
            StoredObject o = Codec.read(StoredObject.Kind.valueOf(row.kind()), row.doc());
            return row.id().equals(o.id()) ? o : "the record names id " + o.id();
        } catch (IOException | RuntimeException e) {
            // the codec names the field and what was wrong with it; valueOf refuses a kind not
            // ours; whatever else a row does, it is that row's, not the load's
            return e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
        }
    }

    /** A row that cannot be its record, and why. */
    private record Broken(String kind, String id, String reason) {
    }

    /** Moves each broken row from objects to quarantine, as it was stored. */
    private void quarantine(List<Broken> broken) throws SQLException {
        try (PreparedStatement ins = db.prepareStatement("INSERT INTO quarantine(kind, id, parent, addresses, doc, reason, at)"
                + " SELECT kind, id, parent, addresses, doc, ?, ? FROM objects WHERE kind = ? AND id = ?");
                PreparedStatement del = db.prepareStatement("DELETE FROM objects WHERE kind = ? AND id = ?")) {
            String now = Instant.now().toString();
            for (Broken b : broken) {
                ins.setString(1, b.reason());
                ins.setString(2, now);
                ins.setString(3, b.kind());
                ins.setString(4, b.id());
                ins.executeUpdate();
                del.setString(1, b.kind());
                del.setString(2, b.id());
                del.executeUpdate();
            }
        }
    }

    @Override
    public void put(StoredObject... objects) {
        update(Arrays.asList(objects), List.of());
    }

    @Override
    public void delete(StoredObject... objects) {
        update(List.of(), Arrays.asList(objects));
    }

    @Override
    public void update(List<StoredObject> put, List<StoredObject> delete) {
        update(put, delete, -1);
    }

    @Override
    public synchronized void update(List<StoredObject> put, List<StoredObject> delete, long mark) {
        transaction("write store", put.size() + delete.size() == 1 && mark < 0, () -> {
            for (StoredObject o : put) {
                upsert.setString(1, o.kind().name());
                upsert.setString(2, o.id());
                upsert.setString(3, o.parent());
                upsert.setString(4, String.join(",", o.addresses()));
                upsert.setString(5, Codec.write(o));
                upsert.executeUpdate();
            }
            for (StoredObject o : delete) {
                remove.setString(1, o.kind().name());
                remove.setString(2, o.id());
                remove.executeUpdate();
            }
            if (mark >= 0) {
                setMark.setString(1, Long.toString(mark));
                setMark.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public synchronized long journalMark() {
        return transaction("read store", true, () -> {
            try (Statement s = db.createStatement();
                    ResultSet r = s.executeQuery("SELECT value FROM meta WHERE key = 'journal'")) {
                return r.next() ? Long.parseLong(r.getString(1)) : 0L;
            } catch (NumberFormatException e) {
                throw new SQLException("the journal mark in meta is not a number: " + e.getMessage(), e);
            }
        });
    }

    /**
     * Forgets quarantined records of kind and id (after an operator looked at them).
     *
     * @param kind the records' kind
     * @param id   their id
     * @return how many were forgotten
     * @throws InternalException if the transaction fails
     */
    public synchronized int clearQuarantine(StoredObject.Kind kind, String id) {
        return transaction("write store", true, () -> {
            try (PreparedStatement ps = db.prepareStatement("DELETE FROM quarantine WHERE kind = ? AND id = ?")) {
                ps.setString(1, kind.name());
                ps.setString(2, id);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public long sizeOnDisk() {
        long total = 0;
        for (String name : new String[] {FILE, FILE + "-wal", FILE + "-shm", Journal.FILE}) {
            try {
                total += Files.size(file.resolveSibling(name));
            } catch (IOException absent) {
                // no journal at the moment
            }
        }
        return total;
    }

    /**
     * Where the database is.
     *
     * @return the path of {@code state.db} in the state directory
     */
    public Path file() {
        return file;
    }

    @Override
    public synchronized void markClean() {
        transaction("mark store clean", true, () -> {
            try (Statement s = db.createStatement()) {
                return s.executeUpdate("INSERT OR REPLACE INTO meta(key, value) VALUES ('clean', '1')");
            }
        });
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(db);
    }

    private void check() {
        if (closed) {
            throw new IllegalStateException("the store " + file + " is closed");
        }
    }

    private void rollbackQuietly() {
        try {
            rollback.executeUpdate();
        } catch (SQLException ignored) {
            // no transaction left to roll back (SQLite ends one itself on some errors), or the
            // connection is broken; the failure being reported says why
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing: nothing left to do with it
            }
        }
    }

    private static List<String> split(String s) {
        return s == null || s.isEmpty() ? List.of() : List.of(s.split(","));
    }

    private static InternalException failure(String op, Path file, Exception e) {
        return new InternalException(op + " " + file + ": " + e.getMessage(), 0, op, file.toString(), e);
    }
}
