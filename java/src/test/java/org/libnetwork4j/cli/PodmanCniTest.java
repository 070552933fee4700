package org.libnetwork4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.testing.BusyboxRootfs;
import org.libnetwork4j.testing.MountHolder;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;
import org.libnetwork4j.testing.Oracle;
import org.libnetwork4j.testing.World;

/**
 * Debian's podman 4.3, with its CNI backend, runs busybox containers on a libnetwork4j
 * network through lnw-cni and a running {@code lnw daemon}: they reach each other by name, a
 * published port answers a neighbour of the fake host, and {@code podman rm} leaves nothing.
 *
 * <p>Podman, its conmons and the daemon run in the fake host's network namespace and in one
 * mount namespace of the test's own (held by a sleep), where tmpfs cover {@code /run} (podman's
 * namespace mounts, runc's state), {@code /dev/shm} (podman's locks) and {@code /var/tmp}; its
 * storage and configuration are under the test's directory. Nothing of it reaches the
 * machine's own namespaces, and what it started is killed at the end, also on failure.
 */
@ExtendWith(NetnsExtension.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class PodmanCniTest {
    private static final Path PODMAN = Path.of("/usr/bin/podman");

    @Test
    void podmanContainersOnALibnetwork4jNetwork(Namespaces ns) throws Exception {
        assertTrue(Files.isExecutable(PODMAN) && Files.isExecutable(BusyboxRootfs.BUSYBOX),
                "podman and busybox-static are test dependencies (the build installs them: native/prerequisites.sh)");
        Path dir = ns.dir();
        World world = World.of(ns);
        Path repo = Path.of(System.getProperty("user.dir")).getParent();
        Path plugins = Files.createDirectories(dir.resolve("cni-bin"));
        Files.createSymbolicLink(plugins.resolve("libnetwork4j"), repo.resolve("lnw-cni"));
        Path networks = Files.createDirectories(dir.resolve("networks"));
        // stateDir/runDir in the configuration: podman's cleanup after a container's exit calls
        // DEL without this test's environment
        Files.writeString(networks.resolve("pnet.conflist"), """
                {"cniVersion": "1.0.0", "name": "pnet", "plugins": [
                  {"type": "libnetwork4j", "network": "pnet", "subnet": "10.63.0.0/24",
                   "stateDir": "%s", "runDir": "%s",
                   "capabilities": {"portMappings": true, "aliases": true}}]}
                """.formatted(dir.resolve("state"), dir.resolve("run")));
        Files.writeString(dir.resolve("containers.conf"), """
                [containers]
                # this VM's hard limits: podman's defaults (2^20 files, 2^22 processes) are refused
                default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]
                [network]
                network_backend = "cni"
                cni_plugin_dirs = ["%s"]
                network_config_dir = "%s"
                [engine]
                cgroup_manager = "cgroupfs"
                events_logger = "file"
                events_logfile_path = "%s"
                runtime = "runc"
                tmp_dir = "%s"
                """.formatted(plugins, networks, dir.resolve("podman-events.log"), dir.resolve("podman-tmp")));
        Path rootfs = BusyboxRootfs.make(dir.resolve("rootfs"), "hello from podman\n");

        MountHolder holder = MountHolder.start(ns);
        Process daemon = null;
        try {
            List<String> inside = holder.enter();
            daemon = new ProcessBuilder(concat(inside, repo.resolve("lnw").toString(), "--state-dir",
                    dir.resolve("state").toString(), "--run-dir", dir.resolve("run").toString(), "daemon"))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("daemon.log").toFile()).start();
            Path socket = dir.resolve("state").resolve(DaemonCommand.SOCKET);
            for (int i = 0; i < 600 && daemon.isAlive() && !Files.exists(socket); i++) {
                Thread.sleep(50);
            }
            assertTrue(daemon.isAlive() && Files.exists(socket), "the daemon: " + Files.readString(dir.resolve("daemon.log")));

            List<String> podman = new ArrayList<>(inside);
            podman.addAll(List.of("env", "CONTAINERS_CONF=" + dir.resolve("containers.conf"),
                    "PATH=" + Path.of(System.getProperty("java.home"), "bin") + ":/usr/sbin:/usr/bin:/sbin:/bin",
                    PODMAN.toString(), "--root", dir.resolve("storage").toString(), "--runroot",
                    dir.resolve("runroot").toString(), "--storage-driver", "vfs"));
            Oracle.Result tar = Oracle.run(List.of("tar", "-C", rootfs.toString(), "-cf", dir.resolve("bb.tar").toString(), "."));
            assertEquals(0, tar.exitCode(), tar.err());
            ok(podman, "import", dir.resolve("bb.tar").toString(), "localhost/lnwt-busybox");
            try {
                ok(podman, "run", "-d", "--network", "pnet", "-p", "8083:80", "--name", "web", "localhost/lnwt-busybox",
                        "/bin/httpd", "-f", "-p", "80", "-h", "/www");
                ok(podman, "run", "-d", "--network", "pnet", "--name", "c1", "localhost/lnwt-busybox", "/bin/sleep", "300");
                // by name: the network's resolver is the container's, through the result's DNS
                Oracle.Result ping = run(podman, "exec", "c1", "/bin/ping", "-c", "1", "-W", "2", "web");
                assertEquals(0, ping.exitCode(), () -> "c1 pings web by name: " + ping.out() + ping.err()
                        + "\nc1's resolv.conf: " + run(podman, "exec", "c1", "/bin/busybox", "cat", "/etc/resolv.conf").out()
                        + "\nthe daemon's log: " + read(dir.resolve("daemon.log")));
                assertTrue(ping.out().contains("10.63.0."), ping.out());
                // the published port from a neighbour of the fake host; conmon holds the host port
                Oracle.Result fetched = Oracle.run(List.of("nsenter", "--net=" + world.remote.path(), "sh", "-c",
                        "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | socat -T5 - TCP:" + World.HOST_ON_REMOTE_LINK + ":8083"));
                assertTrue(fetched.out().startsWith("HTTP/1.") && fetched.out().endsWith("hello from podman\n"),
                        "the published port, from a neighbour: " + fetched);
                assertEquals(2, hostEnds(ns).size(), "one veth per container in the fake host");
            } finally {
                run(podman, "rm", "--all", "--force", "--time", "0");
            }
            // podman rm: each container's DEL took its interface, address, port and sandbox
            // (each pair's delete finishes in the background after its DEL: BridgeDriver#leaveAdopted)
            assertEquals(List.of(), org.libnetwork4j.testing.Eventually.settled(() -> hostEnds(ns), List.of()),
                    "no veth left in the fake host");
            assertTrue(Oracle.nftElementComments(ns.host(), "inet libnetwork4j").stream()
                    .noneMatch(c -> c.startsWith("endpoint")), "no published port left");
            Oracle.Result sandboxes = Oracle.run(concat(inside, repo.resolve("lnw").toString(), "--state-dir",
                    dir.resolve("state").toString(), "--run-dir", dir.resolve("run").toString(), "sandbox", "ls", "-q"));
            assertEquals("", sandboxes.out().strip(), "no sandbox left: " + sandboxes.err());
        } finally {
            if (daemon != null) {
                daemon.destroy();
                if (!daemon.waitFor(30, TimeUnit.SECONDS)) {
                    daemon.destroyForcibly();
                }
            }
            holder.close();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "(" + e + ")";
        }
    }

    /** The host ends of veth pairs in the fake host, by ip. */
    private static List<String> hostEnds(Namespaces ns) {
        List<String> l = new ArrayList<>();
        for (JsonNode link : Oracle.ip(ns.host(), "link", "show")) {
            if (link.path("ifname").asText().startsWith("veth")) {
                l.add(link.path("ifname").asText());
            }
        }
        return l;
    }

    private static Oracle.Result run(List<String> head, String... tail) {
        return Oracle.run(concat(head, tail));
    }

    private static void ok(List<String> podman, String... args) {
        Oracle.Result r = run(podman, args);
        assertEquals(0, r.exitCode(), "podman " + String.join(" ", args) + ": " + r.out() + r.err());
    }

    static List<String> concat(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all;
    }
}
