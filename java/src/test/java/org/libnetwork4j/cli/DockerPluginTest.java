package org.libnetwork4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.testing.BusyboxRootfs;
import org.libnetwork4j.testing.Cgroups;
import org.libnetwork4j.testing.MountHolder;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;
import org.libnetwork4j.testing.Oracle;
import org.libnetwork4j.testing.World;

/**
 * Debian's dockerd 20.10 uses {@code lnw daemon --docker-plugin} as its network and IPAM
 * driver: {@code docker network create -d libnetwork4j --ipam-driver libnetwork4j}, busybox
 * containers that ping each other, a published port that answers a neighbour of the fake host,
 * restarts of either daemon that leave the containers connected, and a {@code docker network rm}
 * after which nothing of the network is left.
 *
 * <p>dockerd, its containerd and the lnw daemon run in the fake host's network namespace and in
 * one mount namespace of the test's own, with tmpfs over /run (the plugin socket dockerd looks
 * for, containerd's state) and /etc/docker (dockerd's key); dockerd's roots are under the
 * test's directory and its containers' cgroups under a parent named for the test, removed at
 * the end. What it started is killed at the end, also on failure.
 */
@ExtendWith(NetnsExtension.class)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class DockerPluginTest {
    /** docker.io's own CLI (20.10), as the build's prerequisites install it: not whatever docker PATH finds. */
    private static final String DOCKER_CLI = "/usr/bin/docker";
    private static final Path DOCKERD = Path.of("/usr/sbin/dockerd");
    private static final Path PLUGIN_SOCKET = Path.of("/run/docker/plugins/libnetwork4j.sock");

    private Path dir;
    private Path repo;
    private MountHolder holder;
    private Process lnwDaemon;
    private Process dockerd;
    private String cgroupParent;

    @Test
    void dockerdRunsContainersOnALibnetwork4jNetwork(Namespaces ns) throws Exception {
        assertTrue(Files.isExecutable(DOCKERD) && Files.isExecutable(BusyboxRootfs.BUSYBOX),
                "docker.io and busybox-static are test dependencies (native/prerequisites.sh installs them)");
        dir = ns.dir();
        repo = Path.of(System.getProperty("user.dir")).getParent();
        World world = World.of(ns);
        cgroupParent = "lnwt-docker-" + ProcessHandle.current().pid();
        Path rootfs = BusyboxRootfs.make(dir.resolve("rootfs"), "hello from docker\n");
        holder = MountHolder.start(ns, "/etc/docker");
        try {
            startLnwDaemon();
            startDockerd();
            Oracle.Result tar = Oracle.run(List.of("tar", "-C", rootfs.toString(), "-cf", dir.resolve("bb.tar").toString(), "."));
            assertEquals(0, tar.exitCode(), tar.err());
            ok("import", dir.resolve("bb.tar").toString(), "lnwt-busybox:1");
            ok("network", "create", "-d", "libnetwork4j", "--ipam-driver", "libnetwork4j", "--subnet", "10.64.0.0/24",
                    "dnet");
            String dockerId = ok("network", "inspect", "-f", "{{.Id}}", "dnet").strip();
            String ours = lnw("network", "inspect", "docker-" + dockerId.substring(0, 12));
            assertTrue(ours.contains("10.64.0.0/24") && ours.contains(dockerId),
                    "dockerd's network is the controller's, with its subnet and labelled with its id: " + ours);

            ok("run", "-d", "--network", "dnet", "-p", "8085:80", "--name", "web", "lnwt-busybox:1",
                    "/bin/httpd", "-f", "-p", "80", "-h", "/www");
            ok("run", "-d", "--network", "dnet", "--name", "c1", "lnwt-busybox:1", "/bin/sleep", "600");
            String webIp = ok("inspect", "-f", "{{(index .NetworkSettings.Networks \"dnet\").IPAddress}}", "web").strip();
            assertTrue(webIp.startsWith("10.64.0."), webIp);
            assertConnected(world, webIp, "at first");
            assertEquals(2, hostEnds(ns).size(), "one veth per container: " + hostEnds(ns));

            // the lnw daemon restarts (SIGTERM, then again): the containers stay connected
            stop(lnwDaemon);
            startLnwDaemon();
            assertConnected(world, webIp, "after the lnw daemon's restart");
            // dockerd restarts with live-restore: the containers keep running, connected
            stop(dockerd);
            startDockerd();
            assertConnected(world, webIp, "after dockerd's restart");

            ok("rm", "-f", "web", "c1");
            assertEquals(List.of(), hostEnds(ns), "no veth left in the fake host once the containers are gone");
            ok("network", "rm", "dnet");
            String left = lnw("network", "ls", "--format", "json");
            assertTrue(!left.contains(dockerId), "the controller's network went with dockerd's: " + left);
            assertEquals("", lnw("sandbox", "ls", "-q").strip(), "no sandbox left");
            String rules = Oracle.out(ns.host(), "nft", "list", "ruleset");
            assertTrue(!rules.contains("8085") && !rules.contains("10.64.0."), "no rule of the network left: " + rules);
            assertTrue(Oracle.ip(ns.host(), "link", "show").toString().contains("\"lo\""));
            assertTrue(Oracle.linkNames(ns.host()).stream().noneMatch(n -> n.startsWith("lnw") && !n.startsWith("lnwt")),
                    "no bridge left: " + Oracle.linkNames(ns.host()));
        } finally {
            try {
                if (dockerd != null) {
                    docker("rm", "-f", "web", "c1");
                    stop(dockerd);
                }
                if (lnwDaemon != null) {
                    stop(lnwDaemon);
                }
            } finally {
                holder.close();
                removeCgroups();
            }
        }
    }

    /** c1 pings web, by address and by name (dockerd's resolver), and web's port answers a neighbour. */
    private void assertConnected(World world, String webIp, String when) {
        Oracle.Result ping = docker("exec", "c1", "/bin/ping", "-c", "1", "-W", "2", webIp);
        assertEquals(0, ping.exitCode(), () -> when + ": c1 pings web: " + ping.out() + ping.err() + logs());
        Oracle.Result byName = docker("exec", "c1", "/bin/ping", "-c", "1", "-W", "2", "web");
        assertEquals(0, byName.exitCode(), () -> when + ": c1 pings web by name: " + byName.out() + byName.err());
        Oracle.Result fetched = Oracle.run(List.of("nsenter", "--net=" + world.remote.path(), "sh", "-c",
                "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | socat -T5 - TCP:" + World.HOST_ON_REMOTE_LINK + ":8085"));
        assertTrue(fetched.out().startsWith("HTTP/1.") && fetched.out().endsWith("hello from docker\n"),
                when + ": the published port, from a neighbour: " + fetched + logs());
    }

    private String logs() {
        return "\nlnw daemon: " + read(dir.resolve("lnw-daemon.log")) + "\ndockerd: " + tail(dir.resolve("dockerd.log"));
    }

    private void startLnwDaemon() throws Exception {
        List<String> cmd = new ArrayList<>(holder.enter());
        cmd.addAll(List.of(repo.resolve("lnw").toString(), "--state-dir", dir.resolve("state").toString(),
                "--run-dir", dir.resolve("run").toString(), "daemon", "--docker-plugin"));
        lnwDaemon = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("lnw-daemon.log").toFile())).start();
        Path socket = Path.of("/proc/" + holder.pid() + "/root").resolve(PLUGIN_SOCKET.toString().substring(1));
        for (int i = 0; i < 600 && lnwDaemon.isAlive() && !Files.exists(socket); i++) {
            Thread.sleep(50);
        }
        assertTrue(lnwDaemon.isAlive() && Files.exists(socket), "the lnw daemon's plugin socket: " + logs());
    }

    private void startDockerd() throws Exception {
        List<String> cmd = new ArrayList<>(holder.enter());
        cmd.addAll(List.of(DOCKERD.toString(), "--storage-driver=vfs", "--iptables=false", "--ip6tables=false",
                "--bridge=none", "--live-restore", "--cgroup-parent=/" + cgroupParent,
                "--data-root=" + dir.resolve("docker-data"), "--exec-root=" + dir.resolve("docker-exec"),
                "-H", "unix://" + dir.resolve("docker.sock"), "--pidfile=" + dir.resolve("dockerd.pid")));
        dockerd = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("dockerd.log").toFile())).start();
        for (int i = 0; i < 600 && dockerd.isAlive(); i++) { // bounded: 30 s
            if (Files.exists(dir.resolve("docker.sock")) && docker("version").exitCode() == 0) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("dockerd did not answer within 30 s: " + logs());
    }

    private Oracle.Result docker(String... args) {
        List<String> cmd = new ArrayList<>(holder.enter());
        cmd.addAll(List.of(DOCKER_CLI, "-H", "unix://" + dir.resolve("docker.sock")));
        cmd.addAll(List.of(args));
        return Oracle.run(cmd);
    }

    private String ok(String... args) {
        Oracle.Result r = docker(args);
        assertEquals(0, r.exitCode(), () -> "docker " + String.join(" ", args) + ": " + r.out() + r.err() + logs());
        return r.out();
    }

    private String lnw(String... args) {
        List<String> cmd = new ArrayList<>(holder.enter());
        cmd.addAll(List.of(repo.resolve("lnw").toString(), "--state-dir", dir.resolve("state").toString(),
                "--run-dir", dir.resolve("run").toString()));
        cmd.addAll(List.of(args));
        Oracle.Result r = Oracle.run(cmd);
        assertEquals(0, r.exitCode(), () -> "lnw " + String.join(" ", args) + ": " + r.out() + r.err());
        return r.out();
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The host ends of veth pairs in the fake host (the bridge driver's names), by ip. */
    private static List<String> hostEnds(Namespaces ns) {
        List<String> l = new ArrayList<>();
        for (String name : Oracle.linkNames(ns.host())) {
            if (name.startsWith("veth") || name.startsWith("lnwc")) {
                l.add(name);
            }
        }
        return l;
    }

    private void removeCgroups() throws IOException {
        Cgroups.removeParent(cgroupParent);
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }

    private static String tail(Path f) {
        String s = read(f);
        return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
    }
}
