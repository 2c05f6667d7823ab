package io.hyphae.runtime;

import io.hyphae.format.Formats;
import io.hyphae.format.avro.AvroFormat;
import io.hyphae.format.avro.InMemorySchemaRegistry;
import io.hyphae.route.Format;
import io.hyphae.route.RouteDefinition;
import io.hyphae.route.RouteFile;
import io.hyphae.route.SchemaSource;
import io.hyphae.route.TableDefinition;
import org.apache.avro.Schema;
import io.hyphae.plan.RouteChecker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.hyphae.route.loader.RouteFileLoader;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/** A route file running in a {@link TopologyTestDriver}, with text-level helpers for tests. */
public final class RouteDriver implements AutoCloseable {

    public final RouteFile file;
    public final CompiledApplication app;
    public final TopologyTestDriver driver;

    /** The schema registry of Avro routes under test (the real registry server is the subject of the integration tests). */
    public final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    /** The stages' meters: every test runs with them on. */
    public final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final Formats formats;
    private final Path stateDir;

    private RouteDriver(RouteFile file, Properties extra, Instant wallClock, RouteMetrics metrics) {
        this.file = file;
        this.formats = new Formats(file.registry(), () -> registry);
        this.app = TopologyCompiler.compile(RouteChecker.check(file), formats, metrics == null ? RouteMetrics.of(meters) : metrics);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, file.application());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.putAll(StreamsConfigFactory.hyphaeDefaults(file));
        // Persistent stores (stateful stages) live under state.dir: one of its own per driver, not the shared
        // <tmp>/kafka-streams that tests of other checkouts on this machine may hold locked at the same moment.
        this.stateDir = tempStateDir();
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.putAll(extra);
        this.driver = new TopologyTestDriver(app.topology(), props, wallClock);
    }

    private static Path tempStateDir() {
        try {
            return Files.createTempDirectory("hyphae-test-state");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private RouteDriver(RouteFile file, RouteMetrics metrics) {
        this(file, new Properties(), Instant.now(), metrics);
    }

    public static RouteDriver of(String yaml) {
        return new RouteDriver(new RouteFileLoader(name -> null).load("test.yaml", yaml), null);
    }

    /** With the meters in {@code metrics} instead of {@link #meters}. */
    public static RouteDriver of(String yaml, RouteMetrics metrics) {
        return new RouteDriver(new RouteFileLoader(name -> null).load("test.yaml", yaml), metrics);
    }

    /** With Kafka Streams settings on top of Hyphae's (e.g. {@code state.dir}) and the test driver's wall clock starting at {@code wallClock}. */
    public static RouteDriver of(String yaml, Properties streams, Instant wallClock) {
        return new RouteDriver(new RouteFileLoader(name -> null).load("test.yaml", yaml), streams, wallClock, null);
    }

    /** Sends a record with the given event time. */
    public void send(String topic, String key, String value, long timestamp) {
        send(topic, key, value, new RecordHeaders(), timestamp);
    }

    public void send(String topic, String key, String value, Headers headers, long timestamp) {
        TestInputTopic<byte[], byte[]> in = driver.createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer());
        in.pipeInput(new TestRecord<>(bytes(key), bytes(value), headers, timestamp));
    }

    public static RouteDriver of(Path path) {
        return new RouteDriver(new RouteFileLoader(name -> null).load(path), null);
    }

    public void send(String topic, String key, String value) {
        send(topic, key, value, new RecordHeaders());
    }

    public void send(String topic, String key, String value, Headers headers) {
        TestInputTopic<byte[], byte[]> in = driver.createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer());
        in.pipeInput(new TestRecord<>(bytes(key), bytes(value), headers));
    }

    public void sendBytes(String topic, byte[] key, byte[] value) {
        TestInputTopic<byte[], byte[]> in = driver.createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer());
        in.pipeInput(key, value);
    }

    /**
     * Sends a JSON line as the topic's readers expect it: as Avro of the schema of the route or table that reads
     * the topic when that is Avro (a line that does not fit is sent as it is), else as it is. Returns the bytes sent.
     */
    public byte[] sendJson(String topic, String key, String json) {
        byte[] bytes = bytes(json);
        Optional<SchemaSource> schema = avroSchemaOf(topic);
        if (schema.isPresent()) {
            try {
                AvroFormat avro = (AvroFormat) formats.of(Format.AVRO, Optional.empty());
                bytes = avro.encode(topic, new Schema.Parser().parse(schema.get().text()), Formats.json().decode(topic, bytes));
            } catch (RuntimeException e) {
                // not JSON, or not of the schema: sent as it is, a dead letter to be
            }
        }
        TestInputTopic<byte[], byte[]> in = driver.createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer());
        in.pipeInput(bytes(key), bytes);
        return bytes;
    }

    private Optional<SchemaSource> avroSchemaOf(String topic) {
        for (RouteDefinition r : file.routes().values()) {
            if (r.from().equals(topic) && r.format() == Format.AVRO) {
                return r.schema();
            }
        }
        for (TableDefinition t : file.tables().values()) {
            if (t.topic().equals(topic) && t.format() == Format.AVRO) {
                return t.schema();
            }
        }
        return Optional.empty();
    }

    public List<TestRecord<byte[], byte[]>> read(String topic) {
        TestOutputTopic<byte[], byte[]> out = driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        return out.readRecordsToList();
    }

    /** Values as text; Avro records as JSON. */
    public List<String> readValues(String topic) {
        return read(topic).stream().map(r -> json(topic, r.value())).toList();
    }

    public String json(String topic, byte[] value) {
        if (file.usesAvro() && AvroFormat.schemaId(value).isPresent()) {
            AvroFormat avro = (AvroFormat) formats.of(Format.AVRO, Optional.empty());
            return text(Formats.json().encode(topic, avro.decode(topic, value)));
        }
        return text(value);
    }

    public static String header(TestRecord<?, ?> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : text(h.value());
    }

    public static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    public double metric(String name, String stageId) {
        return driver.metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals(name) && stageId.equals(e.getKey().tags().get("hyphae-stage-id")))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue()).sum();
    }

    /** A stage meter's count: {@code hyphae.stage.in} and so on; 0 if it was never registered. */
    public double count(String meter, String route, String stage) {
        Counter c = meters.find(meter).tag(RouteMetrics.ROUTE, route).tag(RouteMetrics.STAGE, stage).counter();
        return c == null ? 0 : c.count();
    }

    /** A route meter's count. */
    public double count(String meter, String route) {
        Counter c = meters.find(meter).tag(RouteMetrics.ROUTE, route).counter();
        return c == null ? 0 : c.count();
    }

    public Map<String, String> tags(String name) {
        return driver.metrics().keySet().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow().tags();
    }

    @Override
    public void close() {
        driver.close();
        // The driver deleted what it kept in it.
        try (var left = Files.walk(stateDir)) {
            left.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind
        }
    }
}
