package org.libnetwork4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.testing.Cgroups;
import org.libnetwork4j.testing.MountHolder;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;
import org.libnetwork4j.testing.Oracle;
import org.libnetwork4j.testing.TestNs;

/**
 * {@code lnw network ls|inspect} against dockerd 20.10 itself (through the docker CLI, 28.x):
 * the same networks made by {@code docker network create} and by {@code lnw network create},
 * the same commands run through both, outputs compared line by line and, for JSON, field by
 * field. Only ids and times are masked (each network's id becomes {@code <id:NAME>}), and
 * {@code EnableIPv4} (and ls's {@code IPv4}), which dockerd 20.10 does not have (lnw writes it
 * as Docker 28 does; the docker CLI's types give false for a daemon that does not send it).
 * Not compared: {@code ls --filter type=builtin}, since dockerd has its host and none networks
 * and an lnw controller makes none. Every network
 * here is a bridge of local scope on both sides, so drivers and scopes are compared too.
 *
 * <p>dockerd runs once for the class, as DockerPluginTest runs it: in the fake host's network
 * namespace and a mount namespace of the test's own (tmpfs over /run and /etc/docker), its roots
 * under the test's directory, no default bridge, no iptables, containers' cgroups under a parent
 * named for the test (removed). lnw runs on a fake host of its own. All is stopped by PID at the
 * end, also on failure.
 */
