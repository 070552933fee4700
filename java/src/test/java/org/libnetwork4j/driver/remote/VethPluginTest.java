package org.libnetwork4j.driver.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.ControllerConfig;
import org.libnetwork4j.Endpoint;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.NetworkOptions;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.Sandbox;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;
import org.libnetwork4j.testing.NsRef;
import org.libnetwork4j.testing.Oracle;

/**
 * A controller whose networks go through an independent Docker plugin (veth_plugin.py, in
 * Python): it makes a bridge per network and a veth pair per join in the fake host, and the
 * controller moves the plugin's end into the sandbox. Checked with real pings and ip -j.
 */
@ExtendWith(NetnsExtension.class)
@Timeout(120)
class VethPluginTest {
    static final String PLUGIN = "vethp";

    static ControllerConfig.Builder config(Namespaces ns) {
        return ControllerConfig.builder().hostResolvConf(ns.fakeResolvConf("192.0.2.53"))
                .pluginSocketDir(ns.dir().resolve("plugins")).pluginSpecDirs(List.of(ns.dir().resolve("specs")))
                .pluginRetry(Duration.ofMillis(1500)).pluginTimeout(Duration.ofSeconds(5));
    }

    static PythonPlugin plugin(Namespaces ns) {
        return new PythonPlugin(ns.host().path(), ns.dir().resolve("plugins").resolve(PLUGIN + ".sock"),
                ns.dir().resolve("plugin-files"));
    }

    static String bridgeOf(Network n) {
        return "pb" + n.id().substring(0, 10);
    }

    @Test
    void twoSandboxesOnAPluginsNetworkReachEachOtherThroughItsBridge(Namespaces ns) {
        try (PythonPlugin p = plugin(ns).start(null)) {
            NetworkController c = ns.controller(config(ns));
            Network n = c.newNetwork(PLUGIN, "pn", NetworkOptions.builder().subnet("10.77.0.0/24")
                    .option("color", "blue").build());
            assertEquals(PLUGIN, n.type());
            // the plugin's own bridge, with the gateway the controller's IPAM chose
            assertEquals(List.of("10.77.0.1/24"), Oracle.addrs(ns.host(), bridgeOf(n), "inet"));
            JsonNode create = p.calls("NetworkDriver.CreateNetwork").get(0);
            assertEquals(n.id(), create.path("NetworkID").asText());
            assertEquals("blue", create.path("Options").path("com.docker.network.generic").path("color").asText());
            assertEquals("10.77.0.0/24", create.path("IPv4Data").get(0).path("Pool").asText());

            Endpoint ea = n.createEndpoint("a");
            Endpoint eb = n.createEndpoint("b");
            // no MAC was asked for: the plugin's is the endpoint's
            assertEquals("02:aa:" + String.join(":", ea.id().substring(0, 2), ea.id().substring(2, 4),
                    ea.id().substring(4, 6), ea.id().substring(6, 8)), ea.info().mac().toString());
            Sandbox a = ea.join("ca");
            Sandbox b = eb.join("cb");
            assertEquals(a.key(), p.calls("NetworkDriver.Join").get(0).path("SandboxKey").asText());
            // the plugin's interface moved in as eth0, with the endpoint's address and MAC
            assertEquals(List.of("10.77.0.2/24"), Oracle.addrs(NsRef.of(a), "eth0", "inet"));
            assertEquals(List.of("10.77.0.3/24"), Oracle.addrs(NsRef.of(b), "eth0", "inet"));
            assertEquals(ea.info().mac().toString(),
                    Oracle.link(NsRef.of(a), "eth0").orElseThrow().path("address").asText());
            assertFalse(Oracle.linkNames(ns.host()).contains("pc" + ea.id().substring(0, 10)), "moved out of the host");
            assertTrue(Oracle.ping(NsRef.of(a), "10.77.0.3"));
            assertTrue(Oracle.ping(NsRef.of(b), "10.77.0.2"));
            assertTrue(Oracle.ping(NsRef.of(a), "10.77.0.1"), "the plugin's gateway");
            String route = Oracle.out(NsRef.of(a), "ip", "-4", "route", "show", "default");
            assertTrue(route.contains("via 10.77.0.1 dev eth0"), route);

            ea.leave(a);
            assertTrue(Oracle.link(NsRef.of(a), "eth0").isEmpty());
            assertFalse(Oracle.linkNames(ns.host()).contains("pv" + ea.id().substring(0, 10)));
            ea.delete(false);
            eb.delete(true);
            n.delete();
            assertFalse(Oracle.linkNames(ns.host()).contains(bridgeOf(n)));
            assertEquals(List.of(), c.networks().stream().filter(x -> x.type().equals(PLUGIN)).toList());
            assertEquals(1, p.calls("NetworkDriver.DeleteNetwork").size());
        }
    }

