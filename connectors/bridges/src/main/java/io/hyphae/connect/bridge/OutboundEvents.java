package io.hyphae.connect.bridge;

import io.hyphae.cel.CelEngine;
import io.hyphae.cel.CompiledExpression;
import io.hyphae.cel.ResultKind;
import io.hyphae.event.Event;
import io.hyphae.format.Formats;
import io.hyphae.format.Keys;
import io.hyphae.format.PayloadFormat;
import io.hyphae.format.Values;
import io.hyphae.route.Expression;
import io.hyphae.route.Format;
import io.hyphae.route.KeyFormat;
import io.hyphae.route.Location;
import io.hyphae.route.RegistrySettings;
import io.hyphae.route.SubjectStrategy;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The events of the topic an outbound bridge publishes: the payload is the record's value bytes unchanged (an Avro
 * event as its JSON form), the destination (MQTT topic, AMQP routing key) the bridge's CEL expression over
 * {@code value}, {@code key} and {@code headers}, and the record's headers travel as MQTT user properties or AMQP
 * headers.
 */
final class OutboundEvents {

    private final PayloadFormat format;
    private final boolean json;
    private final KeyFormat keyFormat;
    private final CompiledExpression destination;

    OutboundEvents(BridgeConfig config, Map<String, String> props, String destinationKey) {
        Format eventFormat = Format.valueOf(config.getString(BridgeConfig.EVENT_FORMAT).toUpperCase(Locale.ROOT));
        json = eventFormat == Format.JSON;
        keyFormat = KeyFormat.valueOf(config.getString(BridgeConfig.KEY_FORMAT).toUpperCase(Locale.ROOT));
        Map<String, String> registryProperties = new LinkedHashMap<>();
        props.forEach((k, v) -> {
            if (k.startsWith(BridgeConfig.REGISTRY_PREFIX) && v != null) {
                registryProperties.put(k.substring(BridgeConfig.REGISTRY_PREFIX.length()), v);
            }
        });
        Password auth = config.getPassword(BridgeConfig.REGISTRY_BASIC_AUTH);
        String registryUrl = config.getString(BridgeConfig.REGISTRY_URL);
        RegistrySettings registry = new RegistrySettings(Optional.of(registryUrl).filter(u -> !u.isBlank()),
                Optional.ofNullable(auth).map(Password::value).filter(a -> !a.isBlank()), registryProperties, false, SubjectStrategy.TOPIC);
        if (!json && registry.url().isEmpty()) {
            throw new ConfigException(BridgeConfig.REGISTRY_URL, "", "Avro events need the schema registry's URL");
        }
        format = new Formats(registry).of(eventFormat, Optional.empty());
        String text = config.getString(destinationKey);
        if (text == null || text.isBlank()) {
            throw new ConfigException(destinationKey, text, "an outbound bridge needs the expression of its destination");
        }
        CelEngine.Result result = new CelEngine().compile(new Expression(text, Location.UNKNOWN, destinationKey), Set.of(), ResultKind.ANY);
        if (!result.ok()) {
            throw new ConfigException(destinationKey, text, "invalid CEL: " + result.issues().get(0).message());
        }
        destination = result.expression();
    }

    /** One event ready to publish, or why it cannot be. */
    record Outbound(byte[] payload, String destination, Map<String, String> headers, String problem) {
    }

    /** Null for a tombstone, which carries no event. */
    Outbound prepare(SinkRecord record) {
        byte[] valueBytes = bytes(record.value());
        if (valueBytes == null) {
            return null;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        RecordHeaders recordHeaders = new RecordHeaders();
        for (Header header : record.headers()) {
            byte[] b = bytes(header.value());
            recordHeaders.add(header.key(), b);
            if (b != null) {
                headers.put(header.key(), new String(b, StandardCharsets.UTF_8));
            }
        }
        try {
            byte[] keyBytes = bytes(record.key());
            Map<String, Object> value = format.decode(record.topic(), valueBytes);
            Event event = new Event(record.topic(), keyBytes, valueBytes, Keys.decode(keyBytes, keyFormat), value, recordHeaders);
            Object target = destination.evaluate(event);
            if (Values.isNull(target) || !(target instanceof String s) || s.isEmpty()) {
                return new Outbound(null, null, headers, "the expression '" + destination.text() + "' gave " + target
                        + ", not a non-empty string");
            }
            byte[] payload = json ? valueBytes : Formats.json().encode(record.topic(), value);
            return new Outbound(payload, s, headers, null);
        } catch (RuntimeException e) {
            return new Outbound(null, null, headers, e.getMessage());
        }
    }

    static byte[] bytes(Object value) {
        if (value == null || value instanceof byte[]) {
            return (byte[]) value;
        }
        if (value instanceof ByteBuffer buffer) {
            byte[] out = new byte[buffer.remaining()];
            buffer.duplicate().get(out);
            return out;
        }
        if (value instanceof String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        throw new IllegalArgumentException("expected raw bytes but got " + value.getClass().getName()
                + "; set key.converter, value.converter and header.converter to org.apache.kafka.connect.converters.ByteArrayConverter");
    }
}
