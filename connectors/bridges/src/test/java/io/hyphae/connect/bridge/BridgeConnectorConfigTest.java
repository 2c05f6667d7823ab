package io.hyphae.connect.bridge;

import io.hyphae.plan.CheckedBridge;
import io.hyphae.plan.CheckedFile;
import io.hyphae.route.loader.RouteFileLoader;
import org.apache.kafka.connect.connector.Connector;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A route file's bridges rendered into the configurations their connectors start with. */
class BridgeConnectorConfigTest {

    private static final String FILE = """
            application: fleet
            topics: { partitions: 3, replicationFactor: 1 }
            routes:
              telemetry:
                from: fleet.telemetry.in
                stages:
                  - checked: { validate: { rules: ["has(value.droneId)"] } }
            bridges:
              mqtt-in:
                direction: in
                route: telemetry
                key: droneId
                mqtt: { url: tcp://127.0.0.1:1883, topics: ["fleet/{droneId}/telemetry"], username: u, password: "${PW}" }
              mqtt-out:
                direction: out
                stage: telemetry.checked
                mqtt: { url: tcp://127.0.0.1:1883, topic: "'fleet/' + value.droneId + '/alerts'", qos: 0, retain: true }
              rabbit-in:
                direction: in
                topic: raw.orders
                rabbitmq: { uri: "amqp://guest:${PW}@127.0.0.1:5672/%2f", queue: orders, exchange: shop, bindingKey: "order.*", prefetch: 50 }
              rabbit-out:
                direction: out
                stage: telemetry.checked
                rabbitmq: { uri: "amqp://guest:${PW}@127.0.0.1:5672/%2f", exchange: alerts, routingKey: "'drone.' + value.droneId", persistent: false }
            """;

    private static CheckedFile checked() {
        return new RouteFileLoader(Map.of("PW", "pa55word")::get).loadChecked("routes.yaml", FILE);
    }

    private static Map<String, String> render(String name, boolean secrets) {
        CheckedFile f = checked();
        CheckedBridge b = f.bridges().stream().filter(x -> x.definition().name().equals(name)).findFirst().orElseThrow();
        return BridgeConnectorConfig.render(f.file(), b, secrets);
    }

    @Test
    void theConnectorClassesAreNamedAsTheyAre() {
        assertThat(BridgeConnectorConfig.MQTT_SOURCE).isEqualTo(MqttSourceConnector.class.getName());
        assertThat(BridgeConnectorConfig.MQTT_SINK).isEqualTo(MqttSinkConnector.class.getName());
        assertThat(BridgeConnectorConfig.RABBITMQ_SOURCE).isEqualTo(RabbitMqSourceConnector.class.getName());
        assertThat(BridgeConnectorConfig.RABBITMQ_SINK).isEqualTo(RabbitMqSinkConnector.class.getName());
    }

    @Test
    void anInboundMqttBridgeRunsOneTaskWritingTheRoutesInput() {
        Map<String, String> c = render("mqtt-in", true);
        assertThat(c).containsEntry("connector.class", BridgeConnectorConfig.MQTT_SOURCE).containsEntry("tasks.max", "1")
                .containsEntry(BridgeConfig.TOPIC, "fleet.telemetry.in").containsEntry(BridgeConfig.DEAD_LETTER_TOPIC, "fleet.bridge.mqtt-in.dlq")
                .containsEntry(BridgeConfig.KEY, "droneId").containsEntry(BridgeConfig.MQTT_TOPICS, "[\"fleet/{droneId}/telemetry\"]")
                .containsEntry(BridgeConfig.MQTT_QOS, "1").containsEntry(BridgeConfig.MQTT_PASSWORD, "pa55word")
                .containsEntry("producer.override.acks", "all").doesNotContainKey("topics");
        assertThat(render("mqtt-in", false)).containsEntry(BridgeConfig.MQTT_PASSWORD, BridgeConnectorConfig.MASK);
    }

    @Test
    void outboundBridgesReadTheStageTopicCommittedAndDeadLetterThroughConnect() {
        Map<String, String> mqtt = render("mqtt-out", true);
        assertThat(mqtt).containsEntry("connector.class", BridgeConnectorConfig.MQTT_SINK).containsEntry("topics", "fleet.telemetry.checked")
                .containsEntry("tasks.max", "3").containsEntry("consumer.override.isolation.level", "read_committed")
                .containsEntry("errors.deadletterqueue.topic.name", "fleet.bridge.mqtt-out.dlq").containsEntry("errors.tolerance", "all")
                .containsEntry(BridgeConfig.MQTT_QOS, "0").containsEntry(BridgeConfig.MQTT_RETAIN, "true")
                .containsEntry(BridgeConfig.MQTT_TOPIC, "'fleet/' + value.droneId + '/alerts'");
        Map<String, String> rabbit = render("rabbit-out", false);
        assertThat(rabbit).containsEntry("connector.class", BridgeConnectorConfig.RABBITMQ_SINK).containsEntry(BridgeConfig.AMQP_EXCHANGE, "alerts")
                .containsEntry(BridgeConfig.AMQP_PERSISTENT, "false").containsEntry(BridgeConfig.AMQP_URI, BridgeConnectorConfig.MASK);
        assertThat(rabbit.values()).noneMatch(v -> v.contains("pa55word"));
    }

    @Test
    void everyRenderedConfigurationIsAcceptedByItsConnector() {
        for (String name : List.of("mqtt-in", "mqtt-out", "rabbit-in", "rabbit-out")) {
            Map<String, String> c = render(name, true);
            Connector connector = switch (c.get("connector.class")) {
                case BridgeConnectorConfig.MQTT_SOURCE -> new MqttSourceConnector();
                case BridgeConnectorConfig.MQTT_SINK -> new MqttSinkConnector();
                case BridgeConnectorConfig.RABBITMQ_SOURCE -> new RabbitMqSourceConnector();
                default -> new RabbitMqSinkConnector();
            };
            assertThat(connector.config().validate(c)).as(name).allSatisfy(v -> assertThat(v.errorMessages()).as(v.name()).isEmpty());
            connector.start(c);
            assertThat(connector.taskConfigs(3)).hasSize(name.equals("mqtt-in") ? 1 : 3)
                    .allSatisfy(t -> assertThat(t).containsKey(BridgeConnectors.TASK));
        }
        assertThat(render("rabbit-in", true)).containsEntry(BridgeConfig.TOPIC, "raw.orders").containsEntry(BridgeConfig.AMQP_QUEUE, "orders")
                .containsEntry(BridgeConfig.AMQP_BINDING_KEY, "order.*").containsEntry(BridgeConfig.AMQP_PREFETCH, "50");
    }
}
