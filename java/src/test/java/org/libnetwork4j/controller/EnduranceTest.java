package org.libnetwork4j.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.EndpointOptions;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.NetworkOptions;
import org.libnetwork4j.Sandbox;
import org.libnetwork4j.kernel.Handles;
import org.libnetwork4j.testing.Eventually;
import org.libnetwork4j.testing.HostState;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;

/**
 * 1000 cycles of: a network, 5 endpoints joined to 5 sandboxes, one published port, then
 * everything deleted. The fake host ends exactly as it began (links, addresses, routes,
 * rules, namespace files, mounts, sandbox files), the store does not grow, and open file
 * descriptors, native handles and threads stay flat.
 */
@ExtendWith(NetnsExtension.class)
class EnduranceTest {
    static final int CYCLES = Integer.getInteger("lnw.endurance.cycles", 1000);

    @Test
    @Timeout(900)
    void athousandCyclesLeaveNothingBehind(Namespaces ns) throws IOException {
        Path run = ns.dir().resolve("run");
        NetworkController c = ns.controller();
        DefaultController dc = (DefaultController) c;
        HostState before = HostState.of(ns.host(), run);
        long[] fds = new long[CYCLES];
        long[] handles = new long[CYCLES];
        long[] threads = new long[CYCLES];
        long[] store = new long[CYCLES];
        long t0 = System.nanoTime();
        for (int i = 0; i < CYCLES; i++) {
            Network n = c.newNetwork("bridge", "cycle" + i, NetworkOptions.builder().subnet("10.48.0.0/24").build());
            List<Sandbox> sbs = new ArrayList<>();
            for (int j = 0; j < 5; j++) {
                Sandbox sb = c.newSandbox("c" + i + "-" + j);
                n.createEndpoint("e" + j, j == 0 ? EndpointOptions.builder().publish("8080:80").build()
                        : EndpointOptions.defaults()).join(sb);
                sbs.add(sb);
            }
            for (Sandbox sb : sbs) {
                sb.delete();
            }
            n.delete();
            fds[i] = openFds();
            handles[i] = Handles.open();
            threads[i] = Thread.activeCount();
            store[i] = dc.store().sizeOnDisk();
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        HostState after = Eventually.settled(() -> HostState.of(ns.host(), run), before);
        assertEquals(before, after, "the fake host after " + CYCLES + " cycles");
        int tenth = CYCLES / 10;
        System.out.printf("endurance: %d cycles in %d ms; fds %d -> %d, native handles %d -> %d, threads %d -> %d,"
                + " store %d -> %d bytes (after cycle %d -> %d, max %d)%n", CYCLES, ms, fds[tenth], fds[CYCLES - 1],
                handles[tenth], handles[CYCLES - 1], threads[tenth], threads[CYCLES - 1], store[tenth],
                store[CYCLES - 1], tenth + 1, CYCLES, java.util.Arrays.stream(store).max().orElse(0));
        assertEquals(handles[tenth], handles[CYCLES - 1], "native handles");
        assertTrue(fds[CYCLES - 1] <= fds[tenth] + 2, "fds " + fds[tenth] + " -> " + fds[CYCLES - 1]);
        assertTrue(threads[CYCLES - 1] <= threads[tenth] + 2, "threads " + threads[tenth] + " -> " + threads[CYCLES - 1]);
        // bounded: the log is cut back to 1 MB at each checkpoint, the database holds nothing
        long max = 0;
        for (int i = tenth; i < CYCLES; i++) {
            max = Math.max(max, store[i]);
        }
        assertTrue(max < 3_000_000L, "store up to " + max + " bytes");
        // the database follows the journal by one deferred write (~20 ms)
        List<Object> none = List.of(List.of(), List.of(), List.of());
        assertEquals(none, Eventually.settled(() -> {
            var s = dc.store().load();
            return List.<Object>of(s.networks(), s.endpoints(), s.sandboxes());
        }, none), "networks, endpoints and sandboxes left in the store");
    }

    private static long openFds() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }
}
