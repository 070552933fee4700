package org.libnetwork4j.store;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SegmentedStringWriter;
import com.fasterxml.jackson.core.util.BufferRecycler;

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
        // Into the factory's recycled buffers, as databind's writeValueAsString does: a
        // StringWriter (a synchronized StringBuffer, grown and copied) made each write a
        // third slower than databind's.
        BufferRecycler buffers = JSON._getBufferRecycler();
        try (SegmentedStringWriter w = new SegmentedStringWriter(buffers)) {
            try (JsonGenerator g = JSON.createGenerator(w)) {
                if (o instanceof EndpointRecord e) {
                    endpoint(g, e);
                } else if (o instanceof SandboxRecord s) {
                    sandbox(g, s);
                } else {
                    network(g, (NetworkRecord) o);
                }
            }
            return w.getAndClear();
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + o.kind() + " " + o.id(), e);
        } finally {
            buffers.releaseToPool();
        }
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
    //
    // No lambdas or method references on this side: each would be a class spun at its first
    // use, and the first use is a restart's load (83 of them were a good part of the classes
    // that load loaded). The readers are plain methods, the fields' names matched by switch.

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
            throw new IOException(kind.name().toLowerCase(Locale.ROOT) + " record: not a JSON object but "
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
            throw new IOException(kind.name().toLowerCase(Locale.ROOT) + " record" + (e.path.isEmpty() ? ""
                    : ", field " + e.path) + ": " + e.reason, e.getCause());
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
    }

    /** What failed while reading the value of field (or element "[i]"), as a {@link Malformed} there. */
    private static Malformed at(String field, Exception e) {
        if (e instanceof Malformed m) {
            return new Malformed(m.path.isEmpty() ? field : field + (m.path.startsWith("[") ? "" : ".") + m.path,
                    m.getCause(), m.reason);
        }
        String msg = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
        return new Malformed(field, e, msg);
    }

    /** A constructor's refusal: the value is checked as a new one would be, and is not one. */
    private static Malformed refused(String what, RuntimeException e) {
        return new Malformed("", e, "not a valid " + what + ": " + (e.getMessage() == null ? e.toString()
                : e.getMessage()));
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

        void see(int index) throws Malformed {
            if (seen == all) {
                throw new Malformed("", null, "repeated after every field was read");
            }
            seen |= 1 << index;
        }
    }

    private static final State[] STATES = State.values();
    private static final Protocol[] PROTOCOLS = Protocol.values();

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
            try {
                switch (f) {
                    case "id" -> { known.see(0); id = string(p); }
                    case "name" -> { known.see(1); name = string(p); }
                    case "type" -> { known.see(2); type = string(p); }
                    case "state" -> { known.see(3); state = constant(p, STATES); }
                    case "created" -> { known.see(4); created = instant(p); }
                    case "options" -> { known.see(5); options = networkOptions(p); }
                    case "internal" -> { known.see(6); internal = bool(p); }
                    case "enableIpv6" -> { known.see(7); enableIpv6 = bool(p); }
                    case "interfacePrefix" -> { known.see(8); interfacePrefix = string(p); }
                    case "allocations" -> { known.see(9); allocations = list(p, Element.ALLOCATION); }
                    case "driverState" -> { known.see(10); driverState = map(p, Element.STRING); }
                    default -> p.skipChildren();
                }
            } catch (IOException | RuntimeException e) {
                throw at(f, e);
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
            try {
                switch (f) {
                    case "ipam" -> { known.see(0); ipam = list(p, Element.IPAM_CONFIG); }
                    case "enableIpv6" -> { known.see(1); enableIpv6 = bool(p); }
                    case "internal" -> { known.see(2); internal = bool(p); }
                    case "options" -> { known.see(3); options = map(p, Element.STRING); }
                    case "labels" -> { known.see(4); labels = map(p, Element.STRING); }
                    case "ipamDriver" -> { known.see(5); ipamDriver = string(p); }
                    case "ipamOptions" -> { known.see(6); ipamOptions = map(p, Element.STRING); }
                    default -> p.skipChildren();
                }
            } catch (IOException | RuntimeException e) {
                throw at(f, e);
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
            try {
                switch (f) {
                    case "subnet" -> { known.see(0); subnet = prefix(p); }
                    case "ipRange" -> { known.see(1); ipRange = prefix(p); }
                    case "gateway" -> { known.see(2); gateway = address(p); }
                    case "auxAddresses" -> { known.see(3); aux = map(p, Element.ADDRESS); }
                    default -> p.skipChildren();
                }
            } catch (IOException | RuntimeException e) {
                throw at(f, e);
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
            try {
                switch (f) {
                    case "subnet" -> { known.see(0); subnet = prefix(p); }
                    case "ipRange" -> { known.see(1); ipRange = prefix(p); }
                    case "gateway" -> { known.see(2); gateway = address(p); }
                    case "aux" -> { known.see(3); aux = map(p, Element.ADDRESS); }
                    case "poolId" -> { known.see(4); poolId = string(p); }
                    default -> p.skipChildren();
                }
            } catch (IOException | RuntimeException e) {
                throw at(f, e);
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
            try {
                switch (f) {
                    case "id" -> { known.see(0); id = string(p); }
                    case "networkId" -> { known.see(1); networkId = string(p); }
                    case "name" -> { known.see(2); name = string(p); }
                    case "state" -> { known.see(3); state = constant(p, STATES); }
                    case "options" -> { known.see(4); options = endpointOptions(p); }
                    case "ipv4" -> { known.see(5); ipv4 = prefix(p); }
                    case "ipv6" -> { known.see(6); ipv6 = prefix(p); }
                    case "mac" -> { known.see(7); mac = mac(p); }
                    case "sandboxId" -> { known.see(8); sandboxId = string(p); }
                    case "ifname" -> { known.see(9); ifname = string(p); }
                    case "priority" -> { known.see(10); priority = integer(p); }
                    case "ports" -> { known.see(11); ports = list(p, Element.PORT_MAPPING); }
                    default -> p.skipChildren();
                }
            } catch (IOException | RuntimeException e) {
                throw at(f, e);
            }
        }
        try {
            return new EndpointRecord(id, networkId, name, state, options, ipv4, ipv6, mac, sandboxId, ifname,
                    priority, ports);
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
            try {
                switch (f) {
                    case "ipv4" -> { known.see(0); ipv4 = address(p); }
                    case "ipv6" -> { known.see(1); ipv6 = address(p); }
                    case "mac" -> { known.see(2); mac = mac(p); }
                    case "ports" -> { known.see(3); ports = list(p, Element.PORT_BINDING); }
                    case "aliases" -> { known.see(4); aliases = list(p, Element.STRING); }
                    case "hostPortsHeldByCaller" -> { known.see(5); heldByCaller = bool(p); }
                    default -> p.skipChildren();
                }
            } catch (IOException | RuntimeException e) {
                throw at(f, e);
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
            try {
                switch (f) {
                    case "hostIp" -> { known.see(0); hostIp = address(p); }
                    case "hostPort" -> { known.see(1); hostPort = integer(p); }
                    case "containerIp" -> { known.see(2); containerIp = address(p); }
                    case "containerPort" -> { known.see(3); containerPort = integer(p); }
                    case "protocol" -> { known.see(4); protocol = constant(p, PROTOCOLS); }
                    default -> p.skipChildren();
                }
            } catch (IOException | RuntimeException e) {
                throw at(f, e);
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
            try {
                switch (f) {
                    case "id" -> { known.see(0); id = string(p); }
                    case "containerId" -> { known.see(1); containerId = string(p); }
                    case "state" -> { known.see(2); state = constant(p, STATES); }
                    case "options" -> { known.see(3); options = sandboxOptions(p); }
                    case "key" -> { known.see(4); key = string(p); }
                    case "adoptedIdentity" -> { known.see(5); adoptedIdentity = string(p); }
                    default -> p.skipChildren();
                }
            } catch (IOException | RuntimeException e) {
                throw at(f, e);
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
            try {
                switch (f) {
                    case "hostname" -> { known.see(0); hostname = string(p); }
                    case "domainname" -> { known.see(1); domainname = string(p); }
                    case "dns" -> { known.see(2); dns = list(p, Element.ADDRESS); }
                    case "dnsSearch" -> { known.see(3); dnsSearch = list(p, Element.STRING); }
                    case "dnsOptions" -> { known.see(4); dnsOptions = list(p, Element.STRING); }
                    case "extraHosts" -> { known.see(5); extraHosts = list(p, Element.HOST_ENTRY); }
                    case "useHostNamespace" -> { known.see(6); useHostNamespace = bool(p); }
                    case "netns" -> { known.see(7); netns = path(p); }
                    case "callerMovesInterfaces" -> { known.see(8); callerMoves = bool(p); }
                    default -> p.skipChildren();
                }
            } catch (IOException | RuntimeException e) {
                throw at(f, e);
            }
        }
        try {
            return new SandboxOptions(hostname, domainname, dns, dnsSearch, dnsOptions, extraHosts,
                    useHostNamespace, netns, callerMoves);
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
            try {
                switch (f) {
                    case "name" -> { known.see(0); name = string(p); }
                    case "ip" -> { known.see(1); ip = address(p); }
                    default -> p.skipChildren();
                }
            } catch (IOException | RuntimeException e) {
                throw at(f, e);
            }
        }
        try {
            return new SandboxOptions.HostEntry(name, ip);
        } catch (RuntimeException e) {
            throw refused("extra host", e);
        }
    }

    // ---- values, each read as databind read it ----

    /** What a list holds, or a map by name. */
    private enum Element {
        STRING, ADDRESS, PORT_BINDING, IPAM_CONFIG, ALLOCATION, PORT_MAPPING, HOST_ENTRY
    }

    private static Object element(JsonParser p, Element e) throws IOException {
        return switch (e) {
            case STRING -> string(p);
            case ADDRESS -> address(p);
            case PORT_BINDING -> {
                String s = scalar(p);
                yield s == null ? null : PortBinding.parse(s);
            }
            case IPAM_CONFIG -> ipamConfig(p);
            case ALLOCATION -> allocation(p);
            case PORT_MAPPING -> portMapping(p);
            case HOST_ENTRY -> hostEntry(p);
        };
    }

    /** A JSON array of values, null as null; elements may be null (the constructor decides). */
    @SuppressWarnings("unchecked")
    private static <T> List<T> list(JsonParser p, Element e) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.START_ARRAY) {
            throw mismatch(p, "an array");
        }
        List<T> l = new ArrayList<>();
        for (int i = 0; p.nextToken() != JsonToken.END_ARRAY; i++) {
            try {
                l.add((T) element(p, e));
            } catch (IOException | RuntimeException x) {
                throw at("[" + i + "]", x);
            }
        }
        return l;
    }

    /** A JSON object of values by name, null as null; the last of a repeated name counts. */
    @SuppressWarnings("unchecked")
    private static <T> Map<String, T> map(JsonParser p, Element e) throws IOException {
        if (object(p)) {
            return null;
        }
        Map<String, T> m = new LinkedHashMap<>();
        for (String k = p.nextFieldName(); k != null; k = p.nextFieldName()) {
            p.nextToken();
            try {
                m.put(k, (T) element(p, e));
            } catch (IOException | RuntimeException x) {
                throw at(k, x);
            }
        }
        return m;
    }

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
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t.isScalarValue()) {
            return p.getText();
        }
        throw mismatch(p, "a string");
    }

    /** The text of a value written as text (an address, a prefix), null for null. */
    private static String scalar(JsonParser p) throws IOException {
        return string(p);
    }

    private static InetAddress address(JsonParser p) throws IOException {
        String s = scalar(p);
        return s == null ? null : IpAddresses.parse(s);
    }

    private static IpPrefix prefix(JsonParser p) throws IOException {
        String s = scalar(p);
        return s == null ? null : IpPrefix.parse(s);
    }

    private static MacAddress mac(JsonParser p) throws IOException {
        String s = scalar(p);
        return s == null ? null : MacAddress.parse(s);
    }

    private static Instant instant(JsonParser p) throws IOException {
        String s = scalar(p);
        return s == null ? null : Instant.parse(s);
    }

    /**
     * As databind read a Path: a plain path, or a URI (what it wrote); text only, where other
     * fields take any scalar as its text (databind refused {@code "netns": false}, which read
     * here as the path "false").
     */
    private static Path path(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING) {
            throw mismatch(p, "a path");
        }
        String s = p.getText();
        try {
            return s.indexOf(':') < 0 ? Path.of(s) : Path.of(new URI(s));
        } catch (URISyntaxException | IllegalArgumentException | FileSystemNotFoundException e) {
            // InvalidPathException (a NUL in a plain path) is an IllegalArgumentException too
            throw new IOException("invalid path \"" + s + "\": " + e.getMessage(), e);
        }
    }

    /** By name (blanks around it ignored), or (as databind allowed) by ordinal; null stays null. */
    private static <E extends Enum<E>> E constant(JsonParser p, E[] all) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t == JsonToken.VALUE_STRING) {
            String s = p.getText().trim();
            for (E e : all) {
                if (e.name().equals(s)) {
                    return e;
                }
            }
            if (!s.isEmpty() && s.length() < 10 && digits(s)) {
                int i = Integer.parseInt(s);
                if (i < all.length) {
                    return all[i];
                }
            }
            throw new IOException("\"" + s + "\" is not one of " + Arrays.toString(all));
        }
        if (t == JsonToken.VALUE_NUMBER_INT) {
            int i = p.getIntValue();
            if (i >= 0 && i < all.length) {
                return all[i];
            }
            throw new IOException(i + " is not the index of one of " + Arrays.toString(all));
        }
        throw mismatch(p, "one of " + Arrays.toString(all));
    }

    private static boolean digits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
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

    private static IOException mismatch(JsonParser p, String wanted) {
        JsonToken t = p.currentToken();
        return new IOException("want " + wanted + ", found " + (t == null ? "the end" : t.asString() != null
                ? t.asString() : t == JsonToken.VALUE_STRING ? "a string" : t.isNumeric() ? "a number"
                : t.name()));
    }
}
