package io.hyphae.runtime;

import io.hyphae.route.RouteFile;
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
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** A route file running in a {@link TopologyTestDriver}, with text-level helpers for tests. */
public final class RouteDriver implements AutoCloseable {

    public final RouteFile file;
    public final CompiledApplication app;
    public final TopologyTestDriver driver;

    private RouteDriver(RouteFile file) {
        this.file = file;
        this.app = TopologyCompiler.compile(file);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, file.application());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.putAll(StreamsConfigFactory.hyphaeDefaults(file));
        this.driver = new TopologyTestDriver(app.topology(), props);
    }

    public static RouteDriver of(String yaml) {
        return new RouteDriver(new RouteFileLoader(name -> null).load("test.yaml", yaml));
    }

    public static RouteDriver of(Path path) {
        return new RouteDriver(new RouteFileLoader(name -> null).load(path));
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

    public List<TestRecord<byte[], byte[]>> read(String topic) {
        TestOutputTopic<byte[], byte[]> out = driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        return out.readRecordsToList();
    }

    public List<String> readValues(String topic) {
        return read(topic).stream().map(r -> text(r.value())).toList();
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

    public Map<String, String> tags(String name) {
        return driver.metrics().keySet().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow().tags();
    }

    @Override
    public void close() {
        driver.close();
    }
}
