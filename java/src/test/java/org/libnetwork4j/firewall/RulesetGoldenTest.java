package org.libnetwork4j.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.libnetwork4j.Protocol;

/**
 * The generated nftables text against reviewed golden files, one per combination of options
 * (pure Java, no root). After an intended change to the rules, regenerate them with
 * {@code mvn -pl java test -Dtest=RulesetGoldenTest -Dgolden.update=true} and review the diff.
 */
class RulesetGoldenTest {
    private static final String DIR = "org/libnetwork4j/firewall/golden/";
    private static final Path SOURCE = Path.of("src/test/resources").resolve(DIR);

    @TestFactory
    Stream<DynamicTest> fullRulesetPerScenario() {
        return Scenarios.all().entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(),
                () -> check(e.getKey() + ".nft", Ruleset.full(e.getValue()))));
    }

    @Test
    void incrementalChanges() throws IOException {
        NetworkRules a = Scenarios.network(Scenarios.NET_A, "br-aaaaaaaaaaaa", false, true, null, true,
                "172.18.0.0/16", "172.18.0.1", "fd00:db8::/64", "fd00:db8::1");
        var ports = List.of(Scenarios.port(null, 8080, "172.18.0.2", 80, Protocol.TCP),
                Scenarios.port("127.0.0.1", 8081, "172.18.0.2", 80, Protocol.TCP));
        String text = "# addNetwork\n" + Ruleset.addNetwork(a)
                + "# removeNetwork\n" + Ruleset.removeNetwork(a)
                + "# publish\n" + Ruleset.publish(Scenarios.EP_1, ports)
                + "# unpublish\n" + Ruleset.unpublish(ports);
        check("incremental.nft", text);
    }

    @Test
    void resolverNamespaceTable() throws IOException {
        check("resolver-namespace.nft", Ruleset.resolverNamespace());
    }

    @Test
    void removalsUndoAdditionsElementForElement() {
        NetworkRules a = Scenarios.plainA();
        List<String> added = keys(Ruleset.addNetwork(a), "add element ");
        List<String> removed = keys(Ruleset.removeNetwork(a), "delete element ");
        assertEquals(added, removed);
        assertTrue(added.size() >= 4, added.toString());
    }

    /** "add element T S { K comment "..." : V }" -> "T S { K }": what a delete must name. */
    private static List<String> keys(String commands, String verb) {
        return commands.lines().map(l -> {
            assertTrue(l.startsWith(verb), l);
            String e = l.substring(verb.length()).replaceAll(" comment \"[^\"]*\"", "");
            int colon = e.indexOf(" : ");
            return colon < 0 ? e : e.substring(0, colon) + " }";
        }).toList();
    }

    private static void check(String name, String actual) throws IOException {
        if (Boolean.getBoolean("golden.update")) {
            Files.createDirectories(SOURCE);
            Files.writeString(SOURCE.resolve(name), actual);
            return;
        }
        try (InputStream in = RulesetGoldenTest.class.getClassLoader().getResourceAsStream(DIR + name)) {
            if (in == null) {
                throw new AssertionError("no golden file " + DIR + name + " (generate it with -Dgolden.update=true)");
            }
            assertEquals(new String(in.readAllBytes(), StandardCharsets.UTF_8), actual, name);
        }
    }
}
