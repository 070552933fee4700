package org.libnetwork4j.dns;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The encoded answers to container names, kept so that a query asked again is answered
 * without parsing it or encoding an answer (under dnsperf those two were most of the event
 * loop's own time per query). What the codec built for a query is valid for every later query
 * whose bytes are the same but for the id (the first two bytes), from the same sandbox, over
 * the same transport, until the names change:
 * <ul>
 *   <li>the key is the sandbox (which decides the scope), UDP or TCP (which decides the size
 *       limit), and the query's bytes after the id: its flags (RD), its question exactly as
 *       asked (the answer echoes its case), its EDNS record (the size limit, hence TC). A
 *       query that differs in any of these is a different key, answered by the codec;</li>
 *   <li>a hit is a copy of the stored answer with the query's id copied into its first two
 *       bytes: the only bytes written here by hand. Everything else is the codec's;</li>
 *   <li>every entry belongs to the {@link Names#generation} read before its answer was built.
 *       A lookup under another generation finds nothing (and empties the cache), so a join or
 *       a leave is seen by the first query that starts after it returned;</li>
 *   <li>a name with several addresses keeps one encoding per rotation of a shuffled order,
 *       handed out in turn: each address comes first as often as the others (round robin),
 *       as with a fresh shuffle per answer. Names with more than {@link #MAX_VARIANTS}
 *       addresses are not kept (their answers are shuffled and encoded per query).</li>
 * </ul>
 * Only answers from the names served here are kept; forwarded queries and errors never are.
 *
 * <p>Not thread-safe: it belongs to the resolver's one event loop thread.
 */
final class AnswerCache {
    /**
     * Beyond this many keys, or bytes kept, the cache starts again empty: a bound, not a policy.
     * Bytes too, as a container can make keys at will (the question's case is part of one) and
     * a key of a name with 16 dual-stack addresses keeps some 16 answers of a kilobyte or more.
     */
    static final int MAX_ENTRIES = 4096;
    static final long MAX_BYTES = 4L << 20;
    static final int MAX_VARIANTS = 16;

    private static final class Key {
        final String sandboxId;
        final boolean tcp;
        final byte[] query;
        final int hash;

        Key(String sandboxId, boolean tcp, byte[] query) {
            this.sandboxId = sandboxId;
            this.tcp = tcp;
            this.query = query;
            int h = sandboxId.hashCode() * 31 + (tcp ? 1 : 0);
            for (int i = 2; i < query.length; i++) {
                h = h * 31 + query[i];
            }
            this.hash = h;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && k.tcp == tcp && k.sandboxId.equals(sandboxId)
                    && Arrays.equals(k.query, 2, k.query.length, query, 2, query.length);
        }
    }

    private static final class Answers {
        final byte[][] variants;
        int next;

        Answers(byte[][] variants) {
            this.variants = variants;
        }
    }

    private final Map<Key, Answers> map = new HashMap<>();
    private long generation = -1;
    private long bytes;

    /**
     * The answer to query (at least 2 bytes) from sandboxId, or null if there is none kept
     * for generation (read before anything else the answer would depend on).
     */
    byte[] get(long generation, String sandboxId, boolean tcp, byte[] query) {
        if (generation != this.generation) {
            clear();
            this.generation = generation;
            return null;
        }
        Answers a = map.get(new Key(sandboxId, tcp, query));
        if (a == null) {
            return null;
        }
        byte[] v = a.variants[a.next];
        a.next = a.next + 1 == a.variants.length ? 0 : a.next + 1;
        byte[] out = v.clone(); // each answer its own array: it is sent after later ones are made
        out[0] = query[0];
        out[1] = query[1];
        return out;
    }

    /**
     * Keeps variants (encoded by the codec for query, taken in turn from the second on: the
     * first is the one this query gets) as the answers under generation; under any other, or
     * with no variant or too many, keeps nothing.
     */
    void put(long generation, String sandboxId, boolean tcp, byte[] query, byte[][] variants) {
        if (generation != this.generation || variants.length == 0 || variants.length > MAX_VARIANTS) {
            return;
        }
        long size = query.length;
        for (byte[] v : variants) {
            size += v.length;
        }
        if (map.size() >= MAX_ENTRIES || bytes + size > MAX_BYTES) {
            clear();
        }
        Answers a = new Answers(variants);
        a.next = variants.length > 1 ? 1 : 0;
        if (map.put(new Key(sandboxId, tcp, query.clone()), a) == null) {
            bytes += size;
        }
    }

    private void clear() {
        map.clear();
        bytes = 0;
    }

    /** The keys kept (for tests). */
    int size() {
        return map.size();
    }

    /** The bytes kept, queries and answers (for tests). */
    long bytes() {
        return bytes;
    }
}
