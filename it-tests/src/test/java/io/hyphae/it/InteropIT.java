package io.hyphae.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyphae.format.Formats;
import io.hyphae.format.avro.AvroFormat;
import io.hyphae.route.Format;
import io.hyphae.route.RegistrySettings;
import io.hyphae.route.RouteFile;
import io.hyphae.route.loader.RouteFileLoader;
import io.hyphae.runtime.HyphaeApplication;
import org.apache.avro.Schema;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Interoperability with an independent implementation of the Confluent wire format, the npm package
 * {@code @kafkajs/confluent-schema-registry} run with Node: it decodes what Hyphae writes, including the
 * schemas Hyphae derives for its stages, and Hyphae decodes what it writes. Skipped where Node is absent.
 */
@ExtendWith(RealKafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InteropIT {

    private static final Path SCHEMAS = Path.of("../schemas/avro/insurance").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();

    private Path node;
    private String registryUrl;
    private AvroFormat avro;

    @BeforeAll
    void installTheClient(RegistryServer registry, @TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(available("node", "--version") && available("npm", "--version"),
                "Node and npm are not installed: the interop test with @kafkajs/confluent-schema-registry is skipped");
        node = dir.resolve("interop");
        Files.createDirectories(node);
        for (String file : List.of("package.json", "interop.js")) {
            Files.copy(Path.of("src/test/node").resolve(file), node.resolve(file));
        }
        String out = run(List.of("npm", "install", "--no-audit", "--no-fund", "--loglevel=error"), 300);
        assertThat(Files.isDirectory(node.resolve("node_modules/@kafkajs/confluent-schema-registry"))).as(out).isTrue();
        registryUrl = registry.url();
        avro = (AvroFormat) new Formats(RegistrySettings.NONE.withUrl(registryUrl)).of(Format.AVRO, Optional.empty());
    }

    private static boolean available(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private String run(List<String> command, int seconds) throws Exception {
        Process p = new ProcessBuilder(command).directory(node.toFile()).redirectErrorStream(true).start();
        boolean done = p.waitFor(seconds, TimeUnit.SECONDS);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(done && p.exitValue() == 0).as(String.join(" ", command) + ":\n" + out).isTrue();
        return out.trim();
    }

    private JsonNode nodeDecode(byte[] bytes) throws Exception {
        Path in = Files.createTempFile(node, "in", ".bin");
        Files.write(in, bytes);
        String out = run(List.of("node", "interop.js", "decode", registryUrl, in.toString()), 60);
        return JSON.readTree(out.lines().reduce((a, b) -> b).orElseThrow());
    }

    private byte[] nodeEncode(String subject, Path schema, String record) throws Exception {
        Path in = Files.createTempFile(node, "record", ".json");
        Path out = Files.createTempFile(node, "out", ".bin");
        Files.writeString(in, record);
        run(List.of("node", "interop.js", "encode", registryUrl, subject, schema.toString(), in.toString(), out.toString()), 60);
        return Files.readAllBytes(out);
    }

    @Test
    void theIndependentClientDecodesWhatHyphaeWrites() throws Exception {
        Schema schema = new Schema.Parser().parse(SCHEMAS.resolve("AddressChanged.avsc").toFile());
        String event = "{\"eventId\":\"ev-1\",\"customerId\":\"C-1\",\"policyId\":\"P-1\",\"changedAt\":\"2026-11-02T08:15:00Z\","
                + "\"newAddress\":{\"street\":\"Langstrasse 120\",\"postalCode\":\"8004\",\"city\":\"Zurich\"},\"currentPremium\":840.5}";
        byte[] bytes = avro.encode(Kafka.unique("interop") + ".hyphae-writes", schema, Formats.json().decode("t", event.getBytes(StandardCharsets.UTF_8)));
        JsonNode decoded = nodeDecode(bytes);
        assertThat(decoded.get("eventId").asText()).isEqualTo("ev-1");
        assertThat(decoded.get("currentPremium").asDouble()).isEqualTo(840.5);
        assertThat(decoded.at("/newAddress/postalCode").toString()).contains("8004");
        assertThat(decoded.get("oldAddress").isNull()).isTrue();
    }

    @Test
    void hyphaeDecodesWhatTheIndependentClientWrites() throws Exception {
        byte[] bytes = nodeEncode(Kafka.unique("interop") + ".node-writes-value", SCHEMAS.resolve("GeoRisk.avsc"),
                "{\"postalCode\":\"8004\",\"region\":\"Zurich Aussersihl\",\"accidentsPer1000\":24.1}");
        assertThat(bytes[0]).isZero();
        Map<String, Object> value = avro.decode("t", bytes);
        assertThat(value).containsEntry("postalCode", "8004").containsEntry("region", "Zurich Aussersihl").containsEntry("accidentsPer1000", 24.1);
    }

    @Test
    void recordsFlowFromTheClientThroughARouteAndBack(KafkaCluster cluster) throws Exception {
        String name = Kafka.unique("interop-route");
        RouteFile routes = new RouteFileLoader(n -> null).load("interop.yaml", """
                application: %1$s
                registry: { url: "%2$s" }
                routes:
                  risks:
                    from: %1$s.in
                    format: avro
                    stages:
                      - banded: { transform: { set: { band: "value.accidentsPer1000 > 20.0 ? 'HIGH' : 'LOW'" } } }
                """.formatted(name, registryUrl));
        byte[] in = nodeEncode(name + ".in-value", SCHEMAS.resolve("GeoRisk.avsc"),
                "{\"postalCode\":\"1201\",\"region\":\"Geneve\",\"accidentsPer1000\":21.7}");
        try (HyphaeApplication app = new HyphaeApplication(routes, cluster.bootstrapServers(), m -> { });
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", cluster.bootstrapServers()),
                     new ByteArraySerializer(), new ByteArraySerializer())) {
            app.start();
            app.awaitRunning(Duration.ofSeconds(60));
            producer.send(new ProducerRecord<>(name + ".in", "1201".getBytes(StandardCharsets.UTF_8), in)).get();
            List<Kafka.Text> out = new ArrayList<>(new Kafka(cluster.bootstrapServers()).readCommitted(name + ".risks.banded", 1, Duration.ofSeconds(60)));
            assertThat(out).hasSize(1);
            JsonNode decoded = nodeDecode(out.get(0).bytes());
            assertThat(decoded.get("region").asText()).isEqualTo("Geneve");
            assertThat(decoded.at("/band").toString()).contains("HIGH");
        }
    }
}
