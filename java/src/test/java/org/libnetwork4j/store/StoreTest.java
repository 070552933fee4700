package org.libnetwork4j.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.libnetwork4j.EndpointOptions;
import org.libnetwork4j.InternalException;
import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.IpamConfig;
import org.libnetwork4j.MacAddress;
import org.libnetwork4j.NetworkOptions;
import org.libnetwork4j.PortMapping;
import org.libnetwork4j.Protocol;
import org.libnetwork4j.SandboxOptions;
import org.libnetwork4j.StateDirectoryInUseException;

/** The store on its own: no root, no kernel. */
class StoreTest {
    static final String NET = "a".repeat(64);
    static final String EP = "b".repeat(64);
    static final String SB = "c".repeat(64);

    static NetworkRecord network() {
        NetworkOptions o = NetworkOptions.builder().enableIpv6(true)
                .ipam(IpamConfig.builder().subnet("10.9.0.0/24").ipRange("10.9.0.128/25").gateway("10.9.0.254")
                        .auxAddress("router", "10.9.0.2").build())
                .subnet("fd09::/64").option("com.docker.network.bridge.name", "br9").label("team", "x").build();
        return new NetworkRecord(NET, "n9", "bridge", State.READY, Instant.parse("2026-11-28T08:00:00Z"), o, false, true,
                "eth", List.of(new NetworkRecord.Allocation(IpPrefix.parse("10.9.0.0/24"), IpPrefix.parse("10.9.0.128/25"),
                        IpAddresses.parse("10.9.0.254"), Map.of("router", IpAddresses.parse("10.9.0.2"))),
                        new NetworkRecord.Allocation(IpPrefix.parse("fd09::/64"), null, IpAddresses.parse("fd09::1"), Map.of())),
                Map.of("bridge", "br9", "adopted", "false"));
    }

    static EndpointRecord endpoint() {
        EndpointOptions o = EndpointOptions.builder().publish("8080:80").publish("127.0.0.1::53/udp").ipv4("10.9.0.130").build();
        return new EndpointRecord(EP, NET, "web", State.JOINED, o, IpPrefix.parse("10.9.0.130/24"), IpPrefix.parse("fd09::2/64"),
                MacAddress.parse("02:42:0a:09:00:82"), SB, "eth0", 5,
                List.of(new PortMapping(null, 8080, IpAddresses.parse("10.9.0.130"), 80, Protocol.TCP),
                        new PortMapping(IpAddresses.parse("127.0.0.1"), 40000, IpAddresses.parse("10.9.0.130"), 53, Protocol.UDP)));
    }

    static SandboxRecord sandbox() {
        SandboxOptions o = SandboxOptions.builder().hostname("web").domainname("example.org").dns("9.9.9.9")
                .dnsSearch("example.org").extraHost("db", "10.9.0.3").build();
        return new SandboxRecord(SB, "container-1", State.READY, o, "/run/libnetwork4j/netns/cccccccccccc", null);
    }

