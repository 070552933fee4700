package org.libnetwork4j.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.libnetwork4j.AlreadyExistsException;
import org.libnetwork4j.Endpoint;
import org.libnetwork4j.EndpointOptions;
import org.libnetwork4j.ForbiddenException;
import org.libnetwork4j.JoinOptions;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkException;
import org.libnetwork4j.NetworkOptions;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.Sandbox;
import org.libnetwork4j.SandboxOptions;
import org.libnetwork4j.kernel.Route;
import org.libnetwork4j.store.EndpointRecord;
import org.libnetwork4j.store.State;
import org.libnetwork4j.store.StoredObject;

/**
 * The controller's logic on a fake kernel and a store in memory: no root, no kernel. Rollback
 * at every step of a join, an endpoint's and a network's create; the registries; gateway
 * election and its routes; what is stored when; recovery's decisions after a "kill".
 */
@Timeout(30)
class ControllerLogicTest {
    private FakeWorld w;
    private DefaultController c;

    @BeforeEach
    void open() throws Exception {
        w = new FakeWorld();
        c = w.controller();
    }

    @AfterEach
    void close() throws Exception {
        c.close();
        w.close();
    }

    private Network net(String type, String name, String subnet) {
        return c.newNetwork(type, name, NetworkOptions.builder().subnet(subnet).build());
    }

    private long allocated(String subnet) {
        return w.ipam.allocated("LocalDefault/" + subnet);
    }

    private FakeKernel.Ns nsOf(Sandbox sb) {
        return w.kernel.namespaces.get(java.nio.file.Path.of(sb.key()));
    }

    // ---- joins: the steps and their undo ----

    @Test
    void aJoinMakesTheInterfaceAddressesAndDefaultRouteInOrder() {
        Network n = net("fake", "n1", "10.9.1.0/24");
        Sandbox sb = c.newSandbox("c1");
        Endpoint e = n.createEndpoint("e1");
        w.kernel.log.clear();
        List<String> atAfterUp = new java.util.ArrayList<>();
        w.kernel.observer = op -> {
            if (op.equals("driver:afterUp")) {
                nsOf(sb).ifaces.values().stream().filter(i -> i.name.equals("eth0"))
                        .forEach(i -> atAfterUp.add("up=" + i.up + " addresses=" + i.addresses));
            }
        };
        e.join(sb);
        assertEquals(List.of("driver:join", "configure", "driver:afterUp", "driver:program"), w.kernel.log,
                "libnetwork's order: driver, interface into the sandbox, after-up, external connectivity");
        assertEquals(List.of("up=true addresses=[]"), atAfterUp,
                "the driver's after-up work sees the interface up, before it has an address to send from");
        var iface = nsOf(sb).ifaces.values().stream().filter(i -> i.name.equals("eth0")).findFirst().orElseThrow();
        assertTrue(iface.up);
        assertEquals(java.util.Set.of("10.9.1.2/24"), iface.addresses);
        assertEquals(1, nsOf(sb).routes.stream().filter(Route::isDefault).count());
        assertEquals("eth0", e.info().interfaceName());
        assertEquals(e, sb.gatewayEndpoint().orElseThrow());
    }

    @ParameterizedTest
    @CsvSource({"fake,driver:join", "fake,configure", "fake,driver:afterUp", "fake,driver:program",
        "unlabelled,driver:join", "unlabelled,configure", "unlabelled,driver:afterUp", "unlabelled,driver:program"})
    void aJoinFailingAtAnyStepLeavesNothingAndTheOldGatewayKeepsItsRole(String driver, String step) {
        Network n1 = net(driver, "a-first", "10.9.1.0/24");
        Network n2 = net(driver, "b-second", "10.9.2.0/24");
        Sandbox sb = c.newSandbox("c1");
        Endpoint old = n2.createEndpoint("old");
        old.join(sb);
        List<Route> routesBefore = List.copyOf(nsOf(sb).routes);
        var ifacesBefore = List.copyOf(nsOf(sb).ifaces.keySet());
        Endpoint e = n1.createEndpoint("e1"); // "a-first" sorts first: it would take the gateway role
        int storedBefore = w.store.transactions();

        w.kernel.failOn(step);
        var ex = assertThrows(NetworkException.class, () -> e.join(sb));
        assertTrue(ex.getMessage().startsWith("join endpoint \"e1\" of network \"a-first\""), ex.getMessage());
        assertTrue(ex.getMessage().contains("injected"), ex.getMessage());

        assertEquals(ifacesBefore, List.copyOf(nsOf(sb).ifaces.keySet()), "the interface is gone again");
        assertEquals(routesBefore, nsOf(sb).routes, "the old gateway endpoint's default route is back");
        assertEquals(old, sb.gatewayEndpoint().orElseThrow());
        assertEquals(List.of(old), sb.endpoints());
        assertNull(e.info().sandboxId());
        assertFalse(w.driverState.ifaces.containsKey(e.id()), "the driver's leave ran");
        assertEquals(storedBefore, w.store.transactions(), "nothing was stored (a join of either driver that "
                + "succeeds stores something, at once or deferred)");
        c.flushStore();
        assertEquals(State.READY, record(e).state());
        assertEquals(2, allocated("10.9.1.0/24"), "gateway and e1 only: nothing leaked");
        // and the same join works afterwards
        e.join(sb);
        assertEquals(e, sb.gatewayEndpoint().orElseThrow());
    }

    @Test
    void aJoinWhoseRecordCannotBeWrittenIsUndone() {
        Network n = net("unlabelled", "n1", "10.9.1.0/24");
        Sandbox sb = c.newSandbox("c1");
        Endpoint e = n.createEndpoint("e1");
        w.store.failAt(1);
        assertThrows(NetworkException.class, () -> e.join(sb));
        assertTrue(sb.endpoints().isEmpty());
        assertEquals(List.of(1), List.copyOf(nsOf(sb).ifaces.keySet()), "only loopback");
        assertTrue(nsOf(sb).routes.isEmpty());
        e.join(sb);
        assertEquals(State.JOINED, ((EndpointRecord) w.store.get(StoredObject.Kind.ENDPOINT, e.id())).state());
    }

