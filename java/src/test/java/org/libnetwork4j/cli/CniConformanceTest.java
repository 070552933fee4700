package org.libnetwork4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;
import org.libnetwork4j.testing.Oracle;
import org.libnetwork4j.testing.TestNs;
import org.libnetwork4j.testing.Traffic;
import org.libnetwork4j.testing.World;

/**
 * The lnw-cni executable driven as a runtime drives a CNI plugin: CNI_* variables, the
 * configuration on stdin, the result or error JSON on stdout. Every verb, prevResult for
 * CHECK, a missing namespace on DEL, unknown versions and bad configurations with their spec
 * codes; the container's side checked with ip in its namespace.
 */
@ExtendWith(NetnsExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CniConformanceTest {
    private static final String CONF = "{\"cniVersion\": \"1.1.0\", \"name\": \"cnet\", \"type\": \"libnetwork4j\","
            + " \"network\": \"cnet\", \"subnet\": \"10.62.0.0/24\"%s}";

    private record Call(int exit, JsonNode out, String raw) {
    }

    /** One plugin call in the fake host, as a runtime makes it. */
    private static Call cni(Namespaces ns, Map<String, String> vars, String stdin) throws Exception {
        return cni(ns, vars, stdin, true);
    }

    /** The same; the controller's directories in LNW_STATE_DIR and LNW_RUN_DIR if dirsInEnv. */
    private static Call cni(Namespaces ns, Map<String, String> vars, String stdin, boolean dirsInEnv)
            throws Exception {
        Path plugin = Path.of(System.getProperty("user.dir")).getParent().resolve("lnw-cni");
        ProcessBuilder pb = new ProcessBuilder("nsenter", "--net=" + ns.host().path(), plugin.toString());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("CNI_") || k.startsWith("LNW_"));
        if (dirsInEnv) {
            env.put("LNW_STATE_DIR", ns.dir().resolve("state").toString());
            env.put("LNW_RUN_DIR", ns.dir().resolve("run").toString());
        }
        env.put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH"));
        env.putAll(vars);
        Process p = pb.redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (var in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return new Call(p.exitValue(), out.isBlank() ? null : Oracle.parse(out), out);
    }

    private static Map<String, String> vars(String command, String cid, TestNs netns, String ifname) {
        Map<String, String> v = new HashMap<>();
        v.put("CNI_COMMAND", command);
        if (cid != null) {
            v.put("CNI_CONTAINERID", cid);
        }
        if (netns != null) {
            v.put("CNI_NETNS", netns.path().toString());
        }
        if (ifname != null) {
            v.put("CNI_IFNAME", ifname);
        }
        v.put("CNI_PATH", "/nonexistent");
        return v;
    }

    @Test
    void everyVerbAsTheSpecSaysIt(Namespaces ns) throws Exception {
        everyVerb(ns);
    }

    /**
     * The same calls, and the bad ones, through a running lnw daemon, which takes lnw-cni's
     * requests past picocli (CniCommand.Call): the same results, codes and errors.
     */
    @Test
    void everyVerbAndEveryBadCallThroughTheDaemon(Namespaces ns) throws Exception {
        Process daemon = DaemonTest.startDaemon(ns, ns.dir().resolve("state").resolve(DaemonCommand.SOCKET));
        try {
            everyVerb(ns);
            badCalls(ns, () -> DaemonTest.client(ns, ns.host(), "sandbox", "ls", "-q").ok().out());
            String log = java.nio.file.Files.readString(ns.dir().resolve("daemon.log"));
            assertTrue(!log.contains("Exception") && !log.contains("went away"), log);
        } finally {
            daemon.destroy();
            assertTrue(daemon.waitFor(30, TimeUnit.SECONDS), "the daemon stops on SIGTERM");
        }
    }

    private static void everyVerb(Namespaces ns) throws Exception {
        TestNs c1 = ns.container("c1");
        TestNs c2 = ns.container("c2");
        String conf = String.format(CONF, "");

        Call version = cni(ns, vars("VERSION", null, null, null), "{\"cniVersion\": \"1.1.0\"}");
        assertEquals(0, version.exit());
        assertTrue(version.out().path("supportedVersions").toString().contains("1.1.0"), version.raw());

        Call add = cni(ns, vars("ADD", "ctr1", c1, "net0"), conf);
        assertEquals(0, add.exit(), add.raw());
        assertEquals("net0", add.out().path("interfaces").get(0).path("name").asText());
        assertEquals(c1.path().toString(), add.out().path("interfaces").get(0).path("sandbox").asText());
        assertEquals("10.62.0.2/24", add.out().path("ips").get(0).path("address").asText(), add.raw());
        assertEquals("10.62.0.1", add.out().path("ips").get(0).path("gateway").asText());
        assertTrue(Oracle.addrs(c1, "net0", "inet").contains("10.62.0.2/24"), "in the container, by ip");
        assertTrue(Oracle.ping(c1, "10.62.0.1"));
        assertEquals(0, cni(ns, vars("ADD", "ctr2", c2, "eth0"), conf).exit());
        assertTrue(Oracle.ping(c2, "10.62.0.2"), "ctr2 reaches ctr1");

        // CHECK with the ADD's result as prevResult; and for a container that is not there
        String withPrev = String.format(CONF, ", \"prevResult\": " + add.raw().strip());
        assertEquals(0, cni(ns, vars("CHECK", "ctr1", c1, "net0"), withPrev).exit());
        Call unknown = cni(ns, vars("CHECK", "nobody", c1, "net0"), withPrev);
        assertEquals(3, unknown.out().path("code").asInt(), unknown.raw());
        // a second ADD of one attachment is refused
        Call twice = cni(ns, vars("ADD", "ctr1", c1, "net0"), conf);
        assertTrue(twice.exit() != 0 && twice.out().path("code").asInt() == 100, twice.raw());

        // DEL takes the interface out; again, and without a namespace, it succeeds
        assertEquals(0, cni(ns, vars("DEL", "ctr1", c1, "net0"), conf).exit());
        assertTrue(Oracle.link(c1, "net0").isEmpty(), "gone from the container");
        assertEquals(0, cni(ns, vars("DEL", "ctr1", c1, "net0"), conf).exit(), "DEL is idempotent");
        assertEquals(0, cni(ns, vars("DEL", "ctr9", null, "eth0"), conf).exit(), "no namespace, nothing there: ok");

        // GC: what valid-attachments does not list goes
        assertEquals(0, cni(ns, vars("ADD", "ctr3", c1, "eth0"), conf).exit());
        String gc = String.format(CONF, ", \"cni.dev/valid-attachments\": [{\"containerID\": \"ctr3\", \"ifname\": \"eth0\"}]");
        assertEquals(0, cni(ns, vars("GC", null, null, null), gc).exit());
        assertTrue(Oracle.link(c2, "eth0").isEmpty(), "ctr2 was not listed: removed");
        assertTrue(Oracle.link(c1, "eth0").isPresent(), "ctr3 was: kept");
        assertEquals(0, cni(ns, vars("STATUS", null, null, null), conf).exit());
        assertEquals(0, cni(ns, vars("DEL", "ctr3", c1, "eth0"), conf).exit());
    }

    /**
     * As podman calls it: the directories in the configuration only (its cleanup after a
     * container exits passes no environment of ours), the container's name in CNI_ARGS, a port
     * mapping whose host port the runtime binds itself (conmon does): it can, and the DNAT
     * takes the traffic (that a daemon holds no socket on it is shown by PodmanCniTest and
     * FirewallTest; here each call's JVM exits anyway). The result's DNS is the sandbox's.
     */
    @Test
    void portsTheRuntimeHoldsDirectoriesFromTheConfigurationAndTheResultsDns(Namespaces ns) throws Exception {
        TestNs c1 = ns.container("c1");
        World world = World.of(ns);
        String conf = String.format(CONF, ", \"stateDir\": \"" + ns.dir().resolve("state") + "\", \"runDir\": \""
                + ns.dir().resolve("run") + "\", \"capabilities\": {\"portMappings\": true}, \"runtimeConfig\":"
                + " {\"portMappings\": [{\"hostPort\": 8084, \"containerPort\": 80, \"protocol\": \"tcp\"}]}");
        Map<String, String> v = vars("ADD", "ctr1", c1, "eth0");
        v.put("CNI_ARGS", "IgnoreUnknown=1;K8S_POD_NAME=web");
        Call add = cni(ns, v, conf, false);
        assertEquals(0, add.exit(), add.raw());
        JsonNode sandbox = Oracle.parse(CliTest.lnw(ns, "sandbox", "inspect", "ctr1").ok().out()).get(0);
        assertEquals("[\"web\"]", sandbox.path("Networks").path("cnet").path("Aliases").toString(),
                "the container's name is its alias on the network");
        String resolv = java.nio.file.Files.readString(Path.of(sandbox.path("ResolvConfPath").asText()));
        List<String> nameservers = resolv.lines().filter(l -> l.startsWith("nameserver "))
                .map(l -> l.substring("nameserver ".length()).strip()).toList();
        assertTrue(!nameservers.isEmpty(), resolv);
        List<String> inResult = new java.util.ArrayList<>();
        add.out().path("dns").path("nameservers").forEach(n -> inResult.add(n.asText()));
        assertEquals(nameservers, inResult, "the result's DNS is what the sandbox's resolv.conf says: " + add.raw());

        // the runtime binds the host port (as conmon does): it can, and the DNAT still wins
        try (Traffic.Server runtimeHold = Traffic.tcpServer(ns, ns.host(), null, 8084, "the-host");
                Traffic.Server web = Traffic.tcpServer(ns, c1, null, 80, "the-container")) {
            assertEquals(java.util.Optional.of("the-container"), Traffic.tcp(world.remote, World.HOST_ON_REMOTE_LINK, 8084),
                    "the published port from a neighbour: " + Traffic.lastClientError());
        }
        assertEquals(0, cni(ns, vars("DEL", "ctr1", c1, "eth0"), conf, false).exit());
        assertTrue(Oracle.nftElementComments(ns.host(), "inet libnetwork4j").stream()
                .noneMatch(c -> c.startsWith("endpoint")), "the port's DNAT went with DEL");
        assertTrue(CliTest.lnw(ns, "sandbox", "ls", "-q").ok().out().isBlank(), "DEL reached the configured state");
    }

    @Test
    void badCallsGetTheSpecsErrorCodes(Namespaces ns) throws Exception {
        badCalls(ns, () -> CliTest.lnw(ns, "sandbox", "ls", "-q").ok().out());
    }

    /** sandboxes: lnw sandbox ls -q, as the test can run it. */
    private static void badCalls(Namespaces ns, java.util.function.Supplier<String> sandboxes) throws Exception {
        TestNs c1 = ns.container("c1");
        String conf = String.format(CONF, "");
        Call noEnv = cni(ns, vars("ADD", null, c1, "eth0"), conf);
        assertEquals(4, noEnv.out().path("code").asInt(), noEnv.raw());
        assertTrue(noEnv.out().path("msg").asText().contains("CNI_CONTAINERID"));
        assertEquals(6, cni(ns, vars("ADD", "x", c1, "eth0"), "not json").out().path("code").asInt());
        Call old = cni(ns, vars("ADD", "x", c1, "eth0"), conf.replace("1.1.0", "0.1.0"));
        assertEquals(1, old.out().path("code").asInt(), old.raw());
        Call noNet = cni(ns, vars("ADD", "x", c1, "eth0"),
                "{\"cniVersion\": \"1.0.0\", \"name\": \"other\", \"type\": \"libnetwork4j\", \"network\": \"missing\"}");
        assertEquals(7, noNet.out().path("code").asInt(), noNet.raw());
        Call gone = cni(ns, vars("ADD", "x", null, "eth0"), conf);
        assertEquals(4, gone.out().path("code").asInt(), gone.raw());
        Map<String, String> v = vars("ADD", "x", c1, "eth0");
        v.put("CNI_NETNS", ns.dir().resolve("no-such-ns").toString());
        assertEquals(7, cni(ns, v, conf).out().path("code").asInt());
        Call verb = cni(ns, vars("FROB", "x", c1, "eth0"), conf);
        assertEquals(4, verb.out().path("code").asInt(), verb.raw());
        assertTrue(sandboxes.get().isBlank(), "nothing was made");
    }
}
