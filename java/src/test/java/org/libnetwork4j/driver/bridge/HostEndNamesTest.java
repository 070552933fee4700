package org.libnetwork4j.driver.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.libnetwork4j.AlreadyExistsException;

/** Host-end names among our own endpoints, without a kernel: ids that share a prefix. */
class HostEndNamesTest {
    private static final String A = "abcdef0" + "1111111" + "2".repeat(50);
    private static final String B = "abcdef0" + "3333333" + "4".repeat(50); // A's first 7 digits

    @Test
    void endpointsSharingAPrefixGetDistinctNames() {
        HostEndNames names = new HostEndNames();
        assertEquals("vethabcdef0", names.claim(A, 0).name());
        HostEndNames.Claim b = names.claim(B, 0);
        assertEquals("veth3333333", b.name());
        assertEquals(1, b.candidate());
        assertEquals(1, BridgeState.candidateOf(B, b.name()));
        // A's name, released, is free for B's first candidate again
        names.release("vethabcdef0", A);
        assertEquals("vethabcdef0", names.claim(B, 0).name());
    }

    @Test
    void releaseByAnotherEndpointKeepsTheHoldersName() {
        HostEndNames names = new HostEndNames();
        names.claim(A, 0);
        names.release("vethabcdef0", B);
        assertEquals("veth3333333", names.claim(B, 0).name(), "A still holds vethabcdef0");
    }

    @Test
    void everyCandidateIsAValidInterfaceNameOfOurPattern() {
        Set<String> seen = new HashSet<>();
        for (int k = 0; k < BridgeState.HOST_END_CANDIDATES; k++) {
            String name = BridgeState.hostEnd(A, k);
            assertEquals(11, name.length(), name); // IFNAMSIZ is 16 with its NUL
            assertEquals(true, BridgeState.isHostEndName(name), name);
            seen.add(name);
        }
        assertEquals(3, seen.size(), "A's windows: abcdef0, 1111111, 2222222");
        assertEquals(-1, BridgeState.candidateOf(A, "veth9999999"));
    }

    @Test
    void runningOutOfCandidatesIsATypedError() {
        HostEndNames names = new HostEndNames();
        String other = "f".repeat(64);
        for (int k = 0; k < BridgeState.HOST_END_CANDIDATES; k++) {
            names.hold(BridgeState.hostEnd(A, k), other + k);
        }
        AlreadyExistsException e = assertThrows(AlreadyExistsException.class, () -> names.claim(A, 0));
        assertEquals(true, e.getMessage().contains(A), e.getMessage());
    }
}
