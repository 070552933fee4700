package org.libnetwork4j.controller;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.libnetwork4j.InvalidParameterException;

/** Ids and Docker's name rule for networks and endpoints (no root needed). */
class IdsTest {
    /** Docker's rule as a pattern: the oracle the hand-written check must agree with. */
    private static final Pattern DOCKER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

    private static boolean accepted(String name) {
        try {
            Ids.checkName(name, "endpoint");
            return true;
        } catch (InvalidParameterException e) {
            assertTrue(e.getMessage().startsWith("invalid endpoint name \""), e.getMessage());
            return false;
        }
    }

    @Test
    void namesFollowDockersRule() {
        for (String ok : new String[] {"a", "Z", "7", "web-1.x_y", "0.0", "a".repeat(255)}) {
            assertDoesNotThrow(() -> Ids.checkName(ok, "network"), ok);
        }
        for (String bad : new String[] {"", "-a", ".a", "_a", "a b", "a/b", "a:b", "\u00e4", "a\n", "a".repeat(256)}) {
            assertEquals(false, accepted(bad), bad);
        }
        assertThrows(InvalidParameterException.class, () -> Ids.checkName(null, "network"));
    }

    /** Random strings over letters, digits, the three allowed marks and a few refused ones. */
    @Test
    void theCheckAgreesWithThePatternOnRandomNames() {
        // the refused ones include the neighbours of the allowed ranges in ASCII: / : @ [ ` {
        String alphabet = "aZ09_.-" + " /:@[`{+\u00e9\u0000";
        Random r = new Random(20261207);
        int accepted = 0;
        for (int i = 0; i < 20_000; i++) {
            StringBuilder sb = new StringBuilder();
            for (int n = r.nextInt(6); n >= 0; n--) {
                sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            String s = sb.toString();
            boolean want = DOCKER.matcher(s).matches();
            assertEquals(want, accepted(s), "\"" + s + "\"");
            accepted += want ? 1 : 0;
        }
        assertTrue(accepted > 1000 && accepted < 19_000, "both kinds drawn: " + accepted);
    }

    @Test
    void idsAre64HexDigitsAndDistinct() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) { // more than one batch of the random pool
            String id = Ids.newId();
            assertTrue(id.matches("[0-9a-f]{64}"), id);
            assertTrue(seen.add(id), id);
        }
    }
}
