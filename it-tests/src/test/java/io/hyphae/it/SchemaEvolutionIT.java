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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Producers move from version 1 to version 2 of the address event while the route runs: both flow through every
 * stage, and the schemas Hyphae derives for its stages evolve with them. An incompatible version 3 is refused by
 * the registry and the producer says so; `hyphae schemas check` tells compatible from incompatible reader schemas.
 */
@ExtendWith(RealKafkaExtension.class)
class SchemaEvolutionIT {

    private static final Path SCHEMAS = Path.of("../schemas/avro").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String event(String id, String channel) {
        return "{\"eventId\": \"" + id + "\", \"customerId\": \"C-1\", \"policyId\": \"P-1\", \"changedAt\": \"2026-11-02T08:00:00Z\","
                + " \"newAddress\": {\"street\": \"Langstrasse 1\", \"postalCode\": \"8004\", \"city\": \"Zurich\"}, \"currentPremium\": 800.0"
                + (channel == null ? "" : ", \"channel\": \"" + channel + "\"") + "}";
    }

    @Test
    void producersEvolveWhileTheRouteRuns(KafkaCluster cluster, RegistryServer registry, @TempDir Path dir) throws Exception {
        String name = Kafka.unique("evolve");
        Kafka kafka = new Kafka(cluster.bootstrapServers());
        Path file = dir.resolve("routes.yaml");
        Files.writeString(file, """
                application: %1$s
                registry: { url: "%2$s" }
                routes:
                  changes:
                    from: %1$s.changes
                    format: avro
                    stages:
                      - checked: { validate: { required: [customerId, newAddress.postalCode] } }
                      - stamped: { transform: { set: { seen: "true" } } }
                """.formatted(name, registry.url()));
        RouteFile routes = new RouteFileLoader(n -> null).load(file);
        Path v1 = SCHEMAS.resolve("insurance/AddressChanged.avsc");
        Path v2 = SCHEMAS.resolve("evolution/AddressChangedV2.avsc");
        Path v3 = SCHEMAS.resolve("evolution/AddressChangedV3Incompatible.avsc");
        Path v1Events = dir.resolve("v1.jsonl");
        Files.writeString(v1Events, event("v1-a", null) + "\n" + event("v1-b", null) + "\n");
        Path v2Events = dir.resolve("v2.jsonl");
        Files.writeString(v2Events, event("v2-a", "phone") + "\n" + event("v2-b", "app") + "\n");
        AvroFormat avro = (AvroFormat) new Formats(RegistrySettings.NONE.withUrl(registry.url())).of(Format.AVRO, Optional.empty());

        try (HyphaeApplication app = new HyphaeApplication(routes, cluster.bootstrapServers(), m -> { })) {
            app.start();
            app.awaitRunning(Duration.ofSeconds(60));
            Cli first = Cli.run("produce", "-t", name + ".changes", "-i", v1Events.toString(), "-k", "eventId", "--avro-schema", v1.toString(),
                    "-b", cluster.bootstrapServers(), "--registry-url", registry.url());
            assertThat(first.code()).as(first.err()).isZero();
            Cli second = Cli.run("produce", "-t", name + ".changes", "-i", v2Events.toString(), "-k", "eventId", "--avro-schema", v2.toString(),
                    "-b", cluster.bootstrapServers(), "--registry-url", registry.url());
            assertThat(second.code()).as(second.err()).isZero();

            Cli refused = Cli.run("produce", "-t", name + ".changes", "-i", v1Events.toString(), "--avro-schema", v3.toString(),
                    "-b", cluster.bootstrapServers(), "--registry-url", registry.url());
            assertThat(refused.code()).isEqualTo(1);
            assertThat(refused.err()).contains("the schema registry refused " + v3).containsIgnoringCase("incompatible");

            for (String stage : List.of("checked", "stamped")) {
                List<Kafka.Text> out = kafka.readCommitted(name + ".changes." + stage, 4, Duration.ofSeconds(60));
                assertThat(out).as(stage).hasSize(4);
                List<JsonNode> values = out.stream().map(r -> json(avro, r)).toList();
                assertThat(values).extracting(v -> v.get("eventId").asText()).containsExactlyInAnyOrder("v1-a", "v1-b", "v2-a", "v2-b");
                assertThat(values).filteredOn(v -> v.get("eventId").asText().startsWith("v2"))
                        .extracting(v -> v.get("channel").asText()).containsExactlyInAnyOrder("phone", "app");
                if (stage.equals("stamped")) {
                    assertThat(values).allSatisfy(v -> assertThat(v.get("seen").asBoolean()).isTrue());
                }
            }
            assertThat(kafka.readCommitted(name + ".changes", 5, Duration.ofSeconds(5))).as("the refused version sent nothing").hasSize(4);
        }

        // A route reading with version 1 can read version 2 records; one reading with version 3 cannot.
        Path checked = dir.resolve("check.yaml");
        Files.writeString(checked, """
                application: %1$s
                registry: { url: "%2$s" }
                routes:
                  changes: { from: %1$s.changes, format: avro, schema: "%3$s", stages: [ { s: { filter: { when: "true" } } } ] }
                """.formatted(name, registry.url(), v1));
        Cli ok = Cli.run("schemas", "check", checked.toString());
        assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
        assertThat(ok.out()).contains(name + ".changes-value").contains("OK");
        Files.writeString(checked, Files.readString(checked).replace(v1.toString(), v3.toString()));
        Cli bad = Cli.run("schemas", "check", checked.toString());
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.out()).contains("INCOMPATIBLE").contains("can not read the latest version");
    }

    private static JsonNode json(AvroFormat avro, Kafka.Text record) {
        try {
            return JSON.readTree(Formats.json().encode(record.topic(), avro.decode(record.topic(), record.bytes())));
        } catch (Exception e) {
            throw new AssertionError(String.valueOf(record), e);
        }
    }
}
