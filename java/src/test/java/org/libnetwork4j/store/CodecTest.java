package org.libnetwork4j.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.libnetwork4j.EndpointOptions;
import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.IpamConfig;
import org.libnetwork4j.MacAddress;
import org.libnetwork4j.NetworkOptions;
import org.libnetwork4j.PortBinding;
import org.libnetwork4j.PortMapping;
import org.libnetwork4j.Protocol;
import org.libnetwork4j.SandboxOptions;

/**
 * The store's hand-written mapping against the databind one it replaced ({@link DatabindCodec},
 * the oracle): for generated records of every shape, the same document out, byte for byte,
 * and the same record in, from its own documents and from databind's; documents of older
 * versions (a field missing) and newer ones (fields it does not know) read as databind read
 * them; and the fuzzer's corpus of damaged documents is never read into a record databind
 * would not have made.
 */
@Timeout(120)
class CodecTest {
    private static final int PER_KIND = 1500;

    @Test
    void writesDatabindsDocumentsAndReadsThemBack() throws Exception {
        Gen g = new Gen(21);
        for (int i = 0; i < PER_KIND; i++) {
            for (StoredObject r : List.of(g.network(), g.endpoint(), g.sandbox())) {
                String ours = Codec.write(r);
                String theirs = DatabindCodec.write(r);
                assertEquals(theirs, ours, "the document of " + r);
                assertEquals(r, DatabindCodec.JSON.readerFor(DatabindCodec.type(r.kind())).readValue(ours),
                        "databind reads ours: " + ours);
                assertEquals(r, Codec.read(r.kind(), theirs), "ours reads databind's: " + theirs);
                assertEquals(r, Codec.read(r.kind(), theirs.getBytes(StandardCharsets.UTF_8)), "from bytes: " + theirs);
            }
        }
    }

    /** Each field of each object in a document taken out, one at a time: a record of an older version. */
    @Test
    void aMissingFieldReadsAsDatabindReadIt() throws Exception {
        Gen g = new Gen(13);
        int compared = 0;
        int refused = 0;
        for (int i = 0; i < 60; i++) {
            for (StoredObject r : List.of(g.network(), g.endpoint(), g.sandbox())) {
                JsonNode doc = DatabindCodec.JSON.readTree(DatabindCodec.write(r));
                for (JsonNode variant : eachWithOneFieldLess(doc)) {
                    refused += same(r.kind(), variant.toString()) ? 0 : 1;
                    compared++;
                }
            }
        }
        assertTrue(compared > 2000 && refused > 0 && refused < compared, compared + " documents, " + refused
                + " refused by both");
    }

    /** Fields this version does not know, at every level: a record of a newer version. */
    @Test
    void unknownFieldsAreSkipped() throws Exception {
        Gen g = new Gen(7);
        for (int i = 0; i < 100; i++) {
            for (StoredObject r : List.of(g.network(), g.endpoint(), g.sandbox())) {
                JsonNode doc = DatabindCodec.JSON.readTree(DatabindCodec.write(r));
                eachObject(doc, o -> {
                    o.put("zNewScalar", 5);
                    o.putArray("zNewList").add(1).addObject().putArray("deep").addNull();
                    o.putObject("zNewObject").putObject("inner").put("options", "x");
                });
                String text = doc.toString();
                assertEquals(r, Codec.read(r.kind(), text), text);
                assertEquals(r, DatabindCodec.readOrNull(r.kind(), text), "the oracle agrees: " + text);
            }
        }
    }

