package io.hyphae.routetest;

import io.hyphae.event.LineageHeaders;
import io.hyphae.format.FormatException;
import io.hyphae.format.Formats;
import io.hyphae.format.Keys;
import io.hyphae.format.avro.AvroFormat;
import io.hyphae.format.avro.InMemorySchemaRegistry;
import io.hyphae.plan.CheckedFile;
import io.hyphae.route.Format;
import io.hyphae.route.KeyFormat;
import io.hyphae.route.RouteDefinition;
import io.hyphae.route.RouteFile;
import io.hyphae.route.SchemaSource;
import io.hyphae.route.TableDefinition;
import io.hyphae.runtime.CompiledApplication;
import io.hyphae.runtime.StreamsConfigFactory;
import io.hyphae.runtime.TopologyCompiler;
import org.apache.avro.Schema;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Runs a route test suite on Kafka Streams' {@link TopologyTestDriver}: no broker, a fresh driver (and in-memory schema
 * registry) per test, the suite's and the test's table rows first, then the given records and time steps, then every
 * expectation checked against what the topics got.
 */
public final class RouteTestRunner {

    /** Where both clocks start: stream time (the given records' default timestamp) and wall-clock time. */
    public static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    public record TestResult(String suite, String test, List<String> failures, Duration time) {
        public boolean passed() {
            return failures.isEmpty();
        }
    }

    private RouteTestRunner() {
    }

    /** Runs the tests named in {@code only} (every test if empty). */
    public static List<TestResult> run(RouteTestSuite suite, Set<String> only) {
        List<TestResult> results = new ArrayList<>();
        for (RouteTestSuite.TestCase test : suite.tests()) {
            if (only.isEmpty() || only.contains(test.name())) {
                long start = System.nanoTime();
                List<String> failures;
                try {
                    failures = new TestRun(suite, test).run();
                } catch (RuntimeException e) {
                    failures = List.of("error: " + e);
                }
                results.add(new TestResult(suite.name(), test.name(), failures, Duration.ofNanos(System.nanoTime() - start)));
            }
        }
        return results;
    }

    /** One test on its own driver. */
    private static final class TestRun {
        private final RouteTestSuite suite;
        private final RouteTestSuite.TestCase test;
        private final RouteFile file;
        private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        private final Formats formats;
        private final Map<String, List<TestRecord<byte[], byte[]>>> outputs = new HashMap<>();
        private TopologyTestDriver driver;
        private Instant clock = START;

        TestRun(RouteTestSuite suite, RouteTestSuite.TestCase test) {
            this.suite = suite;
            this.test = test;
            this.file = suite.routes().file();
            this.formats = new Formats(file.registry(), () -> registry);
        }

        List<String> run() {
            CheckedFile checked = suite.routes();
            CompiledApplication app = TopologyCompiler.compile(checked, formats);
            Path stateDir = tempDir();
            Properties props = new Properties();
            props.putAll(StreamsConfigFactory.hyphaeDefaults(file));
            props.putAll(file.kafka().streams());
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
            try (TopologyTestDriver d = new TopologyTestDriver(app.topology(), props, START)) {
                driver = d;
                load(suite.tables());
                load(test.tables());
                for (RouteTestSuite.Step step : test.given()) {
                    if (step instanceof RouteTestSuite.Advance advance) {
                        clock = clock.plus(advance.streamTime());
                        if (!advance.wallClock().isZero()) {
                            driver.advanceWallClockTime(advance.wallClock());
                        }
                    } else {
                        RouteTestSuite.Input input = (RouteTestSuite.Input) step;
                        try {
                            send(input);
                        } catch (IllegalArgumentException e) {
                            return List.of(input.where() + ": " + e.getMessage());
                        }
                    }
                }
                return check();
            } finally {
                delete(stateDir);
            }
        }

        private void load(Map<String, List<RouteTestSuite.Row>> tables) {
            tables.forEach((name, rows) -> {
                TableDefinition table = file.table(name).orElseThrow();
                for (RouteTestSuite.Row row : rows) {
                    byte[] value = row.value() == null ? null : encode(table.topic(), row.value(), table.format(), table.schema(), "table " + name);
                    pipe(table.topic(), Keys.encode(row.key(), table.keyFormat()), value, new RecordHeaders(), clock);
                }
            });
        }

