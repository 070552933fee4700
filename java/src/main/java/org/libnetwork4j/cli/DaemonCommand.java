package org.libnetwork4j.cli;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.libnetwork4j.ControllerConfig;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.api.EngineApi;
import org.libnetwork4j.http.ErrorFormatter;
import org.libnetwork4j.http.UnixHttpServer;
import org.libnetwork4j.plugin.DockerPlugin;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code lnw daemon}: keeps one controller open on the state directory and runs lnw commands
 * for the thin client ({@code native/client/lnw_client.c}) that the launcher starts when the
 * daemon's socket, {@code STATE_DIR/lnw.sock}, exists. A command then costs what its work
 * costs, not a JVM start and a cold controller (see benchmarks/RESULTS.md).
 *
 * <p>The daemon is the host namespace's controller like any lnw: it serves only callers in the
 * network and mount namespaces it was started in (a caller elsewhere would drive the wrong
 * host, or get namespace paths that mean nothing where it runs), and only the state and run
 * directories it holds. Commands run one at a time, in arrival order, as lnw processes wait
 * for each other without it. {@code lnw exec} comes back to the client, which enters the
 * sandbox's namespace itself: the command belongs to the caller's terminal.
 *
 * <p>SIGTERM or SIGINT: the command in progress finishes, the controller is closed (the
 * network stays as it is, as at any controller close), the socket goes. After a kill -9 the
 * socket file stays; clients find nobody behind it and run the command themselves.
 */
@Command(name = "daemon", mixinStandardHelpOptions = true,
        description = "Keep the controller open and run lnw commands sent through STATE_DIR/lnw.sock"
                + " (the lnw launcher sends them there while it exists); stops on SIGTERM or SIGINT.")
final class DaemonCommand implements java.util.concurrent.Callable<Integer> {
    static final String SOCKET = "lnw.sock";
    /** How long a client may take to send its request, or to take its answer. */
    static final long IO_DEADLINE_MS = Long.getLong("lnw.daemon.ioDeadlineMs", 10_000);
    static final int MAX_ARGS = 4096;
    static final int MAX_ARG_BYTES = 1 << 20;
    /** The buffer of a connection's request and of its answer: a CNI call's fit in one. */
    private static final int IO_BUFFER = 1 << 16;

    @ParentCommand
    Lnw lnw;

    @Option(names = "--docker-plugin", arity = "0..1", paramLabel = "SOCKET",
            fallbackValue = DockerPlugin.DEFAULT_SOCKET_PATH,
            description = "also serve dockerd as its network and IPAM plugin \"libnetwork4j\" on SOCKET"
                    + " (default: ${FALLBACK-VALUE}, where dockerd looks for it)")
    Path dockerPlugin;

    @Option(names = "--docker-api", paramLabel = "unix:///PATH",
            description = "also serve the Docker Engine API's network endpoints (API 1.41) on the unix socket PATH,"
                    + " for DOCKER_HOST=unix:///PATH docker network ...")
    String dockerApi;

