package org.libnetwork4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.libnetwork4j.ControllerConfig;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.NetworkException;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.Sandbox;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lnw}: the library from the shell, in the words of {@code docker network}. State is
 * kept in the controller's store between invocations; concurrent invocations wait for each
 * other (the state directory's lock). The host namespace is the one lnw runs in, so
 * {@code nsenter --net=/run/netns/HOST lnw ...} drives a fake host.
 *
 * <p>Exit codes: 0 ok, 1 error (one line on stderr naming what was wrong), 2 usage.
 */
@Command(name = "lnw", mixinStandardHelpOptions = true, version = "lnw 0.1.0 (libnetwork4j)",
        description = "Container networks (Docker's CNM) from the shell.",
        subcommands = {NetworkCommand.class, SandboxCommand.class, ExecCommand.class, QuickstartCommand.class,
                DaemonCommand.class, EventsCommand.class, CniCommand.class, CdsTrainingCommand.class})
public final class Lnw implements Runnable {
    /** How long a command waits for another lnw (or controller) holding the state directory. */
    static final Duration LOCK_WAIT = Duration.ofSeconds(60);

    @Option(names = "--state-dir", paramLabel = "DIR", description = "where the store is kept"
            + " (default: $LNW_STATE_DIR or /var/lib/libnetwork4j)")
    Path stateDir;

    @Option(names = "--run-dir", paramLabel = "DIR", description = "where sandbox namespaces and files live"
            + " (default: $LNW_RUN_DIR or /run/libnetwork4j)")
    Path runDir;

    @Option(names = "--debug", description = "print the whole error, with its causes")
    boolean debug;

    @Option(names = "--cluster-store", paramLabel = "etcd://IP:PORT[,...]", scope = CommandLine.ScopeType.INHERIT,
            description = "etcd 3, for overlay networks shared with other hosts (default: $LNW_CLUSTER_STORE)")
    String clusterStore;

    @Option(names = "--advertise-addr", paramLabel = "IP", scope = CommandLine.ScopeType.INHERIT,
            description = "this host's address on the underlay, with a cluster store (default: $LNW_ADVERTISE_ADDR)")
    String advertiseAddr;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is needed");
    }

    /**
     * The command line's entry point: logging per LNW_LOG_LEVEL, then the command; exits the
     * JVM with the command's exit code.
     *
     * @param args a command ({@code network}, {@code sandbox}, {@code exec}...) with its
     *             options and arguments
     */
    public static void main(String[] args) {
        Map<String, String> env = System.getenv();
        configureLogging(env);
        int code;
        try {
            code = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true), env);
        } catch (HandOver h) {
            try {
                code = h.runClient(args, env);
            } catch (IOException | InterruptedException e) {
                System.err.println("lnw: a daemon holds the state directory, and its client did not run: " + e);
                code = 1;
            }
        }
        System.exit(code);
    }

    /**
     * The library logs through SLF4J; the command line carries SLF4J's simple binding, which
     * writes to stderr. Warnings only, unless LNW_LOG_LEVEL says otherwise (info shows what
     * recovery and self-healing did, debug every create and delete): a command's own output
     * stays clean. Set before the first logger is made.
     */
    static void configureLogging(Map<String, String> env) {
        String level = env.getOrDefault("LNW_LOG_LEVEL", "warn");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        // Netty looks for a loopback interface once, in whatever namespace the JVM starts in; a
        // fake host whose lo is down gets a stack trace at WARN that says nothing of use here
        System.setProperty("org.slf4j.simpleLogger.log.io.netty.util.NetUtilInitializations", "error");
        System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
        System.setProperty("org.slf4j.simpleLogger.levelInBrackets", "true");
    }

    /** Runs lnw with these arguments; returns the exit code. */
    static int run(String[] args, PrintWriter out, PrintWriter err, Map<String, String> env) {
        return new Runner().run(args, out, err, env, null);
    }

    /**
     * lnw's command line, built once (picocli's model of every command, from annotations:
     * milliseconds) and reusable for many runs, one at a time: picocli resets every option to
     * its initial value before it parses. lnw daemon keeps one.
     */
    static final class Runner {
        private final Lnw top = new Lnw();
        private final CommandLine cl = new CommandLine(top);
        private HandOver handOver;

        Runner() {
            cl.setCaseInsensitiveEnumValuesAllowed(true);
            // No "@file" arguments: picocli would read any file named so (in the daemon, as
            // root, for whoever sent "@/etc/shadow") and echo its words in error messages.
            // Docker's CLI has no such thing either (found by CliFuzzTest).
            cl.setExpandAtFiles(false);
            // `lnw exec SANDBOX ip -br addr`: everything after the sandbox is the command's
            cl.getSubcommands().get("exec").setStopAtPositional(true);
            cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
                if (e instanceof HandOver h) {
                    handOver = h; // for main (picocli keeps what a handler throws): the command goes to a daemon
                    return 1;
                }
                return failed(e, cmd.getErr(), top.debug);
            });
            cl.setParameterExceptionHandler((e, params) -> {
                PrintWriter err = e.getCommandLine().getErr();
                err.println("lnw: " + e.getMessage());
                err.println("See '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
                return 2;
            });
        }

        /** picocli's model as configured here (for the tests that parse without running). */
        CommandLine commandLine() {
            return cl;
        }

        /** A command's failure as lnw reports it: one line on err (and the stack with --debug), exit 1. */
        private static int failed(Exception e, PrintWriter err, boolean debug) {
            if (e instanceof NetworkException || e instanceof CliException) {
                err.println("lnw: " + e.getMessage());
            } else {
                err.println("lnw: internal error: " + e);
            }
            if (debug) {
                e.printStackTrace(err);
            }
            return 1;
        }

        /**
         * lnw cni as lnw-cni sends it to the daemon ({@link CniCommand.Call}), without picocli:
         * what {@link #run} does for those arguments (the same options' values, the same
         * controller, the same errors and exit codes).
         */
        int runCni(CniCommand.Call call, PrintWriter out, PrintWriter err, Map<String, String> env,
                DaemonCommand.Session session) {
            Lnw lnw = new Lnw(); // what picocli would make of the global options: these two, the rest unset
            lnw.stateDir = call.stateDir();
            lnw.runDir = call.runDir();
            lnw.env = env;
            lnw.session = session;
            try {
                return CniCommand.run(new java.util.HashMap<>(), call.env(),
                        call.config().getBytes(java.nio.charset.StandardCharsets.UTF_8), out, lnw::controller);
            } catch (RuntimeException e) {
                return failed(e, err, false);
            } finally {
                out.flush();
                err.flush();
            }
        }

        /** One command; session: the daemon's, when a daemon runs it, else null. */
        int run(String[] args, PrintWriter out, PrintWriter err, Map<String, String> env,
                DaemonCommand.Session session) {
            top.session = session;
            top.env = env;
            top.args = args;
            cl.setOut(out);
            cl.setErr(err);
            try {
                int code = cl.execute(args);
                if (handOver != null) {
                    HandOver h = handOver;
                    handOver = null;
                    throw h;
                }
                return code;
            } finally {
                top.session = null;
                out.flush();
                err.flush();
            }
        }
    }

    Map<String, String> env = Map.of();
    /** This invocation's command line, as given. */
    String[] args = new String[0];
    /** What the command reads answers from (network prune's question): stdin, but in tests. */
    java.io.InputStream in = System.in;
    /** Set when a daemon runs this command (lnw daemon): its controller stands in for a new one. */
    DaemonCommand.Session session;
    /**
     * Set by lnw daemon for its own controller: only a controller that stays open runs the
     * DNS resolver (one opened for a single command would leave resolv.conf files naming a
     * resolver that is gone when it exits).
     */
    boolean servesDns;

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    ControllerConfig config() {
        // LNW_LOCK_WAITED: the thin client waited LOCK_WAIT for the holder already, and falls
        // back to this JVM only for its error message, not for a second wait
        return config(env.containsKey("LNW_LOCK_WAITED") ? Duration.ZERO : LOCK_WAIT);
    }

    private ControllerConfig config(Duration lockWait) {
        Path state = stateDir != null ? stateDir : Path.of(env.getOrDefault("LNW_STATE_DIR", "/var/lib/libnetwork4j"));
        Path run = runDir != null ? runDir : Path.of(env.getOrDefault("LNW_RUN_DIR", "/run/libnetwork4j"));
        ControllerConfig.Builder b = ControllerConfig.builder().stateDir(state).runDir(run)
                .lockWait(lockWait).embeddedDns(servesDns);
        // Docker's plugin directories unless told otherwise: tests and labs point them at their
        // own, so that no plugin of the machine's is ever dialled
        String sockets = env.get("LNW_PLUGIN_SOCKET_DIR");
        if (sockets != null && !sockets.isBlank()) {
            b.pluginSocketDir(Path.of(sockets));
        }
        String specs = env.get("LNW_PLUGIN_SPEC_DIRS"); // colon-separated, in order
        if (specs != null) {
            b.pluginSpecDirs(java.util.Arrays.stream(specs.split(":")).filter(d -> !d.isBlank()).map(Path::of)
                    .toList());
        }
        String cluster = clusterStore != null ? clusterStore : env.get("LNW_CLUSTER_STORE");
        if (cluster != null && !cluster.isBlank()) {
            b.clusterStore(cluster);
            String advertise = advertiseAddr != null ? advertiseAddr : env.get("LNW_ADVERTISE_ADDR");
            if (advertise != null && !advertise.isBlank()) {
                b.advertiseAddress(advertise);
            }
            String ttl = env.get("LNW_CLUSTER_LEASE_TTL"); // seconds; a knob for labs and tests
            if (ttl != null && !ttl.isBlank()) {
                b.clusterLeaseTtl(java.time.Duration.ofSeconds(
                        org.libnetwork4j.Labels.parseInt("LNW_CLUSTER_LEASE_TTL", ttl.strip(), 2, 3600)));
            }
        }
        return b.build();
    }

    /**
     * The controller of this invocation. Refused in a private mount namespace (what
     * {@code ip netns exec} makes): the sandbox namespaces lnw bind-mounts under the run
     * directory would vanish with it when lnw exits.
     */
    NetworkController controller() {
        if (session != null) {
            return session.controller(config()); // the daemon checked the caller's namespaces
        }
        if (!"1".equals(env.get("LNW_PRIVATE_MOUNTS_OK")) && privateMountNamespace()) {
            throw new CliException("lnw runs in a mount namespace of its own (as `ip netns exec` makes): the sandbox"
                    + " namespaces it mounts would vanish when it exits; use `nsenter --net=/run/netns/NAME lnw ...`"
                    + " (or set LNW_PRIVATE_MOUNTS_OK=1 if that namespace outlives lnw)");
        }
        if (HandOver.allowed(args, env)) {
            ControllerConfig once = config(Duration.ZERO);
            return HandOver.open(once, handOverGlobals(once), LOCK_WAIT);
        }
        return NetworkController.create(config());
    }

    /**
     * The options a request to a daemon starts with, as the launcher writes them: the
     * directories as absolute paths (the daemon has its own working directory), the run
     * directory only if the caller chose one (else the daemon's), --debug if given.
     */
    private List<String> handOverGlobals(ControllerConfig once) {
        List<String> g = new ArrayList<>(List.of("--state-dir", once.stateDir().toAbsolutePath().toString()));
        if (debug) {
            g.add("--debug");
        }
        if (runDir != null || !env.getOrDefault("LNW_RUN_DIR", "").isEmpty()) {
            g.addAll(List.of("--run-dir", once.runDir().toAbsolutePath().toString()));
        }
        return g;
    }

    /**
     * For a command that asks its user something before it opens the controller: goes to a
     * daemon that holds the state directory now (see {@link HandOver}), before the question,
     * which the daemon then asks in its own way.
     */
    void handOverIfDaemonListens() {
        if (session == null && HandOver.allowed(args, env)) {
            ControllerConfig once = config(Duration.ZERO);
            HandOver.throwIfDaemonListens(once, handOverGlobals(once));
        }
    }

    /**
     * Whoever started lnw made it a mount namespace of its own: `ip netns exec` and
     * `unshare -m` exec their command in a new one, so lnw's parent (the shell) is in another.
     */
    private static boolean privateMountNamespace() {
        try {
            long parent = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
            if (parent <= 0) {
                return false;
            }
            Path mine = Files.readSymbolicLink(Path.of("/proc/self/ns/mnt"));
            Path theirs = Files.readSymbolicLink(Path.of("/proc", Long.toString(parent), "ns", "mnt"));
            return !mine.equals(theirs);
        } catch (IOException | SecurityException e) {
            return false; // cannot tell: do not stand in the way
        }
    }

    /** A network by name, else by id or unique id prefix. */
    static Network network(NetworkController c, String nameOrId) {
        return find("network", nameOrId, c.networks(), Network::name, c::networkById);
    }

    /** A sandbox by its name (the container id it was made for), else by id or unique prefix. */
    static Sandbox sandbox(NetworkController c, String nameOrId) {
        return find("sandbox", nameOrId, c.sandboxes(), Sandbox::containerId, c::sandboxById);
    }

    private static <T> T find(String kind, String nameOrId, java.util.List<T> all,
            java.util.function.Function<T, String> name, java.util.function.Function<String, T> byId) {
        for (T t : all) {
            if (name.apply(t).equals(nameOrId)) {
                return t;
            }
        }
        try {
            return byId.apply(nameOrId);
        } catch (NotFoundException | org.libnetwork4j.InvalidParameterException e) {
            throw new CliException(kind + " \"" + nameOrId + "\" not found");
        }
    }

    /** An error of the command line's own: one line, exit 1. */
    static final class CliException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CliException(String message) {
            super(message);
        }
    }
}