    @Test
    void anInterfaceMadeInTheHostIsMovedInAndBackOut() {
        Network n = net("moving", "n1", "10.9.1.0/24");
        Sandbox sb = c.newSandbox("c1");
        Endpoint e = n.createEndpoint("e1");
        e.join(sb);
        var moved = nsOf(sb).ifaces.values().stream().filter(i -> i.name.equals("eth0")).findFirst().orElseThrow();
        assertTrue(moved.up && moved.addresses.contains("10.9.1.2/24"));
        assertTrue(w.kernel.host.ifaces.isEmpty(), "moved out of the host");
        w.kernel.log.clear();
        e.leave(sb);
        assertTrue(w.kernel.log.indexOf("moveOut") < w.kernel.log.indexOf("driver:leave"),
                "back to the host before the driver's leave: " + w.kernel.log);
        // a move that fails leaves the driver's interface to its leave
        w.kernel.failOn("moveIn");
        assertThrows(NetworkException.class, () -> e.join(sb));
        assertTrue(w.kernel.host.ifaces.isEmpty());
        assertEquals(List.of(1), List.copyOf(nsOf(sb).ifaces.keySet()));
    }

    // ---- creates: their undo ----

    @Test
    void anEndpointWhoseRecordCannotBeWrittenReleasesItsAddress() {
        Network n = net("fake", "n1", "10.9.1.0/24");
        w.store.failAt(1);
        assertThrows(NetworkException.class, () -> n.createEndpoint("e1"));
        assertEquals(1, allocated("10.9.1.0/24"), "only the gateway");
        assertTrue(w.kernel.log.contains("driver:deleteEndpoint"));
        assertTrue(n.endpoints().isEmpty());
        n.createEndpoint("e1"); // the name is free again
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void aNetworkFailingAtItsStoreWritesLeavesNothing(int nth) {
        w.store.failAt(nth);
        assertThrows(NetworkException.class, () -> net("fake", "n1", "10.9.1.0/24"));
        assertEquals(0, w.ipam.poolCount());
        assertTrue(w.driverState.networks.isEmpty());
        assertEquals(0, w.store.size());
        assertTrue(c.networks().isEmpty());
        net("fake", "n1", "10.9.1.0/24");
    }

    @Test
    void aNetworkTheDriverRefusesLeavesNoPoolNoRecordNoName() {
        w.kernel.failOn("driver:createNetwork");
        assertThrows(NetworkException.class, () -> net("fake", "n1", "10.9.1.0/24"));
        assertEquals(0, w.ipam.poolCount());
        assertEquals(0, w.store.size());
        net("fake", "n1", "10.9.1.0/24");
    }

    @Test
    void aSandboxWhoseNamespaceCannotBeMadeLeavesNothing() {
        w.kernel.failOn("createSandbox");
        assertThrows(NetworkException.class, () -> c.newSandbox("c1"));
        assertTrue(c.sandboxes().isEmpty());
        assertEquals(0, w.store.size());
        w.store.failAt(1);
        assertThrows(NetworkException.class, () -> c.newSandbox("c1"));
        assertTrue(w.kernel.namespaces.keySet().stream().noneMatch(p -> p.startsWith(FakeKernel.NETNS_DIR)),
                "its namespace is removed again");
        c.newSandbox("c1");
    }

    // ---- registries ----

    @Test
    void namesAreUniqueAndANetworkWithEndpointsCannotGo() throws Exception {
        Network n = net("fake", "n1", "10.9.1.0/24");
        var dup = assertThrows(AlreadyExistsException.class, () -> net("fake", "n1", "10.9.2.0/24"));
        assertEquals("create network \"n1\": network with name n1 already exists", dup.getMessage());
        assertEquals(1, w.ipam.poolCount(), "the second one's pool is released");
        Endpoint e = n.createEndpoint("e");
        assertThrows(AlreadyExistsException.class, () -> n.createEndpoint("e"));
        var busy = assertThrows(ForbiddenException.class, n::delete);
        assertTrue(busy.getMessage().endsWith("network n1 has active endpoints [e]"), busy.getMessage());
        c.newSandbox("c1");
        assertThrows(AlreadyExistsException.class, () -> c.newSandbox("c1"));
        assertEquals(n, c.networkById(n.id().substring(0, 5)));
        assertThrows(NotFoundException.class, () -> c.networkByName("nope"));
        e.delete();
        n.delete();
        n.delete(); // twice succeeds
        assertThrows(NotFoundException.class, () -> n.createEndpoint("late"));
        assertTrue(c.networks().isEmpty());
        assertEquals(0, w.store.size() - 1, "only the sandbox is stored");
    }

    @Test
    void concurrentCreatesOfOneNameLetExactlyOneThrough() throws Exception {
        Network n = net("fake", "n1", "10.9.1.0/24");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Boolean>> tries = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                tries.add(pool.submit(() -> {
                    go.await();
                    try {
                        n.createEndpoint("same");
                        return true;
                    } catch (AlreadyExistsException taken) {
                        return false;
                    }
                }));
            }
            go.countDown();
            int won = 0;
            for (Future<Boolean> f : tries) {
                won += f.get(10, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertEquals(1, won);
            assertEquals(2, allocated("10.9.1.0/24"));
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- gateway election ----

    @Test
    void theGatewayEndpointFollowsPriorityAndMovesItsRoutesAndPorts() {
        Network a = net("fake", "a", "10.9.1.0/24");
        Network b = net("fake", "b", "10.9.2.0/24");
        Sandbox sb = c.newSandbox("c1");
        Endpoint ea = a.createEndpoint("ea", EndpointOptions.builder().publish("8080:80").build());
        Endpoint eb = b.createEndpoint("eb");
        ea.join(sb);
        assertEquals(1, ea.info().ports().size());
        eb.join(sb, JoinOptions.priority(5));
        assertEquals(eb, sb.gatewayEndpoint().orElseThrow(), "higher priority wins");
        assertTrue(ea.info().ports().isEmpty(), "the old gateway endpoint's ports went");
        var defaults = nsOf(sb).routes.stream().filter(Route::isDefault).toList();
        assertEquals(1, defaults.size(), "one default route: " + defaults);
        int ebIndex = w.driverState.ifaces.get(eb.id());
        assertEquals(ebIndex, defaults.get(0).oif());
        eb.leave(sb);
        assertEquals(ea, sb.gatewayEndpoint().orElseThrow());
        assertEquals(1, ea.info().ports().size(), "its ports are back");
        assertEquals(w.driverState.ifaces.get(ea.id()).intValue(),
                nsOf(sb).routes.stream().filter(Route::isDefault).findFirst().orElseThrow().oif());
    }

    // ---- the store: what is written, when ----

    @Test
    void aLabelledJoinWithoutPortsCostsNoTransactionBeforeItReturns() {
        Network n = net("fake", "n1", "10.9.1.0/24");
        Sandbox sb = c.newSandbox("c1");
        Endpoint e = n.createEndpoint("e1");
        int before = w.store.transactions();
        e.join(sb);
        assertEquals(before, w.store.transactions(), "the kernel holds it: the record may follow");
        assertEquals(State.READY, record(e).state());
        c.flushStore();
        assertEquals(State.JOINED, record(e).state());
        assertEquals(sb.id(), record(e).sandboxId());

        Endpoint p = n.createEndpoint("p1", EndpointOptions.builder().publish("80").build());
        Sandbox sb2 = c.newSandbox("c2");
        before = w.store.transactions();
        p.join(sb2);
        assertEquals(before + 1, w.store.transactions(), "host ports must come back as they were: stored at once");
        assertEquals(List.of(32768), record(p).ports().stream().map(m -> m.hostPort()).toList());
    }

    @Test
    void aJoinTheKernelCannotTellIsStoredBeforeItReturnsAndSoIsItsLeave() {
        Network n = net("unlabelled", "n1", "10.9.1.0/24");
        Sandbox sb = c.newSandbox("c1");
        Endpoint e = n.createEndpoint("e1");
        e.join(sb);
        assertEquals(State.JOINED, record(e).state());
        e.leave(sb);
        assertEquals(State.READY, record(e).state());
    }

    private EndpointRecord record(Endpoint e) {
        return (EndpointRecord) w.store.get(StoredObject.Kind.ENDPOINT, e.id());
    }

    // ---- the resolver: told of each change before the call returns ----

    @Test
    void theResolverLearnsEachJoinBeforeItReturnsAndForgetsEachLeave() throws Exception {
        Network n = net("fake", "n1", "10.9.1.0/24");
        assertEquals(List.of(), w.names.networks.get(n.id()), "known, with no listener before its first join");
        Sandbox sb = c.newSandbox("c1", org.libnetwork4j.SandboxOptions.builder().dns("192.0.2.9").build());
        assertEquals(List.of(new java.net.InetSocketAddress("192.0.2.9", 53)), w.names.sandboxes.get(sb.id()),
                "its own dns server is where its unknown names go");
        assertEquals("nameserver 192.0.2.9\n", java.nio.file.Files.readString(sb.resolvConfPath()),
                "no resolver before a join");
        Endpoint e = n.createEndpoint("e1", org.libnetwork4j.EndpointOptions.builder().alias("db").build());
        e.join(sb);
        assertEquals(List.of(java.net.InetAddress.getByName("10.9.0.1")), w.names.networks.get(n.id()),
                "served on the driver's address from the first join");
        assertEquals(List.of("c1", "db", sb.id().substring(0, 12)), w.names.joined.get(e.id()));
        assertEquals("nameserver 10.9.0.1\noptions ndots:0\n", java.nio.file.Files.readString(sb.resolvConfPath()));
        // a restart: the names come back without a join, and the listeners at once
        kill();
        assertEquals(List.of(java.net.InetAddress.getByName("10.9.0.1")), w.names.networks.get(n.id()));
        assertEquals(List.of("c1", "db", sb.id().substring(0, 12)), w.names.joined.get(e.id()));
        Sandbox again = c.sandboxById(sb.id());
        Endpoint e2 = c.networkById(n.id()).endpointById(e.id());
        e2.leave(again);
        assertNull(w.names.joined.get(e.id()));
        assertEquals("nameserver 192.0.2.9\n", java.nio.file.Files.readString(again.resolvConfPath()),
                "the last network with a resolver left: its own server again");
        e2.delete();
        c.networkById(n.id()).delete();
        assertNull(w.names.networks.get(n.id()));
        again.delete();
        assertNull(w.names.sandboxes.get(sb.id()));
    }

    @Test
    void aNetworkWhoseResolverCannotListenKeepsTheHostsNameservers() throws Exception {
        w.names.refuse = true;
        Network n = net("fake", "n1", "10.9.1.0/24");
        Sandbox sb = c.newSandbox("c1");
        Endpoint e = n.createEndpoint("e1");
        e.join(sb);
        assertEquals("nameserver 192.0.2.53\n", java.nio.file.Files.readString(sb.resolvConfPath()));
        assertEquals(List.of("c1", sb.id().substring(0, 12)), w.names.joined.get(e.id()),
                "its names are still known, for a container also on a network that has a listener");
        // the port free again: a join tries once the retry interval has passed, not before
        w.names.refuse = false;
        Sandbox sb2 = c.newSandbox("c2");
        n.createEndpoint("e2").join(sb2);
        assertEquals("nameserver 192.0.2.53\n", java.nio.file.Files.readString(sb2.resolvConfPath()),
                "within the interval: not tried");
        assertEquals(List.of(), w.names.listened);
        long interval = NetworkImpl.listenRetryNanos;
        NetworkImpl.listenRetryNanos = 0;
        try {
            Sandbox sb3 = c.newSandbox("c3");
            n.createEndpoint("e3").join(sb3);
            assertEquals("nameserver 10.9.0.1\noptions ndots:0\n", java.nio.file.Files.readString(sb3.resolvConfPath()));
            assertEquals(List.of(n.id()), w.names.listened);
            Sandbox sb4 = c.newSandbox("c4");
            n.createEndpoint("e4").join(sb4);
            assertEquals(List.of(n.id()), w.names.listened, "listening: not opened again");
        } finally {
            NetworkImpl.listenRetryNanos = interval;
        }
    }

    @Test
    void twoFirstJoinsAtOnceBothNameTheResolverThatOneOfThemStarted() throws Exception {
        Network n = net("fake", "n1", "10.9.1.0/24");
        Sandbox s1 = c.newSandbox("c1");
        Sandbox s2 = c.newSandbox("c2");
        Endpoint e1 = n.createEndpoint("e1");
        Endpoint e2 = n.createEndpoint("e2");
        java.util.concurrent.CountDownLatch inListen = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        w.names.listenGate = () -> {
            inListen.countDown();
            try {
                go.await(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        };
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var first = pool.submit(() -> e1.join(s1));
            assertTrue(inListen.await(10, java.util.concurrent.TimeUnit.SECONDS));
            var second = pool.submit(() -> e2.join(s2));
            Thread.sleep(100); // the second join is held at the network's listeners, not past them
            assertFalse(second.isDone());
            go.countDown();
            first.get(10, java.util.concurrent.TimeUnit.SECONDS);
            second.get(10, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            go.countDown();
            pool.shutdownNow();
        }
        assertEquals(List.of(n.id()), w.names.listened, "one listen");
        for (Sandbox sb : List.of(s1, s2)) {
            assertEquals("nameserver 10.9.0.1\noptions ndots:0\n", java.nio.file.Files.readString(sb.resolvConfPath()));
        }
    }

    @Test
    void aRestartListensAtOnceOnlyWhereContainersAsk() throws Exception {
        Network joined = net("fake", "n1", "10.9.1.0/24");
        Network idle = net("fake", "n2", "10.9.2.0/24");
        Network made = net("fake", "n3", "10.9.3.0/24");
        made.createEndpoint("not-joined"); // its join may be known only from the kernel: served
        joined.createEndpoint("e1").join(c.newSandbox("c1"));
        assertEquals(List.of(joined.id()), w.names.listened);
        kill();
        // a new process, a new resolver: what it was told since
        assertEquals(java.util.Set.of(joined.id(), made.id()), java.util.Set.copyOf(w.names.listened),
                "at once where a network has endpoints");
        assertEquals(2, w.names.listened.size(), "no other");
        assertEquals(List.of(), w.names.networks.get(idle.id()), "known, no listener");
        Sandbox s2 = c.newSandbox("c2");
        c.networkById(idle.id()).createEndpoint("e2").join(s2);
        assertEquals(idle.id(), w.names.listened.get(2), "from its first join");
        assertEquals("nameserver 10.9.0.1\noptions ndots:0\n", java.nio.file.Files.readString(s2.resolvConfPath()));
    }

    @Test
    void aResolverThatComesWithTheNetworksFirstJoinServesThatJoinsSandbox() throws Exception {
        w.fake.siteOnceJoined = true; // as an overlay's, in the namespace its first join here makes
        Network n = net("fake", "n1", "10.9.1.0/24");
        assertEquals(List.of(), w.names.networks.get(n.id()), "known, but no listener before a join");
        Sandbox sb = c.newSandbox("c1");
        Endpoint e = n.createEndpoint("e1");
        e.join(sb);
        assertEquals(List.of(java.net.InetAddress.getByName("10.9.0.1")), w.names.networks.get(n.id()),
                "listened on from the first join");
        assertEquals("nameserver 10.9.0.1\noptions ndots:0\n", java.nio.file.Files.readString(sb.resolvConfPath()),
                "the first join's own sandbox names it");
        assertEquals(List.of("c1", sb.id().substring(0, 12)), w.names.joined.get(e.id()));
        Sandbox sb2 = c.newSandbox("c2");
        n.createEndpoint("e2").join(sb2);
        assertEquals("nameserver 10.9.0.1\noptions ndots:0\n", java.nio.file.Files.readString(sb2.resolvConfPath()));
        assertEquals(List.of(n.id()), w.names.listened, "listeners opened once, at the first join");
    }

    @Test
    void aContainerIsToldOnlyTheResolversOnItsOwnSubnet() throws Exception {
        java.net.InetAddress gw1 = java.net.InetAddress.getByName("10.9.1.1");
        java.net.InetAddress gw2 = java.net.InetAddress.getByName("10.9.2.1");
        w.fake.siteAddresses = List.of(gw1, gw2); // as an overlay with two subnets: a gateway in each
        Network n = c.newNetwork("fake", "n1", NetworkOptions.builder().subnet("10.9.1.0/24").subnet("10.9.2.0/24")
                .build());
        Sandbox sb = c.newSandbox("c1");
        n.createEndpoint("e1", EndpointOptions.builder().ipv4("10.9.2.5").build()).join(sb);
        assertEquals("nameserver 10.9.2.1\noptions ndots:0\n", java.nio.file.Files.readString(sb.resolvConfPath()),
                "not 10.9.1.1, which is not on its link");
        w.fake.siteAddresses = List.of(java.net.InetAddress.getByName("10.9.0.1"));
        Network m = net("fake", "n2", "10.9.3.0/24");
        Sandbox sb2 = c.newSandbox("c2");
        m.createEndpoint("e2").join(sb2);
        assertEquals("nameserver 10.9.0.1\noptions ndots:0\n", java.nio.file.Files.readString(sb2.resolvConfPath()),
                "none on its subnet: the network's, as they are");
    }

    @Test
    void aNetworkOfTwoSubnetsGivesAddressesFromTheSecondOnceTheFirstIsFull() {
        // a /30 has two host addresses; the gateway takes one
        Network n = c.newNetwork("fake", "n1", NetworkOptions.builder().subnet("10.9.1.0/30").subnet("10.9.2.0/24")
                .build());
        assertEquals("10.9.1.2", n.createEndpoint("e1").info().ipv4().address().getHostAddress());
        Endpoint e2 = n.createEndpoint("e2");
        assertEquals("10.9.2.2", e2.info().ipv4().address().getHostAddress(), "the first is full: the second's");
        assertEquals("10.9.2.9", n.createEndpoint("e3", EndpointOptions.builder().ipv4("10.9.2.9")
                .build()).info().ipv4().address().getHostAddress(), "asked for: from the subnet that holds it");
        var none = assertThrows(org.libnetwork4j.InvalidParameterException.class, () -> n.createEndpoint("e4",
                EndpointOptions.builder().ipv4("10.9.3.9").build()));
        assertTrue(none.getMessage().endsWith("address 10.9.3.9 is in no subnet of the network (10.9.1.0/30,"
                + " 10.9.2.0/24)"), none.getMessage());
        assertEquals(3, allocated("10.9.2.0/24"), "gateway, e2, e3");
        e2.delete();
        assertEquals(2, allocated("10.9.2.0/24"), "e2's address back to its own subnet's pool");
        assertEquals(2, allocated("10.9.1.0/30"));
        Network tiny = c.newNetwork("fake", "n2", NetworkOptions.builder().subnet("10.9.4.0/30").subnet("10.9.5.0/30")
                .build());
        tiny.createEndpoint("a");
        tiny.createEndpoint("b");
        var full = assertThrows(org.libnetwork4j.PoolExhaustedException.class, () -> tiny.createEndpoint("c"));
        assertTrue(full.getMessage().endsWith("no available IPv4 address in 10.9.5.0/30"), full.getMessage());
    }

    @Test
    void aDeleteTheDriverRefusesLeavesTheNetworkServed() throws Exception {
        Network n = net("fake", "n1", "10.9.1.0/24");
        Sandbox sb = c.newSandbox("c1");
        Endpoint e = n.createEndpoint("e1");
        e.join(sb);
        e.leave(sb);
        e.delete();
        w.kernel.failOn("driver:deleteNetwork");
        assertThrows(NetworkException.class, n::delete);
        assertEquals(List.of(), w.names.networks.get(n.id()), "its names still known; its listeners closed");
        e = n.createEndpoint("e1");
        e.join(sb);
        assertEquals(List.of(n.id(), n.id()), w.names.listened, "closed for the delete, opened again at a join");
        assertEquals("nameserver 10.9.0.1\noptions ndots:0\n", java.nio.file.Files.readString(sb.resolvConfPath()));
        e.leave(sb);
        e.delete();
        // a driver's bug rather than a refusal: the same, and the exception as it is
        w.kernel.observer = op -> {
            if (op.equals("driver:deleteNetwork")) {
                throw new IllegalStateException("a driver's bug");
            }
        };
        assertThrows(IllegalStateException.class, n::delete);
        w.kernel.observer = op -> { };
        assertEquals(List.of(), w.names.networks.get(n.id()));
        n.createEndpoint("e2").delete(); // not sealed
        // its record says it lives: a restart keeps it, rather than finishing the refused delete
        String id = n.id();
        c.close();
        c = w.controller();
        n = c.networkByName("n1");
        assertEquals(id, n.id(), "the network outlives a restart after its refused delete");
        n.delete();
        assertNull(w.names.networks.get(n.id()));
        c.close();
        c = w.controller();
        assertEquals(List.of(), c.networks().stream().filter(x -> x.name().equals("n1")).toList());
    }

    /** The controller opened again on a cluster store in memory, which is returned. */
    private FakeShared onFakeCluster() {
        FakeShared cluster = new FakeShared();
        w.shared = cluster;
        c.close();
        c = w.controller();
        return cluster;
    }

    /**
     * A network that spans hosts leaves the cluster before its driver deletes it (no other
     * host may join it meanwhile); if the driver refuses, it is published again, as it was.
     * If that fails too (the name taken elsewhere meanwhile), the caller hears it with the
     * driver's refusal; the network then takes no new endpoints (the cluster holds none of its
     * addresses, not even its gateway's) until it is published again, and can be deleted.
     */
    @Test
    void aGlobalNetworkWhoseDeleteTheDriverRefusesIsInTheClusterAgain() throws Exception {
        FakeShared cluster = onFakeCluster();
        Network n = net("global", "g1", "10.9.5.0/24");
        assertEquals(List.of("publish g1"), cluster.calls);

        w.kernel.failOn("driver:deleteNetwork");
        assertThrows(NetworkException.class, n::delete);
        assertEquals(List.of("publish g1", "unpublish g1", "publish g1"), cluster.calls);
        assertEquals(n.id(), cluster.records.get("g1").id());
        assertEquals(State.READY, cluster.records.get("g1").state());
        var local = (org.libnetwork4j.store.NetworkRecord) w.store.get(StoredObject.Kind.NETWORK, n.id());
        assertEquals(State.READY, local.state(), "its local record, as before");
        java.net.InetAddress gateway = java.net.InetAddress.getByName("10.9.5.1");
        assertTrue(cluster.taken.get(n.id()).contains(gateway), "its gateway taken again with it");
        Endpoint e0 = n.createEndpoint("e0");
        assertTrue(cluster.taken.get(n.id()).contains(e0.info().ipv4().address()));
        e0.delete();

        cluster.onPublish = r -> {
            throw new AlreadyExistsException("network g1 was taken by another host meanwhile");
        };
        w.kernel.failOn("driver:deleteNetwork");
        NetworkException refused = assertThrows(NetworkException.class, n::delete);
        // on the driver's error, which is the cause of the one with the operation's context
        assertTrue(java.util.Arrays.stream(refused.getCause().getSuppressed())
                .anyMatch(s -> s.getMessage().contains("taken by another host")), refused::toString);
        assertNull(cluster.records.get("g1"));
        // the cluster holds none of its addresses now, not even the gateway's: it cannot give
        // out more, and says why rather than offering the gateway's address
        assertTrue(cluster.taken.getOrDefault(n.id(), java.util.Set.of()).isEmpty(), "not even its gateway");
        ForbiddenException none = assertThrows(ForbiddenException.class, () -> n.createEndpoint("e1"));
        assertTrue(none.getMessage().contains("no longer in the cluster store"), none::getMessage);

        // published again (a later refused delete): it gives out addresses again
        cluster.onPublish = r -> { };
        w.kernel.failOn("driver:deleteNetwork");
        assertThrows(NetworkException.class, n::delete);
        assertEquals(n.id(), cluster.records.get("g1").id());
        n.createEndpoint("e2").delete();

        n.delete();
        assertEquals(List.of(), c.networks().stream().filter(x -> x.name().equals("g1")).toList());
        assertNull(w.store.get(StoredObject.Kind.NETWORK, n.id()));
    }

    /**
     * A restart holds the resolver until the other hosts' names are back too, not only this
     * host's joins: a query that waited in its socket during the restart would otherwise be
     * answered "no such name" for a container of another host. The store's watch tells the
     * names on a thread of its own, here 300 ms after it starts.
     */
    @Test
    void aRestartHoldsTheResolverUntilTheOtherHostsNamesAreBack() throws Exception {
        FakeShared cluster = onFakeCluster();
        Network g = net("global", "g1", "10.9.6.0/24");
        g.createEndpoint("e1").join(c.newSandbox("c1"));
        c.close();
        cluster.otherHosts = List.of(new Shared.RemoteName(g.id(), "remote-ep", List.of("c2"),
                java.net.InetAddress.getByName("10.9.6.200"), null));
        cluster.namesDelayMs = 300;
        c = w.controller();
        List<String> order = List.copyOf(w.names.order);
        assertEquals("hold", order.get(0), order::toString);
        assertTrue(order.indexOf("join remote-ep") > 0 && order.indexOf("join remote-ep") < order.indexOf("release"),
                "the other host's name before the release: " + order);
        assertTrue(order.indexOf("release") > order.indexOf("join " + c.sandboxByContainerId("c1").endpoints().get(0)
                .id()), "and this host's join: " + order);
        assertEquals(List.of("c2"), w.names.joined.get("remote-ep"));
    }

    @Test
    void resolvConfFilesAnOlderVersionWroteAreCheckedAtTheFirstRestart() throws Exception {
        Network n = net("fake", "n1", "10.9.1.0/24");
        Sandbox sb = c.newSandbox("c1");
        n.createEndpoint("e1").join(sb);
        java.nio.file.Path file = sb.resolvConfPath();
        java.nio.file.Path state = w.dir.resolve("resolv-conf-state");
        c.close();
        java.nio.file.Files.writeString(file, "nameserver 192.0.2.53\n"); // as if a version before had written it
        c = w.controller();
        assertEquals("nameserver 192.0.2.53\n", java.nio.file.Files.readString(file),
                "the same inputs and rules after a clean close: taken as written, not read");
        c.close();
        String now = java.nio.file.Files.readString(state);
        assertTrue(now.startsWith("rules=" + ResolvConfState.RULES + " "), now);
        java.nio.file.Files.writeString(state, now.substring(now.indexOf(' ') + 1)); // an older version's record
        c = w.controller();
        assertEquals("nameserver 10.9.0.1\noptions ndots:0\n", java.nio.file.Files.readString(file),
                "older rules: checked, and rewritten");
    }

    // ---- recovery's decisions ----

    /** The process dies: nothing more reaches the store; the kernel stays as it is. */
    private void kill() {
        w.store.die();
        c.close();
        w.store.revive();
        c = w.controller();
    }

    @Test
    void aCleanCloseIsTakenAtItsRecordsWordAKillIsNot() {
        Network n = net("fake", "n1", "10.9.1.0/24");
        Endpoint e = n.createEndpoint("e1");
        e.join(c.newSandbox("c1"));
        List<String> reads = w.driverState.recoveryReads; // of every fake driver
        reads.clear();
        c.close();
        c = w.controller();
        assertTrue(!reads.isEmpty() && reads.stream().allMatch("recorded"::equals),
                "labels are not read after a clean close: " + reads);
        assertEquals(c.sandboxByContainerId("c1").id(), c.networkByName("n1").endpointByName("e1").info()
                .sandboxId());
        assertTrue(c.recoveryReport().clean(), c.recoveryReport().toString());
        // the mark is used once: a process that dies after a clean start is not taken for clean
        reads.clear();
        kill();
        assertTrue(!reads.isEmpty() && reads.stream().allMatch("labels"::equals), reads.toString());
    }

    @Test
    void aJoinNoRecordToldOfIsFoundByItsLabelAfterAKill() {
        Network n = net("fake", "n1", "10.9.1.0/24");
        Sandbox sb = c.newSandbox("c1");
        Endpoint e = n.createEndpoint("e1");
        e.join(sb, JoinOptions.priority(3));
        assertEquals(State.READY, record(e).state(), "not written yet when the process dies");
        kill();
        assertTrue(c.recoveryReport().clean(), c.recoveryReport().toString());
        Endpoint again = c.networkByName("n1").endpointByName("e1");
        Sandbox sbAgain = c.sandboxByContainerId("c1");
        assertEquals(sbAgain.id(), again.info().sandboxId());
        assertEquals("eth0", again.info().interfaceName());
        assertEquals(again, sbAgain.gatewayEndpoint().orElseThrow());
        c.flushStore();
        assertEquals(State.JOINED, record(again).state());
        assertEquals(3, record(again).priority(), "the priority came back from the label");
        // the interface counter goes on after eth0
        Endpoint second = c.networkByName("n1").createEndpoint("e2");
        second.join(sbAgain);
        assertEquals("eth1", second.info().interfaceName());
    }

    @Test
    void theKernelsLabelWinsOverARecordThatLagsBehind() {
        Network n = net("fake", "n1", "10.9.1.0/24");
        Sandbox s1 = c.newSandbox("c1");
        Sandbox s2 = c.newSandbox("c2");
        Endpoint e = n.createEndpoint("e1");
        e.join(s1);
        c.flushStore(); // JOINED c1 on disk
        e.leave(s1);
        e.join(s2, JoinOptions.priority(5)); // both records still deferred when the process dies
        kill();
        assertTrue(c.recoveryReport().clean(), c.recoveryReport().toString());
        Endpoint again = c.networkByName("n1").endpointByName("e1");
        assertEquals(c.sandboxByContainerId("c2").id(), again.info().sandboxId(), "where the kernel has it");
        assertTrue(w.driverState.ifaces.containsKey(e.id()), "its interface was kept");
        c.flushStore();
        assertEquals(5, record(again).priority());
    }

    @Test
    void aRecordedJoinIsTakenAsTheKernelHasItWhateverTheContainerDidToItsInterface() {
        Network n = net("fake", "n1", "10.9.1.0/24");
        Sandbox sb = c.newSandbox("c1");
        Endpoint e = n.createEndpoint("e1");
        e.join(sb);
        c.flushStore();
        var iface = nsOf(sb).ifaces.get(w.driverState.ifaces.get(e.id()));
        iface.up = false; // ip link set eth0 down, ip addr flush, in the container
        iface.addresses.clear();
        kill();
        var r = c.recoveryReport();
        assertEquals(List.of(), r.rolledBack());
        assertEquals(c.sandboxByContainerId("c1").id(), c.networkByName("n1").endpointByName("e1").info().sandboxId());
        // taken as it is: a recorded join's sandbox is not entered, its routes not re-made
        assertEquals(List.of(), r.warnings(), r.toString());
        assertEquals(false, nsOf(c.sandboxByContainerId("c1")).ifaces.get(w.driverState.ifaces.get(e.id())).up);
    }

    @Test
    void anEndpointWhoseRecordCannotBeRemovedStaysWithItsAddress() {
        Network n = net("fake", "n1", "10.9.1.0/24");
        Endpoint e = n.createEndpoint("e1");
        w.store.failAt(1);
        assertThrows(NetworkException.class, e::delete);
        assertEquals(e, n.endpointByName("e1"), "still there: a retry finishes the delete");
        assertEquals(2, allocated("10.9.1.0/24"), "its address is not given to another while its record stays");
        Endpoint f = n.createEndpoint("f1");
        assertFalse(f.info().ipv4().equals(e.info().ipv4()));
        e.delete();
        assertNull(w.store.get(StoredObject.Kind.ENDPOINT, e.id()));
        assertEquals(2, allocated("10.9.1.0/24"));
    }

    @Test
    void aLeaveWhoseRecordFailsHasStillLeft() {
        Network n = net("unlabelled", "n1", "10.9.1.0/24");
        Sandbox sb = c.newSandbox("c1");
        Endpoint e = n.createEndpoint("e1");
        e.join(sb);
        w.store.failAt(1);
        var ex = assertThrows(NetworkException.class, () -> e.leave(sb));
        assertTrue(ex.getMessage().startsWith("leave endpoint \"e1\""), ex.getMessage());
        assertNull(e.info().sandboxId(), "its interface is gone: it has left");
        assertTrue(sb.endpoints().isEmpty());
        assertThrows(ForbiddenException.class, () -> e.leave(sb));
        e.delete();
        n.delete();
    }

    @Test
    void aNetworkWhoseRecordCannotBeRemovedIsFinishedByTheNextStart() {
        Network n = net("fake", "n1", "10.9.1.0/24");
        w.store.failAt(2); // the DELETING intent goes through, its removal does not
        var ex = assertThrows(NetworkException.class, n::delete);
        assertTrue(ex.getMessage().startsWith("delete network \"n1\""), ex.getMessage());
        assertTrue(c.networks().isEmpty());
        Network again = net("fake", "n1", "10.9.1.0/24"); // name and subnet are free
        c.close();
        c = w.controller();
        assertEquals(List.of("delete of network n1"), c.recoveryReport().finished());
        assertEquals(again.id(), c.networkByName("n1").id());
        assertEquals(1, allocated("10.9.1.0/24"), "the new network's gateway only");
    }

    @Test
    void aJoinCutShortBeforeItsAddressesIsUndone() {
        Network n = net("fake", "n1", "10.9.1.0/24");
        Sandbox sb = c.newSandbox("c1");
        Endpoint e = n.createEndpoint("e1");
        // the process dies inside the join, after the driver made the interface: simulated by
        // a failing configure whose undo never runs (the store is dead, the kernel keeps it)
        w.kernel.failOn("configure");
        w.store.die();
        Map<String, Integer> leftover;
        try {
            w.kernel.failOn("driver:leave"); // the undo's leave "never happens"
            assertThrows(NetworkException.class, () -> e.join(sb));
        } finally {
            leftover = Map.copyOf(w.driverState.ifaces);
        }
        assertTrue(leftover.containsKey(e.id()), "the half-made interface is in the kernel");
        c.close();
        w.store.revive();
        c = w.controller();
        assertEquals(List.of("join of endpoint e1 of network n1"), c.recoveryReport().rolledBack());
        assertFalse(w.driverState.ifaces.containsKey(e.id()));
        assertNull(c.networkByName("n1").endpointByName("e1").info().sandboxId());
    }

    /**
     * A runtime's namespace stays when its sandbox goes, and an interface whose leave failed
     * stays in it: so does the sandbox, with that endpoint joined, for a retry (a CNI DEL's);
     * the endpoint that did go is forgotten, its address free. Our own namespace would take the
     * interface along, and its sandbox goes whatever the leave said.
     */
    @Test
    void anAdoptedSandboxWhoseLeaveFailsStaysWholeForARetry() {
        Network n1 = net("fake", "n1", "10.9.1.0/24");
        Network n2 = net("fake", "n2", "10.9.2.0/24");
        java.nio.file.Path runtimeNs = java.nio.file.Path.of("/proc/4242/ns/net");
        Sandbox sb = c.newSandbox("c1", SandboxOptions.builder().netns(runtimeNs).build());
        Endpoint e1 = n1.createEndpoint("e1");
        e1.join(sb);
        Endpoint e2 = n2.createEndpoint("e2");
        e2.join(sb);
        w.kernel.failOn("driver:leave"); // the first of the two leaves
        NetworkException ex = assertThrows(NetworkException.class, sb::delete);
        assertTrue(ex.getMessage().startsWith("delete the sandbox of container \"c1\""), ex.getMessage());
        c.flushStore();
        List<Endpoint> joined = c.sandboxByContainerId("c1").endpoints();
        assertEquals(1, joined.size(), "the sandbox stays, with the endpoint whose leave failed: " + joined);
        Endpoint stuck = joined.get(0).id().equals(e1.id()) ? e1 : e2;
        Endpoint went = stuck == e1 ? e2 : e1;
        assertEquals(sb.id(), stuck.info().sandboxId());
        assertTrue(w.driverState.ifaces.containsKey(stuck.id()), "its interface is still in the namespace");
        assertFalse(w.driverState.ifaces.containsKey(went.id()));
        assertTrue(w.store.get(StoredObject.Kind.SANDBOX, sb.id()) != null, "the sandbox's record stays");
        assertTrue(w.store.get(StoredObject.Kind.ENDPOINT, stuck.id()) != null);
        assertNull(w.store.get(StoredObject.Kind.ENDPOINT, went.id()), "the endpoint that went is forgotten");
        assertEquals(1, allocated(went == e1 ? "10.9.1.0/24" : "10.9.2.0/24"), "its address is free");
        assertTrue(w.kernel.namespaces.containsKey(runtimeNs), "the runtime's namespace stays");

        sb.delete(); // the retry
        assertTrue(c.sandboxes().isEmpty());
        assertTrue(n1.endpoints().isEmpty() && n2.endpoints().isEmpty());
        assertFalse(w.driverState.ifaces.containsKey(stuck.id()));
        c.flushStore();
        assertNull(w.store.get(StoredObject.Kind.SANDBOX, sb.id()));
        assertNull(w.store.get(StoredObject.Kind.ENDPOINT, stuck.id()));
        assertEquals(1, allocated("10.9.1.0/24"));
        assertEquals(1, allocated("10.9.2.0/24"));
        assertTrue(w.kernel.namespaces.containsKey(runtimeNs), "still the runtime's, left alone");

        // our own namespace: the sandbox goes even though the leave failed
        Sandbox own = c.newSandbox("c2");
        n1.createEndpoint("e3").join(own);
        w.kernel.failOn("driver:leave");
        assertThrows(NetworkException.class, own::delete);
        assertTrue(c.sandboxes().isEmpty());
        assertFalse(w.kernel.namespaces.containsKey(java.nio.file.Path.of(own.key())));
    }

    @Test
    void aSandboxWhoseNamespaceIsGoneIsDroppedWithItsEndpoints() {
        Network n = net("fake", "n1", "10.9.1.0/24");
        Sandbox sb = c.newSandbox("c1");
        Endpoint e = n.createEndpoint("e1");
        e.join(sb);
        c.flushStore();
        c.close();
        w.kernel.namespaces.remove(java.nio.file.Path.of(sb.key())); // a reboot took it
        w.driverState.ifaces.clear();
        w.driverState.labels.clear();
        c = w.controller();
        var r = c.recoveryReport();
        assertEquals(2, r.dropped().size(), r.toString());
        assertTrue(c.sandboxes().isEmpty());
        assertTrue(c.networkByName("n1").endpoints().isEmpty());
        assertEquals(1, allocated("10.9.1.0/24"), "its address is free again");
        assertNull(w.store.get(StoredObject.Kind.ENDPOINT, e.id()));
    }

    @Test
    void interruptedNetworkCreatesAreUndoneAndOrphansRemoved() throws Exception {
        Network n = net("fake", "n1", "10.9.1.0/24");
        // a create cut short after its intent: the driver made its part, the record says CREATING
        w.store.put(((NetworkImpl) n).record(State.CREATING, Map.of()).with(State.CREATING));
        w.store.die();
        c.close();
        w.store.revive();
        // a namespace and files nobody claims, as a sandbox create cut short before its record leaves
        Files.createDirectories(w.dir.resolve("sandboxes").resolve("deadbeef"));
        w.kernel.namespaces.put(FakeKernel.NETNS_DIR.resolve("deadbeef0000"), new FakeKernel.Ns());
        c = w.controller();
        var r = c.recoveryReport();
        assertEquals(List.of("create of network n1"), r.rolledBack());
        assertTrue(w.kernel.log.contains("driver:discardNetwork"));
        assertTrue(c.networks().isEmpty());
        assertEquals(0, w.ipam.poolCount());
        assertEquals(2, r.orphans().size(), r.toString());
        assertFalse(w.kernel.namespaces.containsKey(FakeKernel.NETNS_DIR.resolve("deadbeef0000")));
    }

    @Test
    void aHostNetworkSandboxComesBackWithItsJoin() {
        Network host = c.newNetwork("host", "host");
        Sandbox sb = c.newSandbox("c1", SandboxOptions.builder().useHostNamespace(true).build());
        Endpoint e = host.createEndpoint("h");
        e.join(sb);
        assertEquals(State.JOINED, record(e).state(), "nothing in the kernel tells of it: stored at once");
        kill();
        assertEquals(c.sandboxByContainerId("c1").id(), c.networkByName("host").endpointByName("h").info().sandboxId());
    }
}
