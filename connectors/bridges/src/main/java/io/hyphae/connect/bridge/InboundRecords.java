package io.hyphae.connect.bridge;

import dev.cel.runtime.CelVariableResolver;
import dev.cel.common.values.CelByteString;
import io.hyphae.cel.CelEngine;
import io.hyphae.cel.CompiledExpression;
import io.hyphae.cel.ResultKind;
import io.hyphae.format.FormatException;
import io.hyphae.format.Formats;
import io.hyphae.format.JsonFormat;
import io.hyphae.format.Values;
import io.hyphae.plan.BridgeVariables;
import io.hyphae.route.Expression;
import io.hyphae.route.KeyFormat;
import io.hyphae.route.Location;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns one broker message into the record it becomes: the payload's bytes unchanged (so a route decodes them, and
 * dead-letters what is not its format), the key computed by the bridge's CEL {@code key}, the protocol's metadata as
 * headers. A message whose key cannot be computed becomes a record of the bridge's dead-letter topic with the reason.
 */
final class InboundRecords {

    static final String REASON = "hyphae.bridge.reason";
    static final String BRIDGE = "hyphae.bridge";

    private static final JsonFormat JSON = Formats.json();

    private final String bridge;
    private final String topic;
    private final String deadLetterTopic;
    private final KeyFormat keyFormat;
    private final CompiledExpression key;
    private final Map<String, ?> sourcePartition;

    InboundRecords(BridgeConfig config, List<String> variables) {
        this.bridge = config.name();
        this.topic = config.getString(BridgeConfig.TOPIC);
        this.deadLetterTopic = config.getString(BridgeConfig.DEAD_LETTER_TOPIC);
        if (topic.isBlank() || deadLetterTopic.isBlank()) {
            throw new ConfigException(BridgeConfig.TOPIC + " and " + BridgeConfig.DEAD_LETTER_TOPIC + " must be set");
        }
        this.keyFormat = KeyFormat.valueOf(config.getString(BridgeConfig.KEY_FORMAT).toUpperCase(Locale.ROOT));
        String text = config.getString(BridgeConfig.KEY);
        if (text == null || text.isBlank()) {
            this.key = null;
        } else {
            CelEngine.Result result = new CelEngine().compile(new Expression(text, Location.UNKNOWN, BridgeConfig.KEY), Set.copyOf(variables), ResultKind.ANY);
            if (!result.ok()) {
                throw new ConfigException(BridgeConfig.KEY, text, "invalid CEL: " + result.issues().get(0).message());
            }
            this.key = result.expression();
        }
        this.sourcePartition = Map.of("bridge", bridge);
    }

    /**
     * The record of a message. {@code variables} are the protocol's CEL variables ({@code topic}, {@code properties},
     * ...); {@code payload}, {@code value} and {@code headers} are added here. {@code sequence} identifies the message
     * to the task's {@code commitRecord}.
     */
    SourceRecord record(byte[] payload, Map<String, Object> variables, Map<String, String> textHeaders, ConnectHeaders headers,
                        long sequence, Long timestamp) {
        headers.addBytes(BRIDGE, bridge.getBytes(StandardCharsets.UTF_8));
        Map<String, Long> offset = Map.of("sequence", sequence);
        byte[] keyBytes = null;
        if (key != null) {
            try {
                keyBytes = keyBytes(key.evaluate(resolver(payload, variables, textHeaders)));
            } catch (RuntimeException e) {
                headers.addBytes(REASON, ("the key expression '" + key.text() + "' failed: " + e.getMessage()).getBytes(StandardCharsets.UTF_8));
                return new SourceRecord(sourcePartition, offset, deadLetterTopic, null, Schema.OPTIONAL_BYTES_SCHEMA, null,
                        Schema.OPTIONAL_BYTES_SCHEMA, payload, timestamp, headers);
            }
        }
        return new SourceRecord(sourcePartition, offset, topic, null, Schema.OPTIONAL_BYTES_SCHEMA, keyBytes,
                Schema.OPTIONAL_BYTES_SCHEMA, payload, timestamp, headers);
    }

    private byte[] keyBytes(Object result) {
        if (Values.isNull(result)) {
            return null;
        }
        if (keyFormat == KeyFormat.STRING && result instanceof String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        return JSON.encodeValue(result);
    }

    static CelVariableResolver resolver(byte[] payload, Map<String, Object> variables, Map<String, String> textHeaders) {
        Map<String, Object> all = new HashMap<>(variables);
        Object decoded = decode(payload);
        all.put(BridgeVariables.PAYLOAD, decoded);
        if (decoded instanceof Map<?, ?> object) {
            all.put("value", object);
        }
        all.put("headers", Map.copyOf(textHeaders));
        all.put("key", Values.NULL);
        return name -> Optional.ofNullable(all.get(name));
    }

    /** The decoded JSON if the payload is JSON, else its text if it is UTF-8, else its bytes. */
    static Object decode(byte[] payload) {
        if (payload == null || payload.length == 0) {
            return "";
        }
        try {
            return JSON.decodeAny(payload);
        } catch (FormatException e) {
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(payload)).toString();
            } catch (CharacterCodingException notText) {
                return CelByteString.of(payload);
            }
        }
    }

    /** Header text of a protocol value: strings as they are, the rest as their string form. */
    static Map<String, String> texts(Map<String, Object> values) {
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (v != null) {
                out.put(k, v instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(v));
            }
        });
        return out;
    }
}
