package org.libnetwork4j.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.libnetwork4j.Endpoint;
import org.libnetwork4j.EndpointOptions;
import org.libnetwork4j.Network;
import org.libnetwork4j.Sandbox;
import org.libnetwork4j.testing.NsRef;
import org.libnetwork4j.testing.Oracle;

/** Hosts on one underlay: a service published on one is reached from the others', until partitioned. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LabMultiHostTest {
    @NetworkLab(hosts = 3)
    Lab lab;

    @Test
    void aPublishedPortIsReachedAcrossHostsUntilTheyArePartitioned() throws Exception {
        LabHost h2 = lab.host("h2");
        // the service on h2, made through its controller as an application would, then taken into the lab
        Network net = h2.network("apps");
        Sandbox sb = h2.controller().newSandbox("web");
        Endpoint ep = net.createEndpoint("web", EndpointOptions.builder().publish("8080:80/tcp").build());
        ep.join(sb);
        LabSandbox web = h2.adopt(sb);
        LabSandbox c1 = lab.host("h1").sandbox("c1");
        LabSandbox c3 = lab.host("h3").sandbox("c3");
        assertEquals(List.of("10.250.0.1", "10.250.0.2", "10.250.0.3"),
                lab.hosts().stream().map(h -> h.underlayAddress().getHostAddress()).toList());
        assertTrue(Oracle.ping(NsRef.of(lab.host("h1").namespace()), "10.250.0.3"), "the underlay links the hosts");

        try (ServerSocket s = Wire.greeter(web, 80)) {
            assertTrue(Wire.greeted(c1, h2.underlayAddress(), 8080, 2000), "h1's sandbox reaches h2's port");
            assertTrue(Wire.greeted(c3, h2.underlayAddress(), 8080, 2000), "so does h3's");

            Fault f = lab.partition(lab.host("h1"), h2);
            assertFalse(Wire.greeted(c1, h2.underlayAddress(), 8080, 300), "h1 is cut from h2");
            assertTrue(Wire.greeted(c3, h2.underlayAddress(), 8080, 2000), "h3 is not");
            f.heal();
            assertTrue(Wire.greetedWithin(c1, h2.underlayAddress(), 8080, 10), "healed");
        }
    }

    @Test
    void aSandboxIsPartitionedFromAHostWhereverTheRulesCanSeeItsTraffic() {
        LabSandbox c1 = lab.host("h1").sandbox("c1");
        LabSandbox c2 = lab.host("h1").sandbox("c2");
        String gateway = c1.sandbox().endpoints().get(0).info().gatewayV4().getHostAddress();
        // another host, named first: the rules still go to the sandbox, which can tell h2 apart
        Fault f = lab.partition(lab.host("h2"), c1);
        assertFalse(c1.exec("ping", "-c1", "-W1", "10.250.0.2").ok(), "c1 -/- h2");
        assertTrue(c1.exec("ping", "-c1", "-W1", "10.250.0.3").ok(), "c1 -> h3");
        assertTrue(c2.exec("ping", "-c1", "-W1", "10.250.0.2").ok(), "c2 -> h2");
        f.heal();
        // its own host: by the host's underlay address and by its gateway on c1's network
        Fault own = lab.partition(c1, lab.host("h1"));
        assertFalse(c1.exec("ping", "-c1", "-W1", gateway).ok(), "c1 -/- its gateway");
        assertFalse(c1.exec("ping", "-c1", "-W1", "10.250.0.1").ok(), "c1 -/- its host's underlay address");
        assertTrue(c2.exec("ping", "-c1", "-W1", gateway).ok(), "c2 -> the gateway");
        own.heal();
        assertTrue(c1.exec("ping", "-c1", "-W2", "10.250.0.2").ok(), "healed");
    }

    @Test
    void sandboxesOnDifferentHostsAreNotPartitionedByAddressesThatMeanOthersThere() {
        LabSandbox c1 = lab.host("h1").sandbox("c1");
        LabSandbox c3 = lab.host("h3").sandbox("c3");
        // both hosts gave the same first address of the same default pool
        assertEquals(c1.ip(), c3.ip());
        org.libnetwork4j.InvalidParameterException e = assertThrows(org.libnetwork4j.InvalidParameterException.class,
                () -> lab.partition(c1, c3));
        assertTrue(e.getMessage().contains("different hosts") && e.getMessage().contains("h3"), e.getMessage());
        assertEquals(List.of(), lab.faults());
    }
}
