package org.libnetwork4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.testing.Eventually;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;
import org.libnetwork4j.testing.NsRef;
import org.libnetwork4j.testing.Oracle;

/**
 * The real docker CLI (28.x, which negotiates down to the server's 1.41) drives
 * {@code lnw daemon --docker-api} as a Docker user types it: {@code docker network
 * create|ls|inspect|connect|disconnect|rm|prune} with their flags, and {@code docker events}.
 * What the CLI prints is checked, and what the kernel has, with ip in the fake host and in the
 * sandboxes' namespaces.
 *
 * <p>The daemon and the CLI run in the fake host's network namespace (nsenter); the daemon's
 * state, run directory and socket, and the CLI's configuration ({@code HOME},
 * {@code DOCKER_CONFIG}), are under the test's directory. The daemon is stopped at the end, by
 * its PID, also on failure.
 */
@ExtendWith(NetnsExtension.class)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class DockerCliTest {
    /** docker.io's own CLI (20.10), as the build's prerequisites install it: not whatever docker PATH finds. */
    private static final String DOCKER_CLI = "/usr/bin/docker";
    private Namespaces ns;
    private Path dir;
    private Path socket;

    @Test
    void theDockerCliManagesLibnetwork4jNetworks(Namespaces ns) throws Exception {
        this.ns = ns;
        this.dir = ns.dir();
        this.socket = dir.resolve("api.sock");
        Path repo = Path.of(System.getProperty("user.dir")).getParent();
        Files.createDirectories(dir.resolve("docker-home"));
        Process daemon = new ProcessBuilder("nsenter", "--net=" + ns.host().path(), repo.resolve("lnw").toString(),
                "--state-dir", dir.resolve("state").toString(), "--run-dir", dir.resolve("run").toString(), "daemon",
                "--docker-api", "unix://" + socket).redirectErrorStream(true)
                .redirectOutput(dir.resolve("daemon.log").toFile()).start();
        try {
            for (int i = 0; i < 1200 && daemon.isAlive() && !Files.exists(socket); i++) {
                Thread.sleep(50);
            }
            assertTrue(daemon.isAlive() && Files.exists(socket), "the daemon's API socket: " + log());
            Instant start = Instant.now();

            String v = ok("version", "--format", "{{.Server.APIVersion}} {{.Server.Platform.Name}}").strip();
            assertTrue(v.startsWith("1.41 libnetwork4j"), v);

            // create, with every flag lnw network create has
            String n1 = ok("network", "create", "--driver", "bridge", "--subnet", "10.91.0.0/24", "--ip-range",
                    "10.91.0.128/25", "--gateway", "10.91.0.254", "--aux-address", "router=10.91.0.200", "--internal",
                    "-o", "com.docker.network.bridge.name=dapi0", "--opt", "com.docker.network.driver.mtu=1400",
                    "--label", "team=x", "n1").strip();
            assertTrue(n1.matches("[0-9a-f]{64}"), n1);
            JsonNode bridge = Oracle.link(ns.host(), "dapi0").orElseThrow(() -> new AssertionError("no bridge dapi0"));
            assertEquals(1400, bridge.path("mtu").asInt());
            assertEquals(List.of("10.91.0.254/24"), Oracle.addrs(ns.host(), "dapi0", "inet"));
            String n2 = ok("network", "create", "--ipv6", "--subnet", "10.92.0.0/24", "--subnet", "fd00:92::/64",
                    "n2").strip();
            String br2 = "br-" + n2.substring(0, 12);
            assertTrue(Oracle.addrs(ns.host(), br2, "inet6").contains("fd00:92::1/64"),
                    Oracle.addrs(ns.host(), br2, "inet6").toString());
            Oracle.Result dup = docker("network", "create", "n2");
            assertEquals(1, dup.exitCode());
            assertTrue(dup.err().contains("network with name n2 already exists"), dup.err());
            Oracle.Result badSubnet = docker("network", "create", "--subnet", "10.0.0.0/33", "n3");
            assertEquals(1, badSubnet.exitCode());
            assertTrue(badSubnet.err().contains("invalid subnet \"10.0.0.0/33\""), badSubnet.err());

            // ls, its filters and formats
            List<String> table = ok("network", "ls").lines().toList();
            assertEquals(List.of("NETWORK ID", "NAME", "DRIVER", "SCOPE"), List.of(table.get(0).split("\\s{2,}")));
            assertTrue(table.stream().anyMatch(l -> List.of(l.split("\\s+")).equals(List.of(n1.substring(0, 12), "n1",
                    "bridge", "local"))), table.toString());
            assertEquals(n1.substring(0, 12) + "\n", ok("network", "ls", "-q", "--filter", "name=n1"));
            assertEquals(List.of(n1, n2).stream().sorted().toList(), ok("network", "ls", "-q", "--no-trunc", "--filter",
                    "driver=bridge").lines().sorted().toList());
            assertEquals("", ok("network", "ls", "-q", "--filter", "driver=host"));
            assertEquals("n1\n", ok("network", "ls", "--format", "{{.Name}}", "--filter", "label=team=x"));
            assertEquals("n1\n", ok("network", "ls", "--format", "{{.Name}}", "--filter", "label=team"));
            assertEquals("n2\n", ok("network", "ls", "--format", "{{.Name}}", "--filter", "id=" + n2.substring(0, 9)));
            assertEquals("n1 bridge local true\n", ok("network", "ls", "--filter", "name=n1", "--format",
                    "{{.Name}} {{.Driver}} {{.Scope}} {{.Internal}}"));

            // inspect: by name, id and prefix, and its templates
            JsonNode ipam = Oracle.parse(ok("network", "inspect", "-f", "{{json .IPAM}}", "n1"));
            assertEquals("{\"Driver\":\"default\",\"Options\":{},\"Config\":[{\"Subnet\":\"10.91.0.0/24\",\"IPRange\":"
                    + "\"10.91.0.128/25\",\"Gateway\":\"10.91.0.254\",\"AuxiliaryAddresses\":{\"router\":\"10.91.0.200\"}}]}",
                    ipam.toString());
            assertEquals("true false x\n", ok("network", "inspect", "-f", "{{.Internal}} {{.EnableIPv6}} {{.Labels.team}}",
                    n1.substring(0, 10)));
            JsonNode both = Oracle.parse(ok("network", "inspect", n1, "n2"));
            assertEquals(2, both.size());
            assertEquals("fd00:92::/64", both.get(1).path("IPAM").path("Config").get(1).path("Subnet").asText());
            Oracle.Result missing = docker("network", "inspect", "nope");
            assertEquals(1, missing.exitCode());
            assertTrue(missing.err().contains("nope"), missing.err());

            // connect --ip --alias: a sandbox made for c1, its address, a veth in the fake host
            ok("network", "connect", "--ip", "10.91.0.130", "--alias", "web", "--alias", "www", "n1", "c1");
            JsonNode containers = Oracle.parse(ok("network", "inspect", "-f", "{{json .Containers}}", "n1"));
            assertEquals(1, containers.size());
            String sandboxId = containers.fieldNames().next();
            JsonNode c1 = containers.path(sandboxId);
            assertEquals("c1", c1.path("Name").asText());
            assertEquals("10.91.0.130/24", c1.path("IPv4Address").asText());
            NsRef c1ns = NsRef.of(sandboxKey(sandboxId));
            assertEquals(List.of("10.91.0.130/24"), Oracle.addrs(c1ns, "eth0", "inet"));
            String veth = Oracle.hostEnd(ns.host(), c1.path("EndpointID").asText())
                    .orElseThrow(() -> new AssertionError("no host end of c1's veth")).path("ifname").asText();
            assertEquals("dapi0", Oracle.link(ns.host(), veth).orElseThrow().path("master").asText());
            Oracle.Result again = docker("network", "connect", "n1", "c1");
            assertEquals(1, again.exitCode());
            assertTrue(again.err().contains("endpoint with name c1 already exists in network n1"), again.err());
            Oracle.Result inUse = docker("network", "rm", "n1");
            assertEquals(1, inUse.exitCode());
            assertTrue(inUse.err().contains("active endpoints"), inUse.err());
            ok("network", "connect", "n2", "c1");
            assertEquals(List.of("10.92.0.2/24"), Oracle.addrs(c1ns, "eth1", "inet"));

            // disconnect: the veth goes; --force as well
            ok("network", "disconnect", "n1", "c1");
            assertTrue(Oracle.link(ns.host(), veth).isEmpty(), "the veth went with the endpoint");
            assertEquals(List.of("lo", "eth1"), Oracle.linkNames(c1ns));
            assertEquals("{}\n", ok("network", "inspect", "-f", "{{json .Containers}}", "n1"));
            ok("network", "disconnect", "--force", "n2", "c1");
            assertEquals(List.of("lo"), Oracle.linkNames(c1ns));

            // rm, prune
            assertEquals("n1\n", ok("network", "rm", "n1"));
            // down at once, and gone as soon as the kernel's background delete ends
            assertFalse(Oracle.upLinkNames(ns.host()).contains("dapi0"), "n1's bridge is down");
            assertEquals(Boolean.FALSE, Eventually.settled(() -> Oracle.link(ns.host(), "dapi0").isPresent(), false),
                    "n1's bridge is gone");
            Oracle.Result rmMissing = docker("network", "rm", "nope");
            assertEquals(1, rmMissing.exitCode());
            // the daemon's message, or the 20.10 CLI's own words for a 404
            assertTrue(rmMissing.err().contains("network nope not found")
                    || rmMissing.err().contains("No such network: nope"), rmMissing.err());
            ok("network", "create", "--label", "keep=yes", "n4");
            assertEquals("Deleted Networks:\nn2\n\n", ok("network", "prune", "-f", "--filter", "label!=keep"));
            assertEquals("Deleted Networks:\nn4\n\n", ok("network", "prune", "-f"));
            assertEquals("", ok("network", "ls", "-q"));
            assertEquals(List.of(), Eventually.settled(() -> Oracle.linkNames(ns.host()).stream()
                    .filter(l -> l.startsWith("br-") || l.startsWith("veth")).toList(), List.of()), "no bridge or veth left");

            // docker events: what happened, as dockerd's network events
            List<String> events = ok("events", "--since", Long.toString(start.getEpochSecond()), "--until",
                    Long.toString(Instant.now().getEpochSecond() + 1), "--filter", "type=network", "--format",
                    "{{.Type}} {{.Action}} {{.Actor.Attributes.name}}").lines().toList();
            assertEquals(List.of("network create n1", "network create n2", "network connect n1", "network connect n2",
                    "network disconnect n1", "network disconnect n2", "network destroy n1", "network create n4",
                    "network destroy n2", "network destroy n4"), events);
        } finally {
            daemon.destroy();
            if (!daemon.waitFor(30, TimeUnit.SECONDS)) {
                daemon.destroyForcibly();
                daemon.waitFor(10, TimeUnit.SECONDS);
            }
        }
        assertTrue(log().contains("lnw daemon: stopped"), log());
        assertTrue(!Files.exists(socket), "the socket went with the daemon");
    }

    /** The sandbox's namespace: the file of the run directory its id starts with. */
    private Path sandboxKey(String sandboxId) throws IOException {
        try (var files = Files.list(dir.resolve("run").resolve("netns"))) {
            List<Path> l = files.filter(p -> sandboxId.startsWith(p.getFileName().toString())).toList();
            assertEquals(1, l.size(), "one namespace for sandbox " + sandboxId + ": " + l);
            return l.get(0);
        }
    }

    private Oracle.Result docker(String... args) {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=" + ns.host().path(), "env",
                "HOME=" + dir.resolve("docker-home"), "DOCKER_CONFIG=" + dir.resolve("docker-home").resolve(".docker"),
                DOCKER_CLI, "-H", "unix://" + socket));
        cmd.addAll(List.of(args));
        return Oracle.run(cmd);
    }

    private String ok(String... args) {
        Oracle.Result r = docker(args);
        assertEquals(0, r.exitCode(), () -> "docker " + String.join(" ", args) + ": " + r.out() + r.err() + log());
        return r.out();
    }

    private String log() {
        try {
            return "\nthe daemon's log: " + Files.readString(dir.resolve("daemon.log"));
        } catch (IOException e) {
            return "\n(no daemon log: " + e + ")";
        }
    }
}
