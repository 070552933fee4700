package org.libnetwork4j.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A "container" as a runtime leaves one: a process (a sleep) in a network namespace of its
 * own, made from the fake host's, known by {@code /proc/PID/ns/net}. Closing kills it, and
 * the namespace goes with it.
 */
public final class ContainerProcess implements AutoCloseable {
    private final Process process;
    private final Path netns;

    private ContainerProcess(Process process) {
        this.process = process;
        this.netns = Path.of("/proc", Long.toString(process.pid()), "ns", "net");
    }

    /**
     * Starts it and returns once the process is in its new namespace: neither the fake host's
     * nor the JVM's, which it passes through while nsenter and unshare exec one another. (Taken
     * a moment too early, the path would name the machine's own namespace.)
     */
    public static ContainerProcess start(Namespaces ns) throws Exception {
        Process p = new ProcessBuilder("nsenter", "--net=" + ns.host().path(), "unshare", "--net", "sleep", "60")
                .start();
        ContainerProcess c = new ContainerProcess(p);
        Path host = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).getFileName();
        String fakeHost = ident(ns.host().path());
        for (int i = 0; i < 250; i++) { // bounded: 5 s
            String now = c.namespaceIdent();
            if (now != null && !now.equals(fakeHost) && !now.equals(ident(Path.of("/proc/self/ns/net")))) {
                return c;
            }
            Thread.sleep(20);
        }
        c.close();
        throw new AssertionError("the container process " + p.pid() + " did not reach a namespace of its own ("
                + host + ")");
    }

    /** Its namespace, by /proc/PID/ns/net. */
    public Path netns() {
        return netns;
    }

    public Process process() {
        return process;
    }

    private String namespaceIdent() {
        return process.isAlive() ? ident(netns) : null;
    }

    /** The inode of the namespace a path names (stat -L), or null if it cannot be read. */
    private static String ident(Path p) {
        try {
            return Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class).fileKey().toString();
        } catch (IOException e) {
            return null;
        }
    }

    /** Kills it (it was started here) and waits for it. */
    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
