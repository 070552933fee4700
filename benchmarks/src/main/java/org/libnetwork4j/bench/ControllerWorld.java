package org.libnetwork4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.NetworkOptions;
import org.libnetwork4j.Sandbox;
import org.libnetwork4j.kernel.Netlink;
import org.libnetwork4j.kernel.Netns;

/**
 * A controller bound to a fake host namespace of its own, with one bridge network, for the
 * JMH suites: made in a trial's setup, everything removed in its teardown.
 */
final class ControllerWorld implements AutoCloseable {
    private final Path root;
    private final Netns host;
    final NetworkController controller;
    final Network network;
    private int seq;

    ControllerWorld(String tag) throws IOException {
        root = Files.createTempDirectory(Bench.runRoot(), "lnw-bench-" + tag + "-");
        Netns made = null;
        NetworkController c = null;
        try {
            made = Bench.fakeHost(root);
            c = NetworkController.create(Bench.controllerConfig(root, made).build());
            network = c.newNetwork("bridge", "bench", NetworkOptions.builder().subnet("10.201.0.0/16").build());
        } catch (RuntimeException e) {
            // a failed trial gets no teardown from JMH: nothing it made may stay (the fake host's
            // mount above all, which keeps its namespace and bridge alive)
            try {
                if (c != null) {
                    c.close();
                }
                if (made != null) {
                    made.delete();
                }
                deleteTree(root);
            } catch (IOException | RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        host = made;
        controller = c;
    }

    /** A unique suffix for names. */
    int next() {
        return seq++;
    }

    /**
     * Waits until the kernel has removed the bridges of deleted networks, which the bridge
     * driver leaves to a background thread (bounded: 10 s): a delete holds the kernel's link
     * lock for part of its 30-40 ms, and a create measured meanwhile would wait for it.
     */
    void awaitDeletedBridges() {
        try (Netlink nl = Netlink.open(host)) {
            for (int i = 0; i < 1000; i++) {
                if (nl.links().stream().noneMatch(l -> l.alias().startsWith("lnw4j deleted network="))) {
                    return;
                }
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new IllegalStateException("deleted bridges still there after 10 s");
    }

    @Override
    public void close() throws IOException {
        for (Sandbox s : controller.sandboxes()) {
            s.delete();
        }
        for (var n : controller.networks()) {
            for (var e : n.endpoints()) {
                e.delete(true);
            }
            n.delete();
        }
        controller.close();
        host.delete();
        deleteTree(root);
    }

    private static void deleteTree(Path root) throws IOException {
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
