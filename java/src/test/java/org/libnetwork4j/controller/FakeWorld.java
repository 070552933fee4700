package org.libnetwork4j.controller;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

import org.libnetwork4j.AddressPool;
import org.libnetwork4j.driver.host.HostDriver;
import org.libnetwork4j.driver.none.NullDriver;
import org.libnetwork4j.events.EventBus;
import org.libnetwork4j.ipam.DefaultIpam;
import org.libnetwork4j.store.DeferredWrites;

/**
 * Controllers on a fake kernel and a store in memory, for tests of controller logic without
 * root: a "fake" driver whose joins are labelled in its kernel, an "unlabelled" one whose are
 * not, a "moving" one that makes its interfaces in the host for the sandbox to move in, a
 * "global" one whose networks span hosts (with {@link #shared} set), and the real host and
 * null drivers. Sandbox files go to a temporary directory.
 */
final class FakeWorld implements AutoCloseable {
    final FakeKernel kernel = new FakeKernel();
    final MemoryStore store = new MemoryStore();
    final FakeDriver.State driverState = new FakeDriver.State();
    final Path dir;
    FakeDriver fake;
    DefaultIpam ipam;
    FakeNames names;
    /** The cluster store the next controller gets: none unless a test sets one. */
    Shared shared = Shared.NONE;

    FakeWorld() throws IOException {
        dir = Files.createTempDirectory("lnw-fake-");
        Files.writeString(dir.resolve("resolv.conf"), "nameserver 192.0.2.53\n");
    }

    /** A controller on this world's kernel and store: a restart, if there was one before. */
    DefaultController controller() {
        fake = new FakeDriver("fake", kernel, driverState, true, false);
        FakeDriver unlabelled = new FakeDriver("unlabelled", kernel, driverState, false, false);
        FakeDriver moving = new FakeDriver("moving", kernel, driverState, true, true);
        FakeDriver global = new FakeDriver("global", kernel, driverState, true, false).spanningHosts();
        ipam = new DefaultIpam(List.of(AddressPool.of("10.9.0.0/16", 24)), p -> false);
        // no timer: deferred records are written with the next transaction or flushStore(),
        // so a test decides what a "kill" finds on disk
        Context ctx = new Context(new DeferredWrites(store, 0), ipam, kernel.host(),
                new DriverRegistry(List.of(fake, unlabelled, moving, global, new HostDriver(), new NullDriver())),
                new Context.Paths(dir.resolve("sandboxes"), dir.resolve("resolv.conf")), names = new FakeNames(),
                new EventBus(), shared);
        return new DefaultController(ctx, () -> { });
    }

    @Override
    public void close() throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
