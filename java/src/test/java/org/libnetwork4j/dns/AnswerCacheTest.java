package org.libnetwork4j.dns;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

/** The cache's own rules: bounds, generations, turns; the answers' content is ResolverTest's. */
class AnswerCacheTest {

    static byte[] query(int id, int key) {
        return ByteBuffer.allocate(16).putShort((short) id).putShort((short) 0x0100).putInt(key).array();
    }

    static byte[] answer(int fill, int length) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) fill);
        return b;
    }

    @Test
    void aContainerMakingKeysAtWillStaysWithinTheBounds() {
        AnswerCache c = new AnswerCache();
        byte[][] big = new byte[AnswerCache.MAX_VARIANTS][];
        Arrays.setAll(big, i -> answer(i, 1200));
        for (int k = 0; k < 20_000; k++) {
            assertNull(c.get(1, "s", false, query(7, k)));
            c.put(1, "s", false, query(7, k), big);
            assertTrue(c.bytes() <= AnswerCache.MAX_BYTES, "bytes " + c.bytes());
            assertTrue(c.size() <= AnswerCache.MAX_ENTRIES, "keys " + c.size());
        }
        byte[][] small = {answer(1, 40)};
        for (int k = 0; k < 20_000; k++) {
            c.put(1, "t", false, query(7, k), small);
            assertTrue(c.size() <= AnswerCache.MAX_ENTRIES, "keys " + c.size());
        }
        assertTrue(c.size() > 0);
    }

    @Test
    void anotherGenerationFindsNothingAndTheKeyIsEverythingButTheId() {
        AnswerCache c = new AnswerCache();
        assertNull(c.get(5, "s", false, query(1, 9)));
        c.put(5, "s", false, query(1, 9), new byte[][] {answer(3, 30)});
        byte[] hit = c.get(5, "s", false, query(0xABCD, 9));
        assertEquals((byte) 0xAB, hit[0]);
        assertEquals((byte) 0xCD, hit[1]);
        assertArrayEquals(Arrays.copyOfRange(answer(3, 30), 2, 30), Arrays.copyOfRange(hit, 2, 30));
        assertNull(c.get(5, "s", true, query(1, 9)), "TCP is another key");
        assertNull(c.get(5, "other", false, query(1, 9)), "another sandbox is another key");
        assertNull(c.get(5, "s", false, query(1, 10)), "another question is another key");
        assertNull(c.get(6, "s", false, query(1, 9)), "a change since: nothing");
        assertEquals(0, c.size());
        c.put(5, "s", false, query(1, 9), new byte[][] {answer(3, 30)}); // built before the change
        assertEquals(0, c.size(), "an answer of an older generation is not kept");
    }

    @Test
    void variantsAreHandedOutInTurnFromTheSecond() {
        AnswerCache c = new AnswerCache();
        c.get(1, "s", false, query(1, 1));
        c.put(1, "s", false, query(1, 1), new byte[][] {answer(10, 8), answer(11, 8), answer(12, 8)});
        int[] seen = new int[6];
        for (int i = 0; i < 6; i++) {
            seen[i] = c.get(1, "s", false, query(2, 1))[4];
        }
        assertArrayEquals(new int[] {11, 12, 10, 11, 12, 10}, seen, "the first went to the query that built them");
    }
}