    @Test
    void nobodyElseReadsTheFileWhileTheStoreIsOpen(@TempDir Path dir) throws Exception {
        try (SqliteStore s = SqliteStore.open(dir)) {
            s.put(network());
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("state.db"));
                    Statement st = c.createStatement()) {
                SQLException e = assertThrows(SQLException.class, () -> st.executeQuery("SELECT count(*) FROM objects"));
                assertTrue(e.getMessage().contains("SQLITE_BUSY"), e.getMessage());
            }
            s.put(endpoint()); // and the store itself is not disturbed by the attempt
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("state.db"));
                Statement st = c.createStatement(); var r = st.executeQuery("SELECT count(*) FROM objects")) {
            assertTrue(r.next());
            assertEquals(2, r.getInt(1), "readable, with both records, once closed");
        }
    }

    /**
     * What a kill -9 right after a write returns leaves: the database and its log as they are
     * on disk at that moment, without the in-memory log index or a closing checkpoint. Taken
     * after one-record writes (their own transactions) and several-record ones (BEGIN ...
     * COMMIT), each copy must hold every change made so far and nothing else.
     */
    @Test
    void everyWriteIsCommittedWhenItReturns(@TempDir Path dir) throws Exception {
        try (SqliteStore s = SqliteStore.open(dir.resolve("live"))) {
            s.put(network());
            assertCopy(dir, s, "1", List.of(network()), List.of(), List.of());
            s.put(endpoint(), sandbox());
            assertCopy(dir, s, "2", List.of(network()), List.of(endpoint()), List.of(sandbox()));
            s.update(List.of(endpoint().unjoined()), List.of(sandbox()));
            assertCopy(dir, s, "3", List.of(network()), List.of(endpoint().unjoined()), List.of());
            s.delete(endpoint());
            assertCopy(dir, s, "4", List.of(network()), List.of(), List.of());
            s.put(endpoint()); // and the store goes on after the copies
        }
    }

    /**
     * A write of several records is one transaction: when its second statement fails (a record
     * with no id, which the table refuses), the first is not kept either, and the store takes
     * the next write (no transaction is left open behind the failure).
     */
    @Test
    void aWriteOfSeveralThatFailsPartWayKeepsNoneOfThem(@TempDir Path dir) {
        try (SqliteStore s = SqliteStore.open(dir)) {
            s.put(network());
            NetworkRecord n = network();
            NetworkRecord noId = new NetworkRecord(null, n.name(), n.type(), n.state(), n.created(), n.options(),
                    n.internal(), n.enableIpv6(), n.interfacePrefix(), n.allocations(), n.driverState());
            InternalException e = assertThrows(InternalException.class,
                    () -> s.update(List.of(endpoint(), noId), List.of(network())));
            assertTrue(e.getMessage().startsWith("write store "), e.getMessage());
            Store.Snapshot snap = s.load();
            assertEquals(List.of(network()), snap.networks());
            assertEquals(List.of(), snap.endpoints());
            s.put(endpoint(), sandbox());
            snap = s.load();
            assertEquals(List.of(endpoint()), snap.endpoints());
            assertEquals(List.of(sandbox()), snap.sandboxes());
        }
    }

    /**
     * The same when the failure is no SQL error but an exception from building the second
     * row (a network record without a subnet): the first row is rolled back too, not left in
     * an open transaction for the next write to commit.
     */
    @Test
    void aWriteThatThrowsPartWayKeepsNoneOfItAndLeavesNoTransactionOpen(@TempDir Path dir) throws Exception {
        try (SqliteStore s = SqliteStore.open(dir)) {
            NetworkRecord n = network();
            NetworkRecord noSubnet = new NetworkRecord("f".repeat(64), "n10", n.type(), n.state(), n.created(),
                    n.options(), false, false, "eth",
                    List.of(new NetworkRecord.Allocation(null, null, IpAddresses.parse("10.10.0.1"), Map.of())), Map.of());
            assertThrows(NullPointerException.class, () -> s.update(List.of(endpoint(), noSubnet), List.of()));
            assertEquals(List.of(), s.load().endpoints());
            s.put(sandbox());
            Store.Snapshot snap = s.load();
            assertEquals(List.of(), snap.endpoints());
            assertEquals(List.of(), snap.networks());
            assertEquals(List.of(sandbox()), snap.sandboxes());
        }
        // and the file itself, read without the store once it is closed: the sandbox alone
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("state.db"));
                Statement st = c.createStatement(); var r = st.executeQuery("SELECT kind FROM objects")) {
            assertTrue(r.next());
            assertEquals("SANDBOX", r.getString(1));
            assertFalse(r.next(), "one row only");
        }
    }

    private static void assertCopy(Path dir, SqliteStore live, String name, List<NetworkRecord> networks,
            List<EndpointRecord> endpoints, List<SandboxRecord> sandboxes) throws Exception {
        Path copy = java.nio.file.Files.createDirectories(dir.resolve("copy-" + name));
        for (String f : new String[] {"state.db", "state.db-wal"}) {
            Path from = live.file().resolveSibling(f);
            if (java.nio.file.Files.exists(from)) {
                java.nio.file.Files.copy(from, copy.resolve(f));
            }
        }
        try (SqliteStore s = SqliteStore.open(copy)) {
            Store.Snapshot snap = s.load();
            assertEquals(networks, snap.networks(), "copy " + name);
            assertEquals(endpoints, snap.endpoints(), "copy " + name);
            assertEquals(sandboxes, snap.sandboxes(), "copy " + name);
        }
    }

    @Test
    void aCleanMarkIsReadOnceAndOnlyWhenSet(@TempDir Path dir) {
        try (SqliteStore s = SqliteStore.open(dir)) {
            s.put(network());
            assertFalse(s.load().cleanClose(), "never marked");
            s.markClean();
        }
        try (SqliteStore s = SqliteStore.open(dir)) {
            assertTrue(s.load().cleanClose(), "marked by the last close");
            assertFalse(s.load().cleanClose(), "a load clears it: a crash after it is no clean close");
            assertEquals(1, s.load().networks().size());
        }
        try (SqliteStore s = SqliteStore.open(dir)) {
            assertFalse(s.load().cleanClose(), "and it stays cleared on disk");
        }
    }

    @Test
    void recordsComeBackEqual(@TempDir Path dir) {
        try (SqliteStore s = SqliteStore.open(dir)) {
            s.put(network(), endpoint(), sandbox());
        }
        try (SqliteStore s = SqliteStore.open(dir)) {
            Store.Snapshot snap = s.load();
            assertEquals(List.of(network()), snap.networks());
            assertEquals(List.of(endpoint()), snap.endpoints());
            assertEquals(List.of(sandbox()), snap.sandboxes());
            assertEquals(List.of(), snap.quarantined());
            // replace and delete in one transaction
            s.update(List.of(endpoint().unjoined()), List.of(sandbox()));
            Store.Snapshot after = s.load();
            assertEquals(State.READY, after.endpoints().get(0).state());
            assertEquals(null, after.endpoints().get(0).sandboxId());
            assertEquals(List.of(), after.sandboxes());
            s.delete(sandbox()); // absent: no error
        }
    }

    /**
     * Enough records for the load to decode them in several chunks while it reads the rest:
     * each comes back once, in the order of the table (read here with SQL alone), and each
     * broken one, whichever chunk it is in, is quarantined with its reason.
     */
    @Test
    void aLargeLoadKeepsEveryRecordInOrderAndEachBrokenOneApart(@TempDir Path dir) throws Exception {
        int n = 1234; // two full chunks and a partial one
        try (SqliteStore s = SqliteStore.open(dir)) {
            List<StoredObject> all = new java.util.ArrayList<>();
            all.add(network());
            for (int i = 0; i < n; i++) {
                all.add(new EndpointRecord(String.format("%064x", i * 7919L % 100_003), NET, "e" + i, State.READY,
                        EndpointOptions.defaults(), IpPrefix.parse("10.9." + (i >> 8) + "." + (i & 0xff) + "/16"), null,
                        null, null, null, 0, List.of()));
            }
            s.update(all, List.of());
        }
        List<String> ids = new java.util.ArrayList<>();
        List<String> broken = List.of(String.format("%064x", 3 * 7919L % 100_003),
                String.format("%064x", 777 * 7919L % 100_003), String.format("%064x", 1233 * 7919L % 100_003));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("state.db"));
                Statement st = c.createStatement()) {
            for (String id : broken) {
                st.executeUpdate("UPDATE objects SET doc = replace(doc, '\"state\":\"READY\"', '\"state\":\"GONE\"')"
                        + " WHERE id = '" + id + "'");
            }
            try (var r = st.executeQuery("SELECT id FROM objects WHERE kind = 'ENDPOINT' ORDER BY id")) {
                while (r.next()) {
                    ids.add(r.getString(1));
                }
            }
        }
        try (SqliteStore s = SqliteStore.open(dir)) {
            Store.Snapshot snap = s.load();
            List<String> expected = new java.util.ArrayList<>(ids);
            expected.removeAll(broken);
            assertEquals(n, ids.size());
            assertEquals(expected, snap.endpoints().stream().map(EndpointRecord::id).toList());
            assertEquals(broken.stream().sorted().toList(), snap.quarantined().stream().map(Store.Quarantined::id)
                    .sorted().toList());
            for (Store.Quarantined q : snap.quarantined()) {
                assertTrue(q.reason().startsWith("endpoint record, field state: "), q.reason());
            }
            assertEquals(List.of(network()), snap.networks());
        }
    }

    @Test
    void unreadableRecordsAreQuarantinedWithWhatTheyHeld(@TempDir Path dir) throws Exception {
        EndpointRecord second = new EndpointRecord("d".repeat(64), NET, "db", State.READY, EndpointOptions.defaults(),
                IpPrefix.parse("10.9.0.131/24"), null, MacAddress.parse("02:42:0a:09:00:83"), null, null, 0, List.of());
        try (SqliteStore s = SqliteStore.open(dir)) {
            s.put(network(), endpoint(), second, sandbox());
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("state.db"));
                Statement st = c.createStatement()) {
            // a truncated record, and one whose address is not an address
            st.executeUpdate("UPDATE objects SET doc = substr(doc, 1, 40) WHERE kind = 'ENDPOINT' AND id = '" + EP + "'");
            st.executeUpdate("UPDATE objects SET doc = replace(doc, '10.9.0.131/24', '10.9.0.300/24') WHERE id = '"
                    + second.id() + "'");
            st.executeUpdate("UPDATE objects SET doc = replace(doc, '" + SB + "', '" + "e".repeat(64) + "') WHERE kind = 'SANDBOX'");
        }
        try (SqliteStore s = SqliteStore.open(dir)) {
            Store.Snapshot snap = s.load();
            assertEquals(List.of(network()), snap.networks());
            assertEquals(List.of(), snap.endpoints());
            assertEquals(List.of(), snap.sandboxes());
            assertEquals(3, snap.quarantined().size(), snap.quarantined().toString());
            var ep = snap.quarantined().stream().filter(q -> q.id().equals(EP)).findFirst().orElseThrow();
            assertEquals(StoredObject.Kind.ENDPOINT, ep.kind());
            assertEquals(NET, ep.parent());
            assertEquals(List.of("10.9.0.130/24", "fd09::2/64"), ep.addresses(), "what it held stays known");
            var sb = snap.quarantined().stream().filter(q -> q.kind() == StoredObject.Kind.SANDBOX).findFirst().orElseThrow();
            assertTrue(sb.reason().contains("names id " + "e".repeat(64)), sb.reason());
            // quarantine is reported again on the next load, and the records do not come back
            Store.Snapshot again = s.load();
            assertEquals(3, again.quarantined().size());
            assertEquals(List.of(), again.endpoints());
            assertEquals(1, s.clearQuarantine(StoredObject.Kind.ENDPOINT, EP));
            assertEquals(2, s.load().quarantined().size());
        }
    }

    @Test
    void oneWriterPerStateDirectory(@TempDir Path dir) {
        try (StateDirLock first = StateDirLock.acquire(dir, Duration.ZERO)) {
            long t0 = System.nanoTime();
            var e = assertThrows(StateDirectoryInUseException.class,
                    () -> StateDirLock.acquire(dir, Duration.ofMillis(200)));
            long waited = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(e.getMessage().contains("in use by this process (pid " + ProcessHandle.current().pid()), e.getMessage());
            assertTrue(waited >= 200 && waited < 1000, "waited " + waited + " ms");
            // the holder is untouched by the failed attempt, and releases on close
        }
        StateDirLock.acquire(dir, Duration.ZERO).close();
    }

    @Test
    void aStoreOfAnotherSchemaIsRefused(@TempDir Path dir) throws Exception {
        SqliteStore.open(dir).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("state.db"));
                Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE meta SET value = '99' WHERE key = 'schema'");
        }
        var e = assertThrows(org.libnetwork4j.InternalException.class, () -> SqliteStore.open(dir));
        assertTrue(e.getMessage().contains("has schema 99"), e.getMessage());
    }
}
