package org.libnetwork4j.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Which endpoint a sandbox takes its default route from. */
class GatewayElectionTest {
    private static String first(GatewayElection.Candidate... cs) {
        List<GatewayElection.Candidate> l = new ArrayList<>(List.of(cs));
        l.sort(GatewayElection.ORDER);
        return l.get(0).networkName();
    }

    @Test
    void priorityThenNonInternalThenName() {
        var a = new GatewayElection.Candidate(0, false, "alpha", "e");
        var b = new GatewayElection.Candidate(0, false, "beta", "e");
        var bHigh = new GatewayElection.Candidate(5, false, "beta", "e");
        var internal = new GatewayElection.Candidate(0, true, "aaa", "e");
        var internalHigh = new GatewayElection.Candidate(9, true, "aaa", "e");
        assertEquals("alpha", first(b, a));
        assertEquals("beta", first(a, bHigh));
        assertEquals("alpha", first(internal, a));
        assertEquals("aaa", first(internalHigh, a), "priority first, as current moby orders it");
    }
}