    /** Values of other JSON types than written, as a hand edit leaves them: coerced or refused as databind did. */
    @Test
    void otherValueTypesAreCoercedOrRefusedAsDatabindDid() throws Exception {
        String ep = DatabindCodec.write(StoreTest.endpoint());
        List<String> variants = new ArrayList<>();
        for (String v : new String[] {"\"7\"", "7.9", "null", "true", "\"x\"", "[]", "{}", "99999999999", "\" 8 \"",
            "\"\"", "\" \"", "\"1.5\"", "\"null\"", "\"+5\"", "1e2", "-0.5", "1.5e10"}) {
            variants.add(ep.replace("\"priority\":5", "\"priority\":" + v));
            variants.add(ep.replace("\"hostPortsHeldByCaller\":false", "\"hostPortsHeldByCaller\":" + v));
            variants.add(ep.replace("\"name\":\"web\"", "\"name\":" + v));
            variants.add(ep.replace("\"state\":\"JOINED\"", "\"state\":" + v));
            variants.add(ep.replace("\"ifname\":\"eth0\"", "\"ifname\":" + v));
            variants.add(ep.replace("\"mac\":\"02:42:0a:09:00:82\"", "\"mac\":" + v));
            variants.add(ep.replace("\"aliases\":[]", "\"aliases\":" + v));
            variants.add(ep.replace("\"aliases\":[]", "\"aliases\":[" + v + "]"));
        }
        for (String v : new String[] {"0", "1", "3", "-1", "\"READY\"", "\"ready\"", "\"\"", "\" READY \"", "\"2\"",
            "\"9\"", "\"null\"", "1.0"}) {
            variants.add(ep.replace("\"state\":\"JOINED\"", "\"state\":" + v));
        }
        for (String v : new String[] {"\"true\"", "\"TRUE\"", "\"tRUE\"", "\"yes\"", "0", "1", "2", "1.5", "\"\"",
            "\" \"", "\"null\"", "\"1\""}) {
            variants.add(ep.replace("\"hostPortsHeldByCaller\":false", "\"hostPortsHeldByCaller\":" + v));
        }
        for (String doc : variants) {
            same(StoredObject.Kind.ENDPOINT, doc);
        }
        String sb = DatabindCodec.write(new SandboxRecord("s", "c", State.READY, SandboxOptions.builder()
                .netns(Path.of("/run/x y/ns")).build(), "/run/x y/ns", "1:2"));
        assertTrue(sb.contains("\"netns\":\"file:///run/x%20y/ns\""), sb);
        same(StoredObject.Kind.SANDBOX, sb);
        same(StoredObject.Kind.SANDBOX, sb.replace("file:///run/x%20y/ns", "/run/plain/ns"));
    }

    /**
     * A namespace path stored relative (by hand): read as the absolute path it names from here,
     * which then writes and reads back unchanged (before, it read relative and wrote back
     * absolute: the fuzzer's {@code "netns": false}, which databind refused and is refused
     * now). A path URI no file system here can open is refused like any malformed value.
     */
    @Test
    void aNamespacePathReadsAbsoluteAndRoundTrips() throws Exception {
        String sb = Codec.write(new SandboxRecord("s", "c", State.READY, SandboxOptions.builder()
                .netns(Path.of("/run/a/ns")).build(), "/run/a/ns", "1:2"));
        assertTrue(sb.contains("\"netns\":\"file:///run/a/ns\""), sb);
        for (String relative : new String[] {"\"ns/x\"", "\"false\"", "\"\""}) {
            String doc = sb.replace("\"file:///run/a/ns\"", relative);
            StoredObject read = Codec.read(StoredObject.Kind.SANDBOX, doc);
            Path netns = ((SandboxRecord) read).options().netns();
            assertTrue(netns.isAbsolute(), relative + " read as " + netns);
            assertEquals(read, Codec.read(StoredObject.Kind.SANDBOX, Codec.write(read)), relative);
            same(StoredObject.Kind.SANDBOX, doc);
        }
        for (String bad : new String[] {"\"x:y\"", "\"file:relative\"", "\"nosuch://host/ns\"", "false", "7", "[]"}) {
            String doc = sb.replace("\"file:///run/a/ns\"", bad);
            IOException e = assertThrows(IOException.class, () -> Codec.read(StoredObject.Kind.SANDBOX, doc));
            assertTrue(e.getMessage().contains("options.netns"), e.getMessage());
            same(StoredObject.Kind.SANDBOX, doc);
        }
    }

