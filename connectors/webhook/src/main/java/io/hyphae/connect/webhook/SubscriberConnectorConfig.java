package io.hyphae.connect.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyphae.plan.CheckedSubscriber;
import io.hyphae.route.Expression;
import io.hyphae.route.Format;
import io.hyphae.route.RegistrySettings;
import io.hyphae.route.RouteFile;
import io.hyphae.route.Secret;
import io.hyphae.route.SubscriberDefinition;

import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The Kafka Connect configuration of the connector that delivers to one subscriber of a route file: what
 * {@code hyphae connectors render} prints and {@code apply} sends to a worker.
 */
public final class SubscriberConnectorConfig {

    /** Shown instead of a secret wherever a configuration is printed. */
    public static final String MASK = "[secret]";

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The worker's ByteArrayConverter (connect-runtime): the renderer decodes the raw bytes itself. */
    static final String BYTES = "org.apache.kafka.connect.converters.ByteArrayConverter";

    private SubscriberConnectorConfig() {
    }

    /** The configuration; {@code withSecrets} false masks the signing secrets and the registry password, for printing. */
    public static Map<String, String> render(RouteFile file, CheckedSubscriber subscriber, boolean withSecrets) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("connector.class", WebhookSinkConnector.class.getName());
        c.put("tasks.max", Integer.toString(file.topics().partitions().orElse(1)));
        c.put("topics", subscriber.topic());
        c.put("key.converter", BYTES);
        c.put("value.converter", BYTES);
        c.put("header.converter", BYTES);
        // Stage topics are written in transactions under exactly-once: never deliver what a transaction aborted.
        // (Needs the worker's connector.client.config.override.policy to allow it; Kafka's default, All, does.)
        c.put("consumer.override.isolation.level", "read_committed");
        c.put("errors.tolerance", "all");
        c.put("errors.deadletterqueue.topic.name", subscriber.deadLetterTopic());
        c.put("errors.deadletterqueue.context.headers.enable", "true");
        file.topics().replicationFactor().ifPresent(rf -> c.put("errors.deadletterqueue.topic.replication.factor", rf.toString()));
        c.putAll(webhook(subscriber, file.registry(), withSecrets));
        return c;
    }

    /**
     * The {@code webhook.*} keys of one subscriber: where and how to send, retry, sign, and the CEL renderer's filter, body,
     * headers and query; shared by a file subscriber's own connector and the fan-out connector's per-subscriber engines.
     */
    public static Map<String, String> webhook(CheckedSubscriber subscriber, RegistrySettings registry, boolean withSecrets) {
        SubscriberDefinition s = subscriber.definition();
        SubscriberDefinition.Retry retry = s.retry();
        Map<String, String> w = new LinkedHashMap<>();
        w.put(WebhookSinkConfig.SUBSCRIBER, s.name());
        w.put(WebhookSinkConfig.URL, s.url().toString());
        w.put(WebhookSinkConfig.METHOD, s.method());
        w.put(WebhookSinkConfig.TIMEOUT_MS, Long.toString(s.timeout().toMillis()));
        w.put(WebhookSinkConfig.MAX_IN_FLIGHT, Integer.toString(s.maxInFlight()));
        w.put(WebhookSinkConfig.ORDERING, s.ordering().name().toLowerCase(Locale.ROOT));
        w.put(WebhookSinkConfig.RETRY_INITIAL_BACKOFF_MS, Long.toString(retry.initialBackoff().toMillis()));
        w.put(WebhookSinkConfig.RETRY_MAX_BACKOFF_MS, Long.toString(retry.maxBackoff().toMillis()));
        w.put(WebhookSinkConfig.RETRY_MULTIPLIER, Double.toString(retry.multiplier()));
        w.put(WebhookSinkConfig.RETRY_JITTER, Double.toString(retry.jitter()));
        w.put(WebhookSinkConfig.RETRY_MAX_ATTEMPTS, Integer.toString(retry.maxAttempts()));
        w.put(WebhookSinkConfig.RETRY_MAX_ELAPSED_MS, Long.toString(retry.maxElapsed().toMillis()));
        if (!s.secrets().isEmpty()) {
            w.put(WebhookSinkConfig.SECRETS, withSecrets ? s.secrets().stream().map(Secret::value).collect(Collectors.joining(" ")) : MASK);
        }
        w.put(WebhookSinkConfig.ALLOW_NETWORKS, String.join(",", s.allowNetworks()));
        w.put(WebhookSinkConfig.RENDERER_CLASS, CelRequestRenderer.class.getName());
        w.put(CelRequestRenderer.FORMAT, subscriber.format().id());
        w.put(CelRequestRenderer.KEY_FORMAT, subscriber.keyFormat().name().toLowerCase(Locale.ROOT));
        w.put(CelRequestRenderer.FILTER, s.filter().map(Expression::text).orElse(""));
        w.put(CelRequestRenderer.BODY, s.body().map(Expression::text).orElse(""));
        w.put(CelRequestRenderer.HEADERS, json(s.headers()));
        w.put(CelRequestRenderer.QUERY, json(s.query()));
        if (subscriber.format() == Format.AVRO) {
            registry.url().ifPresent(url -> w.put(CelRequestRenderer.REGISTRY_URL, url));
            registry.basicAuth().ifPresent(auth -> w.put(CelRequestRenderer.REGISTRY_BASIC_AUTH, withSecrets ? auth : MASK));
            registry.properties().forEach((k, v) -> w.put(CelRequestRenderer.REGISTRY_PREFIX + k,
                    !withSecrets && k.contains("password") ? MASK : v));
        }
        return w;
    }

    private static String json(Map<String, Expression> expressions) {
        Map<String, String> texts = new LinkedHashMap<>();
        expressions.forEach((name, e) -> texts.put(name, e.text()));
        try {
            return JSON.writeValueAsString(texts);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
