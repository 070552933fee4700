package org.libnetwork4j.ipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.libnetwork4j.AddressPool;
import org.libnetwork4j.AlreadyExistsException;
import org.libnetwork4j.ForbiddenException;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.PoolExhaustedException;

/** The default allocator, without root or kernel: pools, addresses, reservations, errors. */
class DefaultIpamTest {

    private static DefaultIpam docker() {
        return new DefaultIpam(DefaultIpam.LOCAL_DEFAULTS, p -> false);
    }

    private static InetAddress ip(String s) {
        return IpAddresses.parse(s);
    }

    @Test
    void dockerDefaultsInOrderThenExhaustion() {
        DefaultIpam ipam = docker();
        List<String> got = new ArrayList<>();
        for (int i = 0; i < 31; i++) {
            got.add(ipam.requestPool(PoolRequest.any(false)).subnet().toString());
        }
        assertEquals("172.17.0.0/16", got.get(0));
        assertEquals("172.31.0.0/16", got.get(14));
        assertEquals("192.168.0.0/20", got.get(15));
        assertEquals("192.168.240.0/20", got.get(30));
        var e = assertThrows(PoolExhaustedException.class, () -> ipam.requestPool(PoolRequest.any(false)));
        assertTrue(e.getMessage().startsWith("no available, non-overlapping IPv4 address pool"), e.getMessage());
        assertThrows(PoolExhaustedException.class, () -> ipam.requestPool(PoolRequest.any(true)),
                "no IPv6 defaults, as in Docker");
    }

    @Test
    void poolsOverlappingHostRoutesAreSkipped() {
        Set<IpPrefix> host = Set.of(IpPrefix.parse("172.17.0.0/16"), IpPrefix.parse("172.18.5.0/24"));
        DefaultIpam ipam = new DefaultIpam(DefaultIpam.LOCAL_DEFAULTS,
                c -> host.stream().anyMatch(h -> h.overlaps(c)));
        assertEquals("172.19.0.0/16", ipam.requestPool(PoolRequest.any(false)).subnet().toString());
    }

    @Test
    void configuredPools() {
        DefaultIpam ipam = new DefaultIpam(List.of(AddressPool.of("10.10.0.0/16", 24),
                AddressPool.of("fd00:10::/48", 64)), p -> false);
        assertEquals("10.10.0.0/24", ipam.requestPool(PoolRequest.any(false)).subnet().toString());
        assertEquals("10.10.1.0/24", ipam.requestPool(PoolRequest.any(false)).subnet().toString());
        assertEquals("fd00:10::/64", ipam.requestPool(PoolRequest.any(true)).subnet().toString());
        assertThrows(InvalidParameterException.class, () -> AddressPool.of("10.10.0.1/16", 24));
        assertThrows(InvalidParameterException.class, () -> AddressPool.of("10.10.0.0/16", 8));
    }

