package io.hyphae.route;

import io.hyphae.plan.BridgeVariables;
import io.hyphae.plan.CheckedBridge;
import io.hyphae.plan.CheckedFile;
import io.hyphae.plan.TopicSpec;
import io.hyphae.route.loader.RouteFileLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The bridges section: what a valid bridge becomes, and each class of mistake with its position and field path. */
class BridgeLoaderTest {

    private static final String FILE = """
            application: fleet
            routes:
              telemetry:
                from: fleet.telemetry.in
                stages:
                  - checked: { validate: { rules: ["has(value.droneId)"] } }
            bridges:
            """;

    private static CheckedFile load(String yaml) {
        return new RouteFileLoader(Map.of("MQTT_PASSWORD", "s3cret")::get).loadChecked("routes.yaml", yaml);
    }

    private static List<Problem> problems(String yaml) {
        try {
            load(yaml);
        } catch (RouteFileException e) {
            return e.problems();
        }
        throw new AssertionError("expected the file to be rejected");
    }

    @Test
    void anInboundMqttBridgeWritesTheRoutesInputKeyedByATemplateLevel() {
        CheckedFile checked = load(FILE + """
                  telemetry-in:
                    direction: in
                    route: telemetry
                    key: "droneId + '/' + topicLevels[0]"
                    mqtt:
                      url: tcp://127.0.0.1:1883
                      topics: ["fleet/{droneId}/telemetry", "yard/+/{droneId}"]
                      password: ${MQTT_PASSWORD}
                """);
        CheckedBridge b = checked.bridges().get(0);
        assertThat(b.topic()).isEqualTo("fleet.telemetry.in");
        assertThat(b.connector()).isEqualTo("fleet-bridge-telemetry-in");
        assertThat(b.deadLetterTopic()).isEqualTo("fleet.bridge.telemetry-in.dlq");
        assertThat(b.templateVariables()).containsExactly("droneId");
        BridgeDefinition.Mqtt mqtt = b.definition().mqtt().orElseThrow();
        assertThat(mqtt.qos()).isEqualTo(1);
        assertThat(mqtt.password().orElseThrow().value()).isEqualTo("s3cret");
        assertThat(mqtt.password().orElseThrow().toString()).doesNotContain("s3cret");
        assertThat(checked.topics()).anySatisfy(t -> {
            assertThat(t.name()).isEqualTo("fleet.bridge.telemetry-in.dlq");
            assertThat(t.role()).isEqualTo(TopicSpec.Role.BRIDGE_DEAD_LETTER);
        });
    }

    @Test
    void outboundBridgesReadAStageTopicOrATopicOnlyTheyName() {
        CheckedFile checked = load(FILE + """
                  alerts:
                    direction: out
                    stage: telemetry.checked
                    rabbitmq:
                      uri: amqp://guest:guest@127.0.0.1:5672/%2f
                      exchange: alerts
                      routingKey: "'drone.' + value.droneId"
                  raw:
                    direction: out
                    topic: other.events
                    format: json
                    mqtt:
                      url: ssl://broker.example.com
                      topic: "'raw/' + key"
                      retain: true
                """);
        assertThat(checked.bridges()).extracting(CheckedBridge::topic).containsExactly("fleet.telemetry.checked", "other.events");
        assertThat(checked.bridges().get(0).definition().rabbitmq().orElseThrow().persistent()).isTrue();
        assertThat(checked.topics()).anySatisfy(t -> {
            assertThat(t.name()).isEqualTo("other.events");
            assertThat(t.role()).isEqualTo(TopicSpec.Role.BRIDGE);
        });
    }

