package org.libnetwork4j.driver.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.Endpoint;
import org.libnetwork4j.InternalException;
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
 * Bridge networks whose addresses come from ipam_plugin.py, a Docker IPAM plugin written for
 * the tests (standard library Python), run in the fake host namespace: the addresses a
 * sandbox gets, the gateway request dockerd's way, errors the plugin answers, a restart.
 */
@ExtendWith(NetnsExtension.class)
@Timeout(120)
class RemoteIpamTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PLUGIN = "pyipam";

    static PythonPlugin plugin(Namespaces ns) {
        return new PythonPlugin(ns.host().path(), ns.dir().resolve("plugins").resolve(PLUGIN + ".sock"),
                ns.dir().resolve("ipam-files"), "ipam_plugin.py");
    }

    /** The plugin's pools, as its state file has them. */
    static JsonNode pools(PythonPlugin p) throws IOException {
        return JSON.readTree(Files.readString(p.dir.resolve("state.json"))).path("pools");
    }

    @Test
    void aBridgeNetworkTakesItsAddressesFromThePlugin(Namespaces ns) throws Exception {
        try (PythonPlugin p = plugin(ns).start(null)) {
            NetworkController c = ns.controller(VethPluginTest.config(ns));
            Network n = c.newNetwork("bridge", "pyn", NetworkOptions.builder().ipamDriver(PLUGIN)
                    .ipamOption("pool", "10.96.0.0/24").build());
            assertEquals("10.96.0.0/24", n.info().ipam().get(0).subnet().toString());
            assertEquals(PLUGIN, n.info().ipamDriver());
            assertEquals(java.util.Map.of("pool", "10.96.0.0/24"), n.info().ipamOptions());
            List<JsonNode> poolCalls = p.calls("IpamDriver.RequestPool");
            assertEquals(1, poolCalls.size());
            assertEquals("pylocal", poolCalls.get(0).path("AddressSpace").asText(), "the plugin's own space");
            assertEquals("10.96.0.0/24", poolCalls.get(0).path("Options").path("pool").asText());
            JsonNode gw = p.calls("IpamDriver.RequestAddress").get(0);
            assertEquals("com.docker.network.gateway", gw.path("Options").path("RequestAddressType").asText(),
                    "the gateway is asked for as dockerd asks");

            Endpoint e1 = n.createEndpoint("one");
            Endpoint e2 = n.createEndpoint("two");
            Sandbox s1 = e1.join("c1");
            Sandbox s2 = e2.join("c2");
            assertEquals(List.of("10.96.0.2/24"), Oracle.addrs(NsRef.of(s1), "eth0", "inet"));
            assertEquals(List.of("10.96.0.3/24"), Oracle.addrs(NsRef.of(s2), "eth0", "inet"));
            assertTrue(Oracle.ping(NsRef.of(s1), "10.96.0.3"));
            assertTrue(Oracle.ping(NsRef.of(s2), "10.96.0.1"), "the bridge has the plugin's gateway");
            String pool = pools(p).fieldNames().next();
            assertEquals(List.of("10.96.0.1", "10.96.0.2", "10.96.0.3"), used(p, pool));

            e1.leave(s1);
            e1.delete(false);
            assertEquals(List.of("10.96.0.1", "10.96.0.3"), used(p, pool), "the endpoint's address is released");
            s2.delete();
            n.delete();
            assertEquals(0, pools(p).size(), "the pool is released");
        }
    }

    @Test
    void anExhaustedPoolIsATypedErrorNamingPluginAndMethod(Namespaces ns) throws Exception {
        try (PythonPlugin p = plugin(ns).start(null)) {
            NetworkController c = ns.controller(VethPluginTest.config(ns));
            // a /30: the gateway and one endpoint
            Network n = c.newNetwork("bridge", "tiny", NetworkOptions.builder().ipamDriver(PLUGIN)
                    .subnet("10.96.1.0/30").build());
            Endpoint one = n.createEndpoint("one");
            assertEquals("10.96.1.2/30", one.info().ipv4().toString());
            InternalException e = assertThrows(InternalException.class, () -> n.createEndpoint("two"));
            assertTrue(e.getMessage().contains("plugin \"" + PLUGIN + "\": IpamDriver.RequestAddress"), e.getMessage());
            assertTrue(e.getMessage().contains("no address available"), e.getMessage());
            assertEquals(List.of("one"), n.endpoints().stream().map(Endpoint::name).toList(), "nothing left behind");
            String pool = pools(p).fieldNames().next();
            assertEquals(List.of("10.96.1.1", "10.96.1.2"), used(p, pool));
            one.delete(false);
            n.delete();
            assertEquals(0, pools(p).size());
        }
    }

    @Test
    void anUnknownIpamDriverIsNotFoundAndMakesNothing(Namespaces ns) {
        NetworkController c = ns.controller(VethPluginTest.config(ns));
        NotFoundException e = assertThrows(NotFoundException.class, () -> c.newNetwork("bridge", "x",
                NetworkOptions.builder().ipamDriver("nosuch").build()));
        assertTrue(e.getMessage().contains("IPAM driver \"nosuch\""), e.getMessage());
        assertTrue(e.getMessage().contains(ns.dir().resolve("plugins").toString()), e.getMessage());
        assertEquals(List.of(), c.networks());
        // the default pool the network would have had is free
        Network d = c.newNetwork("bridge", "d", NetworkOptions.defaults());
        d.delete();
    }

    @Test
    void aRestartTakesTheNetworkUpWithoutRequestingItsPoolAgain(Namespaces ns) throws Exception {
        try (PythonPlugin p = plugin(ns).start(null)) {
            NetworkController c = ns.controller(VethPluginTest.config(ns));
            Network n = c.newNetwork("bridge", "kept", NetworkOptions.builder().ipamDriver(PLUGIN)
                    .subnet("10.96.2.0/24").build());
            Endpoint e = n.createEndpoint("one");
            c.close();
            int pools = p.calls("IpamDriver.RequestPool").size();
            int addresses = p.calls("IpamDriver.RequestAddress").size();

            NetworkController again = ns.controller(VethPluginTest.config(ns));
            Network n2 = again.networkByName("kept");
            assertEquals("10.96.2.0/24", n2.info().ipam().get(0).subnet().toString());
            assertEquals(pools, p.calls("IpamDriver.RequestPool").size(), "the plugin keeps its pools");
            assertEquals(addresses, p.calls("IpamDriver.RequestAddress").size());
            assertEquals("10.96.2.2/24", n2.endpointByName("one").info().ipv4().toString());
            Endpoint e2 = n2.createEndpoint("two");
            assertEquals("10.96.2.3/24", e2.info().ipv4().toString(), "new addresses from the same pool");
            e2.delete(false);
            n2.endpointByName(e.name()).delete(false);
            n2.delete();
            assertEquals(0, pools(p).size(), "released by the pool id the store kept");
        }
    }

    @Test
    void aNetworkWhoseIpamPluginIsGoneAtRestartStaysInTheStore(Namespaces ns) throws Exception {
        try (PythonPlugin p = plugin(ns).start(null)) {
            NetworkController c = ns.controller(VethPluginTest.config(ns));
            c.newNetwork("bridge", "waits", NetworkOptions.builder().ipamDriver(PLUGIN).subnet("10.96.3.0/24").build());
            c.close();
            p.kill();
            NetworkController without = ns.controller(VethPluginTest.config(ns));
            assertEquals(List.of(), without.networks(), "not taken up");
            assertTrue(without.recoveryReport().warnings().stream().anyMatch(w -> w.contains("IPAM driver \""
                    + PLUGIN + "\"")), without.recoveryReport().warnings().toString());
            without.close();
            p.start(null); // over the same state file: it still has the pool
            NetworkController back = ns.controller(VethPluginTest.config(ns));
            Network n = back.networkByName("waits");
            n.delete();
            assertEquals(0, pools(p).size());
        }
    }

    private static List<String> used(PythonPlugin p, String pool) throws IOException {
        List<String> l = new java.util.ArrayList<>();
        pools(p).path(pool).path("used").forEach(a -> l.add(a.asText()));
        return l;
    }
}
