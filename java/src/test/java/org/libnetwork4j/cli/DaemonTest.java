package org.libnetwork4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.ControllerConfig;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.cli.CliTest.Run;
import org.libnetwork4j.store.StateDirLock;
import org.libnetwork4j.testing.Eventually;
import org.libnetwork4j.testing.HostState;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;
import org.libnetwork4j.testing.NsRef;
import org.libnetwork4j.testing.Oracle;
import org.libnetwork4j.testing.TestNs;

/**
 * lnw daemon and its thin client (native/client/lnw_client.c), as the launcher uses them: the
 * daemon started in a throwaway host namespace, commands sent by the client from there (and
 * from elsewhere, refused), results read back through ip and real traffic; then the daemon
 * stopped (the state stays) and killed (the client falls back to a JVM of its own).
 */
@ExtendWith(NetnsExtension.class)
// daemons and clients, whole JVMs one after another: room over the default 60 s on a loaded
// 2-core VM
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DaemonTest {
    /** The daemon's deadline for a client's request or answer, short here to test it. */
    private static final long IO_DEADLINE_MS = 1500;

    @Test
    void theDaemonRunsCommandsForTheClient(Namespaces ns) throws Exception {
        Path run = ns.dir().resolve("run");
        Path socket = ns.dir().resolve("state").resolve("lnw.sock");
        HostState empty = HostState.of(ns.host(), run);
        Process daemon = startDaemon(ns, socket);
        try {
            String id = client(ns, ns.host(), "network", "create", "--subnet", "10.57.0.0/24",
                    "-o", "com.docker.network.bridge.name=lnwt-dmn0", "dn").ok().out().strip();
            assertTrue(id.matches("[0-9a-f]{64}"), id);
            assertTrue(Oracle.addrs(ns.host(), "lnwt-dmn0", "inet").contains("10.57.0.1/24"), "the bridge, by ip");
            String keyA = client(ns, ns.host(), "sandbox", "create", "a").ok().out().strip();
            String keyB = client(ns, ns.host(), "sandbox", "create", "b").ok().out().strip();
            client(ns, ns.host(), "network", "connect", "-p", "8080:80", "dn", "a").ok();
            // one command line serves every request: b must not inherit a's -p
            client(ns, ns.host(), "network", "connect", "dn", "b").ok();
            assertTrue(Oracle.addrs(NsRef.of(Path.of(keyA)), "eth0", "inet").contains("10.57.0.2/24"));
            assertTrue(Oracle.addrs(NsRef.of(Path.of(keyB)), "eth0", "inet").contains("10.57.0.3/24"));
            JsonNode a = Oracle.parse(client(ns, ns.host(), "sandbox", "inspect", "a").ok().out()).get(0);
            JsonNode b = Oracle.parse(client(ns, ns.host(), "sandbox", "inspect", "b").ok().out()).get(0);
            assertEquals("8080", a.path("Ports").path("80/tcp").get(0).path("HostPort").asText());
            assertEquals(0, b.path("Ports").size(), b.toString());
            // likewise --format: JSON once, then the table again
            assertEquals("dn", Oracle.parse(client(ns, ns.host(), "network", "ls", "--format", "json").ok().out())
                    .path("Name").asText());
            assertEquals("NETWORK ID     NAME      DRIVER    SCOPE",
                    client(ns, ns.host(), "network", "ls").ok().out().lines().findFirst().orElse(""));

            // exec comes back to the client, which enters the sandbox: real traffic, the exit code
            assertEquals(0, client(ns, ns.host(), "exec", "b", "ping", "-c", "1", "-W", "2", "10.57.0.2").exit());
            assertEquals(3, client(ns, ns.host(), "exec", "b", "--", "sh", "-c", "exit 3").exit());
            assertEquals(127, client(ns, ns.host(), "exec", "b", "lnwt-no-such-program").exit());
            // the daemon's DNS, through the C library's resolver, with the sandbox's resolv.conf
            // shown at /etc/resolv.conf as exec shows it (and the host's file left alone)
            assertEquals("10.57.0.2", client(ns, ns.host(), "exec", "b", "getent", "ahostsv4", "a").ok().out()
                    .lines().findFirst().orElse("").split("\\s+")[0]);
            assertEquals("10.57.0.2", client(ns, ns.host(), "exec", "b", "getent", "ahostsv4", "a.dn").ok().out()
                    .lines().findFirst().orElse("").split("\\s+")[0]);
            assertFalse(Files.readString(Path.of("/etc/resolv.conf")).contains("10.57.0.1"));

            // a client that connects and says nothing holds the next ones up for the deadline only
            try (SocketChannel stalled = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                stalled.write(ByteBuffer.wrap("LNW1".getBytes(StandardCharsets.US_ASCII))); // and no more
                long t0 = System.nanoTime();
                String listed = client(ns, ns.host(), "network", "ls", "--format", "json").ok().out();
                assertTrue(listed.contains("\"dn\""), listed);
                long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertTrue(waited >= IO_DEADLINE_MS / 2 && waited < IO_DEADLINE_MS + 5_000, "waited " + waited + " ms");
                assertEquals(-1, stalled.read(ByteBuffer.allocate(1)), "the daemon hung up on it");
            }

            // errors and usage as without the daemon
            assertEquals("lnw: network \"x\" not found", client(ns, ns.host(), "network", "inspect", "x").fails(1));
            assertTrue(client(ns, ns.host(), "network", "ls", "--nope").fails(2).startsWith("lnw: Unknown option"));
            // several names: every failure on stderr, through the daemon too
            Run rm = client(ns, ns.host(), "network", "rm", "x", "dn");
            assertEquals(1, rm.exit());
            assertTrue(rm.err().contains("network \"x\" not found") && rm.err().contains("has active endpoints"), rm.err());
            assertEquals("lnw: this is a daemon already", client(ns, ns.host(), "daemon").fails(1));
            // a caller in another namespace would drive the wrong host: refused, nothing done
            TestNs elsewhere = ns.container("elsewhere");
            String refused = client(ns, elsewhere, "network", "rm", "dn").fails(1);
            assertTrue(refused.contains("works for network namespace"), refused);
            // and other directories than the daemon's
            Run other = CliTest.run(clientCommand(ns, ns.host(), List.of("--state-dir", ns.dir().resolve("state").toString(),
                    "--run-dir", ns.dir().resolve("elsewhere").toString(), "network", "ls")));
            assertTrue(other.fails(1).contains("this lnw daemon serves state directory"), other.err());

            // SIGTERM: the socket goes, the state stays (a plain lnw sees it), the network too
            daemon.destroy();
            assertTrue(daemon.waitFor(30, TimeUnit.SECONDS), "the daemon stops on SIGTERM");
            assertFalse(Files.exists(socket), "its socket is removed");
            assertEquals(id.substring(0, 12) + "\n", CliTest.lnw(ns, "network", "ls", "-q").ok().out());
            assertEquals(0, CliTest.lnw(ns, "exec", "b", "ping", "-c", "1", "-W", "2", "10.57.0.2").exit());

            // kill -9 leaves the socket file; the client then runs the JVM it was given
            daemon = startDaemon(ns, socket);
            daemon.destroyForcibly();
            assertTrue(daemon.waitFor(30, TimeUnit.SECONDS));
            assertTrue(Files.exists(socket), "a killed daemon leaves its socket");
            assertEquals(List.of("a", "b"), client(ns, ns.host(), "sandbox", "ls", "--format", "json").ok().out().lines()
                    .map(l -> Oracle.parse(l).path("Name").asText()).sorted().toList());

            // a daemon starting up holds the state directory's lock while it recovers, and
            // listens after: meanwhile the client waits for it, rather than start a JVM that
            // would wait for that lock in vain. Played here by this process: the lock held,
            // then a listener on the socket, which the client's request reaches
            reachesTheListenerOnceTheLockIsTaken(ns, socket,
                    new ProcessBuilder(clientCommand(ns, ns.host(), List.of("network", "ls"))));
            // the same through the launcher with no socket file at all (a daemon starting
            // after a clean stop): the lock file alone sends the command to the client
            Files.deleteIfExists(socket);
            reachesTheListenerOnceTheLockIsTaken(ns, socket, new ProcessBuilder("nsenter", "--net=" + ns.host().path(),
                    Path.of(System.getProperty("user.dir")).getParent().resolve("lnw").toString(),
                    "--state-dir", ns.dir().resolve("state").toString(), "--run-dir", run.toString(), "network", "ls"));
            // and before either file is there (`lnw daemon &` and a command at once: the
            // daemon's JVM still starting), the launcher gives the command a JVM of its own:
            // that JVM, finding the lock taken, hands the command to the client once the socket
            // is there, instead of waiting for a lock the daemon keeps
            Files.deleteIfExists(socket);
            ProcessBuilder started = ownJvm(ns, "network", "ls");
            reachesTheListenerOnceTheLockIsTaken(ns, socket, started);

            client(ns, ns.host(), "sandbox", "rm", "a", "b").ok();
            client(ns, ns.host(), "network", "rm", "dn").ok();
            assertEquals(empty, Eventually.settled(() -> HostState.of(ns.host(), run), empty));
        } finally {
            daemon.destroyForcibly();
            daemon.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /**
     * A JVM that may hand over still waits for a plain holder (no daemon answering: here a
     * process holding the lock for a second) and opens the controller once it lets go, instead
     * of failing at the first refusal.
     */
    @Test
    void aPlainHolderIsWaitedFor(Namespaces ns) throws Exception {
        Path state = ns.dir().resolve("state");
        java.nio.file.Files.createDirectories(state);
        StateDirLock.acquire(state, java.time.Duration.ZERO).close(); // the lock file
        ControllerConfig once = ControllerConfig.builder().stateDir(state).runDir(ns.dir().resolve("run"))
                .hostNamespace(ns.host().path()).lockWait(java.time.Duration.ZERO).build();
        Process holder = new ProcessBuilder("python3", "-c", "import fcntl, sys, time\n"
                + "f = open(sys.argv[1], 'r+')\nfcntl.lockf(f, fcntl.LOCK_EX)\nprint('held', flush=True)\n"
                + "time.sleep(1)\n", state.resolve("lock").toString()).redirectErrorStream(true).start();
        try {
            assertEquals("held", new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream()))
                    .readLine());
            long t0 = System.nanoTime();
            try (NetworkController c = HandOver.open(once, List.of("--state-dir", state.toString()),
                    java.time.Duration.ofSeconds(20))) {
                long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertTrue(waited >= 500, "opened after " + waited + " ms, while the holder held the lock?");
                assertFalse(HandOver.heldByAnotherProcess(state));
            }
        } finally {
            holder.destroyForcibly();
            holder.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * A command's JVM that handed its command to the client, killed with SIGKILL alone (no
     * signal to its process group, no shutdown hook), takes the client along: the client does
     * not go on waiting for the daemon's answer for a command that is gone. Played here: this
     * process holds the lock and listens as a daemon that never answers.
     */
    @Test
    void aKilledJvmTakesItsHandedOverClientAlong(Namespaces ns) throws Exception {
        Path state = ns.dir().resolve("state");
        Files.createDirectories(state);
        Path socket = state.resolve("lnw.sock");
        ProcessBuilder started = ownJvm(ns, "network", "ls").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        List<SocketChannel> open = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (java.nio.channels.FileChannel lockFile = java.nio.channels.FileChannel.open(state.resolve("lock"),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
                java.nio.channels.FileLock held = lockFile.lock();
                java.nio.channels.ServerSocketChannel listening = java.nio.channels.ServerSocketChannel
                        .open(java.net.StandardProtocolFamily.UNIX)) {
            listening.bind(UnixDomainSocketAddress.of(socket));
            var request = java.util.concurrent.CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 3; i++) { // the JVM's own look at the socket says nothing
                    try {
                        SocketChannel c = listening.accept();
                        open.add(c); // kept open, unanswered
                        if (DaemonCommand.Request.read(new java.io.DataInputStream(
                                java.nio.channels.Channels.newInputStream(c))) != null) {
                            return;
                        }
                    } catch (java.io.IOException e) {
                        // nothing came: the next one
                    }
                }
            });
            Process jvm = started.start();
            ProcessHandle client = null;
            try {
                request.get(30, TimeUnit.SECONDS);
                client = jvm.toHandle().children()
                        .filter(c -> c.info().command().orElse("").endsWith("lnw-client")).findFirst()
                        .orElseThrow(() -> new AssertionError("the JVM handed over, but runs no lnw-client"));
                SocketChannel asked = open.get(open.size() - 1); // the client's connection
                Thread.sleep(200);
                assertTrue(client.isAlive(), "the client waits for the answer while its JVM lives");
                jvm.destroyForcibly(); // SIGKILL, to the JVM's pid only
                assertTrue(jvm.waitFor(10, TimeUnit.SECONDS));
                // The kernel closes a killed process's socket at once, reaped or not (once the
                // JVM is gone, the client is no child of ours to wait for, and may stay a zombie
                // until whoever adopted it reaps it)
                asked.configureBlocking(false);
                ByteBuffer one = ByteBuffer.allocate(1);
                int read = 0;
                for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); read == 0
                        && System.nanoTime() < end; ) {
                    read = asked.read(one);
                    if (read == 0) {
                        Thread.sleep(20);
                    }
                }
                assertEquals(-1, read, "the client's connection stays open: the client outlived its JVM");
            } finally {
                if (client != null) {
                    client.destroyForcibly();
                }
                jvm.destroyForcibly();
                jvm.waitFor(10, TimeUnit.SECONDS);
                for (SocketChannel c : open) {
                    c.close();
                }
                Files.deleteIfExists(socket);
            }
        }
    }

    /**
     * Played by this process, a daemon starting up: the state directory's lock held (a
     * starting daemon recovers under it), the socket file deleted if there is one, then a
     * listener on it. The command started meanwhile must wait, not start a JVM of its own
     * (which would wait for the lock in vain), and its request must reach the listener.
     */
    private static void reachesTheListenerOnceTheLockIsTaken(Namespaces ns, Path socket, ProcessBuilder command)
            throws Exception {
        try (java.nio.channels.FileChannel lockFile = java.nio.channels.FileChannel.open(
                ns.dir().resolve("state").resolve("lock"), java.nio.file.StandardOpenOption.WRITE);
                java.nio.channels.FileLock held = lockFile.lock()) {
            Process waiting = command.redirectErrorStream(true).start();
            try {
                Thread.sleep(500);
                assertTrue(waiting.isAlive(), "the client waits while the lock is held");
                Files.deleteIfExists(socket); // what a starting daemon does, holding the lock
                try (java.nio.channels.ServerSocketChannel listening = java.nio.channels.ServerSocketChannel
                        .open(java.net.StandardProtocolFamily.UNIX)) {
                    listening.bind(UnixDomainSocketAddress.of(socket));
                    var accepted = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                        // a connection closed without a word is skipped, as the daemon skips it:
                        // a command's own JVM connects once to see that a daemon answers
                        for (int i = 0; i < 3; i++) {
                            try (SocketChannel c = listening.accept()) {
                                DaemonCommand.Request r = DaemonCommand.Request.read(new java.io.DataInputStream(
                                        java.nio.channels.Channels.newInputStream(c)));
                                if (r != null) {
                                    return r.args();
                                }
                            } catch (java.io.IOException e) {
                                // nothing came (EOF): the next one
                            }
                        }
                        return List.<String>of();
                    });
                    List<String> args = accepted.get(10, TimeUnit.SECONDS);
                    // the command, for the state directory the caller named, as an absolute path
                    assertEquals(List.of("network", "ls"), args.subList(Math.max(0, args.size() - 2), args.size()),
                            "the request reaches the listener: " + args);
                    int state = args.indexOf("--state-dir");
                    assertTrue(state >= 0 && Path.of(args.get(state + 1)).equals(ns.dir().resolve("state")
                            .toAbsolutePath()), "the request names the state directory: " + args);
                }
                assertTrue(waiting.waitFor(10, TimeUnit.SECONDS), "the client ends once the listener hangs up");
                assertTrue(new String(waiting.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                        .contains("closed the connection before answering"));
            } finally {
                waiting.destroyForcibly();
                Files.deleteIfExists(socket);
            }
        }
    }

    /** The lines a process prints, as they come, read by a thread of their own. */
    private static java.util.concurrent.BlockingQueue<String> lines(Process p) {
        java.io.BufferedReader in = new java.io.BufferedReader(
                new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        java.util.concurrent.BlockingQueue<String> got = new java.util.concurrent.LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try {
                for (String l; (l = in.readLine()) != null;) {
                    got.add(l);
                }
            } catch (java.io.IOException ended) {
                // the client went away
            }
        }, "events-reader");
        reader.setDaemon(true);
        reader.start();
        return got;
    }

    /**
     * Waits until an event stream (JSON lines in got) shows a change made after it started: a
     * network made and removed again until its removal shows, at most 20 times, a second
     * each; then forgets what the stream showed so far. A client just started may not have
     * subscribed yet, and what happens before it has is not shown to it.
     */
    private static void awaitStream(Namespaces ns, java.util.concurrent.BlockingQueue<String> got, int tag)
            throws Exception {
        for (int i = 0; i < 20; i++) {
            String name = "probe" + tag + "-" + i;
            String id = client(ns, ns.host(), "network", "create", "--subnet", "10.56." + (tag * 20 + i) + ".0/24",
                    name).ok().out().strip();
            client(ns, ns.host(), "network", "rm", name).ok();
            for (String l; (l = got.poll(1, TimeUnit.SECONDS)) != null;) {
                JsonNode e = Oracle.parse(l);
                if (id.equals(e.path("Actor").path("ID").asText()) && "destroy".equals(e.path("Action").asText())) {
                    got.clear();
                    return;
                }
            }
        }
        org.junit.jupiter.api.Assertions.fail("the event stream showed none of 20 changes made after it started");
    }

    /** lnw daemon in the fake host, ready when its socket is. */
    @Test
    void eventsStreamFromTheDaemonAsTheyHappenUntilTheClientGoes(Namespaces ns) throws Exception {
        Path socket = ns.dir().resolve("state").resolve("lnw.sock");
        // without a daemon there is nothing to stream: said, with the way out
        assertTrue(CliTest.lnw(ns, "events").fails(1).contains("running lnw daemon"));
        Process daemon = startDaemon(ns, socket);
        Process events = null;
        try {
            assertTrue(client(ns, ns.host(), "events", "--filter", "colour=red").fails(2).contains("invalid filter"));
            events = new ProcessBuilder(clientCommand(ns, ns.host(),
                    List.of("events", "--format", "json", "--filter", "type=network"))).start();
            java.util.concurrent.BlockingQueue<String> got = lines(events);
            awaitStream(ns, got, 0); // the stream is set up before the first change
            String id = client(ns, ns.host(), "network", "create", "--subnet", "10.58.0.0/24", "ev").ok().out().strip();
            JsonNode created = Oracle.parse(got.poll(10, TimeUnit.SECONDS));
            assertEquals("network", created.path("Type").asText());
            assertEquals("create", created.path("Action").asText());
            assertEquals(id, created.path("Actor").path("ID").asText());
            assertEquals("ev", created.path("Actor").path("Attributes").path("name").asText());
            assertTrue(created.path("timeNano").asLong() > 0);
            // a sandbox's own events are filtered out; its connect is a network event
            client(ns, ns.host(), "sandbox", "create", "s1").ok();
            client(ns, ns.host(), "network", "connect", "ev", "s1").ok();
            JsonNode connected = Oracle.parse(got.poll(10, TimeUnit.SECONDS));
            assertEquals("connect", connected.path("Action").asText(), connected.toString());
            assertEquals("s1", connected.path("Actor").path("Attributes").path("container").asText());
            // the client goes; the daemon serves on, and the next stream gets the next event
            events.destroy();
            assertTrue(events.waitFor(10, TimeUnit.SECONDS));
            client(ns, ns.host(), "sandbox", "rm", "s1").ok();
            client(ns, ns.host(), "network", "rm", "ev").ok();
            client(ns, ns.host(), "network", "ls").ok(); // the daemon serves on after its stream's client went
            // a stream still open when the daemon stops ends with exit code 0
            events = new ProcessBuilder(clientCommand(ns, ns.host(), List.of("events", "--format", "json"))).start();
            awaitStream(ns, lines(events), 1);
            daemon.destroy();
            assertTrue(daemon.waitFor(30, TimeUnit.SECONDS), "the daemon stops with a stream open");
            assertTrue(events.waitFor(10, TimeUnit.SECONDS));
            assertEquals(0, events.exitValue());
        } finally {
            if (events != null) {
                events.destroyForcibly();
            }
            daemon.destroyForcibly();
            daemon.waitFor(30, TimeUnit.SECONDS);
        }
    }

    static Process startDaemon(Namespaces ns, Path socket) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=" + ns.host().path()));
        List<String> jvm = new ArrayList<>(CliTest.jvm(ns));
        int java = jvm.indexOf(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        jvm.add(java + 1, "-Dlnw.daemon.ioDeadlineMs=" + IO_DEADLINE_MS); // a JVM option, after java
        cmd.addAll(jvm);
        cmd.add("daemon");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ns.dir().resolve("daemon.log").toFile()).start();
        for (int i = 0; i < 600 && !(Files.exists(socket) && p.isAlive()); i++) {
            if (!p.isAlive()) {
                break;
            }
            Thread.sleep(50);
        }
        assertTrue(p.isAlive() && Files.exists(socket), "the daemon is listening; its log: "
                + (Files.exists(ns.dir().resolve("daemon.log")) ? Files.readString(ns.dir().resolve("daemon.log")) : ""));
        return p;
    }

    /** The client, run in where, sending args to the daemon; the in-process JVM as fallback. */
    static Run client(Namespaces ns, TestNs where, String... args) {
        return CliTest.run(clientCommand(ns, where, List.of(args)), args);
    }

    /**
     * An lnw command in a JVM of its own in the fake host, started as the launcher starts one
     * when it finds no daemon: told where the client is, so that it may hand the command over.
     */
    private static ProcessBuilder ownJvm(Namespaces ns, String... command) {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=" + ns.host().path()));
        cmd.addAll(CliTest.jvm(ns));
        cmd.addAll(List.of(command));
        ProcessBuilder b = new ProcessBuilder(cmd);
        b.environment().put("LNW_CLIENT", clientPath().toString()); // as the launcher exports them
        b.environment().put("LNW_LAUNCHER", "/bin/false"); // the client's fallback, not wanted here
        return b;
    }

    private static Path clientPath() {
        Path client = Path.of(System.getProperty("user.dir"), "target", "cmake", "lnw-client");
        assertTrue(Files.isExecutable(client), "no " + client + ": CMake builds it with the native library");
        return client;
    }

    private static List<String> clientCommand(Namespaces ns, TestNs where, List<String> args) {
        Path client = clientPath();
        List<String> jvm = CliTest.jvm(ns);
        List<String> request = new ArrayList<>(jvm.subList(jvm.indexOf(Lnw.class.getName()) + 1, jvm.size()));
        if (args.contains("--state-dir")) {
            request.clear(); // the caller names its directories itself
        }
        request.addAll(args);
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=" + where.path(), client.toString(),
                ns.dir().resolve("state").resolve(DaemonCommand.SOCKET).toString(), Integer.toString(request.size())));
        cmd.addAll(request);
        cmd.addAll(jvm);
        cmd.addAll(args);
        return cmd;
    }
}