    /**
     * Every input the fuzzer kept (damaged and hand-made documents): ours never makes a record
     * where databind made none or another, and refuses only what databind refused too.
     */
    @Test
    void theFuzzCorpusReadsAsDatabindReadIt() throws Exception {
        Path corpus = Path.of("src/test/fuzz-corpus/org.libnetwork4j.store.CodecFuzzTest/storedRecords");
        Path seeds = Path.of("src/test/resources/org/libnetwork4j/store/CodecFuzzTestInputs/storedRecords");
        List<Path> inputs = new ArrayList<>();
        for (Path dir : List.of(corpus, seeds)) {
            try (Stream<Path> s = Files.list(dir)) {
                s.forEach(inputs::add);
            }
        }
        int records = 0;
        for (Path in : inputs) {
            byte[] b = Files.readAllBytes(in);
            if (b.length == 0) {
                continue;
            }
            StoredObject.Kind k = StoredObject.Kind.values()[Math.floorMod(b[0], StoredObject.Kind.values().length)];
            String doc = new String(b, 1, b.length - 1, StandardCharsets.UTF_8);
            records += same(k, doc) ? 1 : 0;
        }
        assertTrue(inputs.size() > 100 && records >= 3, inputs.size() + " inputs, " + records + " records");
    }

    @Test
    void aMalformedDocumentIsAnIOExceptionNamingTheField() {
        String ep = Codec.write(StoreTest.endpoint());
        IOException e = assertThrows(IOException.class, () -> Codec.read(StoredObject.Kind.ENDPOINT,
                ep.replace("10.9.0.130/24", "10.9.0.300/24")));
        assertTrue(e.getMessage().startsWith("endpoint record, field ipv4: "), e.getMessage());
        e = assertThrows(IOException.class, () -> Codec.read(StoredObject.Kind.ENDPOINT,
                ep.replace("\"containerPort\":53", "\"containerPort\":\"x\"")));
        assertTrue(e.getMessage().startsWith("endpoint record, field ports[1].containerPort: "), e.getMessage());
        e = assertThrows(IOException.class, () -> Codec.read(StoredObject.Kind.ENDPOINT,
                ep.replace("\"8080:80/tcp\"", "\"8080:0/tcp\"")));
        assertTrue(e.getMessage().startsWith("endpoint record, field options.ports[0]: "), e.getMessage());
        e = assertThrows(IOException.class, () -> Codec.read(StoredObject.Kind.ENDPOINT,
                ep.replace("\"ports\":[{", "\"ports\":null,\"x\":[{")));
        assertTrue(e.getMessage().startsWith("endpoint record: not a valid endpoint record: "), e.getMessage());
        e = assertThrows(IOException.class, () -> Codec.read(StoredObject.Kind.ENDPOINT, ep.substring(0, 40)));
        assertNotNull(e.getMessage());
        e = assertThrows(IOException.class, () -> Codec.read(StoredObject.Kind.NETWORK, "null"));
        assertTrue(e.getMessage().contains("not a JSON object"), e.getMessage());
        assertThrows(IOException.class, () -> Codec.read(StoredObject.Kind.SANDBOX, ""));
        assertNull(DatabindCodec.readOrNull(StoredObject.Kind.SANDBOX, ""), "databind made none either");
    }

    /**
     * Ours and databind's reading of doc agree: the same record, or both none (databind's
     * null for a JSON null counts as none: ours refuses it). Returns whether it was a record.
     */
    private static boolean same(StoredObject.Kind k, String doc) {
        StoredObject theirs = DatabindCodec.readOrNull(k, doc);
        StoredObject ours;
        try {
            ours = Codec.read(k, doc);
        } catch (IOException refused) {
            if (theirs != null) {
                fail("ours refused what databind read (" + refused.getMessage() + "): " + doc);
            }
            return false;
        } catch (RuntimeException e) {
            throw new AssertionError("not an IOException: " + doc, e);
        }
        assertEquals(theirs, ours, () -> doc + "\n" + DatabindCodec.why(k, doc));
        return true;
    }

    private static List<JsonNode> eachWithOneFieldLess(JsonNode doc) {
        List<JsonNode> out = new ArrayList<>();
        List<List<Object>> paths = new ArrayList<>();
        fieldPaths(doc, new ArrayList<>(), paths);
        for (List<Object> p : paths) {
            JsonNode copy = doc.deepCopy();
            JsonNode parent = copy;
            for (Object step : p.subList(0, p.size() - 1)) {
                parent = step instanceof Integer i ? parent.get(i) : parent.get((String) step);
            }
            ((ObjectNode) parent).remove((String) p.get(p.size() - 1));
            out.add(copy);
        }
        return out;
    }

