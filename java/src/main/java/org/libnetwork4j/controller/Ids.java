package org.libnetwork4j.controller;

import java.security.SecureRandom;
import java.util.HexFormat;

import org.libnetwork4j.InvalidParameterException;

/** Object ids (64 hex digits of a strong random source, as Docker's) and name rules. */
final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();
    /** Random bytes for this many ids are read at once: one read of the source, not 64. */
    private static final int BATCH = 64;
    private static final byte[] POOL = new byte[32 * BATCH]; // guarded by Ids.class
    private static int next = POOL.length;                   // guarded by Ids.class

    private Ids() {
    }

    static String newId() {
        byte[] b = new byte[32];
        synchronized (Ids.class) {
            if (next == POOL.length) {
                RANDOM.nextBytes(POOL);
                next = 0;
            }
            System.arraycopy(POOL, next, b, 0, 32);
            // what is handed out is not kept in the pool
            java.util.Arrays.fill(POOL, next, next + 32, (byte) 0);
            next += 32;
        }
        return HEX.formatHex(b);
    }

    /** Names as Docker allows them for networks and endpoints. */
    static void checkName(String name, String what) {
        if (name == null || name.length() > 255 || !valid(name)) {
            throw new InvalidParameterException("invalid " + what + " name \"" + name
                    + "\": letters, digits, '_', '.' and '-', starting with a letter or digit");
        }
    }

    /**
     * [A-Za-z0-9][A-Za-z0-9_.-]*, as a loop: a pattern's matcher, run once per endpoint made
     * between kernel requests that leave the caches cold, cost ~3 us of an attach.
     */
    private static boolean valid(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean alnum = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
            if (!alnum && (i == 0 || c != '_' && c != '.' && c != '-')) {
                return false;
            }
        }
        return true;
    }
}
