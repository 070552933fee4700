package org.libnetwork4j.lab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.IpAddresses;

/** The rules' text, without a kernel (the lab's other tests apply them to real traffic). */
class FaultRulesTest {
    @Test
    void aPartitionDropsOnEachInterfaceBothWaysPerFamily() {
        String t = FaultRules.drop(3, "lab fault 3", List.of("eth0", "eth1"),
                List.of(IpAddresses.parse("172.18.0.3"), IpAddresses.parse("fd00::3")),
                List.of(IpAddresses.parse("172.18.0.3")));
        assertEquals("""
                table netdev lnwlab_f3 {
                  chain in0 {
                    type filter hook ingress device "eth0" priority filter; policy accept;
                    ip saddr { 172.18.0.3 } drop comment "lab fault 3"
                    ip6 saddr { fd00::3 } drop comment "lab fault 3"
                  }
                  chain out0 {
                    type filter hook egress device "eth0" priority filter; policy accept;
                    ip daddr { 172.18.0.3 } drop comment "lab fault 3"
                  }
                  chain in1 {
                    type filter hook ingress device "eth1" priority filter; policy accept;
                    ip saddr { 172.18.0.3 } drop comment "lab fault 3"
                    ip6 saddr { fd00::3 } drop comment "lab fault 3"
                  }
                  chain out1 {
                    type filter hook egress device "eth1" priority filter; policy accept;
                    ip daddr { 172.18.0.3 } drop comment "lab fault 3"
                  }
                }
                """, t);
        assertEquals("delete table netdev lnwlab_f3\n", FaultRules.deleteNetdev(3));
    }

    @Test
    void aOneWayPartitionHasNoIngressChain() {
        String t = FaultRules.drop(1, "x", List.of("eth0"), List.of(), List.of(IpAddresses.parse("10.0.0.2")));
        assertTrue(!t.contains("ingress") && t.contains("egress"), t);
    }

    @Test
    void lossIsInHundredthsOfAPercent() {
        String t = FaultRules.loss(2, "x", List.of("eth0"), 12.5);
        assertEquals(2, t.split("numgen random mod 10000 < 1250 drop", -1).length - 1, t);
        assertThrows(InvalidParameterException.class, () -> FaultRules.loss(2, "x", List.of("eth0"), 0));
        assertThrows(InvalidParameterException.class, () -> FaultRules.loss(2, "x", List.of("eth0"), Double.NaN));
        assertThrows(InvalidParameterException.class, () -> FaultRules.isolate(2, "x", List.of()));
    }

    @Test
    void aDnsNameIsMatchedInWireFormSixteenBytesAtATime() {
        assertArrayEquals(new byte[] {2, 'd', 'b', 4, 't', 'e', 's', 't', 0}, FaultRules.wireName("db.test."));
        // 20 bytes into the datagram: 160 bits; 9 bytes: 72 bits
        assertEquals("@th,160,72 0x026462047465737400", FaultRules.qnameMatch("db.test"));
        String longName = "a234567890.b234567890.c234567890"; // 34 bytes on the wire: 16 + 16 + 2
        assertEquals(3, FaultRules.qnameMatch(longName).split("@th,").length - 1);
        assertTrue(FaultRules.qnameMatch(longName).contains("@th,416,16 "), FaultRules.qnameMatch(longName));
        String rules = FaultRules.dnsFailure(4, "x", "Web");
        assertTrue(rules.contains("0x03576562") && rules.contains("0x03776562"), "as given and in lower case: " + rules);
        assertEquals("delete table inet lnwlab_f4\n", FaultRules.deleteInet(4));
    }

    @Test
    void badDnsNamesNameTheirLabel() {
        assertTrue(assertThrows(InvalidParameterException.class, () -> FaultRules.wireName("a..b"))
                .getMessage().contains("label"));
        assertThrows(InvalidParameterException.class, () -> FaultRules.wireName(""));
        assertThrows(InvalidParameterException.class, () -> FaultRules.wireName("x".repeat(64)));
        assertThrows(InvalidParameterException.class, () -> FaultRules.wireName("sp ace"));
    }
}
