package org.libnetwork4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.libnetwork4j.ControllerConfig;
import org.libnetwork4j.ForbiddenException;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.store.StateDirLock;

/**
 * A command's JVM giving its command line to the thin client, which sends it to a daemon.
 *
 * <p>The launcher sends a command to the client when the daemon's socket or the state
 * directory's lock file is there. {@code lnw daemon &} followed at once by a command leaves
 * neither for the first half second, while the daemon's JVM starts: the command then gets a
 * JVM of its own, which used to wait out its whole lock wait for the lock the daemon took
 * meanwhile and keeps. Now that JVM waits for the lock as before, but hands over as soon as
 * another process holds it and a socket is there (a daemon makes it once it has recovered,
 * holding the lock): it runs the client the launcher would have run, with the launcher as
 * the client's fallback, and exits with its code. A lock held by a plain lnw (no socket) is
 * waited for in this JVM, as before.
 *
 * <p>The client's fallback JVM (no daemon answered, and nobody held the lock; marked
 * {@code LNW_CLIENT_FALLBACK}) meets the same race when a daemon takes the lock just after, and
 * hands over too; a user's own {@code LNW_NO_DAEMON} never does. Once per command: the
 * client is run with {@code LNW_HANDED_OVER}, which its own fallback inherits. Never after the
 * client waited out the lock ({@code LNW_LOCK_WAITED}). Only for a JVM the launcher started
 * ({@code LNW_CLIENT} and {@code LNW_LAUNCHER} set), for the commands it gives a daemon.
 */
final class HandOver extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** The commands the launcher sends to a daemon: its list, in the same words. */
    static final Set<String> DAEMON_COMMANDS = Set.of("network", "sandbox", "exec", "events", "cni");
    private static final long POLL_MS = 50;

    private final transient ControllerConfig config;

    private HandOver(ControllerConfig config) {
        super("a daemon holds the state directory", null, false, false);
        this.config = config;
    }

    /**
     * Whether this JVM may hand args over: the launcher started it, no hand-over came before
     * in this command, the client did not wait out the lock, and a daemon serves the command.
     */
    static boolean allowed(String[] args, Map<String, String> env) {
        boolean userSaysNoDaemon = env.containsKey("LNW_NO_DAEMON") && !env.containsKey("LNW_CLIENT_FALLBACK");
        if (userSaysNoDaemon || env.containsKey("LNW_HANDED_OVER") || env.containsKey("LNW_LOCK_WAITED")
                || !env.containsKey("LNW_CLIENT") || !env.containsKey("LNW_LAUNCHER")) {
            return false;
        }
        int i = commandIndex(args);
        return i < args.length && DAEMON_COMMANDS.contains(args[i]);
    }

    /**
     * The controller of once's state directory (once: a configuration that does not wait for
     * the lock), waiting up to wait for another process to let the lock go, as
     * {@link ControllerConfig#lockWait} would; or a HandOver as soon as that process has a
     * socket at socket.
     */
    static NetworkController open(ControllerConfig once, Path socket, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        for (;;) {
            if (!StateDirLock.heldByAnotherProcess(once.stateDir())) {
                try {
                    return NetworkController.create(once);
                } catch (ForbiddenException taken) {
                    if (!StateDirLock.heldByAnotherProcess(once.stateDir())) {
                        throw taken; // not the lock of another process
                    }
                }
            } else if (Files.exists(socket)) {
                throw new HandOver(once);
            }
            if (System.nanoTime() - deadline >= 0) {
                return NetworkController.create(once); // fails, naming the holder
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
     * Runs the client as the launcher would have: the request names the directories as
     * absolute paths and carries the command from its first word; the fallback is the
     * launcher again, told not to look for a daemon. This JVM's standard streams are the
     * client's (it relays the daemon's answer, or becomes {@code lnw exec}'s command).
     *
     * @return the client's exit code
     */
    int runClient(String[] args, boolean debug, Map<String, String> env) throws IOException, InterruptedException {
        Path state = config.stateDir().toAbsolutePath();
        List<String> request = new ArrayList<>(List.of("--state-dir", state.toString()));
        if (debug) {
            request.add("--debug");
        }
        if (explicitRunDir(args, env)) {
            request.addAll(List.of("--run-dir", config.runDir().toAbsolutePath().toString()));
        }
        request.addAll(List.of(args).subList(commandIndex(args), args.length));
        List<String> cmd = new ArrayList<>(List.of(env.get("LNW_CLIENT"),
                state.resolve(DaemonCommand.SOCKET).toString(), Integer.toString(request.size())));
        cmd.addAll(request);
        cmd.addAll(List.of("env", "LNW_NO_DAEMON=1", "LNW_CLIENT_FALLBACK=1", env.get("LNW_LAUNCHER")));
        cmd.addAll(List.of(args));
        ProcessBuilder client = new ProcessBuilder(cmd).inheritIO();
        client.environment().put("LNW_HANDED_OVER", "1");
        return client.start().waitFor();
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

    /** A run directory of the caller's: the launcher sends one only then (else the daemon's is used). */
    private static boolean explicitRunDir(String[] args, Map<String, String> env) {
        String given = env.get("LNW_RUN_DIR");
        if (given != null && !given.isEmpty()) {
            return true;
        }
        for (int i = 0; i < commandIndex(args); i++) {
            if (args[i].equals("--run-dir") || args[i].startsWith("--run-dir=")) {
                return true;
            }
        }
        return false;
    }
}