    private static void fieldPaths(JsonNode n, List<Object> at, List<List<Object>> out) {
        if (n instanceof ObjectNode o) {
            for (Iterator<String> it = o.fieldNames(); it.hasNext();) {
                String f = it.next();
                List<Object> p = new ArrayList<>(at);
                p.add(f);
                out.add(p);
                fieldPaths(o.get(f), p, out);
            }
        } else if (n instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                List<Object> p = new ArrayList<>(at);
                p.add(i);
                fieldPaths(a.get(i), p, out);
            }
        }
    }

    /** Maps of names to values (not objects of fields): a name put there would be an entry. */
    private static final java.util.Set<String> MAPS = java.util.Set.of("labels", "ipamOptions", "driverState",
            "auxAddresses", "aux");

    private static void eachObject(JsonNode n, Consumer<ObjectNode> f) {
        eachObject(n, "", "", f);
    }

    private static void eachObject(JsonNode n, String field, String parentField, Consumer<ObjectNode> f) {
        if (n instanceof ObjectNode o) {
            if (MAPS.contains(field) || field.equals("options") && parentField.equals("options")) {
                return; // NetworkOptions.options: the driver's options by name
            }
            List<Map.Entry<String, JsonNode>> children = new ArrayList<>();
            o.fields().forEachRemaining(children::add);
            f.accept(o);
            children.forEach(c -> eachObject(c.getValue(), c.getKey(), field, f));
        } else if (n instanceof ArrayNode a) {
            a.elements().forEachRemaining(c -> eachObject(c, field, parentField, f));
        }
    }

    /** Records of every shape the constructors accept: nulls, empty and long lists, IPv6, ports, odd text. */
    static final class Gen {
        private final Random r;

        Gen(long seed) {
            r = new Random(seed);
        }

        private boolean p(int percent) {
            return r.nextInt(100) < percent;
        }

        String id() {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < 64; i++) {
                b.append(Character.forDigit(r.nextInt(16), 16));
            }
            return b.toString();
        }

        /** Text with what JSON must escape, and beyond ASCII. */
        String text() {
            String[] odd = {"", "a", "br-x", "quote\"d", "back\\slash", "tab\there", "new\nline", "ctl\u0001",
                "é ü", "日本", "emoji \uD83D\uDE00", "/path/with spaces", "x".repeat(300)};
            return odd[r.nextInt(odd.length)];
        }

        String name() {
            String[] names = {"web", "db", "a", "x-1", "host.example.org", "n" + r.nextInt(100000)};
            return names[r.nextInt(names.length)];
        }

        InetAddress v4() {
            return IpAddresses.parse("10." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256));
        }

        InetAddress v6() {
            String[] forms = {"fd00::" + Integer.toHexString(r.nextInt(65536)), "::1", "::",
                "2001:db8:" + Integer.toHexString(r.nextInt(65536)) + "::" + Integer.toHexString(1 + r.nextInt(9)),
                "fe80::1:2:3:4", "2001:db8:1:2:3:4:5:6"};
            return IpAddresses.parse(forms[r.nextInt(forms.length)]);
        }

        InetAddress addr() {
            return p(60) ? v4() : v6();
        }

        IpPrefix prefix(InetAddress a) {
            return new IpPrefix(a, r.nextInt(IpPrefix.bits(a) + 1));
        }

        State state() {
            return State.values()[r.nextInt(State.values().length)];
        }

        <T> List<T> list(int max, java.util.function.Supplier<T> f) {
            int n = p(30) ? 0 : r.nextInt(max + 1);
            List<T> l = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                l.add(f.get());
            }
            return l;
        }

        Map<String, String> strings() {
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = p(30) ? 0 : r.nextInt(5); i > 0; i--) {
                m.put(p(50) ? "com.docker.network." + name() : text(), text());
            }
            return m;
        }

        NetworkRecord network() {
            List<IpamConfig> ipam = list(3, () -> {
                if (p(20)) {
                    return new IpamConfig(null, null, null, null);
                }
                boolean v4 = p(60);
                InetAddress base = v4 ? IpAddresses.parse("10." + r.nextInt(256) + ".0.0") : IpAddresses.parse("fd"
                        + Integer.toHexString(16 + r.nextInt(200)) + "::");
                IpPrefix subnet = new IpPrefix(base, v4 ? 16 : 64);
                InetAddress gw = IpAddresses.parse(v4 ? IpAddresses.format(base).replace(".0.0", ".0.1")
                        : IpAddresses.format(base) + "1");
                Map<String, InetAddress> aux = new LinkedHashMap<>();
                if (p(40)) {
                    aux.put("router", IpAddresses.parse(v4 ? IpAddresses.format(base).replace(".0.0", ".0.2")
                            : IpAddresses.format(base) + "2"));
                }
                return new IpamConfig(subnet, p(30) ? new IpPrefix(gw, v4 ? 24 : 80) : null, p(50) ? gw : null, aux);
            });
            NetworkOptions o = new NetworkOptions(ipam, p(50), p(20), strings(), strings(),
                    p(30) ? "plugin-" + r.nextInt(9) : null, strings());
            List<NetworkRecord.Allocation> allocs = list(3, () -> {
                InetAddress a = addr();
                Map<String, InetAddress> aux = new LinkedHashMap<>();
                for (int i = r.nextInt(3); i > 0; i--) {
                    aux.put(text(), addr());
                }
                return new NetworkRecord.Allocation(prefix(a), p(30) ? prefix(a) : null, p(80) ? addr() : null, aux,
                        p(30) ? text() : null);
            });
            return new NetworkRecord(p(95) ? id() : text(), p(90) ? name() : null, p(90) ? "bridge" : text(),
                    p(95) ? state() : null,
                    p(95) ? Instant.ofEpochSecond(r.nextInt(2_000_000_000), r.nextInt(1_000_000_000)) : null,
                    p(97) ? o : null, p(50), p(50), p(80) ? "eth" : null, allocs, strings());
        }

        EndpointRecord endpoint() {
            List<PortBinding> bindings = list(4, () -> {
                Protocol pr = Protocol.values()[r.nextInt(3)];
                int c = 1 + r.nextInt(65535);
                if (p(30)) {
                    return new PortBinding(null, 0, 0, c, pr);
                }
                int h = 1 + r.nextInt(60000);
                return new PortBinding(p(50) ? addr() : null, h, p(30) ? h + r.nextInt(100) : h, c, pr);
            });
            EndpointOptions o = new EndpointOptions(p(30) ? v4() : null, p(20) ? v6() : null,
                    p(30) ? new MacAddress(r.nextLong() & 0xFFFF_FFFF_FFFFL) : null, bindings,
                    p(20) ? null : list(3, this::name), p(20));
            List<PortMapping> ports = list(4, () -> {
                InetAddress c = p(70) ? v4() : v6();
                return new PortMapping(p(50) ? null : p(50) ? v4() : v6(), r.nextInt(65536), c, 1 + r.nextInt(65535),
                        Protocol.values()[r.nextInt(3)]);
            });
            return new EndpointRecord(id(), p(95) ? id() : null, p(95) ? name() : text(), p(95) ? state() : null,
                    p(97) ? o : null, p(80) ? prefix(v4()) : null, p(40) ? prefix(v6()) : null,
                    p(80) ? new MacAddress(r.nextLong() & 0xFFFF_FFFF_FFFFL) : null, p(60) ? id() : null,
                    p(60) ? "eth" + r.nextInt(3) : null, p(10) ? r.nextInt() : r.nextInt(10), ports);
        }

        SandboxRecord sandbox() {
            int mode = r.nextInt(4); // own namespace, host's, adopted, caller moves interfaces
            SandboxOptions o = new SandboxOptions(p(50) ? name() : null, p(30) ? "example.org" : null,
                    list(3, this::addr), list(3, () -> "search" + r.nextInt(9) + ".example"),
                    list(2, () -> p(50) ? "ndots:" + r.nextInt(9) : "edns0"),
                    list(3, () -> new SandboxOptions.HostEntry(p(90) ? name() : text(), addr())), mode == 1,
                    mode == 2 ? Path.of(p(50) ? "/proc/" + r.nextInt(99999) + "/ns/net" : "/run/x y/é" + r.nextInt(9))
                            : null, mode == 3);
            return new SandboxRecord(id(), p(90) ? "container-" + r.nextInt(1_000_000) : text(),
                    p(95) ? state() : null, p(97) ? o : null,
                    p(95) ? "/run/libnetwork4j/netns/" + r.nextInt(99999) : null,
                    mode == 2 ? r.nextInt(999) + ":" + r.nextInt(999_999) : null);
        }
    }
}
