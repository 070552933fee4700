package org.libnetwork4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import com.code_intelligence.jazzer.mutation.annotation.WithUtf8Length;

/**
 * The API's parsers of outside text (CIDRs, addresses, MACs, {@code -p} forms, protocols,
 * {@code --add-host}, labels' booleans and numbers, resolv.conf): each gives a result or an
 * {@link InvalidParameterException} naming the input, never another exception; what parses
 * prints back to a text that parses to the same value. Pure functions: no kernel is touched.
 */
class ParsingFuzzTest {
    /** Runs parse; a typed refusal is an answer, anything else thrown fails the test. */
    private static <T> T parseOrRefuse(java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (InvalidParameterException refused) {
            return null;
        }
    }

    @FuzzTest(maxDuration = "10s")
    void cidrsAndAddresses(@NotNull @WithUtf8Length(max = 80) String text) {
        IpPrefix p = parseOrRefuse(() -> IpPrefix.parse(text));
        if (p != null) {
            assertEquals(p, IpPrefix.parse(p.toString()), "round trip of " + text);
        }
        java.net.InetAddress a = parseOrRefuse(() -> IpAddresses.parse(text));
        if (a != null) {
            assertEquals(a, IpAddresses.parse(IpAddresses.format(a)), "round trip of " + text);
        }
        MacAddress m = parseOrRefuse(() -> MacAddress.parse(text));
        if (m != null) {
            assertEquals(m, MacAddress.parse(m.toString()), "round trip of " + text);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void publishedPortForms(@NotNull @WithUtf8Length(max = 80) String spec) {
        PortBinding b = parseOrRefuse(() -> PortBinding.parse(spec));
        if (b != null) {
            assertEquals(b, PortBinding.parse(b.toString()), "round trip of " + spec);
        }
        parseOrRefuse(() -> Protocol.parse(spec));
    }

    @FuzzTest(maxDuration = "10s")
    void hostEntriesLabelsAndResolvConf(@NotNull @WithUtf8Length(max = 200) String text, int min, int max) {
        parseOrRefuse(() -> SandboxOptions.HostEntry.parse(text));
        parseOrRefuse(() -> Labels.parseBool("k", text));
        parseOrRefuse(() -> Labels.parseInt("k", text, Math.min(min, max), Math.max(min, max)));
        ResolvConf rc = ResolvConf.parse(text); // any text is a resolv.conf, however odd
        assertEquals(rc, ResolvConf.parse(rc.nameservers().stream().map(n -> "nameserver " + n + "\n")
                .reduce("", String::concat) + (rc.search().isEmpty() ? "" : "search " + String.join(" ", rc.search())
                + "\n") + (rc.options().isEmpty() ? "" : "options " + String.join(" ", rc.options()) + "\n")));
    }
}
