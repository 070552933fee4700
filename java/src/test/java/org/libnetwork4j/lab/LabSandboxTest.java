package org.libnetwork4j.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.libnetwork4j.kernel.Netns;
import org.libnetwork4j.kernel.NsId;
import org.libnetwork4j.testing.NsRef;
import org.libnetwork4j.testing.Oracle;

/** Java code and commands run inside a lab sandbox. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@NetworkLab(hosts = 1)
class LabSandboxTest {

    private static NsId idOf(LabSandbox s) {
        try (Netns ns = Netns.open(s.namespace())) {
            return ns.id();
        }
    }

    @Test
    void aServerSocketOpenedInCallListensInTheSandbox(Lab lab) throws Exception {
        LabSandbox c1 = lab.host("h1").sandbox("c1");
        try (ServerSocket s = c1.call(() -> new ServerSocket(7070))) {
            // the oracle: ss in each namespace
            assertTrue(Oracle.out(NsRef.of(c1.namespace()), "ss", "-ltnH").contains(":7070"));
            assertFalse(Oracle.out(NsRef.of(lab.host("h1").namespace()), "ss", "-ltnH").contains(":7070"));
            assertFalse(Oracle.run(java.util.List.of("ss", "-ltnH")).out().contains(":7070"),
                    "nor in the namespace the JVM runs in");
        }
    }

    @Test
    void oneDedicatedThreadInTheNamespaceAndNoOtherThreadEntersIt(Lab lab) throws Exception {
        LabSandbox c1 = lab.host("h1").sandbox("c1");
        LabSandbox c2 = lab.host("h1").sandbox("c2");
        assertEquals(idOf(c1), c1.call(Netns::currentThreadId));
        assertEquals(idOf(c2), c2.call(Netns::currentThreadId));
        Thread t1 = c1.call(Thread::currentThread);
        assertSame(t1, c1.executor().submit(Thread::currentThread).get(), "call and executor share one thread");
        assertSame(t1, c1.call(Thread::currentThread), "and it stays the same");
        // the namespace holds that one thread of ours, by its name
        assertEquals(java.util.List.of("lnwlab-h1-c1"),
                java.util.List.copyOf(org.libnetwork4j.kernel.NamespaceThread.threadsIn(idOf(c1)).values()));
        // a call from inside a call runs in place rather than waiting on itself
        assertSame(t1, c1.call(() -> c1.call(Thread::currentThread)));
        // the rest of the JVM stays where it was
        NsId outside = Netns.currentThreadId();
        assertNotEquals(idOf(c1), outside);
        assertEquals(outside, CompletableFuture.supplyAsync(Netns::currentThreadId).get(), "the common pool");
        assertEquals(java.util.Map.of(), org.libnetwork4j.kernel.NamespaceThread.threadsIn(outside).entrySet().stream()
                .filter(e -> e.getValue().startsWith("lnwlab-")).collect(java.util.stream.Collectors.toMap(
                        java.util.Map.Entry::getKey, java.util.Map.Entry::getValue)),
                "no dedicated thread is outside its sandbox");
    }

    @Test
    void fromInsideASandboxTheLabRefusesWhatWouldStartThreadsOrWaitAcross(Lab lab) throws Exception {
        LabSandbox c1 = lab.host("h1").sandbox("c1");
        LabSandbox c2 = lab.host("h1").sandbox("c2");
        for (java.util.concurrent.Callable<?> inside : java.util.List.<java.util.concurrent.Callable<?>>of(
                () -> lab.host("h2"), () -> lab.host("h1").sandbox("c3"), () -> c2.call(() -> 1),
                () -> lab.partition(c1, c2), () -> c2.exec("true"), () -> lab.host("h1").exec("true"))) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> c1.call(inside));
            assertTrue(e.getMessage().contains("inside a sandbox"), e.getMessage());
        }
        assertEquals(java.util.List.of("h1"), lab.hosts().stream().map(LabHost::name).toList(), "nothing was made");
        assertEquals(java.util.List.of(), lab.faults());
        assertThrows(UnsupportedOperationException.class, () -> c1.executor().shutdown());
        assertThrows(UnsupportedOperationException.class, () -> c1.executor().shutdownNow());
        assertEquals(1, c1.call(() -> 1), "still serving");
    }

    @Test
    void whatTheTaskThrowsIsThrownAsItWas(Lab lab) {
        LabSandbox c1 = lab.host("h1").sandbox("c1");
        IOException e = assertThrows(IOException.class, () -> c1.call(() -> {
            throw new IOException("from inside");
        }));
        assertEquals("from inside", e.getMessage());
    }

    @Test
    void execRunsInTheSandboxWithItsResolvConf(Lab lab) throws Exception {
        LabSandbox c1 = lab.host("h1").sandbox("c1");
        ExecResult addr = c1.exec("ip", "-o", "-4", "addr", "show", "dev", "eth0").check();
        assertTrue(addr.out().contains(c1.ip() + "/"), addr.out());
        ExecResult resolv = c1.exec("cat", "/etc/resolv.conf").check();
        assertEquals(java.nio.file.Files.readString(c1.sandbox().resolvConfPath()), resolv.out());
        assertEquals(3, c1.exec("sh", "-c", "exit 3").exitCode());
        IllegalStateException inside = assertThrows(IllegalStateException.class,
                () -> c1.call(() -> c1.exec("true")));
        assertTrue(inside.getMessage().contains("inside a sandbox"), inside.getMessage());
    }

    @Test
    void aThreadLeftInASandboxFailsTheLabsCloseByName() throws Exception {
        Lab lab = Lab.create();
        LabSandbox c1 = lab.host("h1").sandbox("c1");
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Thread stray = c1.call(() -> {
            Thread t = new Thread(() -> {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException ignored) {
                    // ends either way
                }
            }, "stray-thread");
            t.start(); // born in the sandbox's namespace
            return t;
        });
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, lab::close);
            assertTrue(e.getMessage().contains("stray-thread") && e.getMessage().contains("c1"), e.getMessage());
        } finally {
            release.countDown();
            stray.join(10_000);
        }
        assertFalse(java.nio.file.Files.exists(lab.directory()), "everything else is removed all the same");
    }
}
