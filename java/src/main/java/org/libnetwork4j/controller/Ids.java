package org.libnetwork4j.controller;

import java.security.SecureRandom;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;

import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.NotFoundException;

/** Object ids (64 hex digits, as Docker's) and lookups by id or unique id prefix. */
final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Compiled once: String.matches would compile it on every endpoint creation. */
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

    private Ids() {
    }

    static String newId() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** The object whose id is {@code id} or starts with it (if only one does). */
    static <T> T byIdOrPrefix(Collection<T> all, Function<T, String> idOf, String id, String what) {
        if (id == null || id.isEmpty()) {
            throw new InvalidParameterException("empty " + what + " id");
        }
        List<T> matches = all.stream().filter(o -> idOf.apply(o).startsWith(id)).toList();
        for (T o : matches) {
            if (idOf.apply(o).equals(id)) {
                return o;
            }
        }
        if (matches.size() == 1) {
            return matches.get(0);
        }
        if (matches.isEmpty()) {
            throw new NotFoundException(what + " " + id + " not found");
        }
        throw new InvalidParameterException(what + " id prefix " + id + " is ambiguous: "
                + matches.size() + " match");
    }

    /** Names as Docker allows them for networks and endpoints. */
    static void checkName(String name, String what) {
        if (name == null || name.length() > 255 || !NAME.matcher(name).matches()) {
            throw new InvalidParameterException("invalid " + what + " name \"" + name
                    + "\": letters, digits, '_', '.' and '-', starting with a letter or digit");
        }
    }
}
