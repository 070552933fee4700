package org.libnetwork4j.driver.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.AlreadyExistsException;
import org.libnetwork4j.ControllerConfig;
import org.libnetwork4j.Endpoint;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.NetworkOptions;
import org.libnetwork4j.Sandbox;
import org.libnetwork4j.http.Handler;
import org.libnetwork4j.http.Response;
import org.libnetwork4j.http.UnixHttpServer;
import org.libnetwork4j.plugin.DockerPlugin;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;
import org.libnetwork4j.testing.NsRef;
import org.libnetwork4j.testing.Oracle;

/**
 * libnetwork4j's IPAM through libnetwork4j: controller A's bridge network takes its addresses
 * from the IPAM side of {@link DockerPlugin} serving controller B (another state, the same
 * fake host). What B's plugin holds is probed through the plugin itself: an address it holds
 * is refused when asked for again, a subnet it released is given again.
 */
@ExtendWith(NetnsExtension.class)
@Timeout(120)
class IpamRoundTripTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<String> pools = new CopyOnWriteArrayList<>();

    @Test
    void aControllerTakesItsAddressesFromAnothersIpamPlugin(Namespaces ns) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        ControllerConfig bConfig = ControllerConfig.builder().stateDir(ns.dir().resolve("b-state"))
                .runDir(ns.dir().resolve("b-run")).hostNamespace(ns.host().path())
                .hostResolvConf(ns.fakeResolvConf("192.0.2.53")).build();
        NetworkController a = ns.controller(VethPluginTest.config(ns));
        var socket = ns.dir().resolve("plugins").resolve("libnetwork4j.sock");
        try (NetworkController b = NetworkController.create(bConfig);
                UnixHttpServer server = UnixHttpServer.start(socket, recording(new DockerPlugin(b, List.of())), pool)) {
            PluginClient probe = new PluginClient("libnetwork4j", "unix://" + socket, Duration.ofSeconds(5),
                    Duration.ofSeconds(1));
            Network n = a.newNetwork("bridge", "viaplugin", NetworkOptions.builder().ipamDriver("libnetwork4j")
                    .subnet("10.97.0.0/24").build());
            assertEquals("10.97.0.1", n.info().ipam().get(0).gateway().getHostAddress(), "the plugin's gateway");
            Endpoint e1 = n.createEndpoint("one");
            Endpoint e2 = n.createEndpoint("two");
            Sandbox s1 = e1.join("c1");
            Sandbox s2 = e2.join("c2");
            assertEquals(List.of("10.97.0.2/24"), Oracle.addrs(NsRef.of(s1), "eth0", "inet"));
            assertEquals(List.of("10.97.0.3/24"), Oracle.addrs(NsRef.of(s2), "eth0", "inet"));
            assertTrue(Oracle.ping(NsRef.of(s1), "10.97.0.3"));
            assertEquals(1, pools.size());
            String poolId = pools.get(0);
            // the plugin holds the endpoints' addresses
            assertThrows(AlreadyExistsException.class, () -> probe.call("IpamDriver.RequestAddress",
                    address(poolId, "10.97.0.2")));

            e1.leave(s1);
            e1.delete(false);
            // released: the plugin gives it again (and takes it back)
            probe.call("IpamDriver.RequestAddress", address(poolId, "10.97.0.2"));
            probe.call("IpamDriver.ReleaseAddress", address(poolId, "10.97.0.2"));
            s2.delete();
            n.delete();
            // the pool is released: its subnet can be had again
            JsonNode again = probe.call("IpamDriver.RequestPool", JSON.createObjectNode()
                    .put("AddressSpace", "").put("Pool", "10.97.0.0/24").put("SubPool", "").put("V6", false));
            probe.call("IpamDriver.ReleasePool", JSON.createObjectNode().put("PoolID", again.path("PoolID").asText()));
            assertEquals(List.of(), a.networks().stream().filter(x -> x.name().equals("viaplugin")).toList());
        } finally {
            pool.shutdownNow();
        }
    }

    private static ObjectNode address(String poolId, String address) {
        return JSON.createObjectNode().put("PoolID", poolId).put("Address", address);
    }

    /** The plugin, the pool ids its RequestPool answers gave kept in {@link #pools}. */
    private Handler recording(DockerPlugin plugin) {
        return request -> {
            Response r = plugin.handle(request);
            if (request.path().equals("/IpamDriver.RequestPool") && r.status() == 200) {
                try {
                    pools.add(JSON.readTree(r.body()).path("PoolID").asText());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return r;
        };
    }
}
