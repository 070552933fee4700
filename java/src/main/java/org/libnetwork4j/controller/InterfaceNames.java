package org.libnetwork4j.controller;

import java.util.HashMap;
import java.util.Map;

/**
 * The names a sandbox gives the interfaces its joins move in: the prefix and a counter of
 * its own per prefix ({@code eth0}, {@code eth1}), the name a join asked for, or a random one
 * where the caller moves interfaces in. Guarded by the sandbox's lock.
 */
final class InterfaceNames {
    private final Map<String, Integer> nextIndex = new HashMap<>();
    private String askedName; // the join's own name

    /** The name for the next interface with prefix; callerMoves: it waits in the host's namespace. */
    String next(String prefix, boolean callerMoves) {
        if (callerMoves) {
            return temporaryName();
        }
        if (askedName != null) {
            return askedName;
        }
        return prefix + (nextIndex.merge(prefix, 1, Integer::sum) - 1);
    }

    /**
     * A name for an interface that waits in the host's namespace for the caller to move it
     * in: random, as Docker's bridge driver names its, since the host's names are not ours
     * to count; a name that is taken makes the join fail with AlreadyExistsException, one
     * chance in four billion per interface waiting.
     */
    private static String temporaryName() {
        return String.format("lnwc%08x", java.util.concurrent.ThreadLocalRandom.current().nextInt());
    }

    /** The name the join in progress asked for its interface (JoinOption.InterfaceName), or null. */
    void ask(String name) {
        askedName = name;
    }

    /** After a restart: the counter of interface names goes on after the highest in use. */
    void restore(String prefix, String name) {
        // by hand, not with a regular expression: a restart does this once per join
        if (name == null || !name.startsWith(prefix)) {
            return;
        }
        String digits = name.substring(prefix.length());
        if (digits.isEmpty() || digits.length() > 5 || !digits.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            return;
        }
        nextIndex.merge(prefix, Integer.parseInt(digits) + 1, Math::max);
    }

    /** A new namespace: the counters start again ({@code eth0}). */
    void reset() {
        nextIndex.clear();
    }
}