    /** The command line the requests run through: built once, used one request at a time. */
    private Lnw.Runner runner;
    /**
     * The environment every request's command sees: the daemon's own, with the daemon's
     * directories (the requests came through its socket). Made once: it cannot change.
     */
    private Map<String, String> requestEnv;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (lnw.session != null) {
            throw new Lnw.CliException("this is a daemon already");
        }
        ControllerConfig config = lnw.config();
        Path socket = config.stateDir().resolve(SOCKET).toAbsolutePath();
        if (socket.toString().getBytes(StandardCharsets.UTF_8).length >= 108) {
            throw new Lnw.CliException("the state directory's path is too long for a socket in it (" + socket
                    + ": the kernel takes 107 bytes)");
        }
        Path apiSocket = dockerApi == null ? null : apiSocket(dockerApi);
        lnw.servesDns = true;
        NetworkController controller = lnw.controller();
        ServerSocketChannel server;
        try {
            // Whoever made this file is gone: we hold the state directory's lock.
            Files.deleteIfExists(socket);
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | RuntimeException e) {
            controller.close();
            throw new Lnw.CliException("cannot listen on " + socket + ": " + e.getMessage());
        }
        Identity here = Identity.ofSelf();
        // dockerd's calls run beside the lnw commands, many at once: the controller is thread-safe
        ExecutorService httpWork = Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r, "lnw-daemon-http");
            t.setDaemon(true);
            return t;
        });
        UnixHttpServer plugin = null;
        UnixHttpServer api = null;
        EngineApi engine = null;
        try {
            if (dockerPlugin != null) {
                try {
                    plugin = UnixHttpServer.builder(dockerPlugin.toAbsolutePath(),
                            new DockerPlugin(controller, config.addressPools()), httpWork)
                            .errors(ErrorFormatter.PLUGIN).start();
                } catch (RuntimeException e) {
                    throw new Lnw.CliException("cannot serve dockerd on " + dockerPlugin + ": " + e.getMessage());
                }
            }
            if (apiSocket != null) {
                engine = new EngineApi(controller);
                try {
                    api = UnixHttpServer.builder(apiSocket, engine, httpWork).start(); // Engine errors: the default
                } catch (RuntimeException e) {
                    throw new Lnw.CliException("cannot serve the Docker Engine API on " + apiSocket + ": "
                            + e.getMessage());
                }
            }
        } catch (Lnw.CliException e) {
            closeServers(api, engine, plugin);
            httpWork.shutdownNow();
            server.close();
            Files.deleteIfExists(socket);
            controller.close();
            throw e;
        }
        runner = new Lnw.Runner();
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("LNW_STATE_DIR", config.stateDir().toString());
        env.put("LNW_RUN_DIR", config.runDir().toString());
        requestEnv = Collections.unmodifiableMap(env);
        CountDownLatch done = new CountDownLatch(1);
        Thread stopper = new Thread(() -> {
            try {
                server.close(); // ends accept(); a command in progress finishes first
                done.await(30, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException e) {
                // stopping anyway
            }
        }, "lnw-daemon-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        PrintWriter log = lnw.err();
        log.println("lnw daemon: serving " + config.stateDir() + " on " + socket + " for network namespace "
                + here.net());
        if (plugin != null) {
            log.println("lnw daemon: serving dockerd as network and IPAM driver \"libnetwork4j\" on "
                    + plugin.socketPath());
        }
        if (api != null) {
            log.println("lnw daemon: serving the Docker Engine API " + EngineApi.API_VERSION + " (networks) on "
                    + api.socketPath() + ": DOCKER_HOST=unix://" + api.socketPath() + " docker network ...");
        }
        // A client that stops halfway (stopped, or not ours) must not hold up the ones after it:
        // reading its request and writing its answer each have a deadline.
        ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lnw-daemon-deadlines");
            t.setDaemon(true);
            return t;
        });
        List<String> failed = new ArrayList<>(); // what stopping could not do
        try {
            while (true) {
                SocketChannel client;
                try {
                    client = server.accept();
                } catch (ClosedChannelException stop) { // closed by the stopper
                    break;
                }
                boolean streaming = false;
                try {
                    streaming = serve(client, controller, config, here, deadlines);
                } catch (IOException e) {
                    log.println("lnw daemon: a client went away: " + e); // the next one is served
                } finally {
                    if (!streaming) {
                        closeQuietly(client);
                    }
                }
            }
        } finally {
            // Each step on its own, the controller's close whatever failed before it; and the
            // outcome printed before the stopper (a shutdown hook) is released, as the JVM
            // halts once it returns: anything printed after that may never reach the log.
            for (EventStream s : streams) {
                stopStep(failed, "end lnw events", s::finish); // its clients exit 0 with the daemon
            }
            stopStep(failed, "stop the timers", () -> {
                heartbeats.shutdownNow();
                deadlines.shutdownNow();
            });
            // the servers before the controller, no call may find it closed (they log their own failures)
            closeServers(api, engine, plugin);
            stopStep(failed, "stop the HTTP workers", httpWork::shutdownNow);
            stopStep(failed, "remove " + socket, () -> Files.deleteIfExists(socket));
            stopStep(failed, "close the controller", controller::close);
            log.println(failed.isEmpty() ? "lnw daemon: stopped" : "lnw daemon: stopped, with errors: "
                    + String.join("; ", failed));
            log.flush();
            done.countDown();
        }
        return failed.isEmpty() ? 0 : 1;
    }

    private interface StopStep {
        void run() throws Exception;
    }

    private static void stopStep(List<String> failed, String what, StopStep step) {
        try {
            step.run();
        } catch (Exception e) {
            failed.add(what + ": " + e);
        }
    }

    /** {@code unix:///PATH} (or a bare absolute path) as the socket's path; anything else is a usage error. */
    static Path apiSocket(String address) {
        String path = address.startsWith("unix://") ? address.substring("unix://".length()) : address;
        if (!path.startsWith("/") || path.length() < 2) {
            throw new Lnw.CliException("invalid --docker-api \"" + address + "\": unix:///PATH, PATH absolute");
        }
        return Path.of(path).normalize();
    }

    /** The HTTP servers, then the Engine API's event subscription; each one's failure is logged, not thrown. */
    private void closeServers(UnixHttpServer api, EngineApi engine, UnixHttpServer plugin) {
        for (AutoCloseable c : new AutoCloseable[] {api, engine, plugin}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    lnw.err().println("lnw daemon: closing " + c + ": " + e);
                }
            }
        }
    }

    /**
     * One request: read it, run it with the open controller, send what it printed and its code.
     * Returns true if the connection now belongs to an event stream (lnw events), which closes it.
     */
    private boolean serve(SocketChannel ch, NetworkController controller, ControllerConfig config, Identity here,
            ScheduledExecutorService deadlines) throws IOException {
        // Buffered both ways: unbuffered, each of the request's length fields was a read(2) of
        // its own (~100 for a CNI call, ~0.09 ms) and each frame of the answer a write(2) that
        // woke the client; now the request is one read, the answer one write at its flush.
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(ch), IO_BUFFER));
        Request req = withDeadline(ch, deadlines, () -> Request.read(
                new DataInputStream(new BufferedInputStream(Channels.newInputStream(ch), IO_BUFFER))));
        if (req == null) {
            return false; // not our client, or not a request: say nothing
        }
        if (!req.caller().sameNamespaces(here)) {
            withDeadline(ch, deadlines, () -> {
                text(out, 'E', "lnw: the lnw daemon of " + config.stateDir() + " works for network namespace "
                        + here.net() + " and mount namespace " + here.mnt() + "; this lnw runs in "
                        + req.caller().net() + " and " + req.caller().mnt()
                        + " (stop the daemon, or run lnw where it runs)\n");
                exit(out, 1);
                return null;
            });
            return false;
        }
        if (req.args().contains("events")) { // cheap first look; startStream parses it for sure
            Boolean streaming = startStream(ch, out, req.args(), controller, config, deadlines);
            if (streaming != null) {
                return streaming;
            }
        }
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        Session session = new Session(controller, config);
        int code; // the command itself takes what it takes: no deadline
        try (PrintWriter o = new PrintWriter(stdout); PrintWriter e = new PrintWriter(stderr)) {
            CniCommand.Call cni = CniCommand.Call.of(req.args()); // lnw-cni's calls: no picocli parse
            code = cni != null ? runner.runCni(cni, o, e, requestEnv, session)
                    : runner.run(req.args().toArray(String[]::new), o, e, requestEnv, session);
        }
        withDeadline(ch, deadlines, () -> {
            text(out, 'O', stdout.toString());
            text(out, 'E', stderr.toString());
            if (session.execKey != null && code == 0) {
                out.writeByte('N');
                bytes(out, session.execKey);
                bytes(out, session.execFiles.get(0));
                bytes(out, session.execFiles.get(1));
                out.writeInt(session.execCommand.size());
                for (String a : session.execCommand) {
                    bytes(out, a);
                }
                out.flush();
            } else {
                exit(out, code);
            }
            return null;
        });
        return false;
    }

    // ---- lnw events ----

    /** The most clients of lnw events at once: each holds a thread while it listens. */
    private static final int MAX_STREAMS = 64;
    /** How often an idle stream checks that its client is still there (an empty frame). */
    private static final long HEARTBEAT_SECONDS = 5;

    private final java.util.Set<EventStream> streams = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "lnw-daemon-heartbeats");
        t.setDaemon(true);
        return t;
    });

    /**
     * Hands the connection to a new event stream, unless the request is bad or there are too
     * many (answered, false), or is not lnw events after all (null): the serving loop goes on at once, the stream writes each event as it comes (on its
     * subscription's thread, each write under the deadline) until the client hangs up.
     */
    private Boolean startStream(SocketChannel ch, DataOutputStream out, List<String> args, NetworkController controller,
            ControllerConfig config, ScheduledExecutorService deadlines) throws IOException {
        EventsCommand.Stream wanted;
        try {
            Lnw top = new Lnw();
            // as for every request: the daemon's directories unless the request names others
            top.env = Map.of("LNW_STATE_DIR", config.stateDir().toString(), "LNW_RUN_DIR", config.runDir().toString());
            CommandLine.ParseResult parsed;
            try {
                parsed = new CommandLine(top).parseArgs(args.toArray(String[]::new));
            } catch (CommandLine.ParameterException e) {
                return null; // not ours to judge: the runner reports usage errors as for any command
            }
            if (parsed.subcommand() == null || !(parsed.subcommand().commandSpec().userObject() instanceof EventsCommand ev)) {
                return null; // "events" was an argument of another command
            }
            // the same check as every command's: the daemon's directories only
            new Session(controller, config).controller(top.config());
            wanted = ev.stream();
            if (streams.size() >= MAX_STREAMS) {
                throw new Lnw.CliException("this lnw daemon streams events to " + MAX_STREAMS + " clients already");
            }
        } catch (Lnw.CliException e) {
            withDeadline(ch, deadlines, () -> {
                text(out, 'E', "lnw: " + e.getMessage() + "\n");
                exit(out, e.getMessage().startsWith("invalid") ? 2 : 1);
                return null;
            });
            return false;
        }
        EventStream s = new EventStream(ch, out, deadlines);
        streams.add(s);
        s.subscription = controller.subscribe(e -> {
            if (wanted.wants(e)) {
                s.send(wanted.line(e));
            }
        });
        s.heartbeat = heartbeats.scheduleAtFixedRate(() -> s.send(""), HEARTBEAT_SECONDS, HEARTBEAT_SECONDS,
                TimeUnit.SECONDS);
        return true;
    }

    /** One client of lnw events. Writes are serialized: events and heartbeats come from two threads. */
    private final class EventStream {
        private final SocketChannel ch;
        private final DataOutputStream out;
        private final ScheduledExecutorService deadlines;
        volatile org.libnetwork4j.EventSubscription subscription;
        volatile java.util.concurrent.ScheduledFuture<?> heartbeat;
        private boolean closed; // guarded by this

        EventStream(SocketChannel ch, DataOutputStream out, ScheduledExecutorService deadlines) {
            this.ch = ch;
            this.out = out;
            this.deadlines = deadlines;
        }

        /** One 'O' frame (an empty one is the heartbeat); a client gone ends the stream. */
        synchronized void send(String text) {
            if (closed) {
                return;
            }
            try {
                withDeadline(ch, deadlines, () -> {
                    byte[] b = text.getBytes(StandardCharsets.UTF_8);
                    out.writeByte('O');
                    out.writeInt(b.length);
                    out.write(b);
                    out.flush();
                    return null;
                });
            } catch (IOException gone) {
                close();
            }
        }

        /** The daemon stops: the client gets its exit code, 0. */
        synchronized void finish() {
            if (!closed) {
                try {
                    withDeadline(ch, deadlines, () -> {
                        exit(out, 0);
                        return null;
                    });
                } catch (IOException gone) {
                    // closing anyway
                }
                close();
            }
        }

        synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            streams.remove(this);
            if (subscription != null) {
                subscription.close();
            }
            if (heartbeat != null) {
                heartbeat.cancel(false);
            }
            closeQuietly(ch);
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // closing is all we wanted
        }
    }

    /** What a client sends: its namespaces and its command line. */
    record Request(Identity caller, List<String> args) {
        /** The request, or null if what came is none. */
        static Request read(DataInputStream in) throws IOException {
            if (!"LNW1".equals(new String(in.readNBytes(4), StandardCharsets.US_ASCII))) {
                return null;
            }
            Identity caller = new Identity(in.readLong(), in.readLong(), in.readLong(), in.readLong());
            int argc = in.readInt();
            if (argc < 0 || argc > MAX_ARGS) {
                return null;
            }
            List<String> args = new ArrayList<>(argc);
            for (int i = 0; i < argc; i++) {
                int len = in.readInt();
                if (len < 0 || len > MAX_ARG_BYTES) {
                    return null;
                }
                args.add(new String(in.readNBytes(len), StandardCharsets.UTF_8));
            }
            return new Request(caller, args);
        }
    }

    private interface Io<T> {
        T run() throws IOException;
    }

    /** Runs io, hanging up on the client if it has not finished within the deadline. */
    private static <T> T withDeadline(SocketChannel ch, ScheduledExecutorService deadlines, Io<T> io)
            throws IOException {
        ScheduledFuture<?> hangUp = deadlines.schedule(() -> {
            try {
                ch.close(); // what blocks on it fails, and the next client is served
            } catch (IOException e) {
                // closing is all we wanted
            }
        }, IO_DEADLINE_MS, TimeUnit.MILLISECONDS);
        try {
            return io.run();
        } finally {
            hangUp.cancel(false);
        }
    }

    private static void text(DataOutputStream out, char type, String s) throws IOException {
        if (!s.isEmpty()) {
            out.writeByte(type);
            bytes(out, s);
        }
    }

    private static void bytes(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static void exit(DataOutputStream out, int code) throws IOException {
        out.writeByte('X');
        out.writeInt(code);
        out.flush();
    }

    /**
     * What a command run by the daemon gets instead of a controller of its own: the daemon's,
     * which it must not close, and a place to leave {@code lnw exec}'s command for the client.
     */
    static final class Session {
        private final NetworkController controller;
        private final ControllerConfig config;
        String execKey;
        List<String> execFiles;
        List<String> execCommand;

        Session(NetworkController controller, ControllerConfig config) {
            this.controller = controller;
            this.config = config;
        }

        /** The daemon's controller, if the command asks for the daemon's directories. */
        NetworkController controller(ControllerConfig wanted) {
            if (!wanted.stateDir().toAbsolutePath().normalize().equals(config.stateDir().toAbsolutePath().normalize())
                    || !wanted.runDir().toAbsolutePath().normalize().equals(config.runDir().toAbsolutePath().normalize())) {
                throw new Lnw.CliException("this lnw daemon serves state directory " + config.stateDir()
                        + " and run directory " + config.runDir() + ", not " + wanted.stateDir() + " and "
                        + wanted.runDir());
            }
            return unclosable(controller);
        }

        void handOff(String key, List<String> files, List<String> command) {
            execKey = key;
            execFiles = List.copyOf(files);
            execCommand = List.copyOf(command);
        }
    }

    /**
     * The commands close the controller they are given when they are done; the daemon's must
     * stay open, so they get a view of it whose close() does nothing. Every other call goes to
     * the controller as it is.
     */
    private static NetworkController unclosable(NetworkController c) {
        return (NetworkController) java.lang.reflect.Proxy.newProxyInstance(NetworkController.class.getClassLoader(),
                new Class<?>[] {NetworkController.class}, (proxy, method, margs) -> {
                    if (method.getName().equals("close") && method.getParameterCount() == 0) {
                        return null;
                    }
                    try {
                        return method.invoke(c, margs);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** A process's network and mount namespaces, as (inode, device) pairs. */
    record Identity(long netIno, long netDev, long mntIno, long mntDev) {
        static Identity ofSelf() throws IOException {
            Path net = Path.of("/proc/self/ns/net");
            Path mnt = Path.of("/proc/self/ns/mnt");
            return new Identity(attr(net, "ino"), attr(net, "dev"), attr(mnt, "ino"), attr(mnt, "dev"));
        }

        private static long attr(Path p, String name) throws IOException {
            return ((Number) Files.getAttribute(p, "unix:" + name)).longValue();
        }

        boolean sameNamespaces(Identity o) {
            return netIno == o.netIno && netDev == o.netDev && mntIno == o.mntIno && mntDev == o.mntDev;
        }

        String net() {
            return "net:[" + netIno + "]";
        }

        String mnt() {
            return "mnt:[" + mntIno + "]";
        }
    }
}
