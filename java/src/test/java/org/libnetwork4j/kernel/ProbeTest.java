package org.libnetwork4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.RetryableException;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;
import org.libnetwork4j.testing.Oracle;
import org.libnetwork4j.testing.TestNs;

@ExtendWith(NetnsExtension.class)
class ProbeTest {

    @Test
    void pingAndOneExchangeAcrossAVethPair(Namespaces ns) throws Exception {
        TestNs a = ns.host();
        TestNs b = ns.container("b");
        VethPair p = a.netlink().createVeth(VethSpec.of("lnwt-va", "eth0").peerIn(b.netlink()).up());
        a.netlink().addAddr(Addr.of(p.host().index(), "10.79.0.1/24"));
        b.netlink().addAddr(Addr.of(p.peer().index(), "10.79.0.2/24"));
        b.netlink().setUp(p.peer().index());

        assertTrue(Probe.ping(b.netns(), IpAddresses.parse("10.79.0.1"), 1, Duration.ofSeconds(2)).toNanos() > 0);
        assertThrows(RetryableException.class,
                () -> Probe.ping(b.netns(), IpAddresses.parse("10.79.0.77"), 2, Duration.ofMillis(300)));

        try (Probe.Listener l = Probe.listen(a.netns(), 8080)) {
            assertTrue(Oracle.out(a, "ss", "-Hltn").contains(":8080"), "listening in a");
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> l.serveOnce("hi b\n", Duration.ofSeconds(3)));
            assertEquals("hi b\n", Probe.fetch(b.netns(), IpAddresses.parse("10.79.0.1"), 8080, Duration.ofSeconds(3)));
            served.get(5, TimeUnit.SECONDS);
        }
        assertThrows(NotFoundException.class,
                () -> Probe.fetch(b.netns(), IpAddresses.parse("10.79.0.1"), 8080, Duration.ofSeconds(1)), "closed: refused");
    }
}
