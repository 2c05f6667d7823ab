package io.hyphae.connect.bridge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyphae.plan.CheckedBridge;
import io.hyphae.route.BridgeDefinition;
import io.hyphae.route.BridgeDefinition.Direction;
import io.hyphae.route.Expression;
import io.hyphae.route.Format;
import io.hyphae.route.RegistrySettings;
import io.hyphae.route.RouteFile;

import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The Kafka Connect configuration of the connector that runs one bridge of a route file: what
 * {@code hyphae connectors render} prints and {@code apply} sends to a worker. Names the connector classes as text so
 * that rendering needs neither the MQTT nor the RabbitMQ client on the class path.
 */
public final class BridgeConnectorConfig {

    /** Shown instead of a secret wherever a configuration is printed. */
    public static final String MASK = "[secret]";

    static final String MQTT_SOURCE = "io.hyphae.connect.bridge.MqttSourceConnector";
    static final String MQTT_SINK = "io.hyphae.connect.bridge.MqttSinkConnector";
    static final String RABBITMQ_SOURCE = "io.hyphae.connect.bridge.RabbitMqSourceConnector";
    static final String RABBITMQ_SINK = "io.hyphae.connect.bridge.RabbitMqSinkConnector";
    static final String BYTES = "org.apache.kafka.connect.converters.ByteArrayConverter";

    private static final ObjectMapper JSON = new ObjectMapper();

    private BridgeConnectorConfig() {
    }

    /** The configuration; {@code withSecrets} false masks passwords and the RabbitMQ URI, for printing. */
    public static Map<String, String> render(RouteFile file, CheckedBridge bridge, boolean withSecrets) {
        BridgeDefinition b = bridge.definition();
        boolean in = b.direction() == Direction.IN;
        Map<String, String> c = new LinkedHashMap<>();
        c.put("connector.class", b.mqtt().isPresent() ? (in ? MQTT_SOURCE : MQTT_SINK) : (in ? RABBITMQ_SOURCE : RABBITMQ_SINK));
        // One MQTT session per client id: an inbound MQTT bridge runs one task. Consumers of one queue compete; sinks split partitions.
        c.put("tasks.max", in && b.mqtt().isPresent() ? "1" : Integer.toString(file.topics().partitions().orElse(1)));
        c.put("key.converter", BYTES);
        c.put("value.converter", BYTES);
        c.put("header.converter", BYTES);
        c.put(BridgeConfig.NAME, b.name());
        c.put(BridgeConfig.KEY_FORMAT, bridge.keyFormat().name().toLowerCase(Locale.ROOT));
        if (in) {
            c.put(BridgeConfig.TOPIC, bridge.topic());
            c.put(BridgeConfig.DEAD_LETTER_TOPIC, bridge.deadLetterTopic());
            c.put(BridgeConfig.KEY, b.key().map(Expression::text).orElse(""));
            // a message is acknowledged to its broker once every in-sync replica has its record
            c.put("producer.override.enable.idempotence", "true");
            c.put("producer.override.acks", "all");
        } else {
            c.put("topics", bridge.topic());
            // Stage topics are written in transactions under exactly-once: never publish what a transaction aborted.
            c.put("consumer.override.isolation.level", "read_committed");
            c.put("errors.tolerance", "all");
            c.put("errors.deadletterqueue.topic.name", bridge.deadLetterTopic());
            c.put("errors.deadletterqueue.context.headers.enable", "true");
            file.topics().replicationFactor().ifPresent(rf -> c.put("errors.deadletterqueue.topic.replication.factor", rf.toString()));
            c.put(BridgeConfig.EVENT_FORMAT, bridge.format().id());
            if (bridge.format() == Format.AVRO) {
                RegistrySettings registry = file.registry();
                registry.url().ifPresent(url -> c.put(BridgeConfig.REGISTRY_URL, url));
                registry.basicAuth().ifPresent(auth -> c.put(BridgeConfig.REGISTRY_BASIC_AUTH, withSecrets ? auth : MASK));
                registry.properties().forEach((k, v) -> c.put(BridgeConfig.REGISTRY_PREFIX + k, !withSecrets && k.contains("password") ? MASK : v));
            }
        }
        b.mqtt().ifPresent(m -> {
            c.put(BridgeConfig.MQTT_URL, m.url().toString());
            m.clientId().ifPresent(id -> c.put(BridgeConfig.MQTT_CLIENT_ID, id));
            m.username().ifPresent(u -> c.put(BridgeConfig.MQTT_USERNAME, u));
            m.password().ifPresent(p -> c.put(BridgeConfig.MQTT_PASSWORD, withSecrets ? p.value() : MASK));
            c.put(BridgeConfig.MQTT_QOS, Integer.toString(m.qos()));
            if (in) {
                c.put(BridgeConfig.MQTT_TOPICS, json(m.filters()));
                c.put(BridgeConfig.MQTT_SESSION_EXPIRY_S, Long.toString(m.sessionExpiry().toSeconds()));
            } else {
                c.put(BridgeConfig.MQTT_TOPIC, m.topic().map(Expression::text).orElseThrow());
                c.put(BridgeConfig.MQTT_RETAIN, Boolean.toString(m.retain()));
            }
        });
        b.rabbitmq().ifPresent(r -> {
            c.put(BridgeConfig.AMQP_URI, withSecrets ? r.uri().value() : MASK);
            r.exchange().ifPresent(x -> c.put(BridgeConfig.AMQP_EXCHANGE, x));
            if (in) {
                c.put(BridgeConfig.AMQP_QUEUE, r.queue().orElseThrow());
                c.put(BridgeConfig.AMQP_BINDING_KEY, r.bindingKey());
                c.put(BridgeConfig.AMQP_PREFETCH, Integer.toString(r.prefetch()));
            } else {
                c.put(BridgeConfig.AMQP_ROUTING_KEY, r.routingKey().map(Expression::text).orElseThrow());
                c.put(BridgeConfig.AMQP_PERSISTENT, Boolean.toString(r.persistent()));
            }
        });
        return c;
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
