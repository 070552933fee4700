package org.libnetwork4j.driver.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.ControllerConfig;
import org.libnetwork4j.Endpoint;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.NetworkException;
import org.libnetwork4j.NetworkOptions;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.Sandbox;
import org.libnetwork4j.http.BadResponseException;
import org.libnetwork4j.http.ConnectFailedException;
import org.libnetwork4j.http.ResponseTimeoutException;
import org.libnetwork4j.testing.Eventually;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;
import org.libnetwork4j.testing.NsRef;
import org.libnetwork4j.testing.Oracle;

/**
 * Plugins that die, hang, answer garbage, start late or never: each call fails with a typed
 * error naming the plugin and the method, within its bounds, and leaves nothing of the
 * controller's behind (no network, endpoint, join, record or address), checked through the
 * controller's listings, a restarted controller and ip -j in the fake host.
 */
@ExtendWith(NetnsExtension.class)
@Timeout(120)
class FailingPluginTest {
    private static final String P = VethPluginTest.PLUGIN;

    private static ControllerConfig config(Namespaces ns) {
        return VethPluginTest.dirs(ns, VethPluginTest.config(ns)).build();
    }

    private static void assertNames(NetworkException e, String method) {
        assertTrue(e.getMessage().contains("plugin \"" + P + "\": " + method + ": "), e.getMessage());
    }

    /** Links of the fake host the plugin may have made: its bridges (pb*) and veths (pv*, pc*). */
    private static List<String> pluginLinks(Namespaces ns) {
        return Oracle.linkNames(ns.host()).stream().filter(n -> n.startsWith("pv") || n.startsWith("pc")).toList();
    }

    @Test
    void aPluginKilledDuringCreateNetworkLeavesNoNetworkRecordOrSubnet(Namespaces ns) {
        ControllerConfig cfg = config(ns);
        try (PythonPlugin p = VethPluginTest.plugin(ns).start("die:NetworkDriver.CreateNetwork")) {
            try (NetworkController c = NetworkController.create(cfg)) {
                BadResponseException e = assertThrows(BadResponseException.class, () -> c.newNetwork(P, "pn",
                        NetworkOptions.builder().subnet("10.90.0.0/24").build()));
                assertNames(e, "NetworkDriver.CreateNetwork");
                assertTrue(e.getMessage().startsWith("create network \"pn\": "), e.getMessage());
                // the kernel closes a killed process's socket before the process is reaped:
                // the answer's end can come a moment before the exit
                assertEquals(Boolean.FALSE, Eventually.settled(p::alive, Boolean.FALSE), "the plugin died");
                assertThrows(NotFoundException.class, () -> c.networkByName("pn"));
                assertEquals(List.of(), Oracle.linkNames(ns.host()).stream().filter(l -> l.startsWith("pb")
                        || l.startsWith("pv") || l.startsWith("pc")).toList(), "no bridge or veth of the plugin's");
                // the subnet is free again
                c.newNetwork("bridge", "b", NetworkOptions.builder().subnet("10.90.0.0/24").build()).delete();
            }
            try (NetworkController c = NetworkController.create(cfg)) {
                assertThrows(NotFoundException.class, () -> c.networkByName("pn"));
                assertEquals(List.of(), c.recoveryReport().rolledBack(), "no intent was left in the store");
                p.start(null); // back: the name and the subnet are free for it too
                Network n = c.newNetwork(P, "pn", NetworkOptions.builder().subnet("10.90.0.0/24").build());
                n.delete();
            }
        }
    }

    @Test
    void aPluginThatHangsInJoinFailsTheJoinAtTheTimeoutAndLeavesItUndone(Namespaces ns) {
        try (PythonPlugin p = VethPluginTest.plugin(ns).start("hang:NetworkDriver.Join")) {
            NetworkController c = ns.controller(VethPluginTest.config(ns).pluginTimeout(Duration.ofMillis(1500)));
            Network n = c.newNetwork(P, "pn", NetworkOptions.builder().subnet("10.91.0.0/24").build());
            Endpoint ep = n.createEndpoint("a");
            Sandbox sb = c.newSandbox("ca");
            long t0 = System.nanoTime();
            ResponseTimeoutException e = assertThrows(ResponseTimeoutException.class, () -> ep.join(sb));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertNames(e, "NetworkDriver.Join");
            // one timeout for the Join, and its undo (Leave) answered by the plugin's other thread
            assertTrue(ms >= 1_400 && ms < 8_000, ms + " ms: the timeout is 1.5 s");
            assertEquals(1, p.calls("NetworkDriver.Leave").size(), "the join was undone at the plugin");
            assertNull(ep.info().sandboxId());
            assertEquals(List.of(), sb.endpoints());
            assertEquals(List.of("lo"), Oracle.linkNames(NsRef.of(sb)));
            assertEquals(List.of(), pluginLinks(ns));
            ep.delete(false);
            n.delete();
        }
    }

