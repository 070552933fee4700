package org.libnetwork4j.cli;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.libnetwork4j.ControllerConfig;
import org.libnetwork4j.ForbiddenException;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.StateDirectoryInUseException;

/**
 * A command's JVM giving its command line to the thin client, which sends it to a daemon.
 *
 * <p>The launcher sends a command to the client when the daemon's socket or the state
 * directory's lock file is there. {@code lnw daemon &} followed at once by a command leaves
 * neither for the first half second, while the daemon's JVM starts: the command then gets a
 * JVM of its own, which used to wait out its whole lock wait for the lock the daemon took
 * meanwhile and keeps. Now that JVM waits for the lock as before, but hands over as soon as
 * another process holds it and a daemon answers at the socket (it listens once it has
 * recovered, holding the lock): it runs the client the launcher would have run, with the
 * launcher as the client's fallback, and exits with its code. A lock held by a plain lnw (no
 * daemon answering) is waited for in this JVM, as before.
 *
 * <p>The client's fallback JVM (no daemon answered, and nobody held the lock; marked
 * {@code LNW_CLIENT_FALLBACK}) meets the same race when a daemon takes the lock just after, and
 * hands over too; a user's own {@code LNW_NO_DAEMON} never does. Once per command: the
 * client's fallback is given {@code LNW_HANDED_OVER}. Never after the
 * client waited out the lock ({@code LNW_LOCK_WAITED}). Only for a JVM the launcher started
 * ({@code LNW_CLIENT} and {@code LNW_LAUNCHER} set), for the commands it gives a daemon.
 */
