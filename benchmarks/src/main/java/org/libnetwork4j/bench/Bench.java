package org.libnetwork4j.bench;

import java.nio.file.Files;
import java.nio.file.Path;

import org.libnetwork4j.ControllerConfig;
import org.libnetwork4j.kernel.Netlink;
import org.libnetwork4j.kernel.Netns;

/** Settings shared by the benchmarks. */
final class Bench {
    private Bench() {
    }

    /** Lets the JNI binding load without a warning (JDK 17 only warns; later ones require it). */
    static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

    /**
     * Every JMH fork's heap is touched at start. A fresh JVM's eden is some hundred megabytes
     * of pages never touched, and G1 reuses none of them before it first fills: through a
     * whole trial each allocation faulted in new pages, one fault per 4 KiB. On the AMD EPYC
     * VM (a PVM guest) a fault is an exit to the hypervisor, ~20 us: it put 40% on a CNM
     * attach's median (737 against 524 us, 2026-12-06). A long-running controller went
     * through its eden long ago and keeps the pages: this measures that state, as the JIT's
     * warm-up does. The scripts that pass their own -jvmArgsAppend (which replaces these)
     * pass it too.
     */
    static final String PRE_TOUCH = "-XX:+AlwaysPreTouch";

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

    /**
     * A controller bound to host, its state and run directories under root, and the host's
     * resolv.conf a file of its own there (one nameserver, as the C floor's sandboxes have):
     * the sandboxes' files then have the same size on every machine, whatever its own
     * resolv.conf holds.
     */
    static ControllerConfig.Builder controllerConfig(Path root, Netns host) {
        Path resolvConf = root.resolve("host-resolv.conf");
        try {
            Files.writeString(resolvConf, "nameserver 192.0.2.53\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return ControllerConfig.builder().hostNamespace(host.path().orElseThrow()).stateDir(root.resolve("state"))
                .runDir(root.resolve("run")).hostResolvConf(resolvConf);
    }
}
