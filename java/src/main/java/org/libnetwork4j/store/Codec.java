package org.libnetwork4j.store;

import java.io.IOException;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

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
 * Records to JSON and back, on Jackson's streaming API: the JSON syntax is Jackson's, the
 * mapping is written out here, field by field.
 *
 * <p>Why not databind (which this replaced): a restart reads every record (20,000 documents
 * with 10,000 live endpoints), and a JVM that has just started runs databind's generic
 * deserializers interpreted: at 10,000 live they were the largest part of the first reopen.
 * This mapping is a few small methods the JIT compiles at once, and it is also cheaper warm,
 * on every write of the store.
 *
 * <p>The documents are the ones the databind mapping wrote, byte for byte (the tests hold
 * databind as the oracle): each record's components in declaration order, nulls written as
 * null; addresses, prefixes, MACs and port bindings as the strings people read (and
 * {@code sqlite3} shows); enums by name; an instant in ISO-8601; a path as a {@code file:} URI.
 * Reading takes what databind took: a field that is missing (a record of an older version) is
 * null, 0 or false; a field it does not know (a newer version) is skipped; a scalar where a
 * string, number or boolean is expected is coerced as databind coerced it. Records are built
 * through their canonical constructors, so a stored value is checked exactly as a new one.
 * Whatever is wrong with a document comes out as an IOException whose message names the field
 * (the reason a record is quarantined for), never as another exception.
 */
final class Codec {
    private static final JsonFactory JSON = new JsonFactory();

    private Codec() {
    }

    // ---------------------------------------------------------------- writing

    static String write(StoredObject o) {
        StringWriter w = new StringWriter(512);
        try (JsonGenerator g = JSON.createGenerator(w)) {
            if (o instanceof EndpointRecord e) {
                endpoint(g, e);
            } else if (o instanceof SandboxRecord s) {
                sandbox(g, s);
            } else {
                network(g, (NetworkRecord) o);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + o.kind() + " " + o.id(), e);
        }
        return w.toString();
    }

