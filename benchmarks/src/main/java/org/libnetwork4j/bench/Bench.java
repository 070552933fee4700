package org.libnetwork4j.bench;

import java.nio.file.Path;

import org.libnetwork4j.ControllerConfig;
import org.libnetwork4j.kernel.Netlink;
import org.libnetwork4j.kernel.Netns;

/** Settings shared by the benchmarks. */
final class Bench {
    private Bench() {
    }

    /**
     * Where benchmarks put their namespaces and sandbox files: {@code -Dlnw.bench.runRoot},
     * default /run. run-attach.sh passes a tmpfs directory, because /run is tmpfs on a
     * standard host, and on a disk file system file creation and deletion would be measured
     * instead of networking.
     */
    static Path runRoot() {
        return Path.of(System.getProperty("lnw.bench.runRoot", "/run"));
    }

    /**
     * A fake host for a controller: a namespace mounted at {@code root/host}, loopback up.
     * Nothing of it stays if that fails.
     */
    static Netns fakeHost(Path root) {
        Netns host = Netns.createAt(root, "host");
        try (Netlink nl = Netlink.open(host)) {
            nl.setUp(nl.link("lo").index());
        } catch (RuntimeException e) {
            try {
                host.delete();
            } catch (RuntimeException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
        return host;
    }

    /** A controller bound to host, its state and run directories under root. */
    static ControllerConfig.Builder controllerConfig(Path root, Netns host) {
        return ControllerConfig.builder().hostNamespace(host.path().orElseThrow()).stateDir(root.resolve("state"))
                .runDir(root.resolve("run"));
    }
}
