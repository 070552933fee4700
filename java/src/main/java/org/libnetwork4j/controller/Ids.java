package org.libnetwork4j.controller;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

import org.libnetwork4j.InvalidParameterException;

/** Object ids (64 hex digits of a strong random source, as Docker's) and name rules. */
final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();
    /** Random bytes for this many ids are read at once: one read of the source, not 64. */
    private static final int BATCH = 64;
    private static final byte[] POOL = new byte[32 * BATCH]; // guarded by Ids.class
    private static int next = POOL.length;                   // guarded by Ids.class
    /** Compiled once: String.matches would compile it on every endpoint creation. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

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
        if (name == null || name.length() > 255 || !NAME.matcher(name).matches()) {
            throw new InvalidParameterException("invalid " + what + " name \"" + name
                    + "\": letters, digits, '_', '.' and '-', starting with a letter or digit");
        }
    }
}
