package org.libnetwork4j.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.kernel.Netns;
import org.libnetwork4j.kernel.ServiceSockets;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;

/**
 * The forward sockets' queues, with real sockets made in a throwaway namespace. The oracle for
 * descriptors is the process's own /proc/self/fd (its sockets). The maker runs refills on the
 * calling thread, so that what a refill does is done when take returns (the resolver's is a
 * worker thread).
 */
@ExtendWith(NetnsExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ForwardSocketsTest {

    /**
     * The process's open sockets. Sockets only: another thread of the test JVM may open a file
     * meanwhile (a class loaded from a jar not yet open), which once made a bound look broken
     * by one descriptor.
     */
    static long openFds() {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.filter(ForwardSocketsTest::isSocket).count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean isSocket(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString().startsWith("socket:");
        } catch (IOException closedMeanwhile) {
            return false;
        }
    }

    @Test
    void aSequentialForwarderFindsASpareEachTimeAfterItsFirst(Namespaces ns) throws IOException {
        Netns n = ns.container("c").netns();
        long before = openFds();
        try (ForwardSockets s = new ForwardSockets(Runnable::run, owner -> true)) {
            ServiceSockets.close(s.make("a", n, false)); // the first: made for it, with spares
            for (int i = 0; i < 200; i++) {
                int fd = s.take("a", n, false);
                assertTrue(fd >= 0, "forward " + i + " found no spare");
                ServiceSockets.close(fd);
            }
            assertTrue(s.held() <= ForwardSockets.PER_OWNER, "held " + s.held());
            assertEquals(before + s.held(), openFds(), "spares are all the descriptors left");
        }
        assertEquals(before, openFds(), "close closes the spares");
    }

    @Test
    void sparesAreBoundedAcrossOwnersAndClosedWhenTheirOwnerGoes(Namespaces ns) throws IOException {
        Netns n = ns.container("c").netns();
        Set<String> gone = ConcurrentHashMap.newKeySet();
        long before = openFds();
        try (ForwardSockets s = new ForwardSockets(Runnable::run, owner -> !gone.contains(owner))) {
            // more owners than the bound allows each a full queue, each forwarding a while
            int owners = 3 * ForwardSockets.MAX_SPARES / ForwardSockets.PER_OWNER;
            for (int o = 0; o < owners; o++) {
                String id = "o" + o;
                ServiceSockets.close(s.make(id, n, o % 2 == 0));
                for (int i = 0; i < 40; i++) {
                    int fd = s.take(id, n, o % 2 == 0);
                    if (fd >= 0) {
                        ServiceSockets.close(fd);
                    }
                }
                assertTrue(s.held() <= ForwardSockets.MAX_SPARES, "held " + s.held());
                assertTrue(openFds() - before <= ForwardSockets.MAX_SPARES, "descriptors " + (openFds() - before));
            }
            assertEquals(before + s.held(), openFds());
            assertTrue(s.held() > ForwardSockets.MAX_SPARES / 2, "the bound is used, not avoided: " + s.held());
            // the most recent forwarder kept its queue: room came from the least recent ones
            String last = "o" + (owners - 1);
            boolean lastV6 = (owners - 1) % 2 == 0;
            int fd = s.take(last, n, lastV6);
            assertTrue(fd >= 0);
            ServiceSockets.close(fd);
            // owners going: their spares are closed, and none is kept for a gone owner
            for (int o = 0; o < owners; o++) {
                gone.add("o" + o);
                s.drop("o" + o);
            }
            assertEquals(0, s.held());
            assertEquals(before, openFds(), "the dropped owners' spares are closed");
            ServiceSockets.close(s.make("o0", n, false)); // an owner already gone: its socket, no spares
            assertEquals(0, s.held());
            assertEquals(before, openFds());
        }
        assertEquals(before, openFds());
    }

    @Test
    void sparesMadeWhileTheirOwnerGoesAreClosed(Namespaces ns) throws IOException {
        Netns n = ns.container("c").netns();
        Set<String> gone = ConcurrentHashMap.newKeySet();
        long before = openFds();
        // the owner goes while the refill it asked for is queued: the refill then makes nothing
        // or closes what it made
        java.util.List<Runnable> queued = new java.util.ArrayList<>();
        try (ForwardSockets s = new ForwardSockets(queued::add, owner -> !gone.contains(owner))) {
            ServiceSockets.close(s.make("a", n, false));
            int held = s.held();
            assertTrue(held > 0);
            for (int i = 0; i < held; i++) {
                ServiceSockets.close(s.take("a", n, false));
            }
            assertEquals(1, queued.size(), "one refill asked for, however many takes");
            gone.add("a");
            s.drop("a");
            queued.forEach(Runnable::run);
            assertEquals(0, s.held());
            assertEquals(before, openFds());
            // the owner's removal from the names comes first, its drop after: a refill that
            // runs in between sees it gone and closes what it made
            queued.clear();
            ServiceSockets.close(s.make("b", n, false));
            held = s.held();
            for (int i = 0; i < held; i++) {
                ServiceSockets.close(s.take("b", n, false));
            }
            gone.add("b");
            queued.forEach(Runnable::run);
            s.drop("b");
            assertEquals(0, s.held());
            assertEquals(before, openFds());
        }
    }
}
