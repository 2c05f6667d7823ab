package io.hyphae.connect.bridge;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.types.Password;

import java.util.Map;

/** The settings of the four bridge connectors; what a route file's bridge renders to (see {@link BridgeConnectorConfig}). */
final class BridgeConfig extends AbstractConfig {

    static final String NAME = "bridge.name";
    /** In: the topic records are written to; out: the topic is the connector's {@code topics}. */
    static final String TOPIC = "bridge.topic";
    static final String DEAD_LETTER_TOPIC = "bridge.dead.letter.topic";
    static final String KEY = "bridge.key";
    static final String KEY_FORMAT = "bridge.key.format";
    static final String EVENT_FORMAT = "bridge.event.format";
    static final String REGISTRY_URL = "bridge.registry.url";
    static final String REGISTRY_BASIC_AUTH = "bridge.registry.basic.auth";
    static final String REGISTRY_PREFIX = "bridge.registry.property.";
    static final String PUBLISH_TIMEOUT_MS = "bridge.publish.timeout.ms";

    static final String MQTT_URL = "mqtt.url";
    static final String MQTT_CLIENT_ID = "mqtt.client.id";
    static final String MQTT_USERNAME = "mqtt.username";
    static final String MQTT_PASSWORD = "mqtt.password";
    /** JSON array of topic filters, {@code {name}} levels included. */
    static final String MQTT_TOPICS = "mqtt.topics";
    static final String MQTT_TOPIC = "mqtt.topic";
    static final String MQTT_QOS = "mqtt.qos";
    static final String MQTT_RETAIN = "mqtt.retain";
    static final String MQTT_SESSION_EXPIRY_S = "mqtt.session.expiry.seconds";

    static final String AMQP_URI = "rabbitmq.uri";
    static final String AMQP_QUEUE = "rabbitmq.queue";
    static final String AMQP_EXCHANGE = "rabbitmq.exchange";
    static final String AMQP_BINDING_KEY = "rabbitmq.binding.key";
    static final String AMQP_PREFETCH = "rabbitmq.prefetch";
    static final String AMQP_ROUTING_KEY = "rabbitmq.routing.key";
    static final String AMQP_PERSISTENT = "rabbitmq.persistent";

    static final ConfigDef COMMON = new ConfigDef()
            .define(NAME, Type.STRING, Importance.HIGH, "The bridge's name in the route file.")
            .define(TOPIC, Type.STRING, "", Importance.HIGH, "In: the Kafka topic the messages enter.")
            .define(DEAD_LETTER_TOPIC, Type.STRING, "", Importance.HIGH, "In: the dead-letter topic of messages that cannot enter.")
            .define(KEY, Type.STRING, "", Importance.MEDIUM, "In: the CEL expression of the record key; empty: no key.")
            .define(KEY_FORMAT, Type.STRING, "string", ConfigDef.ValidString.in("string", "json"), Importance.MEDIUM,
                    "In: how the key is written; out: how keys are decoded for CEL.")
            .define(EVENT_FORMAT, Type.STRING, "json", ConfigDef.ValidString.in("json", "avro"), Importance.MEDIUM,
                    "Out: the format of the topic's events.")
            .define(REGISTRY_URL, Type.STRING, "", Importance.LOW, "Out: the schema registry of Avro events.")
            .define(REGISTRY_BASIC_AUTH, Type.PASSWORD, null, Importance.LOW, "user:password for the registry.")
            .define(PUBLISH_TIMEOUT_MS, Type.LONG, 60_000L, ConfigDef.Range.atLeast(1), Importance.LOW,
                    "Out: how long a batch waits for the broker's acknowledgements before it is retried.");

    static final ConfigDef MQTT = new ConfigDef(COMMON)
            .define(MQTT_URL, Type.STRING, Importance.HIGH, "tcp://host:port or ssl://host:port (mqtt://, mqtts://).")
            .define(MQTT_CLIENT_ID, Type.STRING, "", Importance.MEDIUM, "The client id; empty: the connector's name (+ the task).")
            .define(MQTT_USERNAME, Type.STRING, "", Importance.MEDIUM, "User name.")
            .define(MQTT_PASSWORD, Type.PASSWORD, null, Importance.MEDIUM, "Password.")
            .define(MQTT_TOPICS, Type.STRING, "[]", Importance.HIGH, "In: JSON array of topic filters.")
            .define(MQTT_TOPIC, Type.STRING, "", Importance.HIGH, "Out: CEL expression of the topic.")
            .define(MQTT_QOS, Type.INT, 1, ConfigDef.Range.between(0, 1), Importance.HIGH, "0 or 1.")
            .define(MQTT_RETAIN, Type.BOOLEAN, false, Importance.LOW, "Out: retained messages.")
            .define(MQTT_SESSION_EXPIRY_S, Type.LONG, 86_400L, ConfigDef.Range.between(1, 4_294_967_295L), Importance.LOW,
                    "In: the session expiry interval.");

    static final ConfigDef RABBITMQ = new ConfigDef(COMMON)
            .define(AMQP_URI, Type.PASSWORD, Importance.HIGH, "amqp://user:password@host:port/vhost (amqps:// for TLS).")
            .define(AMQP_QUEUE, Type.STRING, "", Importance.HIGH, "In: the queue consumed.")
            .define(AMQP_EXCHANGE, Type.STRING, "", Importance.HIGH, "In: bound to the queue if not empty; out: published to.")
            .define(AMQP_BINDING_KEY, Type.STRING, "#", Importance.MEDIUM, "In: the binding key.")
            .define(AMQP_PREFETCH, Type.INT, 500, ConfigDef.Range.between(1, 65_535), Importance.MEDIUM, "In: basic.qos prefetch count.")
            .define(AMQP_ROUTING_KEY, Type.STRING, "", Importance.HIGH, "Out: CEL expression of the routing key.")
            .define(AMQP_PERSISTENT, Type.BOOLEAN, true, Importance.MEDIUM, "Out: persistent messages.");

    BridgeConfig(ConfigDef def, Map<String, String> props) {
        super(def, props);
    }

    String name() {
        return getString(NAME);
    }

    String password(String key) {
        Password p = getPassword(key);
        return p == null ? "" : p.value();
    }
}
