package org.libnetwork4j.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.Endpoint;
import org.libnetwork4j.EndpointInfo;
import org.libnetwork4j.JoinOptions;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.NetworkOptions;
import org.libnetwork4j.Sandbox;
import org.libnetwork4j.SandboxOptions;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;
import org.libnetwork4j.testing.NsRef;
import org.libnetwork4j.testing.Oracle;

/** libnetwork's README example, in Java, checked from outside with ip and ping. */
@ExtendWith(NetnsExtension.class)
class OriginalExampleTest {

    @Test
    void theExampleEveryUserTriesFirst(Namespaces ns) throws Exception {
        NetworkController controller = ns.controller();
        controller.configureNetworkDriver("bridge", Map.of());
        Network network = controller.newNetwork("bridge", "network1", NetworkOptions.defaults());
        Endpoint ep = network.createEndpoint("Endpoint1");
        Sandbox sbx = ep.join("container1", JoinOptions.hostname("test"), JoinOptions.domainname("docker.io"));

        // the host side: a bridge named after the network, with the first default pool's gateway
        String bridge = "br-" + network.id().substring(0, 12);
        assertEquals(List.of("172.17.0.1/16"), Oracle.addrs(ns.host(), bridge, "inet"));
        var hostEnd = Oracle.link(ns.host(), "veth" + ep.id().substring(0, 7)).orElseThrow();
        assertEquals(bridge, hostEnd.path("master").asText());

        // the container side: eth0 with Docker's MAC for its address, and the default route
        NsRef box = NsRef.of(sbx);
        assertEquals(sbx.key(), ns.dir().resolve("run").resolve("netns").resolve(sbx.id().substring(0, 12)).toString());
        assertEquals(List.of("172.17.0.2/16"), Oracle.addrs(box, "eth0", "inet"));
        assertEquals("02:42:ac:11:00:02", Oracle.link(box, "eth0").orElseThrow().path("address").asText());
        var def = Oracle.ip(box, "route", "show", "default").get(0);
        assertEquals("172.17.0.1", def.path("gateway").asText());
        assertTrue(Oracle.ping(box, "172.17.0.1"), "the container reaches its gateway");
        assertTrue(Oracle.link(box, "lo").orElseThrow().path("flags").toString().contains("\"UP\""));
        // an IPv4-only network gives its interfaces no IPv6 (Docker's rule), loopback keeps ::1;
        // the bridge port makes no link-local address and obeys no router advertisement
        assertEquals(List.of(), Oracle.addrs(box, "eth0", "inet6"));
        assertEquals(List.of("::1/128"), Oracle.addrs(box, "lo", "inet6"));
        assertTrue(Oracle.out(box, "ip", "-d", "link", "show", "dev", "eth0").contains("addrgenmode none"),
                "eth0 makes no link-local address either");
        assertTrue(Oracle.out(ns.host(), "ip", "-d", "link", "show", "dev", "veth" + ep.id().substring(0, 7))
                .contains("addrgenmode none"));
        assertEquals(List.of(), Oracle.addrs(ns.host(), "veth" + ep.id().substring(0, 7), "inet6"));

        // what the API reports agrees
        EndpointInfo info = ep.info();
        assertEquals("eth0", info.interfaceName());
        assertEquals("172.17.0.2/16", info.ipv4().toString());
        assertEquals(sbx.id(), info.sandboxId());
        assertEquals(ep, sbx.gatewayEndpoint().orElseThrow());
        assertEquals("test", sbx.hostname());

        // the files a runtime bind-mounts
        String hosts = Files.readString(sbx.hostsPath());
        assertTrue(hosts.startsWith("127.0.0.1\tlocalhost\n"), hosts);
        assertTrue(hosts.contains("172.17.0.2\ttest.docker.io test\n"), hosts);
        String resolv = Files.readString(sbx.resolvConfPath());
        assertTrue(resolv.contains("nameserver "), resolv);
        assertFalse(resolv.contains("nameserver 127."), resolv);

        // and it all goes away
        sbx.delete();
        assertFalse(Files.exists(Path.of(sbx.key())), "namespace file left behind");
        assertFalse(Files.exists(sbx.hostsPath()), "hosts file left behind");
        assertTrue(network.endpoints().isEmpty(), "the sandbox deletes its endpoints");
        network.delete();
        assertFalse(Oracle.upLinkNames(ns.host()).contains(bridge), "the bridge is down at once");
        assertNull(controller.networks().stream().filter(n -> n.name().equals("network1")).findAny().orElse(null));
        // what the kernel removes with the namespace, and the bridge, go in the background; they do go
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (Oracle.linkNames(ns.host()).size() > 1 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(List.of("lo"), Oracle.linkNames(ns.host()));
    }

    @Test
    void theSandboxFirstForm(Namespaces ns) {
        NetworkController controller = ns.controller();
        Network network = controller.newNetwork("bridge", "network1");
        Endpoint ep = network.createEndpoint("Endpoint1");
        Sandbox sbx = controller.newSandbox("container1",
                SandboxOptions.builder().hostname("test").domainname("docker.io").build());
        ep.join(sbx);
        assertEquals(List.of("172.17.0.2/16"), Oracle.addrs(NsRef.of(sbx), "eth0", "inet"));
        assertEquals(sbx, controller.sandboxByContainerId("container1"));
        // joining by container id finds the existing sandbox: a second interface, eth1
        assertEquals(sbx, network.createEndpoint("Endpoint2").join("container1"));
        assertEquals(List.of("172.17.0.3/16"), Oracle.addrs(NsRef.of(sbx), "eth1", "inet"));
    }
}
