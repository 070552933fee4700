package org.libnetwork4j.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.NetworkOptions;
import org.libnetwork4j.Sandbox;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;
import org.libnetwork4j.testing.NsRef;
import org.libnetwork4j.testing.Oracle;

/**
 * Descriptors per live sandbox, counted in /proc/self/fd: at most one (its netlink socket),
 * so that 10,000 sandboxes fit under a limit of 20,000 with room for the application; and
 * none left once they are deleted.
 */
@ExtendWith(NetnsExtension.class)
class DescriptorTest {
    private static final int SANDBOXES = 60;

    @Test
    void aLiveSandboxHoldsAtMostOneDescriptor(Namespaces ns) throws IOException {
        NetworkController c = ns.controller();
        Network n = c.newNetwork("bridge", "n1", NetworkOptions.builder().subnet("10.58.0.0/24").build());
        // one first, so that what the first of anything opens once (pools, the store) is not counted
        n.createEndpoint("warm").join("warm").delete();
        long before = descriptors();
        List<Sandbox> live = new ArrayList<>();
        for (int i = 0; i < SANDBOXES; i++) {
            live.add(n.createEndpoint("e" + i).join("c" + i));
        }
        long during = descriptors();
        double perSandbox = (during - before) / (double) SANDBOXES;
        System.out.printf("descriptors: %d before, %d with %d live sandboxes (%.2f each)%n", before, during,
                SANDBOXES, perSandbox);
        assertTrue(perSandbox <= 1.0, perSandbox + " descriptors per live sandbox");
        // still usable after their handles were let go: the namespace is opened by its path
        Sandbox last = live.get(SANDBOXES - 1);
        assertTrue(Oracle.ping(NsRef.of(last), "10.58.0.1"));
        n.createEndpoint("late").join(live.get(0));
        assertEquals(2, Oracle.ip(NsRef.of(live.get(0)), "-4", "addr", "show").size() - 1,
                "eth0 and eth1 beside lo");
        for (Sandbox sb : live) {
            sb.delete();
        }
        assertTrue(descriptors() <= before, descriptors() + " descriptors after delete, " + before + " before");
    }

    @Test
    void sandboxesTakenUpAfterARestartHoldNoneUntilUsed(Namespaces ns) throws IOException {
        NetworkController c = ns.controller();
        Network n = c.newNetwork("bridge", "n1", NetworkOptions.builder().subnet("10.59.0.0/24").build());
        for (int i = 0; i < SANDBOXES; i++) {
            n.createEndpoint("e" + i).join("c" + i);
        }
        c.close();
        long closed = descriptors();
        NetworkController c2 = ns.controller();
        long reopened = descriptors();
        System.out.printf("descriptors: %d with the controller closed, %d with it reopened over %d sandboxes%n",
                closed, reopened, SANDBOXES);
        assertTrue(reopened - closed < SANDBOXES / 2, (reopened - closed) + " descriptors for " + SANDBOXES
                + " idle sandboxes taken up");
        // used, a sandbox opens its handle: a second interface joins it, and it is deleted
        Sandbox first = c2.sandboxByContainerId("c0");
        c2.networkByName("n1").createEndpoint("late").join(first);
        assertEquals(2, Oracle.ip(NsRef.of(first), "-4", "addr", "show").size() - 1, "eth0 and eth1 beside lo");
        assertTrue(Oracle.ping(NsRef.of(c2.sandboxByContainerId("c" + (SANDBOXES - 1))), "10.59.0.1"));
    }

    private static long descriptors() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }
}
