package io.hyphae.runtime;

import io.hyphae.event.LineageHeaders;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.hyphae.runtime.RouteDriver.header;
import static io.hyphae.runtime.RouteDriver.text;
import static org.assertj.core.api.Assertions.assertThat;

/** The shipped insurance example, Avro and JSON, end to end under the TopologyTestDriver, with its shipped sample data. */
@ParameterizedClass
@ValueSource(strings = {"insurance.yaml", "insurance-json.yaml"})
class InsuranceRouteTest {

    static final Path EXAMPLE = Path.of("../examples/insurance");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameter
    String routeFile;

    private RouteDriver route;
    private List<String> eventLines;
    private final List<byte[]> sent = new java.util.ArrayList<>();
    private String app;
    private String input;

    @BeforeEach
    void start() throws IOException {
        route = RouteDriver.of(EXAMPLE.resolve(routeFile));
        app = route.file.application();
        input = route.file.route("address-changed").orElseThrow().from();
        String table = route.file.table("geo-risk").orElseThrow().topic();
        for (String row : Files.readAllLines(EXAMPLE.resolve("geo-risk.jsonl"), StandardCharsets.UTF_8)) {
            route.sendJson(table, JSON.readTree(row).get("postalCode").asText(), row);
        }
        eventLines = Files.readAllLines(EXAMPLE.resolve("address-changed.jsonl"), StandardCharsets.UTF_8);
        for (String line : eventLines) {
            sent.add(route.sendJson(input, "customer-key", line));
        }
    }

    private String stage(String route, String stage) {
        return app + "." + route + "." + stage;
    }

    @AfterEach
    void stop() {
        route.close();
    }

    @Test
    void everyStageTopicHoldsThatStagesViewOfTheEvent() throws IOException {
        assertThat(ids(stage("address-changed", "validated"))).containsExactly("ev-0001", "ev-0002", "ev-0003", "ev-0004", "ev-0006");
        List<JsonNode> enriched = json(stage("address-changed", "enriched"));
        assertThat(enriched).extracting(n -> n.get("eventId").asText()).containsExactly("ev-0001", "ev-0002", "ev-0003", "ev-0004");
        assertThat(enriched.get(0).get("geo").get("accidentsPer1000").asDouble()).isEqualTo(24.1);
        assertThat(enriched.get(0).has("riskBand")).as("the enriched view precedes pricing").isFalse();

        List<JsonNode> priced = json(stage("address-changed", "priced"));
        assertThat(priced).extracting(n -> n.get("riskBand").asText()).containsExactly("HIGH", "LOW", "HIGH", "LOW");
        assertThat(priced.get(0).get("newPremium").asDouble()).isEqualTo(840.0 * 1.25);
        assertThat(priced.get(1).get("newPremium").asDouble()).isEqualTo(720.0);
    }

    @Test
    void routerSendsOnlyHighRiskToManualReviewAndTheRestToPolicyUpdate() throws IOException {
        assertThat(ids(stage("manual-review", "queued"))).containsExactly("ev-0001", "ev-0003");
        assertThat(json(stage("manual-review", "queued"))).allSatisfy(n -> {
            assertThat(n.get("riskBand").asText()).isEqualTo("HIGH");
            assertThat(n.get("reviewReason").asText()).startsWith("accident volume ");
        });
        assertThat(ids(app + ".policy-update")).containsExactly("ev-0002", "ev-0004");
        List<TestRecord<byte[], byte[]>> routed = route.read(stage("address-changed", "routed"));
        assertThat(routed).extracting(r -> header(r, LineageHeaders.DESTINATION))
                .containsExactly(app + ".manual-review.requests", app + ".policy-update",
                        app + ".manual-review.requests", app + ".policy-update");
    }

    @Test
    void badSamplesLandInTheDeadLetterTopicWithTheirOriginalBytesAndReason() {
        List<TestRecord<byte[], byte[]>> dead = route.read(stage("address-changed", "dlq"));
        assertThat(dead).hasSize(4);
        assertThat(dead).extracting(r -> r.value()).containsExactly(sent.get(4), sent.get(5), sent.get(6), sent.get(7));
        assertThat(dead).extracting(r -> header(r, LineageHeaders.ERROR_STAGE))
                .containsExactly("address-changed.validated", "address-changed.enriched", "address-changed.validated", "address-changed.ingest");
        assertThat(header(dead.get(0), LineageHeaders.ERROR_REASON)).isEqualTo("validation failed: customerId must not be empty");
        assertThat(header(dead.get(1), LineageHeaders.ERROR_REASON)).contains("no row in table 'geo-risk' for key '9999'");
        assertThat(header(dead.get(2), LineageHeaders.ERROR_REASON)).contains("required field 'newAddress.postalCode' is missing");
        assertThat(header(dead.get(3), LineageHeaders.ERROR_REASON)).startsWith(routeFile.equals("insurance.yaml")
                ? "cannot decode: not Confluent-framed Avro: magic byte is 123" : "cannot decode: invalid JSON");
        assertThat(dead).allSatisfy(r -> {
            assertThat(text(r.key())).isEqualTo("customer-key");
        });
        assertThat(dead).extracting(r -> header(r, LineageHeaders.SOURCE))
                .containsExactly(input + "-0@4", input + "-0@5", input + "-0@6", input + "-0@7");
    }

    @Test
    void stageRecordsCarryLineageHeaders() {
        List<TestRecord<byte[], byte[]>> enriched = route.read(stage("address-changed", "enriched"));
        TestRecord<byte[], byte[]> first = enriched.get(0);
        assertThat(header(first, LineageHeaders.SOURCE)).isEqualTo(input + "-0@0");
        assertThat(first.headers().toArray()).as("the topic names the stage: lineage is the source alone").hasSize(1);

        // A router says where it sent the event on its stage topic, and who sent it on the topic it routed to.
        TestRecord<byte[], byte[]> routed = route.read(stage("address-changed", "routed")).get(0);
        assertThat(header(routed, LineageHeaders.DESTINATION)).isIn(app + ".manual-review.requests", app + ".policy-update");
        assertThat(header(routed, LineageHeaders.STAGE)).isNull();
        TestRecord<byte[], byte[]> request = route.read(app + ".manual-review.requests").get(0);
        assertThat(header(request, LineageHeaders.STAGE)).isEqualTo("address-changed.routed");
        assertThat(header(request, LineageHeaders.SOURCE)).startsWith(input + "-0@");
        assertThat(header(request, LineageHeaders.DESTINATION)).isNull();

        // Routed on to manual-review, the event keeps where it first entered and names its new route and stage.
        TestRecord<byte[], byte[]> review = route.read(stage("manual-review", "queued")).get(0);
        assertThat(header(review, LineageHeaders.SOURCE)).startsWith(input + "-0@");
        assertThat(header(review, LineageHeaders.STAGE)).as("an earlier route's router").isNull();
        assertThat(header(review, LineageHeaders.DESTINATION)).isNull();
    }

    @Test
    void validateForwardsTheBytesItReceivedUnchanged() {
        List<TestRecord<byte[], byte[]>> validated = route.read(stage("address-changed", "validated"));
        assertThat(validated.get(0).value()).isEqualTo(sent.get(0));
    }

    private List<String> ids(String topic) throws IOException {
        return json(topic).stream().map(n -> n.get("eventId").asText()).toList();
    }

    private List<JsonNode> json(String topic) throws IOException {
        List<JsonNode> out = new java.util.ArrayList<>();
        for (String v : route.readValues(topic)) {
            out.add(JSON.readTree(v));
        }
        return out;
    }
}
