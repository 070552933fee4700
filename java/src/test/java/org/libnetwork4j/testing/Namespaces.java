package org.libnetwork4j.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.libnetwork4j.ControllerConfig;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.kernel.Netns;

/**
 * The throwaway namespaces of one test, all named under a private run directory
 * (/run/lnw-test-PID/N). The fake host is a namespace like any other, so nothing a test does
 * can reach the machine's real network namespace.
 *
 * <p>{@link #close()} closes every handle opened through it (newest first), deletes every
 * namespace and the directory, and reports what it could not remove.
 */
public final class Namespaces implements AutoCloseable {
    /** Names carry this prefix, so that leftovers are recognisable. */
    public static final String PREFIX = "lnwt-";
    static final Path RUN_ROOT = Path.of("/run", "lnw-test-" + ProcessHandle.current().pid());
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    static {
        // Last resort for a JVM that is stopped between a test's start and its cleanup.
        Runtime.getRuntime().addShutdownHook(new Thread(Namespaces::removeRunRoot, "lnwt-cleanup"));
    }

    private final Path dir;
    private final Map<String, TestNs> byName = new LinkedHashMap<>();
    private final Deque<AutoCloseable> handles = new ArrayDeque<>();

    public Namespaces() {
        this.dir = RUN_ROOT.resolve(Integer.toString(SEQUENCE.incrementAndGet()));
    }

    /** The fake host: where the controller or the code under test does its host-side work. */
    public TestNs host() {
        return named("host");
    }

    /** A container namespace, created on first use of role. */
    public TestNs container(String role) {
        return named(role);
    }

    /** The directory the namespaces are mounted in (a sandbox run directory, say). */
    public Path dir() {
        return dir;
    }

    /**
     * A controller bound to the fake host, with its state, run and plugin directories inside
     * this test's directory (a lookup of a plugin never reaches the machine's
     * /run/docker/plugins); closed, and whatever sandboxes it left swept away, at the end.
     */
    public NetworkController controller() {
        return controller(ControllerConfig.builder().hostResolvConf(fakeResolvConf("192.0.2.53"))
                .pluginSocketDir(dir.resolve("plugins")).pluginSpecDirs(java.util.List.of(dir.resolve("plugin-specs"))));
    }

    /**
     * A resolv.conf for the controller to read as the host's, naming these nameservers: the
     * embedded resolver forwards there, so a test names fakes of its own (192.0.2.53, the
     * default, is in TEST-NET-1: nothing answers and nothing leaves the machine).
     */
    public Path fakeResolvConf(String... nameservers) {
        try {
            java.nio.file.Files.createDirectories(dir);
            Path f = java.nio.file.Files.createTempFile(dir, "resolv", ".conf");
            StringBuilder sb = new StringBuilder();
            for (String n : nameservers) {
                sb.append("nameserver ").append(n).append('\n');
            }
            sb.append("search example.test\n");
            java.nio.file.Files.writeString(f, sb.toString());
            return f;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The same, from a builder the test has set up (its directories and host are set here). */
    public synchronized NetworkController controller(ControllerConfig.Builder b) {
        ControllerConfig c = b.stateDir(dir.resolve("state")).runDir(dir.resolve("run"))
                .hostNamespace(host().path()).build();
        return track(NetworkController.create(c));
    }

    private synchronized TestNs named(String role) {
        return byName.computeIfAbsent(role, r -> {
            String name = PREFIX + r;
            TestNs ns = new TestNs(name, Netns.createAt(dir, name), this);
            return ns;
        });
    }

    synchronized <T extends AutoCloseable> T track(T handle) {
        handles.push(handle);
        return handle;
    }

    @Override
    public synchronized void close() {
        List<Throwable> errors = new ArrayList<>();
        while (!handles.isEmpty()) {
            try {
                handles.pop().close();
            } catch (Throwable t) {
                errors.add(t);
            }
        }
        sweepNamespaces(dir, byName.values().stream().map(TestNs::path).toList(), errors);
        for (TestNs ns : byName.values()) {
            try {
                ns.netns().delete();
            } catch (Throwable t) {
                errors.add(t);
            }
        }
        byName.clear();
        try {
            deleteTree(dir);
        } catch (IOException e) {
            errors.add(e);
        }
        if (!errors.isEmpty()) {
            IllegalStateException e = new IllegalStateException(
                    "cleanup of test namespaces in " + dir + " failed", errors.get(0));
            errors.subList(1, errors.size()).forEach(e::addSuppressed);
            throw e;
        }
    }

    /**
     * Namespaces a failed test left mounted anywhere under its directory: sandboxes of a
     * controller (run/netns), the overlay driver's network namespaces, those of daemons the
     * test ran in other processes; read from the mount table, not guessed by path.
     */
    private static void sweepNamespaces(Path dir, List<Path> ours, List<Throwable> errors) {
        String prefix = dir.toAbsolutePath() + "/";
        List<Path> left = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                if (f.length > 4 && f[4].startsWith(prefix) && line.contains(" - nsfs ")) {
                    Path p = Path.of(f[4]);
                    if (!ours.contains(p)) {
                        left.add(p);
                    }
                }
            }
        } catch (IOException e) {
            errors.add(e);
        }
        left.sort(java.util.Comparator.reverseOrder()); // deepest first
        for (Path p : left) {
            try {
                Netns.delete(p);
            } catch (RuntimeException e) {
                errors.add(e);
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void removeRunRoot() {
        if (!Files.isDirectory(RUN_ROOT)) {
            return;
        }
        List<Throwable> ignored = new ArrayList<>(); // best effort at exit
        try (var dirs = Files.list(RUN_ROOT)) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                sweepNamespaces(d, List.of(), ignored);
                try (var entries = Files.list(d)) {
                    for (Path ns : (Iterable<Path>) entries::iterator) {
                        if (Files.isRegularFile(ns)) {
                            try {
                                Netns.delete(ns);
                            } catch (RuntimeException e) {
                                ignored.add(e);
                            }
                        }
                    }
                }
                deleteTree(d);
            }
            Files.deleteIfExists(RUN_ROOT);
        } catch (IOException | RuntimeException e) {
            ignored.add(e);
        }
    }
}