    @Test
    void aPluginThatAnswersGarbageToCreateEndpointLeavesNoEndpointNorAddress(Namespaces ns) {
        try (PythonPlugin p = VethPluginTest.plugin(ns).start("garbage:NetworkDriver.CreateEndpoint")) {
            NetworkController c = ns.controller(VethPluginTest.config(ns));
            Network n = c.newNetwork(P, "pn", NetworkOptions.builder().subnet("10.92.0.0/24").build());
            BadResponseException e = assertThrows(BadResponseException.class, () -> n.createEndpoint("a"));
            assertNames(e, "NetworkDriver.CreateEndpoint");
            assertTrue(e.getMessage().contains("no JSON object: \"<html>this is no JSON</html>\""), e.getMessage());
            assertEquals(List.of(), n.endpoints());
            assertThrows(NotFoundException.class, () -> n.endpointByName("a"));
            assertEquals(1, p.calls("NetworkDriver.DeleteEndpoint").size(), "what the plugin may have made, undone");
            assertEquals(List.of(), pluginLinks(ns), "no veth of the endpoint's in the host");
            p.kill();
            p.start(null);
            // the address went back to IPAM: the next endpoint gets it
            Endpoint again = n.createEndpoint("a");
            assertEquals("10.92.0.2/24", again.info().ipv4().toString());
            again.delete(false);
            n.delete();
        }
    }

    @Test
    void aPluginThatStartsALittleLateIsWaitedFor(Namespaces ns) throws Exception {
        Path sock = ns.dir().resolve("late").resolve("late.sock");
        Path specs = Files.createDirectories(ns.dir().resolve("specs"));
        Files.writeString(specs.resolve(P + ".spec"), "unix://" + sock + "\n");
        NetworkController c = ns.controller(VethPluginTest.config(ns).pluginRetry(Duration.ofSeconds(5)));
        PythonPlugin p = new PythonPlugin(ns.host().path(), sock, ns.dir().resolve("plugin-files"));
        Thread starter = new Thread(() -> {
            try {
                Thread.sleep(700);
                p.start(null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "late-plugin");
        try {
            starter.start();
            Network n = c.newNetwork(P, "pn", NetworkOptions.builder().subnet("10.93.0.0/24").build());
            assertTrue(Oracle.link(ns.host(), VethPluginTest.bridgeOf(n)).isPresent());
            // dies between calls, back within the bound: the next call waits for it
            p.kill();
            starter = new Thread(() -> {
                try {
                    Thread.sleep(700);
                    p.start(null);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "restarted-plugin");
            starter.start();
            Endpoint ep = n.createEndpoint("a");
            assertEquals("10.93.0.2/24", ep.info().ipv4().toString());
            ep.delete(false);
            n.delete();
        } finally {
            starter.join(15_000);
            p.close();
        }
    }

    @Test
    void aPluginThatNeverComesFailsAfterTheBoundAndLeavesNothing(Namespaces ns) throws Exception {
        Path sock = ns.dir().resolve("never").resolve("never.sock");
        Path specs = Files.createDirectories(ns.dir().resolve("specs"));
        Files.writeString(specs.resolve(P + ".spec"), "unix://" + sock + "\n");
        NetworkController c = ns.controller(VethPluginTest.config(ns));
        for (int i = 0; i < 2; i++) { // not remembered as failed: each call looks again
            long t0 = System.nanoTime();
            ConnectFailedException e = assertThrows(ConnectFailedException.class, () -> c.newNetwork(P, "pn",
                    NetworkOptions.builder().subnet("10.94.0.0/24").build()));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertNames(e, "Plugin.Activate");
            assertTrue(e.getMessage().contains("connect to unix://" + sock), e.getMessage());
            assertTrue(ms >= 1_400 && ms < 6_000, ms + " ms: the retry bound is 1.5 s");
        }
        assertThrows(NotFoundException.class, () -> c.networkByName("pn"));
        c.newNetwork("bridge", "b", NetworkOptions.builder().subnet("10.94.0.0/24").build()).delete();
    }
}
