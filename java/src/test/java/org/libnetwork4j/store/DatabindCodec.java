package org.libnetwork4j.store;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Instant;
import java.util.function.Function;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;

import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.MacAddress;
import org.libnetwork4j.PortBinding;

/**
 * The store's mapping as it was up to 2026-12-05, on Jackson databind: what every existing
 * state.db was written with. Kept in the tests only, as the oracle {@link Codec} is checked
 * against: the same documents out, the same records in.
 */
final class DatabindCodec {
    static final ObjectMapper JSON = mapper();

    private DatabindCodec() {
    }

    private static ObjectMapper mapper() {
        SimpleModule m = new SimpleModule("libnetwork4j-store");
        text(m, InetAddress.class, IpAddresses::format, IpAddresses::parse);
        text(m, IpPrefix.class, IpPrefix::toString, IpPrefix::parse);
        text(m, MacAddress.class, MacAddress::toString, MacAddress::parse);
        text(m, PortBinding.class, PortBinding::toString, PortBinding::parse);
        text(m, Instant.class, Instant::toString, Instant::parse);
        ObjectMapper om = new ObjectMapper().registerModule(m);
        om.setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE);
        om.setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY);
        om.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        return om;
    }

    private static <T> void text(SimpleModule m, Class<T> type, Function<T, String> write, Function<String, T> read) {
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

    static Class<? extends StoredObject> type(StoredObject.Kind k) {
        return switch (k) {
            case NETWORK -> NetworkRecord.class;
            case ENDPOINT -> EndpointRecord.class;
            case SANDBOX -> SandboxRecord.class;
        };
    }

    static String write(StoredObject o) throws IOException {
        return JSON.writerFor(type(o.kind())).writeValueAsString(o);
    }

    /** The record, or null where databind gave none or refused (with any exception). */
    static StoredObject readOrNull(StoredObject.Kind k, String doc) {
        try {
            return JSON.readerFor(type(k)).readValue(doc);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Why databind refused doc, for a failing assertion's message. */
    static String why(StoredObject.Kind k, String doc) {
        try {
            return "databind read " + JSON.readerFor(type(k)).readValue(doc);
        } catch (IOException | RuntimeException e) {
            return "databind refused: " + e;
        }
    }
}
