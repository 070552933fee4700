package org.libnetwork4j.store;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;

import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.MacAddress;
import org.libnetwork4j.PortBinding;

/**
 * Records to JSON and back. Addresses, prefixes, MACs and port bindings are written as the
 * strings people read (and {@code sqlite3} shows); records are read through their canonical
 * constructors, so a stored value is checked exactly as a new one would be.
 */
final class Codec {
    static final ObjectMapper JSON = mapper();

    private Codec() {
    }

    private static ObjectMapper mapper() {
        SimpleModule m = new SimpleModule("libnetwork4j-store");
        text(m, InetAddress.class, IpAddresses::format, IpAddresses::parse);
        text(m, IpPrefix.class, IpPrefix::toString, IpPrefix::parse);
        text(m, MacAddress.class, MacAddress::toString, MacAddress::parse);
        text(m, PortBinding.class, PortBinding::toString, PortBinding::parse);
        text(m, Instant.class, Instant::toString, Instant::parse);
        ObjectMapper om = new ObjectMapper().registerModule(m);
        // Only record components, never derived getters (IpamConfig.isIpv6() is no field).
        om.setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE);
        om.setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY);
        // a field from a newer version is no corruption
        om.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        return om;
    }

    private static <T> void text(SimpleModule m, Class<T> type, java.util.function.Function<T, String> write,
            java.util.function.Function<String, T> read) {
        m.addSerializer(type, new JsonSerializer<T>() {
            @Override
            public void serialize(T value, JsonGenerator gen, SerializerProvider p) throws IOException {
                gen.writeString(write.apply(value));
            }

            @Override
            public Class<T> handledType() {
                return type;
            }
        });
        m.addDeserializer(type, new JsonDeserializer<T>() {
            @Override
            public T deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                return read.apply(p.getValueAsString());
            }
        });
    }

    /** One writer per kind, made once: a writer found per call is looked up per call. */
    private static final Map<StoredObject.Kind, ObjectWriter> WRITERS = Map.of(
            StoredObject.Kind.NETWORK, JSON.writerFor(NetworkRecord.class),
            StoredObject.Kind.ENDPOINT, JSON.writerFor(EndpointRecord.class),
            StoredObject.Kind.SANDBOX, JSON.writerFor(SandboxRecord.class));

    static String write(StoredObject o) {
        try {
            return WRITERS.get(o.kind()).writeValueAsString(o);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + o.kind() + " " + o.id(), e);
        }
    }

    /** Likewise one reader per kind. */
    private static final Map<StoredObject.Kind, ObjectReader> READERS = Map.of(
            StoredObject.Kind.NETWORK, JSON.readerFor(NetworkRecord.class),
            StoredObject.Kind.ENDPOINT, JSON.readerFor(EndpointRecord.class),
            StoredObject.Kind.SANDBOX, JSON.readerFor(SandboxRecord.class));

    static StoredObject read(StoredObject.Kind kind, String doc) throws IOException {
        return READERS.get(kind).readValue(doc);
    }

    /** The same from the document's UTF-8 bytes, as the store holds them: no String between. */
    static StoredObject read(StoredObject.Kind kind, byte[] doc) throws IOException {
        return READERS.get(kind).readValue(doc);
    }
}
