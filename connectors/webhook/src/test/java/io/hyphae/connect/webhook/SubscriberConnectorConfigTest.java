package io.hyphae.connect.webhook;

import io.hyphae.plan.CheckedFile;
import io.hyphae.plan.CheckedSubscriber;
import io.hyphae.route.loader.RouteFileLoader;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.converters.ByteArrayConverter;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The Connect configuration rendered for each subscriber of a route file is complete, masked when printed, and valid. */
class SubscriberConnectorConfigTest {

    private static final String SECRET_A = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String SECRET_B = "whsec_dGVzdHNlY3JldHRlc3RzZWNyZXQ=";

    private static final String FILE = """
            application: shop
            topics: { partitions: 3 }
            routes:
              orders:
                from: shop.orders.in
                keyFormat: json
                stages:
                  - validated: { validate: { rules: ["value.total > 0"] } }
                  - priced: { transform: { set: { band: "value.total > 100 ? 'HIGH' : 'LOW'" } } }
            subscribers:
              hot:
                stage: orders.priced
                url: http://127.0.0.1:9000/hook
                method: put
                filter: "value.band == 'HIGH'"
                body: "{'id': value.id}"
                headers: { X-Order: "value.id" }
                query: { k: "string(key.c)" }
                timeout: 2s
                maxInFlight: 8
                ordering: none
                retry: { initialBackoff: 50ms, maxBackoff: 500ms, multiplier: 1.5, jitter: 0.1, maxAttempts: 20, maxElapsed: 1m }
                secret: [ %s, %s ]
                allowNetworks: [ 127.0.0.1/32 ]
              plain:
                topic: other.events
                url: https://hooks.example.com/in
            """.formatted(SECRET_A, SECRET_B);

    private final CheckedFile checked = new RouteFileLoader(n -> null).loadChecked("routes.yaml", FILE);

    private Map<String, String> render(String name, boolean withSecrets) {
        CheckedSubscriber s = checked.subscribers().stream().filter(x -> x.definition().name().equals(name)).findFirst().orElseThrow();
        return SubscriberConnectorConfig.render(checked.file(), s, withSecrets);
    }

    @Test
    void rendersTheStageTopicConvertersAndDeadLetterTopic() {
        Map<String, String> c = render("hot", true);
        assertThat(c).containsEntry("connector.class", WebhookSinkConnector.class.getName())
                .containsEntry("topics", "shop.orders.priced")
                .containsEntry("tasks.max", "3")
                .containsEntry("key.converter", ByteArrayConverter.class.getName())
                .containsEntry("value.converter", ByteArrayConverter.class.getName())
                .containsEntry("header.converter", ByteArrayConverter.class.getName())
                .containsEntry("errors.tolerance", "all")
                .containsEntry("errors.deadletterqueue.topic.name", "shop.subscriber.hot.dlq")
                .containsEntry(WebhookSinkConfig.SUBSCRIBER, "hot")
                .containsEntry(WebhookSinkConfig.URL, "http://127.0.0.1:9000/hook")
                .containsEntry(WebhookSinkConfig.METHOD, "PUT")
                .containsEntry(WebhookSinkConfig.TIMEOUT_MS, "2000")
                .containsEntry(WebhookSinkConfig.MAX_IN_FLIGHT, "8")
                .containsEntry(WebhookSinkConfig.ORDERING, "none")
                .containsEntry(WebhookSinkConfig.RETRY_INITIAL_BACKOFF_MS, "50")
                .containsEntry(WebhookSinkConfig.RETRY_MAX_BACKOFF_MS, "500")
                .containsEntry(WebhookSinkConfig.RETRY_MAX_ATTEMPTS, "20")
                .containsEntry(WebhookSinkConfig.RETRY_MAX_ELAPSED_MS, "60000")
                .containsEntry(WebhookSinkConfig.ALLOW_NETWORKS, "127.0.0.1/32")
                .containsEntry(WebhookSinkConfig.RENDERER_CLASS, CelRequestRenderer.class.getName())
                .containsEntry(CelRequestRenderer.FORMAT, "json")
                .containsEntry(CelRequestRenderer.KEY_FORMAT, "json")
                .containsEntry(CelRequestRenderer.FILTER, "value.band == 'HIGH'")
                .containsEntry(CelRequestRenderer.BODY, "{'id': value.id}")
                .containsEntry(CelRequestRenderer.HEADERS, "{\"X-Order\":\"value.id\"}")
                .containsEntry(CelRequestRenderer.QUERY, "{\"k\":\"string(key.c)\"}");
        Map<String, String> plain = render("plain", true);
        assertThat(plain).containsEntry("topics", "other.events").containsEntry("errors.deadletterqueue.topic.name", "shop.subscriber.plain.dlq")
                .containsEntry(CelRequestRenderer.KEY_FORMAT, "string").containsEntry(CelRequestRenderer.FILTER, "")
                .doesNotContainKey(WebhookSinkConfig.SECRETS);
        assertThat(checked.subscribers()).extracting(CheckedSubscriber::connector).containsExactly("shop-subscriber-hot", "shop-subscriber-plain");
    }

    @Test
    void secretsAreMaskedForPrintingAndPresentForApplying() {
        Map<String, String> printed = render("hot", false);
        assertThat(printed).containsEntry(WebhookSinkConfig.SECRETS, SubscriberConnectorConfig.MASK);
        assertThat(printed.toString()).doesNotContain(SECRET_A).doesNotContain(SECRET_B).doesNotContain("MfKQ9r8GKYqr");
        Map<String, String> applied = render("hot", true);
        assertThat(applied.get(WebhookSinkConfig.SECRETS)).contains(SECRET_A).contains(SECRET_B);
        assertThat(new WebhookSinkConfig(applied).signingKeys()).hasSize(2);
    }

    @Test
    void everyRenderedConfigValidates() {
        for (String name : new String[] {"hot", "plain"}) {
            Config result = new WebhookSinkConnector().validate(render(name, true));
            assertThat(result.configValues()).as(name).allSatisfy(v -> assertThat(v.errorMessages()).as(name + " " + v.name()).isEmpty());
            CelRequestRenderer renderer = new CelRequestRenderer();
            renderer.configure(render(name, true));
        }
        assertThat(new WebhookSinkConnector().validate(Map.of(WebhookSinkConfig.SUBSCRIBER, "x")).configValues())
                .as("a config without url does not validate").extracting(ConfigValue::errorMessages).anySatisfy(m -> assertThat(m).isNotEmpty());
    }
}
