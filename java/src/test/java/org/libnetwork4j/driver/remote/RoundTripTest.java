package org.libnetwork4j.driver.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.ControllerConfig;
import org.libnetwork4j.Endpoint;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.NetworkOptions;
import org.libnetwork4j.Sandbox;
import org.libnetwork4j.http.UnixHttpServer;
import org.libnetwork4j.plugin.DockerPlugin;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;
import org.libnetwork4j.testing.NsRef;
import org.libnetwork4j.testing.Oracle;

/**
 * libnetwork4j through libnetwork4j: controller A's networks of type "libnetwork4j" go to
 * the Docker plugin {@link DockerPlugin} serving controller B. The interface B's join makes
 * (SrcName) is in B's host namespace and A's sandbox moves it in from A's host namespace: so
 * both controllers share the fake host, each with its own state and run directories. B's
 * sandboxes are ones whose caller moves interfaces (A), and B's network is a bridge.
 */
@ExtendWith(NetnsExtension.class)
@Timeout(120)
class RoundTripTest {

    @Test
    void aControllerDrivesAnotherThroughItsDockerPlugin(Namespaces ns) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        ControllerConfig bConfig = ControllerConfig.builder().stateDir(ns.dir().resolve("b-state"))
                .runDir(ns.dir().resolve("b-run")).hostNamespace(ns.host().path())
                .hostResolvConf(ns.fakeResolvConf("192.0.2.53")).build();
        NetworkController a = ns.controller(VethPluginTest.config(ns));
        try (NetworkController b = NetworkController.create(bConfig);
                UnixHttpServer server = UnixHttpServer.start(ns.dir().resolve("plugins").resolve("libnetwork4j.sock"),
                        new DockerPlugin(b, List.of()), pool)) {
            Network n = a.newNetwork("libnetwork4j", "rt", NetworkOptions.builder().subnet("10.95.0.0/24").build());
            // B made a bridge network of the same subnet, named for A's network id
            Network bn = b.networkByName("docker-" + n.id().substring(0, 12));
            assertEquals("bridge", bn.type());
            assertEquals(n.id(), bn.info().labels().get("org.libnetwork4j.docker.id"));

            Endpoint e1 = n.createEndpoint("one");
            Endpoint e2 = n.createEndpoint("two");
            assertEquals("10.95.0.2/24", b.networkByName(bn.name()).endpointByName("docker-" + e1.id().substring(0, 12))
                    .info().ipv4().toString(), "B's endpoint has the address A's IPAM gave");
            Sandbox s1 = e1.join("c1");
            Sandbox s2 = e2.join("c2");
            assertEquals(List.of("10.95.0.2/24"), Oracle.addrs(NsRef.of(s1), "eth0", "inet"));
            assertEquals(List.of("10.95.0.3/24"), Oracle.addrs(NsRef.of(s2), "eth0", "inet"));
            assertTrue(Oracle.ping(NsRef.of(s1), "10.95.0.3"));
            assertTrue(Oracle.ping(NsRef.of(s2), "10.95.0.2"));
            assertTrue(Oracle.ping(NsRef.of(s1), "10.95.0.1"), "B's bridge is the gateway");
            // the host end of the join is on B's bridge, as B's own joins
            JsonNode hostEnd = Oracle.hostEnd(ns.host(), bEndpointId(b, bn, e1)).orElseThrow();
            assertFalse(hostEnd.path("master").asText().isEmpty());

            e1.leave(s1);
            assertTrue(Oracle.link(NsRef.of(s1), "eth0").isEmpty());
            assertTrue(Oracle.hostEnd(ns.host(), bEndpointId(b, bn, e1)).isEmpty(), "B removed its veth");
            e1.delete(false);
            s2.delete();
            n.delete();
            assertEquals(List.of(), b.networks().stream().filter(x -> x.name().equals(bn.name())).toList());
            assertEquals(List.of(), b.sandboxes());
        } finally {
            pool.shutdownNow();
        }
    }

    private static String bEndpointId(NetworkController b, Network bn, Endpoint onA) {
        return b.networkByName(bn.name()).endpointByName("docker-" + onA.id().substring(0, 12)).id();
    }
}
