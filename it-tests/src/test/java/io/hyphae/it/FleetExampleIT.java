package io.hyphae.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyphae.cli.HyphaeCommand;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped drone-fleet example through the command {@code examples/fleet/run.sh} runs ({@code hyphae demo} with its
 * sample files), on a real broker; then the stage topics are read back with read_committed: what its README says
 * each holds, it holds. Without a Connect worker the bridges are only reported, as the README says.
 */
@ExtendWith(RealKafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FleetExampleIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String FLIGHT = "F-it";

    private Kafka kafka;
    private String demoOutput;

    @BeforeAll
    void runTheExample(KafkaCluster cluster, @TempDir Path dir) throws IOException {
        kafka = new Kafka(cluster.bootstrapServers());
        Path telemetry = dir.resolve("telemetry.jsonl");
        Files.writeString(telemetry, Files.readString(Path.of("../examples/fleet/telemetry.jsonl")).replace("@FLIGHT@", FLIGHT));
        StringWriter out = new StringWriter();
        CommandLine cli = HyphaeCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        int code = cli.execute("demo", "../examples/fleet/fleet.yaml", "-b", cluster.bootstrapServers(), "--no-local",
                "--load", "fleet.registry=../examples/fleet/registry.jsonl:droneId",
                "--load", "fleet.telemetry=" + telemetry + ":droneId",
                "--settle", "8");
        demoOutput = out.toString();
        assertThat(code).as(demoOutput).isZero();
    }

    @Test
    void demoReportsWhatTheReadmeSaysEachStageHolds() {
        assertThat(demoOutput)
                .contains("fleet.telemetry.unique: 18 records")
                .contains("fleet.telemetry.unique.duplicates: 4 records")
                .contains("fleet.telemetry.ordered: 18 records")
                .contains("fleet.telemetry.checked: 17 records")
                .contains("fleet.telemetry.registered: 16 records")
                .contains("fleet.telemetry.assessed: 16 records")
                .contains("fleet.alerts: 3 records")
                .contains("fleet.positions: 13 records")
                .contains("fleet.telemetry.dlq: 2 records")
                .contains("2 bridge(s) but no Kafka Connect worker is configured");
    }

    @Test
    void afterUniqueEveryReadingIsThereOnceAndAfterOrderedInSequenceOrderPerDrone() {
        List<Kafka.Text> unique = kafka.readCommitted("fleet.telemetry.unique", 18, TIMEOUT);
        assertThat(unique).extracting(r -> field(r, "eventId")).doesNotHaveDuplicates().hasSize(18);
        assertThat(kafka.readCommitted("fleet.telemetry.unique.duplicates", 4, TIMEOUT)).extracting(r -> field(r, "eventId"))
                .containsExactlyInAnyOrder(FLIGHT + "-falcon-2-002", FLIGHT + "-falcon-1-003", FLIGHT + "-hawk-3-003", FLIGHT + "-falcon-2-005");

        List<Kafka.Text> ordered = kafka.readCommitted("fleet.telemetry.ordered", 18, TIMEOUT);
        Map<String, List<Integer>> seqs = new LinkedHashMap<>();
        for (Kafka.Text r : ordered) {
            seqs.computeIfAbsent(field(r, "droneId"), d -> new ArrayList<>()).add(json(r).get("seq").asInt());
        }
        assertThat(seqs.get("falcon-1")).containsExactly(1, 2, 3, 4, 5, 6, 7);
        assertThat(seqs.get("falcon-2")).containsExactly(1, 2, 3, 4, 5);
        assertThat(seqs.get("hawk-3")).containsExactly(1, 2, 3, 5, 6);
        assertThat(ordered).filteredOn(r -> r.header("hyphae.resequence.gap") != null)
                .extracting(r -> field(r, "eventId") + " " + r.header("hyphae.resequence.gap"))
                .containsExactly(FLIGHT + "-hawk-3-005 4-4");
    }

    @Test
    void alertsAndPositionsAreAssessedAgainstTheRegistry() {
        List<Kafka.Text> alerts = kafka.readCommitted("fleet.alerts", 3, TIMEOUT);
        assertThat(alerts).extracting(r -> field(r, "eventId"))
                .containsExactlyInAnyOrder(FLIGHT + "-falcon-1-005", FLIGHT + "-falcon-2-004", FLIGHT + "-falcon-2-005");
        assertThat(alerts).allSatisfy(r -> {
            JsonNode v = json(r);
            assertThat(v.get("lowBattery").asBoolean() || v.get("altitudeMarginM").asDouble() < 0).as(r.value()).isTrue();
            assertThat(v.has("drone")).isFalse();
        });
        List<Kafka.Text> positions = kafka.readCommitted("fleet.positions", 13, TIMEOUT);
        assertThat(positions).hasSize(13).allSatisfy(r -> {
            JsonNode v = json(r);
            assertThat(v.get("lowBattery").asBoolean()).isFalse();
            assertThat(v.get("altitudeMarginM").asDouble()).isNotNegative();
            assertThat(v.get("unit").asText()).startsWith("Recon-");
        });
        assertThat(kafka.readCommitted("fleet.telemetry.dlq", 2, TIMEOUT)).extracting(r -> r.header("hyphae.error.stage"))
                .containsExactlyInAnyOrder("telemetry.checked", "telemetry.registered");
    }

    private static String field(Kafka.Text record, String name) {
        return json(record).get(name).asText();
    }

    private static JsonNode json(Kafka.Text record) {
        try {
            return JSON.readTree(record.value());
        } catch (IOException e) {
            throw new UncheckedIOException(record.toString(), e);
        }
    }
}
