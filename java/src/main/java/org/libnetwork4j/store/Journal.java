package org.libnetwork4j.store;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The store's journal, {@code state.journal} in the state directory: every write a call makes
 * before it returns, each call's records one entry appended with one write. A write into the
 * page cache survives the death of the process as SQLite's commit does
 * ({@code synchronous=NORMAL}); the journal costs the caller that one system call where a
 * transaction costs two writes and the work of SQLite. {@link DeferredWrites} writes the
 * records to the {@link Store} afterwards, with the sequence number of the last entry they
 * cover ({@link Store#journalMark}) in the same transaction, and cuts the journal back to
 * nothing once the store holds everything in it. At open the entries past the store's mark
 * are written to the store before anything reads it ({@link DeferredWrites}).
 *
 * <p>An entry, as written: its length and its CRC-32C (each an int, of what follows the
 * checksum), then the sequence number (a long), the number of records (a short) and each
 * record as whether it is put or deleted (a byte), the length of its kind's name (a byte),
 * the name, the length of its document (an int) and the document, the JSON the store keeps
 * ({@link Codec}). A write cut short (kill -9 while the kernel copies a write of several
 * pages, a power cut) leaves a last entry that is short or fails its checksum: reading stops
 * there, and the entry is dropped, as its call never returned.
 *
 * <p>Written through a {@link RandomAccessFile}, not a {@code FileChannel}: a channel is
 * closed by an interrupt of the thread that writes, and a controller's callers get interrupted
 * (an executor shut down mid-call); the entry would be written and the journal gone.
 *
 * <p>Not thread-safe: its owner calls it under one lock.
 */
final class Journal implements AutoCloseable {
    static final String FILE = "state.journal";
    /** An entry longer than this is taken for a torn length, not for an entry. */
    private static final int MAX_ENTRY = 64 << 20;
    private static final int HEADER = 8;
    private static final byte PUT = 0;
    private static final byte DELETE = 1;
    /** Where the bases of {@link #newBase} start; a mark under it is an earlier version's numbering. */
    static final long BASE_MIN = 1L << 40;

    private final Path file;
    private final RandomAccessFile out;
    private byte[] buffer = new byte[16 << 10];
    private final CRC32C crc = new CRC32C();
    private long size;

    private Journal(Path file, RandomAccessFile out, long size) {
        this.file = file;
        this.out = out;
        this.size = size;
    }

    /**
     * Opens (creating if needed) the journal of the state directory dir, for appending. The
     * caller holds the directory's lock.
     */
    static Journal open(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw");
        try {
            long size = f.length();
            f.seek(size);
            return new Journal(file, f, size);
        } catch (IOException | RuntimeException e) {
            f.close();
            throw e;
        }
    }

    /**
     * A base for a database's marks: in [2^40, 2^40 + 2^60), at random, far from any other
     * database's numbers and from overflow. Taken by a new database, and by one an earlier
     * version made (numbered from 0) at its first open. Another database's journal left beside
     * it then falls under its mark or after a gap, and is dropped (see DeferredWrites' replay).
     */
    static long newBase() {
        return BASE_MIN + (new java.security.SecureRandom().nextLong() >>> 4);
    }

    Path file() {
        return file;
    }

    /**
     * Bytes in the journal.
     *
     * @return its size as this journal wrote it
     */
    long size() {
        return size;
    }

    /**
     * Appends one entry: the records put and deleted, with their sequence number, in one
     * write. If the write fails, the journal is cut back to where it was; if that fails too, it
     * may end in the entry, whole or torn, and the caller must append nothing more.
     *
     * @throws IOException if the entry is not known to be written
     */
    void append(long seq, List<StoredObject> put, List<StoredObject> delete) throws IOException {
        int count = put.size() + delete.size();
        List<byte[]> docs = new ArrayList<>(count);
        long length = 8 + 2;
        for (List<StoredObject> l : List.of(put, delete)) {
            for (StoredObject o : l) {
                byte[] doc = Codec.write(o).getBytes(StandardCharsets.UTF_8);
                docs.add(doc);
                length += 1 + 1 + o.kind().name().length() + 4 + doc.length;
            }
        }
        if (count > Short.MAX_VALUE || length > MAX_ENTRY) {
            throw new IOException("a journal entry of " + count + " records, " + length + " bytes: too large");
        }
        int total = HEADER + (int) length;
        if (buffer.length < total) {
            buffer = new byte[Integer.highestOneBit(total) << 1];
        }
        ByteBuffer b = ByteBuffer.wrap(buffer, 0, total);
        b.position(HEADER);
        b.putLong(seq).putShort((short) count);
        int d = 0;
        for (StoredObject o : put) {
            record(b, PUT, o, docs.get(d++));
        }
        for (StoredObject o : delete) {
            record(b, DELETE, o, docs.get(d++));
        }
        crc.reset();
        crc.update(buffer, HEADER, total - HEADER);
        b.putInt(0, (int) length).putInt(4, (int) crc.getValue());
        try {
            out.write(buffer, 0, total);
        } catch (IOException e) {
            try {
                out.setLength(size);
                out.seek(size);
            } catch (IOException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
        size += total;
    }

    private static void record(ByteBuffer b, byte op, StoredObject o, byte[] doc) {
        String kind = o.kind().name();
        b.put(op).put((byte) kind.length());
        for (int c = 0; c < kind.length(); c++) {
            b.put((byte) kind.charAt(c)); // the kinds' names are ASCII
        }
        b.putInt(doc.length).put(doc);
    }

    /** Empties the journal: the store holds everything in it. */
    void cut() throws IOException {
        out.setLength(0); // the file pointer follows it back to 0
        size = 0;
    }

    /** What {@link #read} found: the entries, and the torn end it dropped, if any. */
    record Contents(List<Entry> entries, String torn) {
    }

    /**
     * One call's records and their sequence number.
     *
     * @param seq    its sequence number
     * @param put    the records it stored
     * @param delete the records it removed
     */
    record Entry(long seq, List<StoredObject> put, List<StoredObject> delete) {
    }

    /**
     * The entries, in the order written, up to the first that cannot be read (short, or failing
     * its checksum): a write cut short, dropped with whatever follows it. Entries numbered up
     * to skip are the store's already: listed without their records, not decoded.
     *
     * @throws IOException if an entry past skip whose checksum holds does not decode (written
     *         by another version): its call returned, and it cannot be dropped without a word
     */
    Contents read(long skip) throws IOException {
        // read through the file it is written with: a channel would be closed by an interrupt
        byte[] bytes = new byte[(int) Math.min(out.length(), Integer.MAX_VALUE - 8)];
        out.seek(0);
        try {
            out.readFully(bytes);
        } finally {
            out.seek(size);
        }
        ByteBuffer all = ByteBuffer.wrap(bytes);
        List<Entry> entries = new ArrayList<>();
        CRC32C check = new CRC32C();
        while (all.hasRemaining()) {
            int at = all.position();
            if (all.remaining() < HEADER) {
                return new Contents(entries, "a torn entry at byte " + at + " (" + all.remaining() + " bytes), dropped");
            }
            int length = all.getInt();
            int sum = all.getInt();
            if (length < 10 || length > MAX_ENTRY || length > all.remaining()) {
                return new Contents(entries, "a torn entry at byte " + at + " (length " + length + ", "
                        + all.remaining() + " bytes left), dropped");
            }
            ByteBuffer body = all.slice(all.position(), length);
            all.position(all.position() + length);
            check.reset();
            check.update(body.duplicate());
            if ((int) check.getValue() != sum) {
                return new Contents(entries, "an entry at byte " + at + " fails its checksum, dropped with the "
                        + all.remaining() + " bytes after it");
            }
            long seq = body.getLong();
            if (seq <= skip) {
                entries.add(new Entry(seq, List.of(), List.of()));
                continue;
            }
            try {
                entries.add(entry(seq, body));
            } catch (IOException | RuntimeException e) {
                throw new IOException("entry " + seq + " at byte " + at + " does not decode: " + e.getMessage(), e);
            }
        }
        return new Contents(entries, null);
    }

    private static Entry entry(long seq, ByteBuffer body) throws IOException {
        int count = body.getShort();
        List<StoredObject> put = new ArrayList<>(count);
        List<StoredObject> delete = new ArrayList<>(0);
        for (int i = 0; i < count; i++) {
            byte op = body.get();
            byte[] kind = new byte[body.get()];
            body.get(kind);
            byte[] doc = new byte[body.getInt()];
            body.get(doc);
            StoredObject o = Codec.read(StoredObject.Kind.valueOf(new String(kind, StandardCharsets.US_ASCII)), doc);
            switch (op) {
                case PUT -> put.add(o);
                case DELETE -> delete.add(o);
                default -> throw new IOException("record " + i + " is neither put nor deleted (" + op + ")");
            }
        }
        if (body.hasRemaining()) {
            throw new IOException(body.remaining() + " bytes after the last record");
        }
        return new Entry(seq, put, delete);
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
