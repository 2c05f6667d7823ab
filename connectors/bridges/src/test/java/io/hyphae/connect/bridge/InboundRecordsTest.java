package io.hyphae.connect.bridge;

import io.hyphae.plan.BridgeVariables;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A broker message becomes a record: payload unchanged, key from CEL, and the dead-letter topic when the key fails. */
class InboundRecordsTest {

    private static InboundRecords records(String key, String keyFormat, List<String> variables) {
        Map<String, String> props = new HashMap<>();
        props.put(BridgeConfig.NAME, "in");
        props.put(BridgeConfig.TOPIC, "fleet.telemetry.in");
        props.put(BridgeConfig.DEAD_LETTER_TOPIC, "fleet.bridge.in.dlq");
        props.put(BridgeConfig.KEY, key);
        props.put(BridgeConfig.KEY_FORMAT, keyFormat);
        props.put(BridgeConfig.MQTT_URL, "tcp://127.0.0.1:1883");
        return new InboundRecords(new BridgeConfig(BridgeConfig.MQTT, props), variables);
    }

    private static List<String> mqtt(String... template) {
        List<String> v = new ArrayList<>(BridgeVariables.MQTT);
        v.addAll(List.of(template));
        return v;
    }

    private static String text(Object bytes) {
        return bytes == null ? null : new String((byte[]) bytes, StandardCharsets.UTF_8);
    }

    @Test
    void theKeyComesFromATemplateVariableAndThePayloadPassesUnchanged() {
        byte[] payload = "{\"droneId\":\"d7\", \"battery\": 12}".getBytes(StandardCharsets.UTF_8);
        SourceRecord r = records("droneId + ':' + string(value.battery)", "string", mqtt("droneId"))
                .record(payload, Map.of("droneId", "d7", "topic", "fleet/d7/telemetry", "topicLevels", List.of("fleet", "d7", "telemetry")),
                        Map.of(), new ConnectHeaders(), 1, null);
        assertThat(r.topic()).isEqualTo("fleet.telemetry.in");
        assertThat(text(r.key())).isEqualTo("d7:12");
        assertThat(r.value()).isSameAs(payload);
        assertThat(text(r.headers().lastWithName(InboundRecords.BRIDGE).value())).isEqualTo("in");
        assertThat(r.sourceOffset().get("sequence")).isEqualTo(1L);
    }

    @Test
    void aJsonKeyFormatWritesTheKeyAsJsonAndHeadersAreVariables() {
        SourceRecord r = records("{'id': headers.device, 'level': topicLevels[1]}", "json", mqtt())
                .record("raw bytes".getBytes(StandardCharsets.UTF_8), Map.of("topic", "a/b", "topicLevels", List.of("a", "b")),
                        Map.of("device", "x1"), new ConnectHeaders(), 2, null);
        assertThat(text(r.key())).isEqualTo("{\"id\":\"x1\",\"level\":\"b\"}");
    }

    @Test
    void aKeyThatFailsSendsTheMessageToTheDeadLetterTopicWithTheReason() {
        byte[] payload = "not json".getBytes(StandardCharsets.UTF_8);
        SourceRecord r = records("value.droneId", "string", mqtt()).record(payload, Map.of("topic", "a", "topicLevels", List.of("a")),
                Map.of(), new ConnectHeaders(), 3, null);
        assertThat(r.topic()).isEqualTo("fleet.bridge.in.dlq");
        assertThat(r.value()).isSameAs(payload);
        assertThat(r.key()).isNull();
        assertThat(text(r.headers().lastWithName(InboundRecords.REASON).value())).startsWith("the key expression 'value.droneId' failed");
    }

    @Test
    void thePayloadVariableIsJsonTextOrBytes() {
        assertThat(InboundRecords.decode("[1,2]".getBytes(StandardCharsets.UTF_8))).isEqualTo(List.of(1L, 2L));
        assertThat(InboundRecords.decode("hello".getBytes(StandardCharsets.UTF_8))).isEqualTo("hello");
        assertThat(InboundRecords.decode(new byte[] {(byte) 0xff, 0x00})).isNotInstanceOf(String.class);
    }

    @Test
    void anInvalidKeyExpressionIsAConfigurationError() {
        assertThatThrownBy(() -> records("nope(", "string", mqtt())).isInstanceOf(ConfigException.class).hasMessageContaining("invalid CEL");
    }
}
