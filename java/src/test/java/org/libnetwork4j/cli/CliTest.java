package org.libnetwork4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.testing.Eventually;
import org.libnetwork4j.testing.HostState;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;
import org.libnetwork4j.testing.NsRef;
import org.libnetwork4j.testing.Oracle;

/**
 * lnw driven as a user drives it: separate processes, run with nsenter inside a throwaway
 * host namespace (the namespace lnw runs in is its host), its state and run directories in
 * the test's directory. Results are read back through ip, nft and real traffic.
 */
@ExtendWith(NetnsExtension.class)
// whole JVMs one after another (a test of CliTest starts ~30): the default 60 s is ~3x what
// they take on a 2-core VM
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CliTest {

    record Run(int exit, String out, String err) {
        Run ok() {
            assertEquals(0, exit, "exit code; stderr: " + err);
            return this;
        }

        /** A failure with one line on stderr. */
        String fails(int code) {
            assertEquals(code, exit, "exit code; stdout: " + out + "; stderr: " + err);
            return err.lines().findFirst().orElse("");
        }
    }

    /** lnw ARGS in ns's fake host, with this test's directories; optionally under a wrapper. */
    static Run lnw(Namespaces ns, List<String> wrapper, String... args) {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=" + ns.host().path()));
        cmd.addAll(wrapper);
        cmd.addAll(jvm(ns));
        cmd.addAll(List.of(args));
        return run(cmd, args);
    }

    /**
     * The JVM running lnw with this test's state, run and plugin directories (arguments to
     * follow): a plugin lookup never reaches the machine's own /run/docker/plugins.
     */
    static List<String> jvm(Namespaces ns) {
        return List.of("env", "LNW_PLUGIN_SOCKET_DIR=" + ns.dir().resolve("plugins"),
                "LNW_PLUGIN_SPEC_DIRS=" + ns.dir().resolve("plugin-specs"),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", classPath(), Lnw.class.getName(),
                "--state-dir", ns.dir().resolve("state").toString(), "--run-dir", ns.dir().resolve("run").toString());
    }

    /**
     * A runtime's createRuntime hook, as runc runs it: the launcher, `sandbox set-key NAME`, the
     * OCI state on stdin; the container's process is a sleep in a namespace of its own.
     */
    @Test
    void setKeyAsARuntimesHookMovesTheSandboxIntoTheContainersNamespace(Namespaces ns) throws Exception {
        // every lnw here runs in the fake host (nsenter): never in the machine's own namespace
        lnw(ns, "network", "create", "--subnet", "10.59.0.0/24", "hk").ok();
        lnw(ns, "sandbox", "create", "ctr").ok();
        lnw(ns, "network", "connect", "hk", "ctr").ok();
        try (org.libnetwork4j.testing.ContainerProcess container = org.libnetwork4j.testing.ContainerProcess.start(ns)) {
            Path nsPath = container.netns();
            List<String> hook = new java.util.ArrayList<>(List.of("nsenter", "--net=" + ns.host().path(),
                    Path.of(System.getProperty("user.dir")).getParent().resolve("lnw").toString(),
                    "--state-dir", ns.dir().resolve("state").toString(), "--run-dir", ns.dir().resolve("run").toString(),
                    "sandbox", "set-key", "ctr"));
            Process p = new ProcessBuilder(hook).redirectErrorStream(true).start();
            try (var in = p.getOutputStream()) {
                in.write(("{\"ociVersion\": \"1.0.2\", \"id\": \"ctr\", \"status\": \"creating\", \"pid\": "
                        + container.process().pid() + ", \"bundle\": \"/nonexistent\"}").getBytes());
            }
            String said = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(120, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), said);
            assertTrue(Oracle.addrs(NsRef.of(nsPath), "eth0", "inet").contains("10.59.0.2/24"), "joined in the container");
            assertTrue(Oracle.ping(NsRef.of(nsPath), "10.59.0.1"));
            // no pid, no namespace: said, exit 1
            List<String> badCmd = new ArrayList<>(List.of("nsenter", "--net=" + ns.host().path()));
            badCmd.addAll(jvm(ns));
            badCmd.addAll(List.of("sandbox", "set-key", "ctr"));
            Process bad = new ProcessBuilder(badCmd).redirectErrorStream(true).start();
            try (var in = bad.getOutputStream()) {
                in.write("{\"status\": \"creating\"}".getBytes());
            }
            String badSaid = new String(bad.getInputStream().readAllBytes());
            assertTrue(bad.waitFor(120, TimeUnit.SECONDS));
            assertEquals(1, bad.exitValue(), badSaid);
            assertTrue(badSaid.contains("no pid"), badSaid);
            lnw(ns, "sandbox", "rm", "ctr").ok();
            assertTrue(Oracle.link(NsRef.of(nsPath), "eth0").isEmpty(), "taken out again; the namespace stays the runtime's");
            lnw(ns, "network", "rm", "hk").ok();
        }
    }

    /** Runs cmd (an lnw invocation with these arguments) to its end. */
    static Run run(List<String> cmd, String... args) {
        try {
            Process p = new ProcessBuilder(cmd).start();
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            String out = read(p.getInputStream());
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "lnw " + String.join(" ", args) + " did not end");
            return new Run(p.exitValue(), out, err.get(10, TimeUnit.SECONDS));
        } catch (Exception e) {
            throw new AssertionError("cannot run lnw " + String.join(" ", args), e);
        }
    }

    /**
     * lnw's own class path (the launcher's: the classes and the runtime dependencies), not the
     * tests': whatever the tests bring along (an SLF4J without provider, say) is not lnw's.
     */
    static String classPath() {
        Path target = Path.of(System.getProperty("user.dir"), "target");
        try {
            return target.resolve("classes") + ":" + Files.readString(target.resolve("classpath.txt")).strip();
        } catch (IOException e) {
            throw new AssertionError("no " + target.resolve("classpath.txt") + ": it is written at generate-resources", e);
        }
    }

    static Run lnw(Namespaces ns, String... args) {
        return lnw(ns, List.of(), args);
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void networksAndSandboxesFromTheShell(Namespaces ns) throws Exception {
        Path run = ns.dir().resolve("run");
        HostState empty = HostState.of(ns.host(), run);
        String id = lnw(ns, "network", "create", "--subnet", "10.51.0.0/24", "--gateway", "10.51.0.254",
                "--aux-address", "router=10.51.0.200", "-o", "com.docker.network.bridge.name=lnwt-cli0",
                "--label", "team=x", "n1").ok().out().strip();
        assertTrue(id.matches("[0-9a-f]{64}"), id);
        assertTrue(Oracle.addrs(ns.host(), "lnwt-cli0", "inet").contains("10.51.0.254/24"), "the bridge, by ip");

        // ls: docker's table, ids only, JSON lines
        List<String> table = lnw(ns, "network", "ls").ok().out().lines().toList();
        // docker's tabwriter: a column at least 10 wide
        assertEquals("NETWORK ID     NAME      DRIVER    SCOPE", table.get(0));
        assertEquals(id.substring(0, 12) + "   n1        bridge    local", table.get(1));
        assertEquals(id.substring(0, 12) + "\n", lnw(ns, "network", "ls", "-q").ok().out());
        JsonNode line = Oracle.parse(lnw(ns, "network", "ls", "--format", "json").ok().out());
        assertEquals("n1", line.path("Name").asText());
        assertEquals("bridge", line.path("Driver").asText());

        // two sandboxes, connected; one publishes a port and has an alias
        String keyA = lnw(ns, "sandbox", "create", "--hostname", "a", "a").ok().out().strip();
        String keyB = lnw(ns, "sandbox", "create", "b").ok().out().strip();
        assertTrue(HostState.mountsUnder(run).contains(run.relativize(Path.of(keyA)).toString()), "a namespace, mounted");
        lnw(ns, "network", "connect", "-p", "8080:80", "--alias", "web", "n1", "a").ok();
        Run connect = lnw(ns, "network", "connect", "--ip", "10.51.0.10", "n1", "b").ok();
        assertTrue(Oracle.addrs(NsRef.of(Path.of(keyB)), "eth0", "inet").contains("10.51.0.10/24"));
        // no daemon: said once, and names come from the hosts files, which exec shows
        assertEquals(1, connect.err().lines().filter(l -> l.contains("no lnw daemon is running")).count(), connect.err());
        assertTrue(lnw(ns, "exec", "b", "getent", "hosts", "web").ok().out().startsWith("10.51.0."));
        assertFalse(java.nio.file.Files.readString(Path.of(keyB).getParent().getParent().resolve("sandboxes")
                .resolve(Oracle.parse(lnw(ns, "sandbox", "inspect", "b").ok().out()).get(0).path("Id").asText())
                .resolve("resolv.conf")).contains("10.51.0.254"), "resolv.conf names no resolver that is gone");

        // inspect: docker's field names and values
        JsonNode net = Oracle.parse(lnw(ns, "network", "inspect", "n1").ok().out()).get(0);
        assertEquals("n1", net.path("Name").asText());
        assertEquals(id, net.path("Id").asText());
        assertEquals("local", net.path("Scope").asText());
        assertEquals("10.51.0.0/24", net.path("IPAM").path("Config").get(0).path("Subnet").asText());
        assertEquals("10.51.0.254", net.path("IPAM").path("Config").get(0).path("Gateway").asText());
        assertEquals("10.51.0.200", net.path("IPAM").path("Config").get(0).path("AuxiliaryAddresses").path("router").asText());
        assertEquals("x", net.path("Labels").path("team").asText());
        List<String> names = new ArrayList<>();
        net.path("Containers").forEach(c -> names.add(c.path("Name").asText() + " " + c.path("IPv4Address").asText()));
        names.sort(null);
        assertEquals(List.of("a 10.51.0.1/24", "b 10.51.0.10/24"), names);
        JsonNode sb = Oracle.parse(lnw(ns, "sandbox", "inspect", "a").ok().out()).get(0);
        assertEquals(keyA, sb.path("SandboxKey").asText());
        assertEquals("8080", sb.path("Ports").path("80/tcp").get(0).path("HostPort").asText());
        assertEquals("web", sb.path("Networks").path("n1").path("Aliases").get(0).asText());

        // real traffic, from inside b, through lnw exec; and b's hosts file knows a by its alias
        assertEquals(0, lnw(ns, "exec", "b", "ping", "-c", "1", "-W", "2", "10.51.0.1").exit());
        assertEquals(3, lnw(ns, "exec", "b", "--", "sh", "-c", "exit 3").exit(), "the command's exit code");
        String hostsB = Files.readString(Path.of(Oracle.parse(lnw(ns, "sandbox", "inspect", "b").ok().out()).get(0)
                .path("HostsPath").asText()));
        assertTrue(hostsB.contains("10.51.0.1\tweb"), hostsB);

        // disconnect, rm, prune: and the host is as it was
        lnw(ns, "network", "disconnect", "n1", "b").ok();
        assertEquals(List.of("lo"), Oracle.linkNames(NsRef.of(Path.of(keyB))));
        assertEquals("b\n", lnw(ns, "sandbox", "rm", "b").ok().out());
        lnw(ns, "sandbox", "rm", "a").ok();
        lnw(ns, "network", "create", "--internal", "n2").ok();
        Run prune = lnw(ns, "network", "prune", "-f").ok();
        assertEquals("Deleted Networks:\nn1\nn2\n\n", prune.out());
        assertEquals("", lnw(ns, "network", "ls", "-q").ok().out());
        assertEquals(empty, Eventually.settled(() -> HostState.of(ns.host(), run), empty));
    }

    @Test
    void errorsAreOneLineAndUsageIsExitTwo(Namespaces ns) {
        lnw(ns, "network", "create", "--subnet", "10.52.0.0/24", "n1").ok();
        lnw(ns, "sandbox", "create", "s1").ok();
        lnw(ns, "network", "connect", "n1", "s1").ok();
        assertEquals("lnw: network \"x\" not found", lnw(ns, "network", "rm", "x").fails(1));
        assertEquals("lnw: network \"x\" not found", lnw(ns, "network", "inspect", "x").fails(1));
        assertEquals("lnw: sandbox \"nope\" not found", lnw(ns, "network", "connect", "n1", "nope").fails(1));
        assertEquals("lnw: sandbox \"nope\" not found", lnw(ns, "exec", "nope", "true").fails(1));
        assertEquals("lnw: invalid subnet \"10.0.0.0/33\"",
                lnw(ns, "network", "create", "--subnet", "10.0.0.0/33", "n9").fails(1));
        assertEquals("lnw: no --subnet contains the gateway \"10.9.9.9\"",
                lnw(ns, "network", "create", "--subnet", "10.53.0.0/24", "--gateway", "10.9.9.9", "n9").fails(1));
        assertEquals("lnw: create network \"n1\": network with name n1 already exists",
                lnw(ns, "network", "create", "n1").fails(1));
        assertTrue(lnw(ns, "network", "rm", "n1").fails(1).contains("has active endpoints [s1]"));
        assertTrue(lnw(ns, "network", "connect", "-p", "99999:80", "n1", "s1").fails(1)
                .startsWith("lnw: invalid port binding \"99999:80\""));
        lnw(ns, "network", "create", "n2").ok();
        assertEquals("lnw: sandbox \"s1\" is not connected to network \"n2\"",
                lnw(ns, "network", "disconnect", "n2", "s1").fails(1));
        assertEquals("lnw: invalid --format \"{{printf .Name}}\": function \"printf\" is not supported by lnw's"
                + " templates (it has json, index, len, join, split, upper, lower, title, eq, ne, not, and, or, print,"
                + " println)", lnw(ns, "network", "ls", "--format", "{{printf .Name}}").fails(1));
        assertEquals("lnw: template: executing {{.Nope}}: can't evaluate field Nope in type network.networkContext",
                lnw(ns, "network", "ls", "--format", "{{.Nope}}").fails(1));
        assertEquals("lnw: Invalid filter 'nope'", lnw(ns, "network", "ls", "--filter", "nope=1").fails(1));
        assertEquals("lnw: bad format of filter \"name\" (expected name=value)",
                lnw(ns, "network", "ls", "--filter", "name").fails(1));
        assertEquals("lnw: --config-from: config-from networks (swarm's) are not supported by libnetwork4j",
                lnw(ns, "network", "create", "--config-from", "n1", "n9").fails(1));
        assertEquals("lnw: --scope: scope \"swarm\" is not supported by libnetwork4j: only \"local\"",
                lnw(ns, "network", "create", "--scope", "swarm", "n9").fails(1));
        assertEquals("lnw: --ipam-driver: IPAM driver \"../x\" cannot name a plugin",
                lnw(ns, "network", "create", "--ipam-driver", "../x", "n9").fails(1));
        // a plugin's name passes the flag's check; none of that name is there
        String dhcp = lnw(ns, "network", "create", "--ipam-driver", "dhcp", "n9").fails(1);
        assertTrue(dhcp.contains("IPAM driver \"dhcp\" not found"), dhcp);
        assertTrue(dhcp.contains(ns.dir().resolve("plugins").toString()), "looked for in the test's own: " + dhcp);
        assertEquals("lnw: --ipam-opt: IPAM options are not supported by libnetwork4j's default IPAM driver, only by"
                + " IPAM plugins", lnw(ns, "network", "create", "--ipam-opt", "a=b", "n9").fails(1));
        assertEquals("lnw: --config-only: config-only networks (swarm's) are not supported by libnetwork4j",
                lnw(ns, "network", "create", "--config-only", "n9").fails(1));
        assertEquals("lnw: --driver-opt: endpoint driver options are not supported by libnetwork4j",
                lnw(ns, "network", "connect", "--driver-opt", "a=b", "n2", "s1").fails(1));
        assertEquals("lnw: --link-local-ip: link-local addresses are not supported by libnetwork4j",
                lnw(ns, "network", "connect", "--link-local-ip", "169.254.0.5", "n2", "s1").fails(1));
        assertTrue(lnw(ns, "network", "create", "-o", "com.docker.network.bridge.enable_icc=maybe", "n3").fails(1)
                .contains("enable_icc"));
        // usage: unknown command, unknown flag, missing argument
        assertTrue(lnw(ns, "network", "bogus").fails(2).startsWith("lnw: Unmatched argument"));
        assertTrue(lnw(ns, "network", "ls", "--nope").fails(2).startsWith("lnw: Unknown option: '--nope'"));
        assertTrue(lnw(ns, "network", "create").fails(2).startsWith("lnw: Missing required parameter: 'NAME'"));
        assertTrue(lnw(ns).fails(2).startsWith("lnw: a command is needed"));
        assertEquals(0, lnw(ns, "--help").exit());
        // nothing was made by the failed commands
        assertEquals("n1\nn2\n", lnw(ns, "network", "ls", "--format", "json").ok().out().lines()
                .map(l -> Oracle.parse(l).path("Name").asText() + "\n").reduce("", String::concat));
    }

    /** lnw ARGS in ns's fake host with input on its stdin. */
    static Run lnwWithInput(Namespaces ns, String input, String... args) {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=" + ns.host().path()));
        cmd.addAll(jvm(ns));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).start();
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            try (var in = p.getOutputStream()) {
                in.write(input.getBytes(StandardCharsets.UTF_8));
            }
            String out = read(p.getInputStream());
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "lnw " + String.join(" ", args) + " did not end");
            return new Run(p.exitValue(), out, err.get(10, TimeUnit.SECONDS));
        } catch (Exception e) {
            throw new AssertionError("cannot run lnw " + String.join(" ", args), e);
        }
    }

    /** docker's flags of rm, prune, connect and disconnect, as a Docker user types them. */
    @Test
    void dockersFlagsOfRmPruneConnectAndDisconnect(Namespaces ns) {
        lnw(ns, "network", "create", "--subnet", "10.55.1.0/24", "--label", "keep", "k1").ok();
        lnw(ns, "network", "create", "--subnet", "10.55.2.0/24", "--label", "team=x", "t1").ok();
        lnw(ns, "network", "create", "--subnet", "10.55.3.0/24", "--attachable", "a1").ok();
        // ls --filter: values of one key OR, keys AND
        assertEquals("k1\nt1\n", lnw(ns, "network", "ls", "--format", "{{.Name}}", "-f", "name=k1", "--filter",
                "name=t1").ok().out());
        assertEquals("t1\n", lnw(ns, "network", "ls", "--format", "{{.Name}}", "-f", "name=1", "--filter",
                "label=team=x").ok().out());
        assertEquals("x|team=x|false\n", lnw(ns, "network", "ls", "-f", "label=team", "--format",
                "{{.Label \"team\"}}|{{.Labels}}|{{.Internal}}").ok().out());
        // prune asks; anything but y leaves everything
        Run no = lnwWithInput(ns, "n\n", "network", "prune").ok();
        assertEquals("WARNING! This will remove all custom networks not used by at least one container.\n"
                + "Are you sure you want to continue? [y/N] ", no.out());
        assertEquals(3, lnw(ns, "network", "ls", "-q").ok().out().lines().count());
        assertEquals("lnw: Invalid filter 'name'", lnw(ns, "network", "prune", "-f", "--filter", "name=x").fails(1));
        Run yes = lnwWithInput(ns, "Y\n", "network", "prune", "--filter", "label!=keep", "--filter", "label=team");
        assertEquals("Deleted Networks:\nt1\n\n", yes.ok().out().substring(yes.out().indexOf("Deleted")));
        assertEquals("", lnw(ns, "network", "prune", "-f", "--filter", "until=1h").ok().out(), "none is an hour old");
        // rm -f: a missing network is no error, and is not printed
        assertEquals("lnw: network \"gone\" not found", lnw(ns, "network", "rm", "gone").fails(1));
        assertEquals("a1\n", lnw(ns, "network", "rm", "-f", "gone", "a1").ok().out());
        // connect --gw-priority: the higher priority's gateway is the default route
        lnw(ns, "network", "create", "--subnet", "10.55.4.0/24", "g2").ok();
        lnw(ns, "sandbox", "create", "s").ok();
        lnw(ns, "network", "connect", "k1", "s").ok();
        assertTrue(lnw(ns, "exec", "s", "ip", "route").ok().out().contains("default via 10.55.1.1"));
        lnw(ns, "network", "connect", "--gw-priority", "10", "g2", "s").ok();
        String routes = lnw(ns, "exec", "s", "ip", "route").ok().out();
        assertTrue(routes.contains("default via 10.55.4.1"), routes);
        // disconnect -f: also when the sandbox is gone (the endpoint by its name)
        lnw(ns, "network", "disconnect", "-f", "g2", "s").ok();
        assertEquals("{}\n", lnw(ns, "network", "inspect", "-f", "{{json .Containers}}", "g2").ok().out());
        assertEquals("lnw: sandbox \"nope\" not found", lnw(ns, "network", "disconnect", "-f", "k1", "nope").fails(1));
        lnw(ns, "sandbox", "rm", "s").ok();
        // in the controller's order (dockerd's is its map's, unordered)
        assertEquals("Deleted Networks:\nk1\ng2\n\n", lnw(ns, "network", "prune", "-f").ok().out());
    }

    @Test
    void concurrentInvocationsWaitForEachOther(Namespaces ns) throws Exception {
        List<CompletableFuture<Run>> runs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String name = "c" + i;
            runs.add(CompletableFuture.supplyAsync(() -> lnw(ns, "network", "create", "--subnet", "10.54." + name.substring(1)
                    + ".0/24", name)));
        }
        for (CompletableFuture<Run> r : runs) {
            r.get(180, TimeUnit.SECONDS).ok();
        }
        assertEquals(6, lnw(ns, "network", "ls", "-q").ok().out().lines().count());
    }

    @Test
    void aPrivateMountNamespaceIsRefused(Namespaces ns) {
        // what `ip netns exec` does: a mount namespace of its own, mounts not propagated back
        String err = lnw(ns, List.of("unshare", "--mount", "--propagation", "slave"), "network", "ls").fails(1);
        assertTrue(err.contains("ip netns exec") && err.contains("nsenter --net="), err);
        assertFalse(Files.exists(ns.dir().resolve("state").resolve("state.db")), "refused before opening anything");
    }

    @Test
    void quickstart(Namespaces ns) throws IOException {
        List<String> before = lnwRunDirs();
        Run r = lnw(ns, "quickstart").ok();
        assertTrue(r.out().contains("hello from beta"), r.out());
        assertTrue(r.out().contains("reply in"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches(" +[0-9.]+ ms  in all")), r.out());
        assertEquals(before, lnwRunDirs(), "the quickstart's directory is gone");
    }

    private static List<String> lnwRunDirs() throws IOException {
        try (var s = Files.list(Path.of("/run"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("lnw-quickstart-")).sorted().toList();
        }
    }
}
