package org.libnetwork4j.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;
import org.libnetwork4j.kernel.Netns;
import org.libnetwork4j.kernel.NsId;

/**
 * The extension as a user meets it: test classes that use {@link NetworkLab} are run through
 * JUnit's test kit, and what they leave (nothing) is checked from outside them.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LabExtensionTest {
    /** The labs' directories and namespaces the inner tests saw, for the checks afterwards. */
    static final List<Path> DIRS = new CopyOnWriteArrayList<>();
    static final List<NsId> NAMESPACES = new CopyOnWriteArrayList<>();
    static final List<Lab> SHARED = new CopyOnWriteArrayList<>();
    static volatile CountDownLatch release;
    /** The inner classes run only through the test kit (Surefire skips nested classes anyway). */
    static volatile boolean viaTestKit;

    @BeforeEach
    void reset() {
        Assumptions.assumeTrue(Lab.runningAsRoot(), "labs need root");
        DIRS.clear();
        NAMESPACES.clear();
        SHARED.clear();
        viaTestKit = true;
    }

    @AfterEach
    void done() {
        viaTestKit = false;
    }

    private static Events run(Class<?> tests) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(tests)).execute().testEvents();
    }

    static void record(Lab lab) {
        Assumptions.assumeTrue(viaTestKit);
        DIRS.add(lab.directory());
        for (LabHost h : lab.hosts()) {
            try (Netns ns = Netns.open(h.namespace())) {
                NAMESPACES.add(ns.id());
            }
        }
    }

    /** Nothing of the labs seen is left: no directory, no mount, no descriptor or thread of ours in their namespaces. */
    private static void assertAllGone() throws Exception {
        assertFalse(DIRS.isEmpty(), "the inner tests ran");
        assertFalse(Files.exists(Lab.ROOT), "the last lab closed takes the labs' root directory along");
        for (Path d : DIRS) {
            assertFalse(Files.exists(d), d + " removed");
            assertEquals(List.of(), LabReaper.mountsBelow(d), "nothing mounted below " + d);
        }
        List<String> fds = new ArrayList<>();
        try (var all = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) all::iterator) {
                try {
                    fds.add(Files.readSymbolicLink(fd).toString());
                } catch (java.io.IOException closedMeanwhile) {
                    // the listing's own descriptor
                }
            }
        }
        for (NsId id : NAMESPACES) {
            assertFalse(fds.contains(id.toString()), "a descriptor of " + id + " is still open");
            assertEquals(Map.of(), org.libnetwork4j.kernel.NamespaceThread.threadsIn(id));
        }
    }

    // ---- the users ----

    static class FailingUser {
        @NetworkLab(hosts = 1)
        Lab lab;

        @Test
        void failsWithASandboxUp() {
            record(lab);
            lab.host("h1").sandbox("c1");
            lab.isolate(lab.sandboxNamed("c1"));
            fail("on purpose");
        }
    }

    static class FieldUser {
        @NetworkLab(hosts = 2)
        static Lab shared;

        @NetworkLab
        Lab mine;

        @Test
        void first() {
            check();
        }

        @Test
        void second() {
            check();
        }

        private void check() {
            record(shared);
            record(mine);
            SHARED.add(shared);
            assertEquals(2, shared.hosts().size());
            assertEquals(0, mine.hosts().size());
        }
    }

    @NetworkLab(hosts = 3)
    static class ParameterUser {
        @Test
        void threeHosts(Lab lab) {
            record(lab);
            assertEquals(List.of("h1", "h2", "h3"), lab.hosts().stream().map(LabHost::name).toList());
        }
    }

    static class ThreadLeaver {
        @Test
        void leavesAThread(@NetworkLab Lab lab) throws Exception {
            record(lab);
            LabSandbox c1 = lab.host("h1").sandbox("c1");
            c1.call(() -> {
                Thread t = new Thread(() -> {
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException ignored) {
                        // ends either way
                    }
                }, "forgotten");
                t.start();
                return null;
            });
        }
    }

    // ---- the checks ----

    @Test
    void aFailingTestsLabIsRemovedAndTheFailureIsTheTests() throws Exception {
        Events events = run(FailingUser.class);
        events.assertStatistics(s -> s.started(1).failed(1).succeeded(0));
        String why = events.failed().list().get(0).getPayload(org.junit.platform.engine.TestExecutionResult.class)
                .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable).map(Throwable::getMessage).orElse("");
        assertEquals("on purpose", why);
        assertAllGone();
    }

    @Test
    void aStaticFieldIsOneLabForTheClassAndAnInstanceFieldOnePerTest() throws Exception {
        run(FieldUser.class).assertStatistics(s -> s.started(2).succeeded(2));
        assertEquals(2, SHARED.size());
        assertTrue(SHARED.get(0) == SHARED.get(1), "both tests saw one shared lab");
        // shared twice, and one of its own each
        assertEquals(3, DIRS.stream().distinct().count());
        assertAllGone();
    }

    @Test
    void aParameterGetsTheClassesHostCount() throws Exception {
        run(ParameterUser.class).assertStatistics(s -> s.started(1).succeeded(1));
        assertAllGone();
    }

    @Test
    void aThreadLeftInASandboxFailsTheTestThatLeftIt() throws Exception {
        release = new CountDownLatch(1);
        try {
            Events events = run(ThreadLeaver.class);
            events.assertStatistics(s -> s.started(1).failed(1));
            String why = events.failed().list().get(0).getPayload(org.junit.platform.engine.TestExecutionResult.class)
                    .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable).map(Throwable::getMessage).orElse("");
            assertTrue(why.contains("forgotten") && why.contains("c1"), why);
        } finally {
            release.countDown();
        }
        for (Path d : DIRS) {
            assertFalse(Files.exists(d), "removed all the same");
        }
    }

    @Test
    void whatADeadJvmLeftIsSweptByTheNextLab() throws Exception {
        // a directory named for a JVM that is gone: our own pid with another start time, as
        // after a reboot or a pid reused
        Path dead = Lab.ROOT.resolve(Lab.PREFIX + ProcessHandle.current().pid() + "-1-1");
        Path nsFile;
        try (Netns ns = Netns.createAt(dead.resolve("ns"), Lab.PREFIX + "h1")) {
            nsFile = ns.path().orElseThrow();
        }
        Path other = Lab.ROOT.resolve("not-a-lab");
        Files.createDirectories(other);
        Path alive = Lab.ROOT.resolve(LabReaper.ownPrefix() + "999999"); // a live JVM's (ours)
        Files.createDirectories(alive);
        try {
            assertEquals(List.of(nsFile), LabReaper.mountsBelow(dead));
            try (Lab lab = Lab.create()) {
                assertFalse(Files.exists(dead), "swept");
                assertEquals(List.of(), LabReaper.mountsBelow(dead));
                assertTrue(Files.exists(alive), "a live JVM's lab is left alone");
                assertTrue(Files.exists(other), "what is not named as a lab is left alone");
            }
        } finally {
            Files.deleteIfExists(other);
            Files.deleteIfExists(alive);
            LabReaper.remove(dead, new ArrayList<>());
            LabReaper.removeRootIfEmpty(Lab.ROOT);
        }
    }
}
