package org.libnetwork4j.store;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;

import org.libnetwork4j.EndpointOptions;
import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.MacAddress;
import org.libnetwork4j.PortBinding;
import org.libnetwork4j.SandboxOptions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The store's JSON alone, warm (no root, no SQLite): an endpoint record as createEndpoint and
 * a join write it, and a sandbox record, encoded and decoded by the store's codec
 * ({@code streaming*}) and by the databind mapping it replaced ({@code databind*}, configured
 * as it was, kept here for the comparison). In the store's package because the codec is
 * package-private: the store's own format is nobody else's API.
 *
 * <pre>java -cp ... org.openjdk.jmh.Main CodecBenchmark</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-XX:+AlwaysPreTouch") // as org.libnetwork4j.bench.Bench.PRE_TOUCH says why
@org.openjdk.jmh.annotations.State(Scope.Thread)
public class CodecBenchmark {
    private static final ObjectMapper DATABIND = databind();
    private static final ObjectWriter ENDPOINT_WRITER = DATABIND.writerFor(EndpointRecord.class);
    private static final ObjectReader ENDPOINT_READER = DATABIND.readerFor(EndpointRecord.class);
    private static final ObjectWriter SANDBOX_WRITER = DATABIND.writerFor(SandboxRecord.class);
    private static final ObjectReader SANDBOX_READER = DATABIND.readerFor(SandboxRecord.class);

    /** As ScaleRun's endpoints are: joined, an address and a MAC, no published port. */
    private final EndpointRecord endpoint = new EndpointRecord("b".repeat(64), "a".repeat(64), "e1234",
            State.JOINED, EndpointOptions.defaults(), IpPrefix.parse("10.150.4.210/16"), null,
            MacAddress.parse("02:42:0a:96:04:d2"), "c".repeat(64), "eth0", 0, List.of());
    private final SandboxRecord sandbox = new SandboxRecord("c".repeat(64), "s1234", State.READY,
            SandboxOptions.defaults(), "/run/libnetwork4j/netns/cccccccccccc", null);
    private final byte[] endpointDoc = Codec.write(endpoint).getBytes(StandardCharsets.UTF_8);
    private final byte[] sandboxDoc = Codec.write(sandbox).getBytes(StandardCharsets.UTF_8);

    @Benchmark
    public String streamingWriteEndpoint() {
        return Codec.write(endpoint);
    }

    @Benchmark
    public String databindWriteEndpoint() throws IOException {
        return ENDPOINT_WRITER.writeValueAsString(endpoint);
    }

    @Benchmark
    public Object streamingReadEndpoint() throws IOException {
        return Codec.read(StoredObject.Kind.ENDPOINT, endpointDoc);
    }

    @Benchmark
    public Object databindReadEndpoint() throws IOException {
        return ENDPOINT_READER.readValue(endpointDoc);
    }

    @Benchmark
    public String streamingWriteSandbox() {
        return Codec.write(sandbox);
    }

    @Benchmark
    public String databindWriteSandbox() throws IOException {
        return SANDBOX_WRITER.writeValueAsString(sandbox);
    }

    @Benchmark
    public Object streamingReadSandbox() throws IOException {
        return Codec.read(StoredObject.Kind.SANDBOX, sandboxDoc);
    }

    @Benchmark
    public Object databindReadSandbox() throws IOException {
        return SANDBOX_READER.readValue(sandboxDoc);
    }

    /** The store's databind mapping up to 2026-12-05. */
    static ObjectMapper databind() {
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
}
