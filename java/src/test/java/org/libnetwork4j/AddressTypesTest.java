package org.libnetwork4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** IP and MAC value types: parsing never resolves, errors name the text. */
class AddressTypesTest {

    @Test
    void prefixes() {
        IpPrefix p = IpPrefix.parse("172.17.0.2/16");
        assertEquals("172.17.0.2/16", p.toString());
        assertEquals("172.17.0.0/16", p.network().toString());
        assertTrue(p.contains(IpAddresses.parse("172.17.255.254")));
        assertFalse(p.contains(IpAddresses.parse("172.18.0.1")));
        assertFalse(p.contains(IpAddresses.parse("fd00::1")));
        assertEquals("fd00:1::/64", IpPrefix.parse("fd00:1:0:0::5/64").network().toString());
        assertEquals(32, IpPrefix.parse("10.0.0.1").length());
        assertEquals("::/0", IpPrefix.parse("::/0").toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "10.0.0/24", "10.0.0.256/24", "010.0.0.0/8", "10.0.0.0/",
            "10.0.0.0/-1", "fd00::/129", "example.com/24", "10.0.0.0/2x", "", "1.2.3.4/+8"})
    void malformedCidrsAreRefusedByName(String text) {
        var e = assertThrows(InvalidParameterException.class, () -> IpPrefix.parse(text));
        assertTrue(e.getMessage().contains("CIDR"), e.getMessage());
    }

    /**
     * Nothing is ever looked up: in a JVM whose resolver is a hosts file that gives "zz:zz" an
     * address (the JDK's jdk.net.hosts.file, so no DNS either way), parsing "zz:zz" is still
     * refused. Before the fix the JDK was asked, and here would have answered 192.0.2.7.
     */
    @Test
    void aTextThatIsNoLiteralIsNeverLookedUp(@TempDir Path dir) throws Exception {
        Path hosts = Files.writeString(dir.resolve("hosts"), "192.0.2.7 zz:zz\n192.0.2.8 localhost\n");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djdk.net.hosts.file=" + hosts, "-cp", System.getProperty("java.class.path"),
                ParseAddressMain.class.getName(), "zz:zz").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals("refused", out);
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "1.2.3", "1.2.3.4.5", " 1.2.3.4", "fe80::1%eth0", "[::1]", "::g",
        // the JDK resolves a text with ':' that does not start with a hex digit or ':' (the
        // fuzzer's "zz:zz" became a DNS query): refused before it is asked
        "zz:zz", "g::1", ".1::2", "\u0663::1", " ::1"})
    void malformedAddresses(String text) {
        var e = assertThrows(InvalidParameterException.class, () -> IpAddresses.parse(text));
        assertEquals("invalid IP address \"" + text + "\"", e.getMessage());
    }

    @Test
    void macs() {
        MacAddress m = MacAddress.parse("02:42:AC:11:00:02");
        assertEquals("02:42:ac:11:00:02", m.toString());
        assertEquals(m, MacAddress.of(m.toBytes()));
        assertTrue(m.isLocallyAdministeredUnicast());
        assertFalse(MacAddress.parse("01:00:5e:00:00:01").isLocallyAdministeredUnicast());
        assertThrows(InvalidParameterException.class, () -> MacAddress.parse("02:42:ac:11:00"));
        assertThrows(InvalidParameterException.class, () -> MacAddress.parse("02:42:ac:11:00:0g"));
        assertEquals(m, MacAddress.parse("02-42-ac-11-00-02"));
        assertThrows(InvalidParameterException.class, () -> MacAddress.parse("02:42:ac:11:00:02:"));
        assertThrows(InvalidParameterException.class, () -> MacAddress.parse("02:42:ac;11:00:02"));
        assertThrows(InvalidParameterException.class, () -> MacAddress.parse("2:42:ac:11:00:022"));
        assertThrows(InvalidParameterException.class, () -> MacAddress.parse(null));
    }

    @Test
    void randomMacsAreLocallyAdministeredUnicastAndVary() {
        java.util.Set<MacAddress> seen = new java.util.HashSet<>();
        for (int i = 0; i < 1000; i++) {
            MacAddress m = MacAddress.random();
            assertTrue(m.isLocallyAdministeredUnicast(), m.toString());
            seen.add(m);
        }
        assertTrue(seen.size() > 990, "distinct: " + seen.size());
    }
}
