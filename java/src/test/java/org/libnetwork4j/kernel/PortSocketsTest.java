package org.libnetwork4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.AlreadyExistsException;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.Protocol;
import org.libnetwork4j.testing.Eventually;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;
import org.libnetwork4j.testing.Oracle;
import org.libnetwork4j.testing.TestNs;
import org.libnetwork4j.testing.Traffic;

/**
 * Reservations through sockets made ahead of time: bound on this thread (in the JVM's own
 * namespace), they must still take ports, addresses and the ephemeral range of the namespace
 * the sockets were made in, refuse what a reservation made in place refuses, and leave
 * nothing open after close.
 */
@ExtendWith(NetnsExtension.class)
class PortSocketsTest {

    @Test
    void socketsMadeAheadBindInTheirOwnNamespace(Namespaces ns) {
        TestNs host = ns.host();
        host.netlink().setUp(host.netlink().link("lo").index());
        // an ephemeral range no other namespace has: where a port 0 comes from shows whose it is
        Oracle.exec(host, "sysctl", "-qw", "net.ipv4.ip_local_port_range=40100 40199");
        long before = Handles.open();
        PortSockets sockets = new PortSockets(host.netns());
        List<PortReservation> taken = new ArrayList<>();
        try {
            // the first of a kind is made in place; the next ones use the socket made meanwhile
            for (int i = 0; i < 5; i++) {
                taken.add(sockets.reserve(Protocol.TCP, null, false, 0));
                int port = taken.get(i).port();
                assertTrue(port >= 40100 && port <= 40199, "from the namespace's range: " + port);
            }
            assertEquals(5, taken.stream().mapToInt(PortReservation::port).distinct().count());
            // taken there: a program in that namespace cannot listen on it (ss lists no TCP
            // socket that is only bound)
            var taken4 = Oracle.exec(host, "timeout", "2", "socat", "TCP-LISTEN:" + taken.get(4).port() + ",reuseaddr", "-");
            assertTrue(taken4.err().contains("Address already in use"), taken4.err());

            // the errors of a reservation made in place
            int held = taken.get(0).port();
            AlreadyExistsException inUse = assertThrows(AlreadyExistsException.class,
                    () -> sockets.reserve(Protocol.TCP, null, false, held));
            assertTrue(inUse.getMessage().contains(Integer.toString(held)), inUse.getMessage());
            InvalidParameterException notHere = assertThrows(InvalidParameterException.class,
                    () -> sockets.reserve(Protocol.TCP, IpAddresses.parse("203.0.113.9"), false, 18081));
            assertTrue(notHere.getMessage().contains("203.0.113.9"), notHere.getMessage());
            // a program cannot listen on a reserved port; once released, it can
            PortReservation r = sockets.reserve(Protocol.TCP, null, false, 18082);
            var blocked = Oracle.exec(host, "timeout", "2", "socat", "TCP-LISTEN:18082,reuseaddr", "-");
            assertTrue(blocked.err().contains("Address already in use"), blocked.err());
            r.close();
            Traffic.tcpServer(ns, host, null, 18082, "free again");
            assertEquals(Optional.of("free again"), Traffic.tcp(host, "127.0.0.1", 18082));
            // other kinds, each with its own socket made ahead
            try (PortReservation u = sockets.reserve(Protocol.UDP, null, false, 0);
                    PortReservation u2 = sockets.reserve(Protocol.UDP, null, false, 0);
                    PortReservation v6 = sockets.reserve(Protocol.TCP, null, true, 18083);
                    PortReservation v6b = sockets.reserve(Protocol.TCP, null, true, 18084);
                    // IPv6-only: the IPv4 port of the same number is a reservation of its own
                    PortReservation v4 = sockets.reserve(Protocol.TCP, null, false, 18084)) {
                assertTrue(Oracle.out(host, "ss", "-Huan").contains(":" + u2.port()), "UDP, by ss");
                assertTrue(u.port() != u2.port());
                var v6taken = Oracle.exec(host, "timeout", "2", "socat", "TCP6-LISTEN:18084,ipv6only=1,reuseaddr", "-");
                assertTrue(v6taken.err().contains("Address already in use"), v6taken.err());
            }
        } finally {
            taken.forEach(PortReservation::close);
            sockets.close();
        }
        assertEquals(before, Handles.open(), "no socket left open");
        // (ss shows UDP sockets that are only bound, not TCP ones; the test's own server listens)
        assertEquals("", Eventually.settled(() -> Oracle.out(host, "ss", "-Huan"), ""), "no UDP socket left there");
    }
}