        private void send(RouteTestSuite.Input input) {
            byte[] value;
            if (input.raw().isPresent()) {
                value = input.raw().get().getBytes(StandardCharsets.UTF_8);
            } else if (input.value() == null) {
                value = null;
            } else {
                Reader reader = readerOf(input.topic());
                value = encode(input.topic(), input.value(), reader.format, reader.schema, reader.name);
            }
            RecordHeaders headers = new RecordHeaders();
            input.headers().forEach((k, v) -> headers.add(k, v.getBytes(StandardCharsets.UTF_8)));
            byte[] key = input.key() == null ? null : Keys.encode(input.key(), readerOf(input.topic()).keyFormat);
            pipe(input.topic(), key, value, headers, input.timestamp().orElse(clock));
        }

        private void pipe(String topic, byte[] key, byte[] value, RecordHeaders headers, Instant timestamp) {
            TestInputTopic<byte[], byte[]> in = driver.createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer());
            in.pipeInput(new TestRecord<>(key, value, headers, timestamp));
        }

        private record Reader(String name, Format format, Optional<SchemaSource> schema, KeyFormat keyFormat) {
        }

        /** Whoever reads the topic decides its encoding: the first route reading it, else its table. */
        private Reader readerOf(String topic) {
            for (RouteDefinition r : file.routes().values()) {
                if (r.from().equals(topic)) {
                    return new Reader("route " + r.name(), r.format(), r.schema(), r.keyFormat());
                }
            }
            for (TableDefinition t : file.tables().values()) {
                if (t.topic().equals(topic)) {
                    return new Reader("table " + t.name(), t.format(), t.schema(), t.keyFormat());
                }
            }
            return new Reader("topic " + topic, Format.JSON, Optional.empty(), KeyFormat.STRING);
        }

