package io.hyphae.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.hyphae.format.Formats;
import io.hyphae.format.avro.AvroFormat;
import io.hyphae.format.avro.InMemorySchemaRegistry;
import io.hyphae.route.RouteDefinition;
import io.hyphae.route.RouteFile;
import io.hyphae.route.loader.RouteFileLoader;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The body of {@code POST /v1/topics/{topic}/events} read into records (ApiServerIT sends them through a real
 * server to a real broker; here a MockProducer takes them).
 */
class EventIngestTest {

    @TempDir
    Path dir;

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private RouteFile file;
    private EventIngest ingest;

    @BeforeEach
    void load() throws IOException {
        Files.writeString(dir.resolve("Payment.avsc"), """
                {"type": "record", "name": "Payment", "namespace": "io.hyphae.test", "fields": [
                  {"name": "id", "type": "long"}, {"name": "note", "type": ["null", "string"], "default": null}]}""");
        Files.writeString(dir.resolve("routes.yaml"), """
                application: shop
                routes:
                  orders:
                    from: orders
                    stages:
                      - checked: { filter: { when: "true" } }
                  payments:
                    from: payments
                    format: avro
                    schema: Payment.avsc
                    stages:
                      - checked: { filter: { when: "true" } }
                """);
        file = new RouteFileLoader(n -> null).load(dir.resolve("routes.yaml"));
        ingest = new EventIngest(file, new Formats(file.registry(), () -> registry), producer, 3);
    }

    private RouteDefinition route(String name) {
        return file.routes().get(name);
    }