    @Test
    void addressesLowestFirstNeverNetworkOrBroadcast() {
        DefaultIpam ipam = docker();
        Pool p = ipam.requestPool(PoolRequest.of(IpPrefix.parse("10.0.0.0/29"), null));
        // the gateway is reserved first, as the controller does
        assertEquals(ip("10.0.0.1"), ipam.requestAddress(p.id(), ip("10.0.0.1")));
        List<InetAddress> got = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            got.add(ipam.requestAddress(p.id(), null));
        }
        assertEquals(List.of(ip("10.0.0.2"), ip("10.0.0.3"), ip("10.0.0.4"), ip("10.0.0.5"), ip("10.0.0.6")), got);
        var e = assertThrows(PoolExhaustedException.class, () -> ipam.requestAddress(p.id(), null));
        assertEquals("no available IPv4 address in 10.0.0.0/29", e.getMessage());
        assertEquals(6, ipam.allocated(p.id()), "a failed request leaves nothing allocated");
        // release makes room; the lowest free comes back first
        ipam.releaseAddress(p.id(), ip("10.0.0.4"));
        ipam.releaseAddress(p.id(), ip("10.0.0.4")); // twice is harmless
        assertEquals(ip("10.0.0.4"), ipam.requestAddress(p.id(), null));
        assertThrows(InvalidParameterException.class, () -> ipam.requestAddress(p.id(), ip("10.0.0.0")));
        assertThrows(InvalidParameterException.class, () -> ipam.requestAddress(p.id(), ip("10.0.0.7")));
        assertThrows(InvalidParameterException.class, () -> ipam.requestAddress(p.id(), ip("10.0.1.1")));
        assertThrows(AlreadyExistsException.class, () -> ipam.requestAddress(p.id(), ip("10.0.0.2")));
    }

    @Test
    void ipRangeLimitsDynamicAddressesOnly() {
        DefaultIpam ipam = docker();
        Pool p = ipam.requestPool(PoolRequest.of(IpPrefix.parse("10.1.0.0/16"), IpPrefix.parse("10.1.5.0/30")));
        assertEquals("10.1.5.0/30", p.ipRange().toString());
        assertEquals(ip("10.1.5.0"), ipam.requestAddress(p.id(), null));
        assertEquals(ip("10.1.5.1"), ipam.requestAddress(p.id(), null));
        ipam.requestAddress(p.id(), ip("10.1.5.2"));
        ipam.requestAddress(p.id(), ip("10.1.5.3"));
        assertThrows(PoolExhaustedException.class, () -> ipam.requestAddress(p.id(), null));
        // a static address elsewhere in the subnet is fine
        assertEquals(ip("10.1.9.9"), ipam.requestAddress(p.id(), ip("10.1.9.9")));
        assertThrows(InvalidParameterException.class, () -> ipam.requestPool(
                PoolRequest.of(IpPrefix.parse("10.2.0.0/16"), IpPrefix.parse("10.3.0.0/24"))));
        assertThrows(InvalidParameterException.class, () -> ipam.requestPool(
                new PoolRequest(null, IpPrefix.parse("10.3.0.0/24"), false)));
    }

    @Test
    void subnetsMustBeCanonicalAndNotOverlap() {
        DefaultIpam ipam = docker();
        ipam.requestPool(PoolRequest.of(IpPrefix.parse("10.0.0.0/16"), null));
        var e = assertThrows(ForbiddenException.class,
                () -> ipam.requestPool(PoolRequest.of(IpPrefix.parse("10.0.128.0/24"), null)));
        assertEquals("subnet 10.0.128.0/24 overlaps with subnet 10.0.0.0/16 of another network", e.getMessage());
        assertThrows(ForbiddenException.class, () -> ipam.requestPool(PoolRequest.of(IpPrefix.parse("10.0.0.0/8"), null)));
        var c = assertThrows(InvalidParameterException.class,
                () -> ipam.requestPool(PoolRequest.of(IpPrefix.parse("10.9.0.1/24"), null)));
        assertEquals("invalid subnet 10.9.0.1/24: it should be 10.9.0.0/24", c.getMessage());
        assertThrows(InvalidParameterException.class, () -> ipam.requestPool(PoolRequest.of(IpPrefix.parse("10.9.0.0/31"), null)));
        assertEquals(1, ipam.poolCount(), "refused requests reserve nothing");
        // a default pool skips explicit ones
        ipam.requestPool(PoolRequest.of(IpPrefix.parse("172.17.0.0/16"), null));
        assertEquals("172.18.0.0/16", ipam.requestPool(PoolRequest.any(false)).subnet().toString());
    }

    @Test
    void ipv6() {
        DefaultIpam ipam = docker();
        Pool p = ipam.requestPool(PoolRequest.of(IpPrefix.parse("fd00:1::/64"), null));
        assertEquals(ip("fd00:1::1"), ipam.requestAddress(p.id(), null));
        assertEquals(ip("fd00:1::2"), ipam.requestAddress(p.id(), null));
        assertEquals(ip("fd00:1::ffff"), ipam.requestAddress(p.id(), ip("fd00:1::ffff")));
        assertThrows(InvalidParameterException.class, () -> ipam.requestAddress(p.id(), ip("fd00:2::1")));
        assertThrows(InvalidParameterException.class, () -> ipam.requestAddress(p.id(), ip("10.0.0.1")));
        ipam.releasePool(p.id());
        assertThrows(NotFoundException.class, () -> ipam.requestAddress(p.id(), null));
    }

    @Test
    void aSlash16FillsCompletelyWithDistinctAddresses() {
        DefaultIpam ipam = docker();
        Pool p = ipam.requestPool(PoolRequest.of(IpPrefix.parse("10.5.0.0/16"), null));
        Set<InetAddress> seen = new HashSet<>();
        for (int i = 0; i < 65534; i++) {
            assertTrue(seen.add(ipam.requestAddress(p.id(), null)));
        }
        assertThrows(PoolExhaustedException.class, () -> ipam.requestAddress(p.id(), null));
    }

    @Test
    void concurrentRequestsNeverShareAnAddress() throws Exception {
        DefaultIpam ipam = docker();
        Pool p = ipam.requestPool(PoolRequest.of(IpPrefix.parse("10.6.0.0/20"), null));
        Set<InetAddress> seen = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < 400; i++) {
                        InetAddress a = ipam.requestAddress(p.id(), null);
                        assertTrue(seen.add(a), "handed out twice: " + a);
                        if (i % 3 == 0) {
                            seen.remove(a);
                            ipam.releaseAddress(p.id(), a);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(seen.size(), ipam.allocated(p.id()));
    }

    @Test
    void offsetSetCoalescesAndSplits() {
        OffsetSet s = new OffsetSet();
        for (long i = 0; i < 10; i++) {
            s.add(i);
        }
        assertEquals(10, s.firstFree(0, 100));
        s.remove(5);
        assertEquals(5, s.firstFree(0, 100));
        assertEquals(-1, s.firstFree(6, 9));
        assertTrue(s.add(5));
        assertEquals(10, s.size());
        assertEquals(-1, s.firstFree(0, 9));
    }
}
