package org.libnetwork4j.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.NetworkOptions;
import org.libnetwork4j.http.Request;
import org.libnetwork4j.http.Response;
import org.libnetwork4j.testing.Eventually;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;
import org.libnetwork4j.testing.Oracle;

/**
 * The plugin's protocol as dockerd speaks it, call by call, against a controller bound to a
 * fake host: the replies' fields, Docker's error rules, bad requests that change nothing, the
 * IPAM ledger rebuilt after a restart, concurrent address requests. Checked with ip in the
 * fake host and with the controller's networks.
 */
@ExtendWith(NetnsExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DockerPluginProtocolTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NET = "a".repeat(64);
    private static final String EP = "b".repeat(64);

    private static Response call(DockerPlugin p, String path, String body) {
        return p.handle(new Request("POST", path, Map.of(), Map.of(), body.getBytes(StandardCharsets.UTF_8)));
    }

    private static JsonNode ok(DockerPlugin p, String path, String body) {
        Response r = call(p, path, body);
        assertEquals(200, r.status(), () -> path + ": " + r.bodyText());
        try {
            return JSON.readTree(r.body());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode failed(DockerPlugin p, String path, String body, int status) {
        Response r = call(p, path, body);
        assertEquals(status, r.status(), () -> path + ": " + r.bodyText());
        try {
            return JSON.readTree(r.body());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aNetworkItsEndpointAndItsJoinAsDockerdMakesThem(Namespaces ns) {
        NetworkController c = ns.controller();
        DockerPlugin p = new DockerPlugin(c, List.of());
        assertEquals("[\"NetworkDriver\",\"IpamDriver\"]", ok(p, "/Plugin.Activate", "").path("Implements").toString());
        assertEquals("local", ok(p, "/NetworkDriver.GetCapabilities", "null").path("Scope").asText());
        JsonNode pool = ok(p, "/IpamDriver.RequestPool", "{\"AddressSpace\":\"LocalDefault\",\"Pool\":\"10.66.0.0/24\"}");
        String poolId = pool.path("PoolID").asText();
        assertEquals("10.66.0.0/24", pool.path("Pool").asText());
        String gw = ok(p, "/IpamDriver.RequestAddress", "{\"PoolID\":\"" + poolId
                + "\",\"Options\":{\"RequestAddressType\":\"com.docker.network.gateway\"}}").path("Address").asText();
        assertEquals("10.66.0.1/24", gw);
        ok(p, "/NetworkDriver.CreateNetwork", "{\"NetworkID\":\"" + NET + "\",\"Options\":{\"com.docker.network.generic\":"
                + "{\"com.docker.network.bridge.name\":\"lnwt-dbr\"},\"com.docker.network.enable_ipv6\":false},"
                + "\"IPv4Data\":[{\"AddressSpace\":\"LocalDefault\",\"Pool\":\"10.66.0.0/24\",\"Gateway\":\"" + gw + "\"}]}");
        assertTrue(Oracle.addrs(ns.host(), "lnwt-dbr", "inet").contains("10.66.0.1/24"), "the bridge, with the gateway");

        String addr = ok(p, "/IpamDriver.RequestAddress", "{\"PoolID\":\"" + poolId + "\"}").path("Address").asText();
        assertEquals("10.66.0.2/24", addr);
        JsonNode created = ok(p, "/NetworkDriver.CreateEndpoint", "{\"NetworkID\":\"" + NET + "\",\"EndpointID\":\"" + EP
                + "\",\"Interface\":{\"Address\":\"" + addr + "\",\"AddressIPv6\":\"\",\"MacAddress\":\"\"},"
                + "\"Options\":{\"com.docker.network.portmap\":[{\"Proto\":6,\"IP\":\"\",\"Port\":80,\"HostIP\":\"\","
                + "\"HostPort\":8086,\"HostPortEnd\":8086}]}}");
        assertFalse(created.path("Interface").has("Address"), "what dockerd sent is not sent back: " + created);
        assertEquals("02:42:0a:42:00:02", created.path("Interface").path("MacAddress").asText(), "the MAC it did not send");

        JsonNode joined = ok(p, "/NetworkDriver.Join", "{\"NetworkID\":\"" + NET + "\",\"EndpointID\":\"" + EP
                + "\",\"SandboxKey\":\"/var/run/docker/netns/0123456789ab\",\"Options\":{}}");
        String src = joined.path("InterfaceName").path("SrcName").asText();
        assertEquals("eth", joined.path("InterfaceName").path("DstPrefix").asText());
        assertEquals("10.66.0.1", joined.path("Gateway").asText());
        var waiting = Oracle.link(ns.host(), src).orElseThrow(() -> new AssertionError("SrcName " + src + " is in the host"));
        assertEquals("02:42:0a:42:00:02", waiting.path("address").asText());
        assertTrue(Oracle.out(ns.host(), "nft", "list", "ruleset").contains("8086"), "its port is published");
        ok(p, "/NetworkDriver.ProgramExternalConnectivity", "{\"NetworkID\":\"" + NET + "\",\"EndpointID\":\"" + EP + "\"}");

        ok(p, "/NetworkDriver.Leave", "{\"NetworkID\":\"" + NET + "\",\"EndpointID\":\"" + EP + "\"}");
        assertTrue(Oracle.link(ns.host(), src).isEmpty(), "the leave took the interface");
        assertTrue(c.sandboxes().isEmpty(), "and dockerd's sandbox, its last endpoint gone");
        ok(p, "/NetworkDriver.DeleteEndpoint", "{\"NetworkID\":\"" + NET + "\",\"EndpointID\":\"" + EP + "\"}");
        ok(p, "/NetworkDriver.DeleteEndpoint", "{\"NetworkID\":\"" + NET + "\",\"EndpointID\":\"" + EP + "\"}");
        ok(p, "/IpamDriver.ReleaseAddress", "{\"PoolID\":\"" + poolId + "\",\"Address\":\"10.66.0.2\"}");
        ok(p, "/NetworkDriver.DeleteNetwork", "{\"NetworkID\":\"" + NET + "\"}");
        ok(p, "/IpamDriver.ReleasePool", "{\"PoolID\":\"" + poolId + "\"}");
        // down at once, and gone as soon as the kernel's background delete ends
        assertFalse(Oracle.upLinkNames(ns.host()).contains("lnwt-dbr"), "the bridge is down");
        assertEquals(Boolean.FALSE, Eventually.settled(() -> Oracle.link(ns.host(), "lnwt-dbr").isPresent(), false),
                "the bridge is gone");
        assertFalse(Oracle.out(ns.host(), "nft", "list", "ruleset").contains("8086"), "and the port's rules");
        assertTrue(c.networks().isEmpty());
    }

    @Test
    void dockersErrorRulesAndBadRequestsThatChangeNothing(Namespaces ns) {
        NetworkController c = ns.controller();
        DockerPlugin p = new DockerPlugin(c, List.of());
        assertTrue(failed(p, "/NetworkDriver.AllocateNetwork", "{}", 404).path("Err").asText().contains("no such"));
        assertTrue(failed(p, "/Nothing.Here", "{}", 404).has("Err"));
        assertEquals(405, p.handle(new Request("GET", "/Plugin.Activate", Map.of(), Map.of(), new byte[0])).status());
        JsonNode bad = failed(p, "/NetworkDriver.CreateNetwork", "{\"NetworkID\": ", 400);
        assertTrue(bad.path("Err").asText().contains("not JSON"), bad.toString());
        JsonNode missing = failed(p, "/NetworkDriver.CreateNetwork", "{\"IPv4Data\":[{\"Pool\":\"10.67.0.0/24\"}]}", 400);
        assertTrue(missing.path("Err").asText().contains("NetworkID"), missing.toString());
        JsonNode badPool = failed(p, "/NetworkDriver.CreateNetwork", "{\"NetworkID\":\"" + NET
                + "\",\"IPv4Data\":[{\"Pool\":\"10.67.0.0/33\"}]}", 400);
        assertTrue(badPool.path("Err").asText().contains("Pool"), badPool.toString());
        JsonNode ipam = failed(p, "/IpamDriver.RequestPool", "{\"Pool\":\"not-a-cidr\"}", 400);
        assertTrue(ipam.path("Error").asText().contains("Pool"), "IPAM's field is Error: " + ipam);
        assertTrue(failed(p, "/IpamDriver.RequestAddress", "{\"PoolID\":\"LocalDefault/10.9.9.0/24\"}", 404).has("Error"));
        assertTrue(failed(p, "/NetworkDriver.Join", "{\"NetworkID\":\"" + NET + "\",\"EndpointID\":\"" + EP
                + "\",\"SandboxKey\":\"/x/0123456789ab\"}", 404).path("Err").asText().contains("not found"));
        assertTrue(c.networks().isEmpty(), "nothing was made");
        assertTrue(c.sandboxes().isEmpty());
        assertEquals(List.of("lo"), Oracle.linkNames(ns.host()), "nothing in the kernel either");

        // a subnet the controller's own network holds is refused to dockerd
        c.newNetwork("bridge", "mine", NetworkOptions.builder().subnet("10.68.0.0/24").build());
        JsonNode taken = failed(p, "/IpamDriver.RequestPool", "{\"Pool\":\"10.68.0.0/25\"}", 403);
        assertTrue(taken.path("Error").asText().contains("10.68.0.0"), taken.toString());
        String chosen = ok(p, "/IpamDriver.RequestPool", "{}").path("Pool").asText();
        assertEquals("172.17.0.0/16", chosen, "dockerd's default pools, as its own IPAM");
    }

    @Test
    void theIpamLedgerIsRebuiltFromTheControllersNetworksAfterARestart(Namespaces ns) {
        NetworkController c = ns.controller();
        DockerPlugin p = new DockerPlugin(c, List.of());
        String poolId = ok(p, "/IpamDriver.RequestPool", "{\"Pool\":\"10.69.0.0/24\"}").path("PoolID").asText();
        String gw = ok(p, "/IpamDriver.RequestAddress", "{\"PoolID\":\"" + poolId + "\"}").path("Address").asText();
        ok(p, "/NetworkDriver.CreateNetwork", "{\"NetworkID\":\"" + NET + "\",\"IPv4Data\":[{\"Pool\":\"10.69.0.0/24\","
                + "\"Gateway\":\"" + gw + "\"}]}");
        String addr = ok(p, "/IpamDriver.RequestAddress", "{\"PoolID\":\"" + poolId + "\"}").path("Address").asText();
        ok(p, "/NetworkDriver.CreateEndpoint", "{\"NetworkID\":\"" + NET + "\",\"EndpointID\":\"" + EP
                + "\",\"Interface\":{\"Address\":\"" + addr + "\"}}");
        c.close();

        NetworkController again = ns.controller();
        DockerPlugin p2 = new DockerPlugin(again, List.of());
        assertEquals(403, call(p2, "/IpamDriver.RequestPool", "{\"Pool\":\"10.69.0.0/24\"}").status(),
                "the pool is still dockerd's");
        assertEquals("10.69.0.3/24", ok(p2, "/IpamDriver.RequestAddress", "{\"PoolID\":\"" + poolId + "\"}")
                .path("Address").asText(), "the gateway (.1) and the endpoint (.2) are still taken");
    }

    @Test
    void sixtyFourConcurrentAddressRequestsGetDistinctAddresses(Namespaces ns) throws Exception {
        DockerPlugin p = new DockerPlugin(ns.controller(), List.of());
        String poolId = ok(p, "/IpamDriver.RequestPool", "{\"Pool\":\"10.70.0.0/24\"}").path("PoolID").asText();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<String>> all = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                all.add(pool.submit(() -> ok(p, "/IpamDriver.RequestAddress", "{\"PoolID\":\"" + poolId + "\"}")
                        .path("Address").asText()));
            }
            Set<String> got = new HashSet<>();
            for (Future<String> f : all) {
                got.add(f.get(30, TimeUnit.SECONDS));
            }
            assertEquals(64, got.size(), "no address twice: " + got);
        } finally {
            pool.shutdownNow();
        }
    }
}