    private List<ProducerRecord<byte[], byte[]>> records(String route, String body) throws EventIngest.Refused {
        return ingest.records(route(route), body.getBytes(StandardCharsets.UTF_8), Optional.empty());
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    private static Map<String, String> headers(ProducerRecord<byte[], byte[]> record) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Header h : record.headers()) {
            out.put(h.key(), text(h.value()));
        }
        return out;
    }

    @Test
    void aJsonValueIsWrittenAsItCame() throws Exception {
        String value = "{ \"id\" : 7,\n \"tags\": [\"a\", {\"b\": null}], \"s\": \"\\u00e9\\\"}\" }";
        List<ProducerRecord<byte[], byte[]>> out = records("orders", "{\"key\": \"k1\", \"value\": " + value + ", \"headers\": {\"trace\": \"t-1\"}}");
        assertThat(out).hasSize(1);
        assertThat(out.get(0).topic()).isEqualTo("orders");
        assertThat(text(out.get(0).key())).isEqualTo("k1");
        assertThat(text(out.get(0).value())).isEqualTo(value);
        assertThat(headers(out.get(0))).containsExactly(Map.entry("trace", "t-1"));
    }

    @Test
    void scalarValuesAndNumericKeysAreTakenWhole() throws Exception {
        List<ProducerRecord<byte[], byte[]>> out = records("orders", """
                [{"value": 12.50, "key": 1.50}, {"value": "text with , and }", "key": 42}, {"key": null, "value": true}]""");
        assertThat(out).extracting(r -> text(r.value())).containsExactly("12.50", "\"text with , and }\"", "true");
        assertThat(out).extracting(r -> text(r.key())).containsExactly("1.50", "42", null);
        assertThat(text(records("orders", "{\"value\": null}").get(0).value())).isEqualTo("null");
        assertThat(text(records("orders", "  {\"value\":[1,[2,3]]}  \n").get(0).value())).isEqualTo("[1,[2,3]]");
    }

    @Test
    void theIdempotencyKeyTravelsAsAHeaderOfEveryEvent() throws Exception {
        List<ProducerRecord<byte[], byte[]>> out = ingest.records(route("orders"),
                "[{\"value\": 1}, {\"value\": 2}]".getBytes(StandardCharsets.UTF_8), Optional.of("req-9"));
        assertThat(out).extracting(r -> headers(r).get(EventIngest.IDEMPOTENCY_HEADER)).containsExactly("req-9", "req-9");
    }

    @Test
    void sendProducesAndAnswersWhereEachEventLanded() throws Exception {
        JsonNode answer = HttpExchanges.JSON.readTree(ingest.send("orders", "[{\"value\": {\"a\": 1}}, {\"value\": {\"a\": 2}}]".getBytes(StandardCharsets.UTF_8), Optional.empty()));
        assertThat(producer.history()).extracting(r -> text(r.value())).containsExactly("{\"a\": 1}", "{\"a\": 2}");
        assertThat(answer.path("topic").asText()).isEqualTo("orders");
        assertThat(answer.path("records")).hasSize(2);
        assertThat(answer.path("records").get(1).path("offset").asLong()).isEqualTo(1);
    }

    @Test
    void anAvroRouteGetsTheValueInItsSchema() throws Exception {
        List<ProducerRecord<byte[], byte[]>> out = records("payments", "{\"value\": {\"id\": 5, \"note\": \"x\"}}");
        assertThat(AvroFormat.schemaId(out.get(0).value())).isPresent();
        assertThat(new Formats(file.registry(), () -> registry).of(route("payments").format(), route("payments").schema())
                .decode("payments", out.get(0).value())).isEqualTo(Map.of("id", 5L, "note", "x"));
        assertThatThrownBy(() -> records("payments", "{\"value\": [1]}")).isInstanceOfSatisfying(EventIngest.Refused.class, e -> {
            assertThat(e.status).isEqualTo(422);
            assertThat(e.getMessage()).isEqualTo("event.value must be an object to be written as Avro record io.hyphae.test.Payment");
        });
        assertThatThrownBy(() -> records("payments", "{\"value\": {\"id\": \"five\"}}")).isInstanceOfSatisfying(EventIngest.Refused.class, e -> {
            assertThat(e.status).isEqualTo(422);
            assertThat(e.getMessage()).startsWith("event.value does not fit Avro schema io.hyphae.test.Payment: ");
        });
    }

    private static void refused(ThrowingBody body, int status, String error, String message) {
        assertThatThrownBy(body::run).isInstanceOfSatisfying(EventIngest.Refused.class, e -> {
            assertThat(e.status).isEqualTo(status);
            assertThat(e.error).isEqualTo(error);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }

    interface ThrowingBody {
        void run() throws Exception;
    }

    @Test
    void malformedJsonIsRefusedWithItsPosition() {
        refused(() -> records("orders", "{\"value\": {\"a\": 1,\n \"b\": }}"), 400, "invalid-json",
                "the body is not JSON at line 2, column 7: Unexpected character ('}' (code 125)): expected a value");
        refused(() -> records("orders", ""), 400, "invalid-json", "the body is empty; expected an event {\"value\": ...} or a list of them");
        refused(() -> records("orders", "{\"value\": 1} {\"value\": 2}"), 400, "invalid-json", "the body goes on after the event at line 1, column 14");
        refused(() -> records("orders", "[{\"value\": 1}] x"), 400, "invalid-json",
                "the body is not JSON at line 1, column 16: Unrecognized token 'x': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')");
        refused(() -> records("orders", "[{\"value\": 1}"), 400, "invalid-json",
                "the body is not JSON at line 1, column 14: Unexpected end-of-input: expected close marker for Array (opened at line 1, column 1)");
    }

    @Test
    void eventsThatAreNotEnvelopesAreRefusedNamingTheEvent() {
        refused(() -> records("orders", "[{\"value\": 1}, 2]"), 400, "invalid-event",
                "event[1] is not an object {\"value\": ..., \"key\": ..., \"headers\": {...}}");
        refused(() -> records("orders", "{\"key\": \"k\"}"), 400, "invalid-event", "event has no 'value'");
        refused(() -> records("orders", "{\"value\": 1, \"vale\": 2}"), 400, "invalid-event",
                "event has an unknown field 'vale'; expected value, key, headers");
        refused(() -> records("orders", "{\"value\": 1, \"key\": {\"a\": 1}}"), 400, "invalid-event", "event.key must be a string or a number");
        refused(() -> records("orders", "{\"value\": 1, \"headers\": [\"a\"]}"), 400, "invalid-event",
                "event.headers must be an object of names to strings");
        refused(() -> records("orders", "{\"value\": 1, \"headers\": {\"n\": 1}}"), 400, "invalid-event", "event.headers.n must be a string");
        refused(() -> records("orders", "{\"value\": 1, \"headers\": {\"hyphae.stage\": \"x\"}}"), 400, "invalid-event",
                "event.headers.hyphae.stage: hyphae.* headers are set by Hyphae");
        refused(() -> records("orders", "[]"), 400, "invalid-event", "a batch holds 1 to 3 events, not 0");
        refused(() -> records("orders", "[{\"value\": 1}, {\"value\": 2}, {\"value\": 3}, {\"value\": 4}]"), 400, "invalid-event",
                "a batch holds 1 to 3 events, not 4");
    }

    @Test
    void aTopicThatIsNoRoutesInputIsUnknown() {
        refused(() -> ingest.send("elsewhere", "{\"value\": 1}".getBytes(StandardCharsets.UTF_8), Optional.empty()), 404, "unknown-topic",
                "'elsewhere' is not the input topic of a route of this file; inputs: [orders, payments]");
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void aBodyThatIsNotUtf8IsRefused() {
        refused(() -> ingest.records(route("orders"), "{\"value\": 1}".getBytes(StandardCharsets.UTF_16), Optional.empty()), 400, "invalid-json",
                "the body is not JSON in UTF-8");
    }
}
