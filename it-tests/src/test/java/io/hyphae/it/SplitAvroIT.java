package io.hyphae.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyphae.event.LineageHeaders;
import io.hyphae.format.Formats;
import io.hyphae.format.avro.AvroFormat;
import io.hyphae.route.Format;
import io.hyphae.route.RegistrySettings;
import io.hyphae.route.RouteFile;
import io.hyphae.route.loader.RouteFileLoader;
import io.hyphae.runtime.HyphaeApplication;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Split over Avro with the real registry: an array of records and an array of a union split into children, each
 * child topic's schema registered once and accepted by the registry's compatibility check (the union's items, a
 * string then a long, share one schema), nothing dead-lettered.
 */
@ExtendWith(RealKafkaExtension.class)
class SplitAvroIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BATCH = """
            {"type": "record", "name": "Batch", "namespace": "io.hyphae.it", "fields": [
              {"name": "drone", "type": "string"},
              {"name": "readings", "type": {"type": "array", "items": {"type": "record", "name": "Reading", "fields": [
                {"name": "seq", "type": "long"},
                {"name": "alt", "type": "int"}]}}},
              {"name": "codes", "type": {"type": "array", "items": ["string", "long"]}}
            ]}""";

    @Test
    void childrenOfRecordsAndOfAUnionAreWrittenWithSchemasTheRegistryAccepts(KafkaCluster cluster, RegistryServer registry,
                                                                            @TempDir Path dir) throws Exception {
        String name = Kafka.unique("split");
        Kafka kafka = new Kafka(cluster.bootstrapServers());
        Path schema = dir.resolve("Batch.avsc");
        Files.writeString(schema, BATCH);
        Path file = dir.resolve("routes.yaml");
        Files.writeString(file, """
                application: %1$s
                registry: { url: "%2$s" }
                routes:
                  readings:
                    from: %1$s.batches
                    format: avro
                    stages:
                      - each: { split: { items: value.readings, keep: [drone] } }
                  codes:
                    from: %1$s.codes
                    format: avro
                    stages:
                      - each: { split: { items: value.codes } }
                """.formatted(name, registry.url()));
        RouteFile routes = new RouteFileLoader(n -> null).load(file);
        Path batches = dir.resolve("batches.jsonl");
        Files.writeString(batches, """
                {"drone": "d7", "readings": [{"seq": 1, "alt": 120}, {"seq": 2, "alt": 80}], "codes": ["E1", 7]}
                {"drone": "d8", "readings": [{"seq": 1, "alt": 95}], "codes": [9, "E2"]}
                """);
        AvroFormat avro = (AvroFormat) new Formats(RegistrySettings.NONE.withUrl(registry.url())).of(Format.AVRO, Optional.empty());

        try (HyphaeApplication app = new HyphaeApplication(routes, cluster.bootstrapServers(), m -> { })) {
            app.start();
            app.awaitRunning(Duration.ofSeconds(60));
            for (String topic : List.of(name + ".batches", name + ".codes")) {
                Cli produced = Cli.run("produce", "-t", topic, "-i", batches.toString(), "-k", "drone", "--avro-schema",
                        schema.toString(), "-b", cluster.bootstrapServers(), "--registry-url", registry.url());
                assertThat(produced.code()).as(produced.err()).isZero();
            }

            List<Kafka.Text> readings = kafka.readCommitted(name + ".readings.each", 3, Duration.ofSeconds(60));
            assertThat(readings).extracting(r -> json(avro, r).toString()).containsExactlyInAnyOrder(
                    "{\"seq\":1,\"alt\":120,\"drone\":\"d7\"}", "{\"seq\":2,\"alt\":80,\"drone\":\"d7\"}", "{\"seq\":1,\"alt\":95,\"drone\":\"d8\"}");
            assertThat(readings).extracting(r -> r.key() + " " + r.header(LineageHeaders.SPLIT))
                    .containsExactlyInAnyOrder("d7 1/2", "d7 2/2", "d8 1/1");
            List<Kafka.Text> codes = kafka.readCommitted(name + ".codes.each", 4, Duration.ofSeconds(60));
            assertThat(codes).extracting(r -> json(avro, r).toString()).containsExactlyInAnyOrder(
                    "{\"item\":\"E1\"}", "{\"item\":7}", "{\"item\":9}", "{\"item\":\"E2\"}");
            assertThat(kafka.readCommitted(name + ".readings.dlq", 1, Duration.ofSeconds(3))).isEmpty();
            assertThat(kafka.readCommitted(name + ".codes.dlq", 1, Duration.ofSeconds(3))).isEmpty();
        }

        Schema reading = latest(registry, name + ".readings.each-value");
        assertThat(reading.getFullName()).isEqualTo("io.hyphae.it.Reading");
        assertThat(reading.getField("alt").schema().getType()).isEqualTo(Schema.Type.INT);
        assertThat(reading.getField("drone").schema().toString()).isEqualTo("[\"null\",\"string\"]");
        Schema code = latest(registry, name + ".codes.each-value");
        assertThat(code.getField("item").schema().toString()).isEqualTo("[\"null\",\"string\",\"long\"]");
    }

    private static Schema latest(RegistryServer registry, String subject) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(registry.url() + "/subjects/" + subject + "/versions/latest")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return new Schema.Parser().parse(JSON.readTree(response.body()).get("schema").asText());
    }

    private static JsonNode json(AvroFormat avro, Kafka.Text record) {
        try {
            return JSON.readTree(Formats.json().encode(record.topic(), avro.decode(record.topic(), record.bytes())));
        } catch (Exception e) {
            throw new AssertionError(String.valueOf(record), e);
        }
    }
}
