package io.hyphae.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyphae.cli.HyphaeCommand;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;
import io.hyphae.format.Formats;
import io.hyphae.format.avro.AvroFormat;
import io.hyphae.route.Format;
import io.hyphae.route.RegistrySettings;
import java.util.Optional;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped insurance example, on Avro, on a real broker and a real schema registry, through the same
 * `hyphae demo` command the README's first command runs; then every stage topic is read back with read_committed.
 */
@ExtendWith(RealKafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InsuranceExampleIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private Kafka kafka;
    private String demoOutput;
    private String registryUrl;
    private AvroFormat avro;

    @BeforeAll
    void runTheExample(KafkaCluster cluster, RegistryServer registry) {
        kafka = new Kafka(cluster.bootstrapServers());
        registryUrl = registry.url();
        avro = (AvroFormat) new Formats(RegistrySettings.NONE.withUrl(registry.url())).of(Format.AVRO, Optional.empty());
        StringWriter out = new StringWriter();
        CommandLine cli = HyphaeCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        int code = cli.execute("demo", "../examples/insurance/insurance.yaml", "-b", cluster.bootstrapServers(),
                "--registry-url", registry.url(),
                "--load", "geo.accident-volume=../examples/insurance/geo-risk.jsonl:postalCode",
                "--load", "customer.address-changed=../examples/insurance/address-changed.jsonl:customerId");
        demoOutput = out.toString();
        assertThat(code).as(demoOutput).isZero();
    }

    private List<String> ids(List<Kafka.Text> records) {
        return records.stream().map(r -> json(r).get("eventId").asText()).sorted().toList();
    }

    /** The record's Avro value, decoded with the registry, as JSON. */
    private JsonNode json(Kafka.Text record) {
        try {
            return JSON.readTree(Formats.json().encode(record.topic(), avro.decode(record.topic(), record.bytes())));
        } catch (Exception e) {
            throw new AssertionError(String.valueOf(record), e);
        }
    }

    @Test
    void everyAvroTopicHyphaeWritesHasItsSubject() throws Exception {
        // Forwarded records keep their writer's schema id; its schema is registered under each topic's subject too.
        HttpResponse<String> subjects = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(registryUrl + "/subjects")).GET().build(), HttpResponse.BodyHandlers.ofString());
        List<String> names = JSON.readValue(subjects.body(), JSON.getTypeFactory().constructCollectionType(List.class, String.class));
        assertThat(names).contains("insurance.address-changed.validated-value", "insurance.address-changed.enriched-value",
                "insurance.address-changed.priced-value", "insurance.address-changed.routed-value", "insurance.manual-review.requests-value",
                "insurance.policy-update-value", "insurance.manual-review.queued-value");
    }

    @Test
    void demoReportsWhatArrivedOnEveryStage() {
        assertThat(demoOutput)
                .contains("insurance.address-changed.validated: 5 records")
                .contains("insurance.address-changed.enriched: 4 records")
                .contains("insurance.manual-review.requests: 2 records")
                .contains("insurance.policy-update: 2 records")
                .contains("insurance.address-changed.dlq: 4 records")
                .contains("enrich miss: no row in table 'geo-risk' for key '9999'");
    }

    @Test
    void everyStageTopicHoldsExactlyTheExpectedRecords() {
        assertThat(ids(kafka.readCommitted("insurance.address-changed.validated", 5, TIMEOUT)))
                .containsExactly("ev-0001", "ev-0002", "ev-0003", "ev-0004", "ev-0006");
        List<Kafka.Text> enriched = kafka.readCommitted("insurance.address-changed.enriched", 4, TIMEOUT);
        assertThat(ids(enriched)).containsExactly("ev-0001", "ev-0002", "ev-0003", "ev-0004");
        assertThat(enriched).allSatisfy(r -> assertThat(json(r).get("geo").get("accidentsPer1000").isNumber()).isTrue());
        List<Kafka.Text> priced = kafka.readCommitted("insurance.address-changed.priced", 4, TIMEOUT);
        assertThat(priced).allSatisfy(r -> {
            JsonNode v = json(r);
            assertThat(v.get("riskBand").asText()).isEqualTo(v.get("geo").get("accidentsPer1000").asDouble() > 20 ? "HIGH" : "LOW");
        });
        assertThat(ids(kafka.readCommitted("insurance.manual-review.queued", 2, TIMEOUT))).containsExactly("ev-0001", "ev-0003");
        assertThat(ids(kafka.readCommitted("insurance.policy-update", 2, TIMEOUT))).containsExactly("ev-0002", "ev-0004");
        assertThat(kafka.readCommitted("insurance.address-changed.dlq", 4, TIMEOUT)).hasSize(4)
                .extracting(r -> r.header("hyphae.error.stage")).containsExactlyInAnyOrder("address-changed.ingest", "address-changed.validated",
                        "address-changed.validated", "address-changed.enriched");
    }

    @Test
    void stageRecordsCarryLineageHeadersOnTheWire() {
        List<Kafka.Text> queued = kafka.readCommitted("insurance.manual-review.queued", 2, TIMEOUT);
        assertThat(queued).allSatisfy(r -> {
            assertThat(r.header("hyphae.source")).matches("customer\\.address-changed-[0-9]+@[0-9]+");
        });
        assertThat(kafka.readCommitted("insurance.address-changed.routed", 4, TIMEOUT))
                .extracting(r -> r.header("hyphae.destination")).containsOnly("insurance.manual-review.requests", "insurance.policy-update");
        assertThat(kafka.readCommitted("insurance.policy-update", 1, TIMEOUT))
                .extracting(r -> r.header("hyphae.stage")).containsOnly("address-changed.routed");
    }
}