final class HandOver extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** The commands the launcher sends to a daemon: its list, in the same words. */
    static final Set<String> DAEMON_COMMANDS = Set.of("network", "sandbox", "exec", "events", "cni");
    private static final long POLL_MS = 50;
    /** How long a signalled JVM lets its client act on the SIGTERM passed on. */
    private static final long STOP_GRACE_SECONDS = 2;

    private final transient ControllerConfig config;
    private final List<String> globals;

    private HandOver(ControllerConfig config, List<String> globals) {
        super("a daemon holds the state directory", null, false, false);
        this.config = config;
        this.globals = List.copyOf(globals);
    }

    /**
     * Whether this JVM may hand args over: the launcher started it, no hand-over came before
     * in this command, the client did not wait out the lock, and a daemon serves the command.
     */
    static boolean allowed(String[] args, Map<String, String> env) {
        boolean userSaysNoDaemon = set(env, "LNW_NO_DAEMON") && !set(env, "LNW_CLIENT_FALLBACK");
        if (userSaysNoDaemon || set(env, "LNW_HANDED_OVER") || set(env, "LNW_LOCK_WAITED")
                || !set(env, "LNW_CLIENT") || !set(env, "LNW_LAUNCHER")) {
            return false;
        }
        int i = commandIndex(args);
        return i < args.length && DAEMON_COMMANDS.contains(args[i]);
    }

    /**
     * The controller of once's state directory (once: a configuration that does not wait for
     * the lock), waiting up to wait for whoever holds the lock, as {@link ControllerConfig#lockWait}
     * would; or a HandOver as soon as the holder is a daemon that listens at its socket.
     * globals: the request's options before the command, as the launcher would send them.
     */
    static NetworkController open(ControllerConfig once, List<String> globals, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        for (;;) {
            try {
                return NetworkController.create(once);
            } catch (StateDirectoryInUseException busy) {
                // only now: the lock free, as it mostly is, costs no look at who holds it
                throwIfDaemonListens(once, globals);
                if (System.nanoTime() - deadline >= 0) {
                    throw new StateDirectoryInUseException(busy.getMessage() + " (waited " + wait.toMillis() + " ms)");
                }
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ForbiddenException("interrupted while waiting for the lock of state directory "
                        + once.stateDir());
            }
        }
    }

    /**
     * A HandOver if another process holds once's state directory and a daemon answers at
     * socket: for a command that would otherwise ask its user something first (network prune).
     * A socket file nobody answers at (left by a daemon killed with -9) is no daemon.
     */
    static void throwIfDaemonListens(ControllerConfig once, List<String> globals) {
        if (heldByAnotherProcess(once.stateDir()) && answers(socket(once))) {
            throw new HandOver(once, globals);
        }
    }

    private static Path socket(ControllerConfig config) {
        return config.stateDir().toAbsolutePath().resolve(DaemonCommand.SOCKET);
    }

    /**
     * Whether another process holds the lock of stateDir (the fcntl lock a controller takes on
     * STATE_DIR/lock, as the thin client's lock_held asks) now, as the kernel lists it in
     * {@code /proc/locks}. Asking takes no lock, so it never stands in the way of a process
     * taking it at that moment, as a shared lock taken to ask would; and only stat reaches the
     * file: opening and closing it would drop a lock this process held.
     */
    static boolean heldByAnotherProcess(Path stateDir) {
        String file;
        List<String> locks;
        try {
            Path lock = stateDir.resolve("lock");
            long dev = (Long) Files.getAttribute(lock, "unix:dev");
            long ino = (Long) Files.getAttribute(lock, "unix:ino");
            // /proc/locks names a file as MAJOR:MINOR:INODE, the numbers in hex, hex and decimal
            // (st_dev split as glibc's major() and minor() split it)
            long major = ((dev >>> 8) & 0xfffL) | ((dev >>> 32) & 0xfffff000L);
            long minor = (dev & 0xffL) | ((dev >>> 12) & 0xffffff00L);
            file = String.format("%02x:%02x:%d", major, minor, ino);
            locks = Files.readAllLines(Path.of("/proc/locks"));
        } catch (IOException | UnsupportedOperationException | ClassCastException e) {
            return false; // no lock file yet: nobody holds it
        }
        String self = Long.toString(ProcessHandle.current().pid());
        for (String line : locks) {
            // "1: POSIX  ADVISORY  WRITE 1234 00:1a:5678 0 EOF"; "1: -> POSIX ..." is a waiter
            String[] f = line.trim().split("\\s+");
            if (f.length >= 6 && f[1].equals("POSIX") && f[5].equals(file) && !f[4].equals(self)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether something accepts connections at socket. The connection is closed unused: the
     * daemon reads no request from it and drops it without a word.
     */
    private static boolean answers(Path socket) {
        if (!Files.exists(socket)) {
            return false;
        }
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Runs the client as the launcher would have: the request is the global options given at
     * {@link #open} and the command from its first word; the fallback is the launcher again,
     * told not to look for a daemon. This JVM's standard streams are the client's (it relays
     * the daemon's answer, or becomes {@code lnw exec}'s command).
     *
     * @return the client's exit code
     */
    int runClient(String[] args, Map<String, String> env) throws IOException, InterruptedException {
        List<String> request = new ArrayList<>(globals);
        request.addAll(List.of(args).subList(commandIndex(args), args.length));
        List<String> cmd = new ArrayList<>(List.of(env.get("LNW_CLIENT"), socket(config).toString(),
                Integer.toString(request.size())));
        cmd.addAll(request);
        // the fallback, if the client needs one, hands over no more (once per command)
        cmd.addAll(List.of("env", "LNW_NO_DAEMON=1", "LNW_CLIENT_FALLBACK=1", "LNW_HANDED_OVER=1",
                env.get("LNW_LAUNCHER")));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
        scrub(pb.environment()); // the client becomes lnw exec's command, with its environment
        // the client asks the kernel to kill it when this process dies, SIGKILL included. The
        // kernel sends that signal when the thread that started the client ends, not the
        // process: this one must wait for the client, as it does below
        pb.environment().put("LNW_CLIENT_PARENT", Long.toString(ProcessHandle.current().pid()));
        Process client = pb.start();
        // a signal that ends this JVM (a runtime's timeout for lnw-cni) gives the client (lnw
        // exec's command, say) its SIGTERM and a moment to act on it before the JVM's end kills it
        Thread stop = new Thread(() -> {
            client.destroy();
            try {
                client.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "lnw-stop-client");
        Runtime.getRuntime().addShutdownHook(stop);
        int code = client.waitFor();
        try {
            Runtime.getRuntime().removeShutdownHook(stop);
        } catch (IllegalStateException exiting) {
            // already shutting down
        }
        return code;
    }

    /** As the launcher reads a variable: set and not empty. */
    private static boolean set(Map<String, String> env, String name) {
        String v = env.get(name);
        return v != null && !v.isEmpty();
    }

    /**
     * What the launcher, the client and this class tell each other in the environment, taken
     * out of env: none of it is meant for a command run in a sandbox ({@code lnw exec}), and an
     * {@code lnw} run there must find a daemon as anyone would. A user's own LNW_NO_DAEMON
     * stays.
     */
    static void scrub(Map<String, String> env) {
        if (set(env, "LNW_CLIENT_FALLBACK")) {
            env.remove("LNW_NO_DAEMON");
        }
        for (String name : List.of("LNW_CLIENT_FALLBACK", "LNW_HANDED_OVER", "LNW_LOCK_WAITED", "LNW_CLIENT",
                "LNW_LAUNCHER", "LNW_CLIENT_PARENT")) {
            env.remove(name);
        }
    }

    /** Where the command starts: after the global options the launcher knows. */
    static int commandIndex(String[] args) {
        int i = 0;
        while (i < args.length) {
            String a = args[i];
            if (a.equals("--state-dir") || a.equals("--run-dir")) {
                i += 2;
            } else if (a.startsWith("--state-dir=") || a.startsWith("--run-dir=") || a.equals("--debug")) {
                i++;
            } else {
                break;
            }
        }
        return Math.min(i, args.length);
    }
}
