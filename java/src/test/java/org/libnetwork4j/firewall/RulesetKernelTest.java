package org.libnetwork4j.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.kernel.Nftables;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;
import org.libnetwork4j.testing.Oracle;
import org.libnetwork4j.testing.TestNs;

/**
 * Every golden scenario loaded into a kernel through libnftables: the kernel accepts the text,
 * holds exactly the elements it adds (as {@code nft -j} lists them, comments included), and a
 * second load replaces the first without touching anyone else's table.
 */
@ExtendWith(NetnsExtension.class)
class RulesetKernelTest {

    @Test
    void everyScenarioLoadsAndReloads(Namespaces ns) {
        TestNs host = ns.host();
        Nftables nft = host.nftables();
        Oracle.out(host, "nft", "add", "table", "ip", "someone-else");
        for (Map.Entry<String, FirewallState> e : Scenarios.all().entrySet()) {
            String text = Ruleset.full(e.getValue());
            nft.apply(text);
            nft.apply(text); // a rebuild over itself
            List<String> expected = new ArrayList<>(commentsAdded(text));
            List<String> actual = new ArrayList<>(Oracle.nftElementComments(host, Ruleset.TABLE));
            actual.addAll(Oracle.nftElementComments(host, Ruleset.BRIDGE_TABLE));
            expected.sort(null);
            actual.sort(null);
            assertEquals(expected, actual, e.getKey());
        }
        assertTrue(Oracle.out(host, "nft", "list", "tables").contains("someone-else"));
    }

    @Test
    void incrementalChangesMatchAFullRender(Namespaces ns) {
        TestNs host = ns.host();
        Nftables nft = host.nftables();
        FirewallState s = new FirewallState();
        nft.apply(Ruleset.full(s));
        // add everything of the richest scenario piece by piece...
        FirewallState target = Scenarios.all().get("two-networks");
        for (NetworkRules n : target.networks()) {
            nft.apply(Ruleset.addNetwork(n));
        }
        target.published().forEach((ep, ms) -> nft.apply(Ruleset.publish(ep, ms)));
        String pieceByPiece = Oracle.out(host, "nft", "list", "ruleset");
        // ...and it is what a full render of that state gives
        nft.apply(Ruleset.full(target));
        assertEquals(Oracle.out(host, "nft", "list", "ruleset"), pieceByPiece);

        // removing piece by piece gives the empty render back
        target.published().forEach((ep, ms) -> nft.apply(Ruleset.unpublish(ms)));
        for (NetworkRules n : target.networks()) {
            nft.apply(Ruleset.removeNetwork(n));
        }
        String emptied = Oracle.out(host, "nft", "list", "ruleset");
        nft.apply(Ruleset.full(s));
        assertEquals(Oracle.out(host, "nft", "list", "ruleset"), emptied);
        assertEquals(List.of(), Oracle.nftElementComments(host, Ruleset.TABLE));
    }

    private static List<String> commentsAdded(String text) {
        return text.lines().filter(l -> l.startsWith("add element ")).map(l -> {
            int i = l.indexOf(" comment \"");
            return i < 0 ? "(none)" : l.substring(i + 10, l.indexOf('"', i + 10));
        }).toList();
    }
}
