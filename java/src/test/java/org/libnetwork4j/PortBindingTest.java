package org.libnetwork4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Docker's {@code -p} forms. */
class PortBindingTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // spec                  | host ip   | first | last | container | proto | printed back
            "80                      |           | 0     | 0    | 80        | tcp   | 80/tcp",
            "8080:80                 |           | 8080  | 8080 | 80        | tcp   | 8080:80/tcp",
            "8080-8090:80/udp        |           | 8080  | 8090 | 80        | udp   | 8080-8090:80/udp",
            "127.0.0.1:5432:5432     | 127.0.0.1 | 5432  | 5432 | 5432      | tcp   | 127.0.0.1:5432:5432/tcp",
            "127.0.0.1::53/udp       | 127.0.0.1 | 0     | 0    | 53        | udp   | 127.0.0.1::53/udp",
            "[::1]:8080:80           | ::1       | 8080  | 8080 | 80        | tcp   | [::1]:8080:80/tcp",
            "[::1]:80                | ::1       | 0     | 0    | 80        | tcp   | [::1]::80/tcp",
            "3868:3868/SCTP          |           | 3868  | 3868 | 3868      | sctp  | 3868:3868/sctp",
            "0:80                    |           | 0     | 0    | 80        | tcp   | 80/tcp",
    })
    void parses(String spec, String ip, int first, int last, int container, String proto, String printed) {
        PortBinding b = PortBinding.parse(spec);
        if (ip == null) {
            assertNull(b.hostIp());
        } else {
            assertEquals(IpAddresses.parse(ip), b.hostIp());
        }
        assertEquals(first, b.hostPort());
        assertEquals(last, b.hostPortEnd());
        assertEquals(container, b.containerPort());
        assertEquals(Protocol.parse(proto), b.protocol());
        assertEquals(printed, b.toString());
        assertEquals(b, PortBinding.parse(b.toString()), "what it prints parses back to itself");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "abc", "0", "65536", "80/icmp", "8080:", "1:2:3:4", "9000-8000:80",
            "80-90", "127.0.0.1:8080", "300.0.0.1:80:80", "[::1:80", "[::1]x80", "8080:80-81", "-1:80"})
    void refusesWithTheSpecInTheMessage(String spec) {
        var e = assertThrows(InvalidParameterException.class, () -> PortBinding.parse(spec));
        assertTrue(e.getMessage().startsWith("invalid port binding \"" + spec + "\": "), e.getMessage());
    }
}