@ExtendWith(NetnsExtension.class)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class DockerOutputTest {
    /** docker.io's own CLI (20.10), as the build's prerequisites install it: not whatever docker PATH finds. */
    private static final String DOCKER_CLI = "/usr/bin/docker";
    private static final Path DOCKERD = Path.of("/usr/sbin/dockerd");
    /** name, then docker network create's flags: each network is made alike on both sides. */
    private static final Map<String, List<String>> NETWORKS = new LinkedHashMap<>();

    static {
        NETWORKS.put("n1", List.of("--subnet", "10.71.0.0/24", "--gateway", "10.71.0.254", "--ip-range",
                "10.71.0.128/25", "--aux-address", "router=10.71.0.200", "--internal", "-o",
                "com.docker.network.bridge.name=cmp-n1", "--label", "team=x"));
        NETWORKS.put("n2", List.of("--ipv6", "--subnet", "10.72.0.0/24", "--subnet", "fd00:72::/64", "--label",
                "env=prod"));
        NETWORKS.put("n10", List.of("--subnet", "10.73.0.0/24", "-o", "com.docker.network.driver.mtu=1400"));
    }

    private Path dir;
    private MountHolder holder;
    private Process dockerd;
    private String cgroupParent;
    private TestNs lnwHost;
    private Namespaces ns;
    private final Map<String, String> dockerIds = new LinkedHashMap<>();
    private final Map<String, String> lnwIds = new LinkedHashMap<>();
    private final List<String> failures = new ArrayList<>();

    @Test
    void lnwPrintsWhatDockerPrints(Namespaces ns) throws Exception {
        assertTrue(Files.isExecutable(DOCKERD), "docker.io is a test dependency");
        this.ns = ns;
        dir = ns.dir();
        lnwHost = ns.container("lnwhost");
        cgroupParent = "lnwt-dockerout-" + ProcessHandle.current().pid();
        holder = MountHolder.start(ns, "/etc/docker");
        try {
            startDockerd();
            for (var e : NETWORKS.entrySet()) {
                List<String> args = new ArrayList<>(List.of("network", "create"));
                args.addAll(e.getValue());
                args.add(e.getKey());
                dockerIds.put(e.getKey(), docker(args.toArray(String[]::new)).strip());
                lnwIds.put(e.getKey(), lnw(args.toArray(String[]::new)).strip());
            }

            // ls: the default table, ids, filters (one key's values OR, keys AND), formats
            String custom = "type=custom";
            same("network", "ls", "--filter", custom);
            same("network", "ls", "-q", "--filter", custom);
            same("network", "ls", "--no-trunc", "--filter", custom);
            same("network", "ls", "-q", "--no-trunc", "--filter", custom);
            same("network", "ls", "--filter", custom, "--filter", "label=team=x");
            same("network", "ls", "--filter", custom, "--filter", "label=env");
            same("network", "ls", "--filter", "name=n1", "--filter", "name=n2");
            same("network", "ls", "--filter", "driver=bridge", "--filter", "label=env", "--filter", custom);
            same("network", "ls", "--filter", "scope=local", "--filter", custom, "--filter", "name=^n1");
            // not compared: type=builtin (dockerd has its host and none networks; an lnw controller
            // makes none of its own)
            for (String n : NETWORKS.keySet()) {
                // each side's own id prefix
                String[] d = {"network", "ls", "--format", "{{.Name}}", "--filter", "id=" + dockerIds.get(n)
                        .substring(0, 8)};
                String[] l = {"network", "ls", "--format", "{{.Name}}", "--filter", "id=" + lnwIds.get(n)
                        .substring(0, 8)};
                compare(String.join(" ", d), docker(d), lnw(l));
            }
            same("network", "ls", "--filter", custom, "--format",
                    "{{.Name}}\\t{{.Driver}}\\t{{.Scope}}\\t{{.IPv6}}\\t{{.Internal}}\\t{{.Labels}}");
            same("network", "ls", "--filter", custom, "--format", "table {{.ID}}\\t{{.Name}}");
            same("network", "ls", "--filter", custom, "--format",
                    "table {{.Name}}\\t{{.IPv6}}\\t{{.Internal}}\\t{{.Labels}}\\t{{.Label \"team\"}}\\t{{.CreatedAt}}");
            // (the times last: their width varies with their digits, and a last column is not padded)
            same("network", "ls", "--filter", custom, "--no-trunc", "--format", "{{.ID}}: {{.Name}}");
            sameJsonLines("network", "ls", "--filter", custom, "--format", "{{json .}}");
            // "--format json" is Docker 23+'s word for {{json .}}: the 20.10 CLI prints it as text
            sameJsonLines(new String[] {"network", "ls", "--filter", custom, "--format", "{{json .}}"},
                    new String[] {"network", "ls", "--filter", custom, "--format", "json"});

            // inspect: its JSON, field by field and as text; its templates, typed and raw
            String[] all = NETWORKS.keySet().toArray(String[]::new);
            sameInspectJson(all);
            for (String f : List.of("{{.Name}} {{.Scope}} {{.Driver}} {{.EnableIPv6}} {{.Internal}} {{.Attachable}}"
                    + " {{.Ingress}} {{.ConfigOnly}}", "{{json .IPAM}}", "{{.IPAM.Config}}", "{{.IPAM}}",
                    "{{index .Labels \"team\"}}|{{.Labels.env}}", "{{range .Containers}}{{.Name}} {{end}}.",
                    "{{range $k, $v := .Options}}{{$k}}={{$v}};{{end}}", "{{json .Labels}} {{json .Options}}",
                    "{{.Id}}", "{{.ID}}", "{{.ConfigFrom}} {{json .ConfigFrom}}", "{{len .IPAM.Config}}",
                    "{{range .IPAM.Config}}{{.Subnet}} {{.Gateway}} {{.AuxAddress}}|{{end}}",
                    "{{.Created}}", "{{json .Containers}}")) {
                String[] args = new String[all.length + 4];
                args[0] = "network";
                args[1] = "inspect";
                args[2] = "-f";
                args[3] = f;
                System.arraycopy(all, 0, args, 4, all.length);
                same(args);
            }
            // .Id exists only in the raw JSON, .ID only in the type: together, neither (docker's
            // fallback to the raw JSON has missingkey=error)
            String[] both = {"network", "inspect", "-f", "{{.Id}} {{.ID}}", "n1"};
            Oracle.Result d = Oracle.run(dockerCmd(both));
            CliTest.Run l = CliTest.run(lnwCmd(both), both);
            assertTrue(d.exitCode() != 0 && d.err().contains("map has no entry for key \"ID\""), d.err());
            assertEquals("lnw: template: executing {{.ID}}: map has no entry for key \"ID\"", l.fails(1));
            String[] json = {"network", "inspect", "-f", "{{json .}}", "n1"};
            compareJson("inspect -f {{json .}} n1", Oracle.parse(mask(docker(json), dockerIds)),
                    Oracle.parse(mask(lnw(json), lnwIds)));
            if (!failures.isEmpty()) {
                fail(failures.size() + " differences from docker:\n" + String.join("\n\n", failures));
            }
        } finally {
            try {
                if (dockerd != null) {
                    stop(dockerd);
                }
            } finally {
                holder.close();
                removeCgroups();
            }
        }
    }

    /** The same command through docker and lnw: the same output once ids and times are masked. */
    private void same(String... args) {
        compare(String.join(" ", args), docker(args), lnw(args));
    }

    private void compare(String what, String dockers, String lnws) {
        String d = mask(dockers, dockerIds);
        String l = mask(lnws, lnwIds);
        if (!d.equals(l)) {
            failures.add(what + "\n  docker: " + d.replace("\n", "\n          ") + "\n  lnw:    "
                    + l.replace("\n", "\n          "));
        }
    }

    /** JSON lines (ls --format json): compared line by line, field by field. */
    private void sameJsonLines(String... args) {
        sameJsonLines(args, args);
    }

    /** The same, with the docker side's arguments and lnw's apart. */
    private void sameJsonLines(String[] dockerArgs, String[] lnwArgs) {
        List<String> d = docker(dockerArgs).lines().toList();
        List<String> l = lnw(lnwArgs).lines().toList();
        String what = String.join(" ", lnwArgs);
        if (d.size() != l.size()) {
            failures.add(what + ": " + d.size() + " lines from docker, " + l.size() + " from lnw");
            return;
        }
        for (int i = 0; i < d.size(); i++) {
            assertEquals("true", Oracle.parse(l.get(i)).path("IPv4").asText(), "IPv4 as Docker 28 has it");
            compareJson(what + " line " + i, Oracle.parse(mask(d.get(i), dockerIds)),
                    Oracle.parse(mask(l.get(i), lnwIds)));
        }
    }

    /** inspect's JSON: every network's every field, then the text itself (layout, order). */
    private void sameInspectJson(String... names) {
        List<String> args = new ArrayList<>(List.of("network", "inspect"));
        args.addAll(List.of(names));
        String d = docker(args.toArray(String[]::new));
        String l = lnw(args.toArray(String[]::new));
        JsonNode dj = Oracle.parse(mask(d, dockerIds));
        JsonNode lj = Oracle.parse(mask(l, lnwIds));
        assertEquals(names.length, lj.size(), l);
        for (int i = 0; i < names.length; i++) {
            JsonNode ours = lj.get(i);
            assertTrue(ours.path("EnableIPv4").asBoolean(), "EnableIPv4 as Docker 28 writes it: " + ours);
            ((ObjectNode) ours).remove("EnableIPv4"); // not in dockerd 20.10
            compareJson("inspect " + names[i], dj.get(i), ours);
        }
        compare("inspect (text)", d, l.replaceAll("\n *\"EnableIPv4\": true,", ""));
    }

    private void compareJson(String what, JsonNode d, JsonNode l) {
        for (JsonNode n : List.of(d, l)) {
            if (n.isObject()) {
                // masked above where they are text; here, where they are values of their own
                for (String f : List.of("Created", "CreatedAt")) {
                    if (n.has(f)) {
                        ((ObjectNode) n).put(f, "<time>");
                    }
                }
                // Docker 28's, not dockerd 20.10's: the docker CLI's type says false when the daemon
                // sends nothing; lnw says true (checked in sameInspectJson)
                ((ObjectNode) n).remove("EnableIPv4");
                ((ObjectNode) n).remove("IPv4");
            }
        }
        diff(what, "", d, l);
    }

    private void diff(String what, String path, JsonNode d, JsonNode l) {
        if (d.isObject() && l.isObject()) {
            Set<String> keys = new TreeSet<>();
            d.fieldNames().forEachRemaining(keys::add);
            l.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                if (!d.has(k) || !l.has(k)) {
                    failures.add(what + ": " + path + "." + k + " only in " + (d.has(k) ? "docker's: " + d.get(k)
                            : "lnw's: " + l.get(k)));
                } else {
                    diff(what, path + "." + k, d.get(k), l.get(k));
                }
            }
            List<String> dOrder = new ArrayList<>();
            List<String> lOrder = new ArrayList<>();
            d.fieldNames().forEachRemaining(dOrder::add);
            l.fieldNames().forEachRemaining(lOrder::add);
            if (!dOrder.equals(lOrder) && dOrder.size() == lOrder.size()) {
                failures.add(what + ": " + path + " fields in another order: docker " + dOrder + ", lnw " + lOrder);
            }
        } else if (d.isArray() && l.isArray() && d.size() == l.size()) {
            Iterator<JsonNode> a = d.elements();
            Iterator<JsonNode> b = l.elements();
            for (int i = 0; a.hasNext(); i++) {
                diff(what, path + "[" + i + "]", a.next(), b.next());
            }
        } else if (!d.equals(l)) {
            failures.add(what + ": " + path + ": docker " + d + ", lnw " + l);
        }
    }

    /** Ids as {@code <id:NAME>} (whole ones first, then the 12-character ones), times as {@code <time>}. */
    private static String mask(String s, Map<String, String> ids) {
        for (var e : ids.entrySet()) {
            s = s.replace(e.getValue(), "<id:" + e.getKey() + ">");
        }
        for (var e : ids.entrySet()) {
            s = s.replace(e.getValue().substring(0, 12), "<id:" + e.getKey() + ">");
        }
        // Go's time.String() and RFC 3339, as docker and lnw write them
        s = s.replaceAll("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(\\.\\d+)? [+-]\\d{4} ([A-Z]+|[+-]\\d{4})", "<time>");
        return s.replaceAll("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?(Z|[+-]\\d\\d:\\d\\d)", "<time>");
    }

    private String docker(String... args) {
        List<String> cmd = new ArrayList<>(holder.enter());
        cmd.addAll(List.of("env", "HOME=" + dir.resolve("docker-home"), "DOCKER_CONFIG=" + dir.resolve("docker-home")
                .resolve(".docker"), DOCKER_CLI, "-H", "unix://" + dir.resolve("docker.sock")));
        cmd.addAll(List.of(args));
        Oracle.Result r = Oracle.run(cmd);
        assertEquals(0, r.exitCode(), () -> "docker " + String.join(" ", args) + ": " + r.out() + r.err()
                + "\ndockerd: " + tail(dir.resolve("dockerd.log")));
        return r.out();
    }

    private String lnw(String... args) {
        return CliTest.run(lnwCmd(args), args).ok().out();
    }

    private List<String> lnwCmd(String... args) {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=" + lnwHost.path()));
        cmd.addAll(CliTest.jvm(ns));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private void startDockerd() throws Exception {
        Files.createDirectories(dir.resolve("docker-home"));
        List<String> cmd = new ArrayList<>(holder.enter());
        cmd.addAll(List.of(DOCKERD.toString(), "--storage-driver=vfs", "--iptables=false", "--ip6tables=false",
                "--bridge=none", "--cgroup-parent=/" + cgroupParent, "--data-root=" + dir.resolve("docker-data"),
                "--exec-root=" + dir.resolve("docker-exec"), "-H", "unix://" + dir.resolve("docker.sock"),
                "--pidfile=" + dir.resolve("dockerd.pid")));
        dockerd = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("dockerd.log").toFile())).start();
        for (int i = 0; i < 600 && dockerd.isAlive(); i++) { // bounded: 30 s
            if (Files.exists(dir.resolve("docker.sock")) && Oracle.run(dockerCmd("version")).exitCode() == 0) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("dockerd did not answer within 30 s: " + tail(dir.resolve("dockerd.log")));
    }

    private List<String> dockerCmd(String... args) {
        List<String> cmd = new ArrayList<>(holder.enter());
        cmd.addAll(List.of(DOCKER_CLI, "-H", "unix://" + dir.resolve("docker.sock")));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private void removeCgroups() throws IOException {
        Cgroups.removeParent(cgroupParent);
    }

    private static String tail(Path f) {
        try {
            String s = Files.readString(f);
            return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }
}
