package org.libnetwork4j.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import com.code_intelligence.jazzer.mutation.annotation.WithLength;

/**
 * Stored records read back, as a damaged or hand-edited store may hold them: each is a record
 * or an IOException (which recovery reports and skips), never another exception; a record
 * that reads back writes out to a document that reads back to the same record. The input is
 * raw bytes (the first picks the kind, the rest is the document), so that the corpus kept
 * beside this test starts from real records, written by hand.
 */
class CodecFuzzTest {
    @FuzzTest(maxDuration = "8s")
    void storedRecords(byte @NotNull @WithLength(max = 4096) [] input) throws Exception {
        if (input.length == 0) {
            return;
        }
        StoredObject.Kind k = StoredObject.Kind.values()[Math.floorMod(input[0], StoredObject.Kind.values().length)];
        String doc = new String(input, 1, input.length - 1, java.nio.charset.StandardCharsets.UTF_8);
        StoredObject o;
        try {
            o = Codec.read(k, doc);
        } catch (IOException refused) {
            return;
        }
        if (o != null) {
            assertEquals(o, Codec.read(k, Codec.write(o)), "round trip of " + doc);
        }
    }
}