    private static void network(JsonGenerator g, NetworkRecord r) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", r.id());
        g.writeStringField("name", r.name());
        g.writeStringField("type", r.type());
        name(g, "state", r.state());
        text(g, "created", r.created());
        g.writeFieldName("options");
        networkOptions(g, r.options());
        g.writeBooleanField("internal", r.internal());
        g.writeBooleanField("enableIpv6", r.enableIpv6());
        g.writeStringField("interfacePrefix", r.interfacePrefix());
        g.writeArrayFieldStart("allocations");
        for (NetworkRecord.Allocation a : r.allocations()) {
            allocation(g, a);
        }
        g.writeEndArray();
        strings(g, "driverState", r.driverState());
        g.writeEndObject();
    }

    private static void networkOptions(JsonGenerator g, NetworkOptions o) throws IOException {
        if (o == null) {
            g.writeNull();
            return;
        }
        g.writeStartObject();
        g.writeArrayFieldStart("ipam");
        for (IpamConfig c : o.ipam()) {
            ipamConfig(g, c);
        }
        g.writeEndArray();
        g.writeBooleanField("enableIpv6", o.enableIpv6());
        g.writeBooleanField("internal", o.internal());
        strings(g, "options", o.options());
        strings(g, "labels", o.labels());
        g.writeStringField("ipamDriver", o.ipamDriver());
        strings(g, "ipamOptions", o.ipamOptions());
        g.writeEndObject();
    }

    private static void ipamConfig(JsonGenerator g, IpamConfig c) throws IOException {
        if (c == null) {
            g.writeNull();
            return;
        }
        g.writeStartObject();
        text(g, "subnet", c.subnet());
        text(g, "ipRange", c.ipRange());
        address(g, "gateway", c.gateway());
        addresses(g, "auxAddresses", c.auxAddresses());
        g.writeEndObject();
    }

    private static void allocation(JsonGenerator g, NetworkRecord.Allocation a) throws IOException {
        if (a == null) {
            g.writeNull();
            return;
        }
        g.writeStartObject();
        text(g, "subnet", a.subnet());
        text(g, "ipRange", a.ipRange());
        address(g, "gateway", a.gateway());
        addresses(g, "aux", a.aux());
        g.writeStringField("poolId", a.poolId());
        g.writeEndObject();
    }

    private static void endpoint(JsonGenerator g, EndpointRecord r) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", r.id());
        g.writeStringField("networkId", r.networkId());
        g.writeStringField("name", r.name());
        name(g, "state", r.state());
        g.writeFieldName("options");
        endpointOptions(g, r.options());
        text(g, "ipv4", r.ipv4());
        text(g, "ipv6", r.ipv6());
        text(g, "mac", r.mac());
        g.writeStringField("sandboxId", r.sandboxId());
        g.writeStringField("ifname", r.ifname());
        g.writeNumberField("priority", r.priority());
        g.writeArrayFieldStart("ports");
        for (PortMapping m : r.ports()) {
            portMapping(g, m);
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void endpointOptions(JsonGenerator g, EndpointOptions o) throws IOException {
        if (o == null) {
            g.writeNull();
            return;
        }
        g.writeStartObject();
        address(g, "ipv4", o.ipv4());
        address(g, "ipv6", o.ipv6());
        text(g, "mac", o.mac());
        g.writeArrayFieldStart("ports");
        for (PortBinding b : o.ports()) {
            g.writeString(b.toString());
        }
        g.writeEndArray();
        g.writeArrayFieldStart("aliases");
        for (String a : o.aliases()) {
            g.writeString(a);
        }
        g.writeEndArray();
        g.writeBooleanField("hostPortsHeldByCaller", o.hostPortsHeldByCaller());
        g.writeEndObject();
    }

    private static void portMapping(JsonGenerator g, PortMapping m) throws IOException {
        if (m == null) {
            g.writeNull();
            return;
        }
        g.writeStartObject();
        address(g, "hostIp", m.hostIp());
        g.writeNumberField("hostPort", m.hostPort());
        address(g, "containerIp", m.containerIp());
        g.writeNumberField("containerPort", m.containerPort());
        name(g, "protocol", m.protocol());
        g.writeEndObject();
    }

    private static void sandbox(JsonGenerator g, SandboxRecord r) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", r.id());
        g.writeStringField("containerId", r.containerId());
        name(g, "state", r.state());
        g.writeFieldName("options");
        sandboxOptions(g, r.options());
        g.writeStringField("key", r.key());
        g.writeStringField("adoptedIdentity", r.adoptedIdentity());
        g.writeEndObject();
    }

    private static void sandboxOptions(JsonGenerator g, SandboxOptions o) throws IOException {
        if (o == null) {
            g.writeNull();
            return;
        }
        g.writeStartObject();
        g.writeStringField("hostname", o.hostname());
        g.writeStringField("domainname", o.domainname());
        g.writeArrayFieldStart("dns");
        for (InetAddress a : o.dns()) {
            g.writeString(IpAddresses.format(a));
        }
        g.writeEndArray();
        g.writeArrayFieldStart("dnsSearch");
        for (String s : o.dnsSearch()) {
            g.writeString(s);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("dnsOptions");
        for (String s : o.dnsOptions()) {
            g.writeString(s);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("extraHosts");
        for (SandboxOptions.HostEntry h : o.extraHosts()) {
            g.writeStartObject();
            g.writeStringField("name", h.name());
            address(g, "ip", h.ip());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeBooleanField("useHostNamespace", o.useHostNamespace());
        // as databind wrote a Path: its URI (absolute, percent-encoded)
        g.writeStringField("netns", o.netns() == null ? null : o.netns().toUri().toString());
        g.writeBooleanField("callerMovesInterfaces", o.callerMovesInterfaces());
        g.writeEndObject();
    }

    /** Prefixes, MACs, instants: their toString, which their parse reads back. */
    private static void text(JsonGenerator g, String field, Object v) throws IOException {
        g.writeStringField(field, v == null ? null : v.toString());
    }

    private static void name(JsonGenerator g, String field, Enum<?> v) throws IOException {
        g.writeStringField(field, v == null ? null : v.name());
    }

    private static void address(JsonGenerator g, String field, InetAddress a) throws IOException {
        g.writeStringField(field, a == null ? null : IpAddresses.format(a));
    }

    private static void strings(JsonGenerator g, String field, Map<String, String> m) throws IOException {
        g.writeObjectFieldStart(field);
        for (Map.Entry<String, String> e : m.entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }

    private static void addresses(JsonGenerator g, String field, Map<String, InetAddress> m) throws IOException {
        g.writeObjectFieldStart(field);
        for (Map.Entry<String, InetAddress> e : m.entrySet()) {
            address(g, e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }

    // ---------------------------------------------------------------- reading

    static StoredObject read(StoredObject.Kind kind, String doc) throws IOException {
        try (JsonParser p = JSON.createParser(doc)) {
            return read(kind, p);
        }
    }

    /** The same from the document's UTF-8 bytes, as the store holds them: no String between. */
    static StoredObject read(StoredObject.Kind kind, byte[] doc) throws IOException {
        try (JsonParser p = JSON.createParser(doc)) {
            return read(kind, p);
        }
    }

    private static StoredObject read(StoredObject.Kind kind, JsonParser p) throws IOException {
        JsonToken t = p.nextToken();
        if (t != JsonToken.START_OBJECT) {
            throw new IOException(kind.name().toLowerCase() + " record: not a JSON object but "
                    + (t == null ? "nothing" : t.asString() != null ? t.asString() : t.name()));
        }
        try {
            // what follows the object is not read, as databind did not
            return switch (kind) {
                case NETWORK -> network(p);
                case ENDPOINT -> endpoint(p);
                case SANDBOX -> sandbox(p);
            };
        } catch (Malformed e) {
            throw new IOException(kind.name().toLowerCase() + " record" + (e.path.isEmpty() ? "" : ", field "
                    + e.path) + ": " + e.reason, e.getCause());
        }
    }

    /**
     * What is wrong with a value, and where: the path of fields down to it
     * ({@code options.ports[1]}), empty for the record itself.
     */
    private static final class Malformed extends IOException {
        private static final long serialVersionUID = 1L;
        final String path;
        final String reason;

        Malformed(String path, Throwable cause, String reason) {
            super(path + ": " + reason, cause);
            this.path = path;
            this.reason = reason;
        }

        /** The same one field further out. */
        Malformed in(String field) {
            return new Malformed(path.isEmpty() ? field : field + (path.startsWith("[") ? "" : ".") + path,
                    getCause(), reason);
        }
    }

    /** Reads one value; may throw anything, which the caller wraps with the field's name. */
    @FunctionalInterface
    private interface Value<T> {
        T read(JsonParser p) throws IOException;
    }

    /**
     * Which of an object's fields have been read. Databind built a record as soon as it had
     * read each of its fields once, and then refused any of them again (it has no setter to
     * take it); a field repeated before that counted with its last value. The same here, so
     * that no document reads as a record that databind would have quarantined.
     */
    private static final class Fields {
        private final int all;
        private int seen;

        Fields(int count) {
            all = (1 << count) - 1;
        }

        <T> T field(JsonParser p, String name, int index, Value<T> v) throws Malformed {
            if (seen == all) {
                throw new Malformed(name, null, "repeated after every field was read");
            }
            seen |= 1 << index;
            return Codec.field(p, name, v);
        }
    }

    /**
     * The value at the parser (its first token current) as the named field's, any failure
     * turned into a {@link Malformed} naming the field.
     */
    private static <T> T field(JsonParser p, String name, Value<T> v) throws Malformed {
        try {
            return v.read(p);
        } catch (Malformed e) {
            throw e.in(name);
        } catch (IOException | RuntimeException e) {
            String m = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw new Malformed(name, e, m);
        }
    }

    /** A constructor's refusal: the value is checked as a new one would be, and is not one. */
    private static Malformed refused(String what, RuntimeException e) {
        return new Malformed("", e, "not a valid " + what + ": " + (e.getMessage() == null ? e.toString()
                : e.getMessage()));
    }

    private static NetworkRecord network(JsonParser p) throws IOException {
        String id = null;
        String name = null;
        String type = null;
        State state = null;
        Instant created = null;
        NetworkOptions options = null;
        boolean internal = false;
        boolean enableIpv6 = false;
        String interfacePrefix = null;
        List<NetworkRecord.Allocation> allocations = null;
        Map<String, String> driverState = null;
        Fields known = new Fields(11);
        for (String f = p.nextFieldName(); f != null; f = p.nextFieldName()) {
            p.nextToken();
            switch (f) {
                case "id" -> id = known.field(p, f, 0, Codec::string);
                case "name" -> name = known.field(p, f, 1, Codec::string);
                case "type" -> type = known.field(p, f, 2, Codec::string);
                case "state" -> state = known.field(p, f, 3, q -> constant(q, State.class));
                case "created" -> created = known.field(p, f, 4, q -> text(q, Instant::parse));
                case "options" -> options = known.field(p, f, 5, Codec::networkOptions);
                case "internal" -> internal = known.field(p, f, 6, Codec::bool);
                case "enableIpv6" -> enableIpv6 = known.field(p, f, 7, Codec::bool);
                case "interfacePrefix" -> interfacePrefix = known.field(p, f, 8, Codec::string);
                case "allocations" -> allocations = known.field(p, f, 9, q -> list(q, Codec::allocation));
                case "driverState" -> driverState = known.field(p, f, 10, q -> map(q, Codec::string));
                default -> p.skipChildren();
            }
        }
        try {
            return new NetworkRecord(id, name, type, state, created, options, internal, enableIpv6, interfacePrefix,
                    allocations, driverState);
        } catch (RuntimeException e) {
            throw refused("network record", e);
        }
    }

    private static NetworkOptions networkOptions(JsonParser p) throws IOException {
        if (object(p)) {
            return null;
        }
        List<IpamConfig> ipam = null;
        boolean enableIpv6 = false;
        boolean internal = false;
        Map<String, String> options = null;
        Map<String, String> labels = null;
        String ipamDriver = null;
        Map<String, String> ipamOptions = null;
        Fields known = new Fields(7);
        for (String f = p.nextFieldName(); f != null; f = p.nextFieldName()) {
            p.nextToken();
            switch (f) {
                case "ipam" -> ipam = known.field(p, f, 0, q -> list(q, Codec::ipamConfig));
                case "enableIpv6" -> enableIpv6 = known.field(p, f, 1, Codec::bool);
                case "internal" -> internal = known.field(p, f, 2, Codec::bool);
                case "options" -> options = known.field(p, f, 3, q -> map(q, Codec::string));
                case "labels" -> labels = known.field(p, f, 4, q -> map(q, Codec::string));
                case "ipamDriver" -> ipamDriver = known.field(p, f, 5, Codec::string);
                case "ipamOptions" -> ipamOptions = known.field(p, f, 6, q -> map(q, Codec::string));
                default -> p.skipChildren();
            }
        }
        try {
            return new NetworkOptions(ipam, enableIpv6, internal, options, labels, ipamDriver, ipamOptions);
        } catch (RuntimeException e) {
            throw refused("network options", e);
        }
    }

    private static IpamConfig ipamConfig(JsonParser p) throws IOException {
        if (object(p)) {
            return null;
        }
        IpPrefix subnet = null;
        IpPrefix ipRange = null;
        InetAddress gateway = null;
        Map<String, InetAddress> aux = null;
        Fields known = new Fields(4);
        for (String f = p.nextFieldName(); f != null; f = p.nextFieldName()) {
            p.nextToken();
            switch (f) {
                case "subnet" -> subnet = known.field(p, f, 0, Codec::prefix);
                case "ipRange" -> ipRange = known.field(p, f, 1, Codec::prefix);
                case "gateway" -> gateway = known.field(p, f, 2, Codec::address);
                case "auxAddresses" -> aux = known.field(p, f, 3, q -> map(q, Codec::address));
                default -> p.skipChildren();
            }
        }
        try {
            return new IpamConfig(subnet, ipRange, gateway, aux);
        } catch (RuntimeException e) {
            throw refused("IPAM config", e);
        }
    }

    private static NetworkRecord.Allocation allocation(JsonParser p) throws IOException {
        if (object(p)) {
            return null;
        }
        IpPrefix subnet = null;
        IpPrefix ipRange = null;
        InetAddress gateway = null;
        Map<String, InetAddress> aux = null;
        String poolId = null;
        Fields known = new Fields(5);
        for (String f = p.nextFieldName(); f != null; f = p.nextFieldName()) {
            p.nextToken();
            switch (f) {
                case "subnet" -> subnet = known.field(p, f, 0, Codec::prefix);
                case "ipRange" -> ipRange = known.field(p, f, 1, Codec::prefix);
                case "gateway" -> gateway = known.field(p, f, 2, Codec::address);
                case "aux" -> aux = known.field(p, f, 3, q -> map(q, Codec::address));
                case "poolId" -> poolId = known.field(p, f, 4, Codec::string);
                default -> p.skipChildren();
            }
        }
        try {
            return new NetworkRecord.Allocation(subnet, ipRange, gateway, aux, poolId);
        } catch (RuntimeException e) {
            throw refused("allocation", e);
        }
    }

    private static EndpointRecord endpoint(JsonParser p) throws IOException {
        String id = null;
        String networkId = null;
        String name = null;
        State state = null;
        EndpointOptions options = null;
        IpPrefix ipv4 = null;
        IpPrefix ipv6 = null;
        MacAddress mac = null;
        String sandboxId = null;
        String ifname = null;
        int priority = 0;
        List<PortMapping> ports = null;
        Fields known = new Fields(12);
        for (String f = p.nextFieldName(); f != null; f = p.nextFieldName()) {
            p.nextToken();
            switch (f) {
                case "id" -> id = known.field(p, f, 0, Codec::string);
                case "networkId" -> networkId = known.field(p, f, 1, Codec::string);
                case "name" -> name = known.field(p, f, 2, Codec::string);
                case "state" -> state = known.field(p, f, 3, q -> constant(q, State.class));
                case "options" -> options = known.field(p, f, 4, Codec::endpointOptions);
                case "ipv4" -> ipv4 = known.field(p, f, 5, Codec::prefix);
                case "ipv6" -> ipv6 = known.field(p, f, 6, Codec::prefix);
                case "mac" -> mac = known.field(p, f, 7, Codec::mac);
                case "sandboxId" -> sandboxId = known.field(p, f, 8, Codec::string);
                case "ifname" -> ifname = known.field(p, f, 9, Codec::string);
                case "priority" -> priority = known.field(p, f, 10, Codec::integer);
                case "ports" -> ports = known.field(p, f, 11, q -> list(q, Codec::portMapping));
                default -> p.skipChildren();
            }
        }
        try {
            return new EndpointRecord(id, networkId, name, state, options, ipv4, ipv6, mac, sandboxId, ifname, priority,
                    ports);
        } catch (RuntimeException e) {
            throw refused("endpoint record", e);
        }
    }

    private static EndpointOptions endpointOptions(JsonParser p) throws IOException {
        if (object(p)) {
            return null;
        }
        InetAddress ipv4 = null;
        InetAddress ipv6 = null;
        MacAddress mac = null;
        List<PortBinding> ports = null;
        List<String> aliases = null;
        boolean heldByCaller = false;
        Fields known = new Fields(6);
        for (String f = p.nextFieldName(); f != null; f = p.nextFieldName()) {
            p.nextToken();
            switch (f) {
                case "ipv4" -> ipv4 = known.field(p, f, 0, Codec::address);
                case "ipv6" -> ipv6 = known.field(p, f, 1, Codec::address);
                case "mac" -> mac = known.field(p, f, 2, Codec::mac);
                case "ports" -> ports = known.field(p, f, 3, q -> list(q, r -> text(r, PortBinding::parse)));
                case "aliases" -> aliases = known.field(p, f, 4, q -> list(q, Codec::string));
                case "hostPortsHeldByCaller" -> heldByCaller = known.field(p, f, 5, Codec::bool);
                default -> p.skipChildren();
            }
        }
        try {
            return new EndpointOptions(ipv4, ipv6, mac, ports, aliases, heldByCaller);
        } catch (RuntimeException e) {
            throw refused("endpoint options", e);
        }
    }

    private static PortMapping portMapping(JsonParser p) throws IOException {
        if (object(p)) {
            return null;
        }
        InetAddress hostIp = null;
        int hostPort = 0;
        InetAddress containerIp = null;
        int containerPort = 0;
        Protocol protocol = null;
        Fields known = new Fields(5);
        for (String f = p.nextFieldName(); f != null; f = p.nextFieldName()) {
            p.nextToken();
            switch (f) {
                case "hostIp" -> hostIp = known.field(p, f, 0, Codec::address);
                case "hostPort" -> hostPort = known.field(p, f, 1, Codec::integer);
                case "containerIp" -> containerIp = known.field(p, f, 2, Codec::address);
                case "containerPort" -> containerPort = known.field(p, f, 3, Codec::integer);
                case "protocol" -> protocol = known.field(p, f, 4, q -> constant(q, Protocol.class));
                default -> p.skipChildren();
            }
        }
        try {
            return new PortMapping(hostIp, hostPort, containerIp, containerPort, protocol);
        } catch (RuntimeException e) {
            throw refused("port mapping", e);
        }
    }

    private static SandboxRecord sandbox(JsonParser p) throws IOException {
        String id = null;
        String containerId = null;
        State state = null;
        SandboxOptions options = null;
        String key = null;
        String adoptedIdentity = null;
        Fields known = new Fields(6);
        for (String f = p.nextFieldName(); f != null; f = p.nextFieldName()) {
            p.nextToken();
            switch (f) {
                case "id" -> id = known.field(p, f, 0, Codec::string);
                case "containerId" -> containerId = known.field(p, f, 1, Codec::string);
                case "state" -> state = known.field(p, f, 2, q -> constant(q, State.class));
                case "options" -> options = known.field(p, f, 3, Codec::sandboxOptions);
                case "key" -> key = known.field(p, f, 4, Codec::string);
                case "adoptedIdentity" -> adoptedIdentity = known.field(p, f, 5, Codec::string);
                default -> p.skipChildren();
            }
        }
        try {
            return new SandboxRecord(id, containerId, state, options, key, adoptedIdentity);
        } catch (RuntimeException e) {
            throw refused("sandbox record", e);
        }
    }

    private static SandboxOptions sandboxOptions(JsonParser p) throws IOException {
        if (object(p)) {
            return null;
        }
        String hostname = null;
        String domainname = null;
        List<InetAddress> dns = null;
        List<String> dnsSearch = null;
        List<String> dnsOptions = null;
        List<SandboxOptions.HostEntry> extraHosts = null;
        boolean useHostNamespace = false;
        Path netns = null;
        boolean callerMoves = false;
        Fields known = new Fields(9);
        for (String f = p.nextFieldName(); f != null; f = p.nextFieldName()) {
            p.nextToken();
            switch (f) {
                case "hostname" -> hostname = known.field(p, f, 0, Codec::string);
                case "domainname" -> domainname = known.field(p, f, 1, Codec::string);
                case "dns" -> dns = known.field(p, f, 2, q -> list(q, Codec::address));
                case "dnsSearch" -> dnsSearch = known.field(p, f, 3, q -> list(q, Codec::string));
                case "dnsOptions" -> dnsOptions = known.field(p, f, 4, q -> list(q, Codec::string));
                case "extraHosts" -> extraHosts = known.field(p, f, 5, q -> list(q, Codec::hostEntry));
                case "useHostNamespace" -> useHostNamespace = known.field(p, f, 6, Codec::bool);
                case "netns" -> netns = known.field(p, f, 7, q -> text(q, Codec::path));
                case "callerMovesInterfaces" -> callerMoves = known.field(p, f, 8, Codec::bool);
                default -> p.skipChildren();
            }
        }
        try {
            return new SandboxOptions(hostname, domainname, dns, dnsSearch, dnsOptions, extraHosts, useHostNamespace,
                    netns, callerMoves);
        } catch (RuntimeException e) {
            throw refused("sandbox options", e);
        }
    }

    private static SandboxOptions.HostEntry hostEntry(JsonParser p) throws IOException {
        if (object(p)) {
            return null;
        }
        String name = null;
        InetAddress ip = null;
        Fields known = new Fields(2);
        for (String f = p.nextFieldName(); f != null; f = p.nextFieldName()) {
            p.nextToken();
            switch (f) {
                case "name" -> name = known.field(p, f, 0, Codec::string);
                case "ip" -> ip = known.field(p, f, 1, Codec::address);
                default -> p.skipChildren();
            }
        }
        try {
            return new SandboxOptions.HostEntry(name, ip);
        } catch (RuntimeException e) {
            throw refused("extra host", e);
        }
    }

    // ---- values, each read as databind read it ----

    /** True for null (the field is null); false for an object, whose fields follow; else refused. */
    private static boolean object(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return true;
        }
        if (t != JsonToken.START_OBJECT) {
            throw mismatch(p, "an object");
        }
        return false;
    }

    /** A string; a number or boolean as its text, as databind coerced scalars. */
    private static String string(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t.isScalarValue()) {
            return p.getText();
        }
        throw mismatch(p, "a string");
    }

    /** A value written as text (an address, a prefix): parsed from a string or other scalar. */
    private static <T> T text(JsonParser p, Function<String, T> parse) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (!t.isScalarValue()) {
            throw mismatch(p, "a string");
        }
        return parse.apply(p.getText());
    }

    private static InetAddress address(JsonParser p) throws IOException {
        return text(p, IpAddresses::parse);
    }

    private static IpPrefix prefix(JsonParser p) throws IOException {
        return text(p, IpPrefix::parse);
    }

    private static MacAddress mac(JsonParser p) throws IOException {
        return text(p, MacAddress::parse);
    }

    /** As databind read a Path: a plain path, or a URI (what it wrote). */
    private static Path path(String s) {
        if (s.indexOf(':') < 0) {
            return Path.of(s);
        }
        try {
            return Path.of(new URI(s));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid path URI \"" + s + "\": " + e.getMessage(), e);
        }
    }

    /** By name (blanks around it ignored), or (as databind allowed) by ordinal; null stays null. */
    private static <E extends Enum<E>> E constant(JsonParser p, Class<E> type) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        E[] all = type.getEnumConstants();
        if (t == JsonToken.VALUE_STRING) {
            String s = p.getText().trim();
            for (E e : all) {
                if (e.name().equals(s)) {
                    return e;
                }
            }
            if (!s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9')) {
                try {
                    int i = Integer.parseInt(s);
                    if (i < all.length) {
                        return all[i];
                    }
                } catch (NumberFormatException tooLong) {
                    // not an index either
                }
            }
            throw new IOException("\"" + s + "\" is not one of " + java.util.Arrays.toString(all));
        }
        if (t == JsonToken.VALUE_NUMBER_INT) {
            int i = p.getIntValue();
            if (i >= 0 && i < all.length) {
                return all[i];
            }
            throw new IOException(i + " is not the index of one of " + java.util.Arrays.toString(all));
        }
        throw mismatch(p, "one of " + java.util.Arrays.toString(all));
    }

    /** A number (a fraction cut, as databind did), its text, or null (also blank or "null" text) as 0. */
    private static int integer(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NUMBER_INT) {
            return p.getIntValue(); // refuses what is out of range
        }
        if (t == JsonToken.VALUE_NULL) {
            return 0;
        }
        if (t == JsonToken.VALUE_NUMBER_FLOAT) {
            double d = p.getDoubleValue();
            if (d < Integer.MIN_VALUE || d > Integer.MAX_VALUE || Double.isNaN(d)) {
                throw new IOException("number " + p.getText() + " is out of the range of int");
            }
            return (int) d;
        }
        if (t == JsonToken.VALUE_STRING) {
            String s = p.getText().trim();
            if (s.isEmpty() || s.equals("null")) {
                return 0;
            }
            try {
                return Integer.parseInt(s);
            } catch (NumberFormatException e) {
                throw new IOException("\"" + s + "\" is not an int");
            }
        }
        throw mismatch(p, "an int");
    }

    /** true or false, a number (0 is false), their text, or null (also blank or "null" text) as false. */
    private static boolean bool(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_TRUE) {
            return true;
        }
        if (t == JsonToken.VALUE_FALSE || t == JsonToken.VALUE_NULL) {
            return false;
        }
        if (t == JsonToken.VALUE_NUMBER_INT) {
            return p.getLongValue() != 0;
        }
        if (t == JsonToken.VALUE_STRING) {
            String s = p.getText().trim();
            if (s.equals("true") || s.equals("True") || s.equals("TRUE")) {
                return true;
            }
            if (s.equals("false") || s.equals("False") || s.equals("FALSE") || s.isEmpty() || s.equals("null")) {
                return false;
            }
            throw new IOException("\"" + s + "\" is not a boolean");
        }
        throw mismatch(p, "a boolean");
    }

    /** A JSON array of values, null as null; elements may be null (the constructor decides). */
    private static <T> List<T> list(JsonParser p, Value<T> element) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.START_ARRAY) {
            throw mismatch(p, "an array");
        }
        List<T> l = new ArrayList<>();
        for (int i = 0; p.nextToken() != JsonToken.END_ARRAY; i++) {
            l.add(field(p, "[" + i + "]", element));
        }
        return l;
    }

    /** A JSON object of values by name, null as null; the last of a repeated name counts. */
    private static <T> Map<String, T> map(JsonParser p, Value<T> value) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.START_OBJECT) {
            throw mismatch(p, "an object");
        }
        Map<String, T> m = new LinkedHashMap<>();
        for (String k = p.nextFieldName(); k != null; k = p.nextFieldName()) {
            p.nextToken();
            m.put(k, field(p, k, value));
        }
        return m;
    }

    private static IOException mismatch(JsonParser p, String wanted) {
        JsonToken t = p.currentToken();
        return new IOException("want " + wanted + ", found " + (t == null ? "the end" : t.asString() != null
                ? t.asString() : t == JsonToken.VALUE_STRING ? "a string" : t.isNumeric() ? "a number"
                : t.name()));
    }
}

