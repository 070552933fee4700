package org.libnetwork4j.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.Endpoint;
import org.libnetwork4j.EventSubscription;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.NetworkEvent;
import org.libnetwork4j.NetworkOptions;
import org.libnetwork4j.Sandbox;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;

/** The controller's lifecycle events: what each operation tells, and what a slow listener costs. */
@ExtendWith(NetnsExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ControllerEventsTest {

    /** "type action" of each event, and its attributes, as they arrived (bounded waits). */
    private static List<String> next(BlockingQueue<NetworkEvent> q, int n) throws InterruptedException {
        List<String> got = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            NetworkEvent e = q.poll(5, TimeUnit.SECONDS);
            if (e == null) {
                break;
            }
            got.add(e.type().label() + " " + e.action() + " " + new java.util.TreeMap<>(e.attributes()));
        }
        return got;
    }

    @Test
    void eachOperationTellsWhatItDidInDockersShape(Namespaces ns) throws Exception {
        NetworkController c = ns.controller();
        BlockingQueue<NetworkEvent> q = new LinkedBlockingQueue<>();
        try (EventSubscription sub = c.subscribe(q::add)) {
            Network n = c.newNetwork("bridge", "n1", NetworkOptions.builder().subnet("10.91.0.0/24").build());
            Sandbox sb = c.newSandbox("c1");
            Endpoint e1 = n.createEndpoint("e1");
            e1.join(sb);
            e1.leave(sb);
            e1.delete();
            Endpoint e2 = n.createEndpoint("e2");
            e2.join(sb);
            sb.delete(); // takes e2 along
            n.delete();
            assertEquals(List.of(
                    "network create {name=n1, type=bridge}",
                    "sandbox create {container=c1}",
                    "endpoint create {name=e1, network=n1}",
                    "network connect {container=c1, endpoint=" + e1.id() + ", name=n1, type=bridge}",
                    "network disconnect {container=c1, endpoint=" + e1.id() + ", name=n1, type=bridge}",
                    "endpoint destroy {name=e1, network=n1}",
                    "endpoint create {name=e2, network=n1}",
                    "network connect {container=c1, endpoint=" + e2.id() + ", name=n1, type=bridge}",
                    "network disconnect {container=c1, endpoint=" + e2.id() + ", name=n1, type=bridge}",
                    "endpoint destroy {name=e2, network=n1}",
                    "sandbox destroy {container=c1}",
                    "network destroy {name=n1, type=bridge}"), next(q, 12));
            assertEquals(0, sub.dropped());
        }
    }

    @Test
    void theActorIsTheObjectAndAFailedOperationTellsNothing(Namespaces ns) throws Exception {
        NetworkController c = ns.controller();
        BlockingQueue<NetworkEvent> q = new LinkedBlockingQueue<>();
        c.subscribe(q::add);
        assertThrows(InvalidParameterException.class, () -> c.newNetwork("bridge", "bad",
                NetworkOptions.builder().option("com.docker.network.driver.mtu", "nine").build()));
        Network n = c.newNetwork("bridge", "n1", NetworkOptions.builder().subnet("10.92.0.0/24").build());
        NetworkEvent created = q.poll(5, TimeUnit.SECONDS);
        assertEquals(n.id(), created.id(), "the failed create told nothing; this is n1's");
        assertEquals(NetworkEvent.Type.NETWORK, created.type());
        Sandbox sb = c.newSandbox("c1");
        assertEquals(sb.id(), q.poll(5, TimeUnit.SECONDS).id());
        Endpoint e = n.createEndpoint("e1");
        assertEquals(e.id(), q.poll(5, TimeUnit.SECONDS).id());
        e.join(sb);
        assertEquals(n.id(), q.poll(5, TimeUnit.SECONDS).id(), "a connect's actor is the network, as Docker's");
    }

    @Test
    void aSlowListenerNeverHoldsAnOperationUpAndCountsWhatItMissed(Namespaces ns) throws Exception {
        NetworkController c = ns.controller();
        Network none = c.networks().stream().filter(x -> x.type().equals("null")).findFirst()
                .orElseGet(() -> c.newNetwork("null", "none"));
        CountDownLatch release = new CountDownLatch(1);
        List<NetworkEvent> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        EventSubscription slow = c.subscribe(e -> {
            try {
                release.await(30, TimeUnit.SECONDS); // stuck until the operations are done
            } catch (InterruptedException stop) {
                Thread.currentThread().interrupt();
            }
            seen.add(e);
        }, 4);
        // 20 endpoint creates: they return although the listener is stuck on the first event
        for (int i = 0; i < 20; i++) {
            none.createEndpoint("e" + i);
        }
        long dropped = slow.dropped();
        // one with the listener, four queued: the other fifteen dropped (sixteen if the
        // listener's thread had not taken the first yet)
        assertTrue(dropped == 15 || dropped == 16, "dropped " + dropped);
        release.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (seen.size() < 20 - dropped && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(20 - dropped, seen.size());
        assertEquals("e0", seen.get(0).attributes().get("name"), "in order, from the first");
        slow.close();
        none.createEndpoint("after");
        Thread.sleep(100);
        assertEquals(20 - dropped, seen.size(), "nothing after close");
    }
}