        private byte[] encode(String topic, Object value, Format format, Optional<SchemaSource> schema, String reader) {
            byte[] json;
            try {
                json = Matching.JSON.writeValueAsBytes(value);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            if (format == Format.JSON) {
                return json;
            }
            if (schema.isEmpty()) {
                throw new IllegalArgumentException(topic + ": " + reader + " reads Avro without a schema of its own, so a test value cannot be"
                        + " encoded for it; send it through the route that writes the topic, or give 'raw'");
            }
            if (!(value instanceof Map)) {
                throw new IllegalArgumentException(topic + ": an Avro value must be a mapping (a record of " + reader + "'s schema), got " + Matching.json(value));
            }
            AvroFormat avro = (AvroFormat) formats.of(Format.AVRO, Optional.empty());
            try {
                return avro.encode(topic, new Schema.Parser().parse(schema.get().text()), Formats.json().decode(topic, json));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(topic + ": the value does not fit the Avro schema of " + reader + ": " + e.getMessage(), e);
            }
        }

        private List<TestRecord<byte[], byte[]>> output(String topic) {
            return outputs.computeIfAbsent(topic, t -> driver.createOutputTopic(t, new ByteArrayDeserializer(), new ByteArrayDeserializer())
                    .readRecordsToList());
        }

        private List<String> check() {
            List<String> failures = new ArrayList<>();
            for (RouteTestSuite.Expectation e : test.expect()) {
                List<TestRecord<byte[], byte[]>> records = output(e.target().topic());
                String label = e.target().label();
                int expected = e.count().orElse(e.records().size());
                if (records.size() != expected) {
                    StringBuilder sb = new StringBuilder(label + ": expected " + plural(expected, "record") + ", got " + records.size()
                            + " (" + e.target().where() + ")");
                    for (int i = 0; i < Math.min(records.size(), 10); i++) {
                        sb.append("\n    ").append(label).append('[').append(i).append("]: ").append(describe(e.target().topic(), records.get(i)));
                    }
                    if (records.size() > 10) {
                        sb.append("\n    ...");
                    }
                    failures.add(sb.toString());
                }
                for (int i = 0; i < Math.min(records.size(), e.records().size()); i++) {
                    match(label + "[" + i + "]", e.target().topic(), e.records().get(i), records.get(i)).ifPresent(failures::add);
                }
            }
            for (RouteTestSuite.Target target : test.none()) {
                List<TestRecord<byte[], byte[]>> records = output(target.topic());
                if (!records.isEmpty()) {
                    StringBuilder sb = new StringBuilder(target.label() + ": expected no records, got " + records.size() + " (" + target.where() + ")");
                    for (int i = 0; i < Math.min(records.size(), 10); i++) {
                        sb.append("\n    ").append(target.label()).append('[').append(i).append("]: ").append(describe(target.topic(), records.get(i)));
                    }
                    failures.add(sb.toString());
                }
            }
            return failures;
        }

        private Optional<String> match(String label, String topic, RouteTestSuite.RecordMatcher m, TestRecord<byte[], byte[]> record) {
            List<String> diffs = new ArrayList<>();
            String keyText = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
            if (m.keyIsNull() && keyText != null) {
                diffs.add("key: expected null, got " + Matching.json(keyText));
            }
            if (m.key().isPresent()) {
                Object expectedKey = m.key().get();
                Object actualKey = expectedKey instanceof String || keyText == null ? keyText : parseJson(record.key());
                diffs.addAll(Matching.differences("key", expectedKey, actualKey, false));
            }
            Object actual = value(topic, record.value());
            if (m.valueIsNull() && actual != null) {
                diffs.add("value: expected null (a tombstone), got " + Matching.json(actual));
            }
            m.value().ifPresent(v -> diffs.addAll(Matching.differences("value", v, actual, false)));
            m.contains().ifPresent(c -> {
                if (actual instanceof Map) {
                    diffs.addAll(Matching.differences("value", c, actual, true));
                } else {
                    diffs.add("value: expected an object containing " + Matching.json(c) + ", got " + Matching.json(actual));
                }
            });
            m.headers().forEach((name, expected) -> {
                Header h = record.headers().lastHeader(name);
                String got = h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
                if (!expected.equals(got)) {
                    diffs.add("headers." + name + ": expected " + Matching.json(expected) + ", got " + (got == null ? "no such header" : Matching.json(got)));
                }
            });
            m.reason().ifPresent(reason -> {
                Header h = record.headers().lastHeader(LineageHeaders.ERROR_REASON);
                String got = h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
                if (got == null) {
                    diffs.add("reason: expected a dead letter whose reason contains " + Matching.json(reason) + ", got a record without "
                            + LineageHeaders.ERROR_REASON);
                } else if (!got.contains(reason)) {
                    diffs.add("reason: expected it to contain " + Matching.json(reason) + ", got " + Matching.json(got));
                }
            });
            m.timestamp().ifPresent(t -> {
                if (!t.equals(record.getRecordTime())) {
                    diffs.add("timestamp: expected " + t + ", got " + record.getRecordTime());
                }
            });
            if (diffs.isEmpty()) {
                return Optional.empty();
            }
            StringBuilder sb = new StringBuilder(label + " (" + m.where() + "):");
            diffs.forEach(d -> sb.append("\n    ").append(d));
            Object expectedValue = m.value().orElse(m.contains().orElse(null));
            if (expectedValue != null) {
                sb.append("\n  - expected ").append(m.value().isPresent() ? "" : "(contains) ").append(Matching.json(expectedValue));
                sb.append("\n  + actual   ").append(m.value().isPresent() ? "" : "           ").append(Matching.json(actual));
            }
            return Optional.of(sb.toString());
        }

        private String describe(String topic, TestRecord<byte[], byte[]> record) {
            String key = record.key() == null ? "null" : new String(record.key(), StandardCharsets.UTF_8);
            Header reason = record.headers().lastHeader(LineageHeaders.ERROR_REASON);
            return "key " + key + " value " + Matching.json(value(topic, record.value()))
                    + (reason == null ? "" : " reason " + Matching.json(new String(reason.value(), StandardCharsets.UTF_8)));
        }

        /** A record's value as plain data: Avro decoded, JSON parsed, anything else as text. */
        private Object value(String topic, byte[] bytes) {
            if (bytes == null) {
                return null;
            }
            Optional<Integer> id = AvroFormat.schemaId(bytes);
            if (id.isPresent()) {
                try {
                    AvroFormat avro = (AvroFormat) formats.of(Format.AVRO, Optional.empty());
                    return parseJson(Formats.json().encode(topic, avro.decode(topic, bytes)));
                } catch (RuntimeException e) {
                    // not Avro after all
                }
            }
            Object json = parseJson(bytes);
            return json != null ? json : new String(bytes, StandardCharsets.UTF_8);
        }

        private static Object parseJson(byte[] bytes) {
            try {
                return Matching.JSON.readValue(bytes, Object.class);
            } catch (IOException | FormatException e) {
                return null;
            }
        }

        private static String plural(int n, String word) {
            return n + " " + word + (n == 1 ? "" : "s");
        }

        private static Path tempDir() {
            try {
                return Files.createTempDirectory("hyphae-test-");
            } catch (IOException e) {
                throw new IllegalStateException("cannot create a temporary state directory: " + e.getMessage(), e);
            }
        }

        private static void delete(Path dir) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temporary directory left behind
            }
        }
    }
}
