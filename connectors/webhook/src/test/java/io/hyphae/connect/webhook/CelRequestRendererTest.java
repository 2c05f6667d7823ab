package io.hyphae.connect.webhook;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The CEL renderer over raw JSON events: filter, body, headers, query and keys, as a subscriber of a route file. */
class CelRequestRendererTest {

    private static final String EVENT = "{\"id\":\"o-1\",\"total\":120,\"band\":\"HIGH\",\"lines\":[1,2]}";

    private static CelRequestRenderer renderer(String... keyValues) {
        Map<String, String> config = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            config.put(keyValues[i], keyValues[i + 1]);
        }
        CelRequestRenderer renderer = new CelRequestRenderer();
        renderer.configure(config);
        return renderer;
    }

    private static SinkRecord record(String key, String value) {
        return new SinkRecord("shop.orders.priced", 0, Schema.OPTIONAL_BYTES_SCHEMA, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                Schema.OPTIONAL_BYTES_SCHEMA, value == null ? null : value.getBytes(StandardCharsets.UTF_8), 7);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void filterDecidesWhatIsDelivered() {
        CelRequestRenderer r = renderer(CelRequestRenderer.FILTER, "value.band == 'HIGH'");
        assertThat(r.render(record("k", EVENT))).isPresent();
        assertThat(r.render(record("k", EVENT.replace("HIGH", "LOW")))).isEmpty();
    }

    @Test
    void defaultBodyIsTheEventsBytesUnchanged() {
        String spaced = "{ \"id\" : \"o-1\",   \"total\": 120.50 }";
        WebhookRequest request = renderer().render(record("k", spaced)).orElseThrow();
        assertThat(request.body()).isEqualTo(spaced.getBytes(StandardCharsets.UTF_8));
        assertThat(request.contentType()).isEqualTo("application/json");
        assertThat(request.headers()).isEmpty();
        assertThat(request.query()).isEmpty();
    }

    @Test
    void aMapBodyIsSentAsJson() {
        WebhookRequest request = renderer(CelRequestRenderer.BODY, "{'order': value.id, 'amount': value.total, 'n': size(value.lines)}")
                .render(record("k", EVENT)).orElseThrow();
        assertThat(request.contentType()).isEqualTo("application/json");
        assertThat(text(request.body())).isEqualTo("{\"order\":\"o-1\",\"amount\":120,\"n\":2}");
    }

    @Test
    void aStringBodyIsSentAsText() {
        WebhookRequest request = renderer(CelRequestRenderer.BODY, "'order ' + value.id").render(record("k", EVENT)).orElseThrow();
        assertThat(request.contentType()).startsWith("text/plain");
        assertThat(text(request.body())).isEqualTo("order o-1");
    }

    @Test
    void headersAndQueryComeFromCel() {
        WebhookRequest request = renderer(
                CelRequestRenderer.HEADERS, "{\"X-Order\": \"value.id\", \"X-Total\": \"value.total\"}",
                CelRequestRenderer.QUERY, "{\"key\": \"key\", \"band\": \"value.band\"}")
                .render(record("cust-9", EVENT)).orElseThrow();
        assertThat(request.headers()).containsOnly(Map.entry("X-Order", "o-1"), Map.entry("X-Total", "120"));
        assertThat(request.query()).containsOnly(Map.entry("key", "cust-9"), Map.entry("band", "HIGH"));
    }

    @Test
    void keysAreDecodedAsStringOrJson() {
        assertThat(renderer(CelRequestRenderer.FILTER, "key == '{\"c\":7}'").render(record("{\"c\":7}", EVENT))).isPresent();
        CelRequestRenderer json = renderer(CelRequestRenderer.KEY_FORMAT, "json", CelRequestRenderer.FILTER, "key.c == 7");
        assertThat(json.render(record("{\"c\":7}", EVENT))).isPresent();
        assertThat(json.render(record("{\"c\":8}", EVENT))).isEmpty();
        assertThat(renderer(CelRequestRenderer.QUERY, "{\"k\": \"key\"}").render(record(null, EVENT)).orElseThrow().query())
                .as("no key: the parameter is left out").isEmpty();
    }

    @Test
    void aTombstoneIsSkipped() {
        assertThat(renderer().render(record("k", null))).isEmpty();
        assertThat(renderer(CelRequestRenderer.FILTER, "true").render(record("k", null))).isEqualTo(Optional.empty());
    }

    @Test
    void invalidCelIsAConfigErrorNamingTheKey() {
        assertThatThrownBy(() -> renderer(CelRequestRenderer.FILTER, "value.total >")).isInstanceOf(ConfigException.class)
                .hasMessageContaining(CelRequestRenderer.FILTER).hasMessageContaining("invalid CEL");
        assertThatThrownBy(() -> renderer(CelRequestRenderer.FILTER, "value.total + 1")).isInstanceOf(ConfigException.class)
                .hasMessageContaining(CelRequestRenderer.FILTER);
        assertThatThrownBy(() -> renderer(CelRequestRenderer.HEADERS, "{\"X-A\": \"value.(\"}")).isInstanceOf(ConfigException.class)
                .hasMessageContaining(CelRequestRenderer.HEADERS + ".X-A");
        assertThatThrownBy(() -> renderer(CelRequestRenderer.QUERY, "[1]")).isInstanceOf(ConfigException.class)
                .hasMessageContaining(CelRequestRenderer.QUERY);
        assertThatThrownBy(() -> renderer(CelRequestRenderer.FORMAT, "avro")).isInstanceOf(ConfigException.class)
                .hasMessageContaining(CelRequestRenderer.REGISTRY_URL);
    }

    @Test
    void anEvaluationErrorThrowsSoTheEngineDeadLettersIt() {
        CelRequestRenderer r = renderer(CelRequestRenderer.BODY, "{'n': value.customer.name}");
        assertThatThrownBy(() -> r.render(record("k", EVENT))).isInstanceOf(RuntimeException.class);
        CelRequestRenderer f = renderer(CelRequestRenderer.FILTER, "value.missing > 1");
        assertThatThrownBy(() -> f.render(record("k", EVENT))).isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> renderer().render(record("k", "not json"))).as("an event that does not decode").isInstanceOf(RuntimeException.class);
    }
}
