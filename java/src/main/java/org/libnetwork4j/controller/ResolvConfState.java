package org.libnetwork4j.controller;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.libnetwork4j.ResolvConf;

/**
 * What the sandboxes' resolv.conf files derive from beside their own options: the host's file,
 * whether a resolver serves them, and the version of the rules that make them from those
 * ({@link #RULES}). Recorded at each start: when none changed since the last clean close, a
 * restart takes 10,000 files as written instead of reading them back.
 *
 * @param file  where the record lives, beside the sandboxes' files
 * @param state the record now
 */
record ResolvConfState(Path file, String state) {
    /**
     * Raised whenever a sandbox's resolv.conf would come out differently from the same
     * inputs, so that files an older version wrote are checked at the first restart. 2:
     * overlay networks have a resolver of their own (before, only through docker_gwbridge).
     */
    static final int RULES = 2;

    static ResolvConfState now(Context ctx, ResolvConf hostResolvConf) {
        return new ResolvConfState(ctx.paths().sandboxFiles().resolveSibling("resolv-conf-state"),
                "rules=" + RULES + " " + hostResolvConf + " served=" + ctx.names().serves());
    }

    /** Whether the record on disk says the same (never after an unclean stop: files may be half written). */
    boolean unchangedSince(boolean cleanClose) {
        try {
            return cleanClose && state.equals(Files.readString(file));
        } catch (IOException e) {
            return false;
        }
    }

    /** Writes the record; if that fails, none is left (never a stale one), and the error is returned. */
    String save() {
        try {
            Files.writeString(file, state);
            return null;
        } catch (IOException e) {
            file.toFile().delete();
            return "write " + file + ": " + e.getMessage();
        }
    }
}