    static Stream<Arguments> brokenBridges() {
        return Stream.of(
                arguments("unknown route", """
                          b:
                            direction: in
                            route: telemetri
                            mqtt: { url: tcp://h:1883, topics: [a/b] }
                        """, "routes.yaml:9:5", "bridges.b.route", "unknown route 'telemetri' (did you mean 'telemetry'?)"),
                arguments("both brokers", """
                          b:
                            direction: in
                            route: telemetry
                            mqtt: { url: tcp://h:1883, topics: [a/b] }
                            rabbitmq: { uri: "amqp://h", queue: q }
                        """, "routes.yaml:9:5", "bridges.b", "either an 'mqtt' or a 'rabbitmq' broker, not both"),
                arguments("a field of the other direction", """
                          b:
                            direction: out
                            stage: telemetry.checked
                            key: value.x
                            mqtt: { url: tcp://h:1883, topic: "'a'" }
                        """, "routes.yaml:11:10", "bridges.b.key", "'key' does not apply to an outbound bridge"),
                arguments("inbound MQTT without topics", """
                          b:
                            direction: in
                            route: telemetry
                            mqtt: { url: tcp://h:1883 }
                        """, "routes.yaml:11:11", "bridges.b.mqtt", "subscribes to 'topics'"),
                arguments("credentials in an MQTT URL", """
                          b:
                            direction: in
                            route: telemetry
                            mqtt: { url: "tcp://u:p@h:1883", topics: [a] }
                        """, "routes.yaml:11:18", "bridges.b.mqtt.url", "credentials do not belong in the URL"),
                arguments("a wrong scheme", """
                          b:
                            direction: in
                            route: telemetry
                            rabbitmq: { uri: "http://h", queue: q }
                        """, "routes.yaml:11:22", "bridges.b.rabbitmq.uri", "expected a URL starting [amqp://, amqps://]"),
                arguments("a wildcard inside a level", """
                          b:
                            direction: in
                            route: telemetry
                            mqtt: { url: tcp://h:1883, topics: ["a/b+/c"] }
                        """, "routes.yaml:9:5", "bridges.b.mqtt.topics[0]", "a wildcard or {name} is a whole level"),
                arguments("a template hiding a variable", """
                          b:
                            direction: in
                            route: telemetry
                            mqtt: { url: tcp://h:1883, topics: ["a/{topic}"] }
                        """, "routes.yaml:9:5", "bridges.b.mqtt.topics", "would hide the built-in variable 'topic'"),
                arguments("an unknown variable in the key", """
                          b:
                            direction: in
                            route: telemetry
                            key: droneId
                            mqtt: { url: tcp://h:1883, topics: ["fleet/+/telemetry"] }
                        """, "routes.yaml:11:10", "bridges.b.key", "undeclared reference to 'droneId'"),
                arguments("outbound without a destination", """
                          b:
                            direction: out
                            stage: telemetry.checked
                            rabbitmq: { uri: "amqp://h", exchange: x }
                        """, "routes.yaml:11:15", "bridges.b.rabbitmq", "needs the 'routingKey' expression"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenBridges")
    void aBrokenBridgeIsRejectedWithItsPositionAndField(String kind, String bridge, String where, String path, String message) {
        List<Problem> problems = problems(FILE + bridge);
        assertThat(problems).as(kind + ": " + problems).anySatisfy(p -> {
            assertThat(p.format()).startsWith(where + ":");
            assertThat(p.path()).isEqualTo(path);
            assertThat(p.message()).contains(message);
        });
    }

    @Test
    void templateLevelsBindTheLevelsOfATopic() {
        assertThat(BridgeVariables.subscription("fleet/{droneId}/telemetry")).isEqualTo("fleet/+/telemetry");
        assertThat(BridgeVariables.bind("fleet/{droneId}/telemetry", "fleet/d7/telemetry").orElseThrow())
                .singleElement().satisfies(pair -> assertThat(pair).containsExactly("droneId", "d7"));
        assertThat(BridgeVariables.bind("fleet/{droneId}/#", "fleet/d7/a/b").orElseThrow()).hasSize(1);
        assertThat(BridgeVariables.bind("fleet/{droneId}/telemetry", "fleet/d7/other")).isEmpty();
        assertThat(BridgeVariables.bind("fleet/+", "fleet/d7/x")).isEmpty();
        assertThat(BridgeVariables.filterProblem("a/#/b")).contains("'#' must be the last level of a topic filter");
        assertThat(BridgeVariables.filterProblem("a/+/{x}/#")).isEmpty();
    }
}
