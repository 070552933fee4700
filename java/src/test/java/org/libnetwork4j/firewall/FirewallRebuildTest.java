package org.libnetwork4j.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.libnetwork4j.AlreadyExistsException;

/** A full rebuild refused once is applied again; refused twice, the second refusal is thrown. */
class FirewallRebuildTest {

    @Test
    void aRefusalThatDoesNotComeAgainIsRidden() {
        List<String> applied = new ArrayList<>();
        Firewall.applyFull(text -> {
            applied.add(text);
            if (applied.size() == 1) {
                throw new AlreadyExistsException("apply nftables ruleset add table inet libnetwork4j: File exists");
            }
        }, "the ruleset");
        assertEquals(List.of("the ruleset", "the ruleset"), applied);
    }

    @Test
    void aRefusalThatComesAgainIsThrownWithTheFirstSuppressed() {
        List<AlreadyExistsException> thrown = new ArrayList<>();
        AlreadyExistsException e = assertThrows(AlreadyExistsException.class, () -> Firewall.applyFull(text -> {
            AlreadyExistsException x = new AlreadyExistsException("clash " + thrown.size());
            thrown.add(x);
            throw x;
        }, "the ruleset"));
        assertEquals(2, thrown.size(), "tried exactly twice");
        assertSame(thrown.get(1), e);
        assertSame(thrown.get(0), e.getSuppressed()[0]);
    }
}