    @Test
    void aRestartedControllerTakesUpThePluginsNetworkWithoutCreatingItAgain(Namespaces ns) {
        try (PythonPlugin p = plugin(ns).start(null)) {
            ControllerConfig cfg = dirs(ns, config(ns)).build();
            String eaId;
            String key;
            try (NetworkController c = NetworkController.create(cfg)) {
                Network n = c.newNetwork(PLUGIN, "pn", NetworkOptions.builder().subnet("10.78.0.0/24").build());
                Endpoint ea = n.createEndpoint("a");
                key = ea.join("ca").key();
                n.createEndpoint("b").join("cb");
                eaId = ea.id();
            }
            try (NetworkController c = NetworkController.create(cfg)) {
                Network n = c.networkByName("pn");
                assertEquals(List.of(), c.recoveryReport().warnings());
                // the plugin refuses an id it has: one CreateNetwork, ever
                assertEquals(1, p.calls("NetworkDriver.CreateNetwork").size());
                Sandbox a = c.sandboxByContainerId("ca");
                assertEquals(key, a.key());
                assertTrue(Oracle.ping(NsRef.of(a), "10.78.0.3"));
                // the next address is the third: both endpoints' are reserved again
                Endpoint third = n.createEndpoint("c");
                assertEquals("10.78.0.4/24", third.info().ipv4().toString());
                third.delete(false);
                Endpoint ea = n.endpointByName("a");
                assertEquals(eaId, ea.id());
                ea.leave(a);
                assertTrue(Oracle.link(NsRef.of(a), "eth0").isEmpty(), "the plugin's Leave took the veth");
                for (Sandbox s : c.sandboxes()) {
                    s.delete();
                }
                for (Endpoint e : n.endpoints()) {
                    e.delete(true);
                }
                n.delete();
                assertFalse(Oracle.linkNames(ns.host()).contains("pb" + n.id().substring(0, 10)));
            }
        }
    }

    @Test
    void aNetworkWhosePluginIsGoneAtRestartKeepsItsRecordUntilThePluginIsBack(Namespaces ns) {
        ControllerConfig cfg = dirs(ns, config(ns)).build();
        PythonPlugin p = plugin(ns);
        try {
            p.start(null);
            String id;
            try (NetworkController c = NetworkController.create(cfg)) {
                Network n = c.newNetwork(PLUGIN, "pn", NetworkOptions.builder().subnet("10.79.0.0/24").build());
                n.createEndpoint("a").join("ca");
                id = n.id();
            }
            p.kill();
            Files.deleteIfExists(p.socket);
            try (NetworkController c = NetworkController.create(cfg)) {
                assertThrows(NotFoundException.class, () -> c.networkByName("pn"));
                String w = String.join("\n", c.recoveryReport().warnings());
                assertTrue(w.contains("network pn of driver \"vethp\" not taken up, kept in the store"), w);
                // its subnet stays reserved: no other network gets it
                assertThrows(org.libnetwork4j.NetworkException.class, () -> c.newNetwork("bridge", "other",
                        NetworkOptions.builder().subnet("10.79.0.0/24").build()));
            }
            p.start(null); // knows its network from its state file, as a real plugin does
            try (NetworkController c = NetworkController.create(cfg)) {
                Network n = c.networkByName("pn");
                assertEquals(id, n.id());
                Sandbox a = c.sandboxByContainerId("ca");
                assertTrue(Oracle.ping(NsRef.of(a), "10.79.0.1"));
                a.delete(); // its endpoint goes with it
                assertEquals(1, p.calls("NetworkDriver.DeleteEndpoint").size());
                n.delete();
                assertFalse(Oracle.linkNames(ns.host()).contains("pb" + id.substring(0, 10)));
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            p.close();
        }
    }

    @Test
    void anUnknownTypeNamesTheKnownDriversAndWherePluginsWereLookedFor(Namespaces ns) {
        NetworkController c = ns.controller(config(ns));
        NotFoundException e = assertThrows(NotFoundException.class,
                () -> c.newNetwork("nosuch", "x", NetworkOptions.builder().build()));
        assertTrue(e.getMessage().contains("network driver \"nosuch\" not found (known: bridge, host, null"),
                e.getMessage());
        assertTrue(e.getMessage().contains("no plugin \"nosuch\" in " + ns.dir().resolve("plugins") + ", "
                + ns.dir().resolve("specs")), e.getMessage());
        assertEquals(List.of(), c.networks().stream().filter(n -> n.name().equals("x")).toList());
    }

    @Test
    void aPluginIsFoundByItsSpecFileToo(Namespaces ns) throws Exception {
        // its socket elsewhere: only the spec files tell where
        Path elsewhere = ns.dir().resolve("elsewhere").resolve("p.sock");
        try (PythonPlugin p = new PythonPlugin(ns.host().path(), elsewhere, ns.dir().resolve("plugin-files")).start(
                null)) {
            Path specs = Files.createDirectories(ns.dir().resolve("specs"));
            Files.writeString(specs.resolve("byspec.spec"), "unix://" + elsewhere + "\n");
            Files.writeString(specs.resolve("byjson.json"), "{\"Name\":\"byjson\",\"Addr\":\"unix://" + elsewhere
                    + "\"}");
            NetworkController c = ns.controller(config(ns));
            Network a = c.newNetwork("byspec", "a", NetworkOptions.builder().subnet("10.80.0.0/24").build());
            Network b = c.newNetwork("byjson", "b", NetworkOptions.builder().subnet("10.81.0.0/24").build());
            assertNotNull(Oracle.link(ns.host(), bridgeOf(a)).orElse(null));
            assertNotNull(Oracle.link(ns.host(), bridgeOf(b)).orElse(null));
            assertEquals(2, p.calls("NetworkDriver.CreateNetwork").size());
            assertEquals(2, p.calls("Plugin.Activate").size(), "one activation per plugin name");
            a.delete();
            b.delete();
        }
    }

    /** Directories of its own for a controller opened and closed by the test itself. */
    static ControllerConfig.Builder dirs(Namespaces ns, ControllerConfig.Builder b) {
        return b.stateDir(ns.dir().resolve("state")).runDir(ns.dir().resolve("run")).hostNamespace(ns.host().path());
    }
}
