package org.libnetwork4j.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.NotSupportedException;
import org.libnetwork4j.testing.NsRef;
import org.libnetwork4j.testing.Oracle;

/**
 * Each fault, used as a test harness would use it, checked with real traffic between the
 * sandboxes and with nft/ip/tc looking into their namespaces.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LabFaultsTest {
    @NetworkLab(hosts = 1)
    Lab lab;

    LabSandbox c1;
    LabSandbox c2;

    @BeforeEach
    void twoSandboxes() {
        c1 = lab.host("h1").sandbox("c1");
        c2 = lab.host("h1").sandbox("c2");
    }

    /** The lab's own tables in a namespace, as nft lists them. */
    private static List<String> labTables(Node n) {
        JsonNode all = Oracle.nft(NsRef.of(n.namespace()), "list", "tables");
        return all.findValues("table").stream().map(t -> t.path("name").asText())
                .filter(name -> name.startsWith(FaultRules.TABLE_PREFIX)).toList();
    }

    @Test
    void partitionDropsBothWaysUntilHealed() throws Exception {
        try (ServerSocket s1 = Wire.greeter(c1, 8080); ServerSocket s2 = Wire.greeter(c2, 8080)) {
            assertTrue(Wire.greeted(c2, c1, 8080, 2000), "before the partition");
            Fault f = lab.partition(c1, c2);
            assertEquals(List.of(f), lab.faults());
            assertEquals(List.of(FaultRules.table(f.id())), labTables(c1));
            assertFalse(Wire.greeted(c2, c1, 8080, 300), "c2 -> c1 during the partition");
            assertFalse(Wire.greeted(c1, c2, 8080, 300), "c1 -> c2 during the partition");
            f.heal();
            assertFalse(f.isActive());
            assertEquals(List.of(), lab.faults());
            assertEquals(List.of(), labTables(c1));
            assertTrue(Wire.greeted(c2, c1, 8080, 2000), "after healing");
            assertTrue(Wire.greeted(c1, c2, 8080, 2000), "after healing, the other way");
            f.heal(); // twice is harmless
        }
    }

    @Test
    void groupsArePartitionedFromEachOtherButNotWithin() throws Exception {
        LabSandbox c3 = lab.host("h1").sandbox("c3");
        try (ServerSocket a = Wire.greeter(c1, 8080); ServerSocket b = Wire.greeter(c3, 8080)) {
            Fault f = lab.partition(List.of(c1, c2), List.of(c3));
            assertTrue(Wire.greeted(c2, c1, 8080, 2000), "within a group");
            assertFalse(Wire.greeted(c2, c3, 8080, 300), "across");
            assertFalse(Wire.greeted(c3, c1, 8080, 300), "across, the other way");
            f.heal();
            assertTrue(Wire.greeted(c2, c3, 8080, 2000));
        }
    }

    @Test
    void oneWayPartitionDropsOnlyOneDirection() throws Exception {
        lab.partitionOneWay(c1, c2);
        assertEquals(0, Wire.udpDelivered(c1, c2, 9000, 20), "c1 -> c2 is cut");
        assertEquals(20, Wire.udpDelivered(c2, c1, 9001, 20), "c2 -> c1 flows");
    }

    @Test
    void isolatedSandboxReachesNobodyAndNobodyReachesIt() throws Exception {
        try (ServerSocket a = Wire.greeter(c1, 8080); ServerSocket b = Wire.greeter(c2, 8080)) {
            Fault f = lab.isolate(c1);
            assertFalse(Wire.greeted(c2, c1, 8080, 300));
            assertFalse(Wire.greeted(c1, c2, 8080, 300));
            String gateway = c1.sandbox().endpoints().get(0).info().gatewayV4().getHostAddress();
            assertFalse(Oracle.ping(NsRef.of(c1.namespace()), gateway), "not even its host");
            f.heal();
            assertTrue(Wire.greetedWithin(c1, c2, 8080, 10));
        }
    }

    @Test
    void linkDownTakesTheHostEndDownAndUpAgain() throws Exception {
        String hostEnd = Oracle.hostEnd(NsRef.of(lab.host("h1").namespace()),
                c1.sandbox().endpoints().get(0).id()).orElseThrow().path("ifname").asText();
        try (ServerSocket a = Wire.greeter(c1, 8080)) {
            Fault f = lab.linkDown(c1);
            JsonNode link = Oracle.link(NsRef.of(lab.host("h1").namespace()), hostEnd).orElseThrow();
            assertFalse(link.path("flags").toString().contains("\"UP\""), link.toString());
            assertFalse(Wire.greeted(c2, c1, 8080, 300));
            // the sandbox's own side is untouched: its default route is still there
            assertTrue(Oracle.out(NsRef.of(c1.namespace()), "ip", "route", "show", "default").contains("default via"));
            f.heal();
            assertTrue(Oracle.link(NsRef.of(lab.host("h1").namespace()), hostEnd).orElseThrow()
                    .path("flags").toString().contains("\"UP\""));
            assertTrue(Wire.greetedWithin(c2, c1, 8080, 10));
        }
    }

    @Test
    void lossDropsAboutTheGivenShare() throws Exception {
        assertEquals(400, Wire.udpDelivered(c2, c1, 9000, 400), "no loss before the fault");
        Fault f = lab.loss(c1, 50);
        int got = Wire.udpDelivered(c2, c1, 9001, 400);
        // binomial(400, 0.5): mean 200, sd 10; 140..260 is six sd either side
        assertTrue(got >= 140 && got <= 260, got + " of 400 arrived at 50 % loss");
        f.heal();
        assertEquals(400, Wire.udpDelivered(c2, c1, 9002, 400));
    }

    @Test
    void bandwidthLimitHoldsATransferToTheRate() throws Exception {
        double free = Wire.tcpRate(c2, c1, 7000, 4 << 20);
        long limit = 8_000_000; // bit/s: 1 MB/s
        Fault f = lab.bandwidth(c1, limit);
        assertTrue(Oracle.out(NsRef.of(c1.namespace()), "tc", "qdisc", "show", "dev", "eth0").contains("tbf"));
        double in = Wire.tcpRate(c2, c1, 7001, 1 << 20);
        double out = Wire.tcpRate(c1, c2, 7002, 1 << 20);
        f.heal();
        double after = Wire.tcpRate(c2, c1, 7003, 4 << 20);
        String seen = String.format("free %.0f, into c1 %.0f, out of c1 %.0f, healed %.0f bytes/s", free, in, out, after);
        // a functional check that the bucket holds, with the bucket's burst and queue as slack
        assertTrue(in < 1.5 * limit / 8 && in > 0.3 * limit / 8, seen);
        assertTrue(out < 1.5 * limit / 8 && out > 0.3 * limit / 8, seen);
        assertTrue(after > 5 * limit / 8, seen);
        assertFalse(Oracle.out(NsRef.of(c1.namespace()), "tc", "qdisc", "show", "dev", "eth0").contains("tbf"));
    }

    @Test
    void delayNeedsNetemAndSaysSoWhenTheKernelLacksIt() throws Exception {
        // the oracle: whether tc itself can make a netem qdisc here (on c2's loopback)
        boolean hasNetem = Oracle.exec(NsRef.of(c2.namespace()), "tc", "qdisc", "add", "dev", "lo", "root",
                "netem", "delay", "1ms").exitCode() == 0;
        if (hasNetem) {
            Fault f = lab.delay(c1, Duration.ofMillis(50));
            assertTrue(Oracle.out(NsRef.of(c1.namespace()), "tc", "qdisc", "show", "dev", "eth0").contains("netem"));
            f.heal();
        } else {
            NotSupportedException e = assertThrows(NotSupportedException.class,
                    () -> lab.delay(c1, Duration.ofMillis(50)));
            assertTrue(e.getMessage().contains("CONFIG_NET_SCH_NETEM"), e.getMessage());
            assertEquals(List.of(), lab.faults());
        }
        assertFalse(Oracle.out(NsRef.of(c1.namespace()), "tc", "qdisc", "show", "dev", "eth0").contains("netem"));
    }

    @Test
    void dnsFailureFailsOneNameOnly() {
        assertTrue(dig(c2, "c1").contains(c1.ip()), "c1 resolves before the fault");
        Fault f = lab.dnsFailure("c1");
        ExecResult failed = c2.exec("dig", "+tries=1", "+time=5", "c1");
        assertFalse(failed.out().contains(c1.ip()), failed.out());
        // refused, not lost: the resolver gives up at once instead of after its timeout
        assertTrue(failed.out().contains("connection refused"), failed.out());
        assertTrue(dig(c2, "c2").contains(c2.ip()), "other names still resolve");
        f.heal();
        assertTrue(dig(c2, "c1").contains(c1.ip()), "c1 resolves after healing");
    }

    private static String dig(LabSandbox s, String name) {
        return s.exec("dig", "+short", "+tries=2", "+time=2", name).out();
    }

    @Test
    void badInputIsRefusedAndChangesNothing() {
        assertThrows(InvalidParameterException.class, () -> lab.loss(c1, 0));
        assertThrows(InvalidParameterException.class, () -> lab.loss(c1, 0.001)); // would round to nothing
        assertThrows(InvalidParameterException.class, () -> lab.bandwidth(c1, 80));
        assertThrows(InvalidParameterException.class, () -> lab.partition(c1, c1));
        assertThrows(InvalidParameterException.class, () -> lab.loss(c1, 101));
        assertThrows(InvalidParameterException.class, () -> lab.bandwidth(c1, 0));
        InvalidParameterException e = assertThrows(InvalidParameterException.class,
                () -> lab.dnsFailure("bad..name"));
        assertTrue(e.getMessage().contains("label"), e.getMessage());
        assertThrows(InvalidParameterException.class, () -> lab.host("no/slash"));
        assertEquals(List.of(), lab.faults());
        assertEquals(List.of(), labTables(c1));
        assertEquals(List.of(), labTables(c2));
    }

    @Test
    void aSecondFaultOnTheSameLinkStateIsRefusedUntilTheFirstIsHealed() {
        Fault limit = lab.bandwidth(c1, 8_000_000);
        org.libnetwork4j.AlreadyExistsException e = assertThrows(org.libnetwork4j.AlreadyExistsException.class,
                () -> lab.bandwidth(c1, 1_000_000));
        assertTrue(e.getMessage().contains("fault " + limit.id()), e.getMessage());
        assertTrue(Oracle.out(NsRef.of(c1.namespace()), "tc", "qdisc", "show", "dev", "eth0").contains("rate 8Mbit"),
                "the first limit stands");
        Fault down = lab.linkDown(c1);
        assertThrows(org.libnetwork4j.AlreadyExistsException.class, () -> lab.linkDown(c1));
        lab.bandwidth(c2, 1_000_000).heal(); // another node's links are its own
        limit.heal();
        down.heal();
        lab.bandwidth(c1, 1_000_000).heal(); // free again once healed
        assertEquals(List.of(), lab.faults());
    }

    @Test
    void faultsAreVisibleAndAllHealedTogether() {
        Fault a = lab.partition(c1, c2);
        Fault b = lab.loss(c2, 10);
        assertEquals(List.of(a, b), lab.faults());
        assertEquals(Fault.Kind.PARTITION, a.kind());
        assertTrue(a.description().contains("c1") && a.description().contains("c2"), a.description());
        lab.healAll();
        assertEquals(List.of(), lab.faults());
        assertEquals(List.of(), labTables(c1));
        assertEquals(List.of(), labTables(c2));
    }
}
