package org.libnetwork4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.testing.BusyboxRootfs;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;
import org.libnetwork4j.testing.Oracle;
import org.libnetwork4j.testing.World;

/**
 * A real runc (Debian's) runs a busybox container whose createRuntime hook is
 * {@code lnw sandbox set-key}: the container joins a libnetwork4j network, pings a sandbox
 * libnetwork4j made, and answers a neighbour of the fake host on a port published there. runc runs in the fake
 * host's network namespace, in a mount namespace of its own, its state under the test's
 * directory; the container is killed and deleted at the end, also on failure.
 */
@ExtendWith(NetnsExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RuncHookTest {
    private static final Path RUNC = Path.of("/usr/sbin/runc");

    @Test
    void aRuncContainerJoinsThroughItsHook(Namespaces ns) throws Exception {
        assertTrue(Files.isExecutable(RUNC) && Files.isExecutable(BusyboxRootfs.BUSYBOX),
                "runc and busybox-static are test dependencies (the build installs them: native/prerequisites.sh)");
        Path dir = ns.dir();
        World world = World.of(ns);
        Path lnw = Path.of(System.getProperty("user.dir")).getParent().resolve("lnw");
        List<String> dirs = List.of("--state-dir", dir.resolve("state").toString(), "--run-dir", dir.resolve("run").toString());
        CliTest.lnw(ns, "network", "create", "--subnet", "10.61.0.0/24", "rn").ok();
        CliTest.lnw(ns, "sandbox", "create", "peer").ok();
        CliTest.lnw(ns, "network", "connect", "rn", "peer").ok();
        CliTest.lnw(ns, "sandbox", "create", "web").ok();
        CliTest.lnw(ns, "network", "connect", "-p", "8081:80", "rn", "web").ok();

        Path bundle = dir.resolve("bundle");
        BusyboxRootfs.make(bundle.resolve("rootfs"), "hello from runc\n");
        Oracle.run(List.of(RUNC.toString(), "spec", "--bundle", bundle.toString()));
        ObjectMapper json = new ObjectMapper();
        ObjectNode spec = (ObjectNode) json.readTree(bundle.resolve("config.json").toFile());
        ObjectNode process = (ObjectNode) spec.get("process");
        process.put("terminal", false);
        process.set("args", json.valueToTree(List.of("/bin/httpd", "-f", "-p", "80", "-h", "/www")));
        ObjectNode caps = (ObjectNode) process.get("capabilities");
        for (String set : List.of("bounding", "effective", "permitted", "ambient")) {
            ((ArrayNode) caps.get(set)).add("CAP_NET_RAW"); // ping
        }
        List<String> hook = new ArrayList<>(List.of(lnw.toString()));
        hook.addAll(dirs);
        hook.addAll(List.of("sandbox", "set-key", "web"));
        String javaBin = Path.of(System.getProperty("java.home"), "bin").toString();
        spec.set("hooks", json.valueToTree(Map.of("createRuntime", List.of(Map.of("path", lnw.toString(),
                "args", hook, "env", List.of("PATH=" + javaBin + ":/usr/sbin:/usr/bin:/sbin:/bin"), "timeout", 120)))));
        json.writeValue(bundle.resolve("config.json").toFile(), spec);

        String id = "lnwt-runc-" + ProcessHandle.current().pid();
        List<String> runc = List.of("nsenter", "--net=" + ns.host().path(), "unshare", "--mount", "--propagation",
                "private", RUNC.toString(), "--root", dir.resolve("runc").toString());
        try {
            // the detached container inherits runc's stdio: files, not pipes nobody would close
            Path log = dir.resolve("runc.log");
            Process run = new ProcessBuilder(concat(runc, "run", "--detach", "--bundle", bundle.toString(), id))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            assertTrue(run.waitFor(150, TimeUnit.SECONDS), "runc run did not return");
            assertEquals(0, run.exitValue(), "runc run: " + Files.readString(log));
            String peerIp = "10.61.0.2"; // the network's first endpoint: peer's
            Oracle.Result ping = Oracle.run(concat(runc, "exec", id, "/bin/ping", "-c", "1", "-W", "2", peerIp));
            assertEquals(0, ping.exitCode(), "ping from the runc container to " + peerIp + ": " + ping.out() + ping.err());
            // a neighbour of the fake host (on its own link) fetches the published port (with socat:
            // a static busybox's wget crashes in glibc's resolver outside its rootfs)
            Oracle.Result fetched = Oracle.run(List.of("nsenter", "--net=" + world.remote.path(), "sh", "-c",
                    "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | socat -T5 - TCP:" + World.HOST_ON_REMOTE_LINK + ":8081"));
            assertTrue(fetched.out().startsWith("HTTP/1.") && fetched.out().endsWith("hello from runc\n"),
                    "the published port, from a neighbour: " + fetched);
        } finally {
            Oracle.run(concat(runc, "kill", id, "KILL"));
            Oracle.run(concat(runc, "delete", "--force", id));
        }
        // the container is gone, and its namespace with it: the next lnw drops its sandbox at
        // recovery, and its address (10.61.0.3) is free again
        assertEquals("peer", CliTest.lnw(ns, "sandbox", "ls", "-q").ok().out().strip());
        CliTest.lnw(ns, "sandbox", "create", "next").ok();
        CliTest.lnw(ns, "network", "connect", "rn", "next").ok();
        assertTrue(CliTest.lnw(ns, "sandbox", "inspect", "next").ok().out().contains("10.61.0.3"));
        CliTest.lnw(ns, "sandbox", "rm", "next", "peer").ok();
        CliTest.lnw(ns, "network", "rm", "rn").ok();
    }

    private static List<String> concat(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all;
    }
}
