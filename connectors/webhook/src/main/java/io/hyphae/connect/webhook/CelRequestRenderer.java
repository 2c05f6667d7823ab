package io.hyphae.connect.webhook;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyphae.cel.CelEngine;
import io.hyphae.cel.CompiledExpression;
import io.hyphae.cel.ResultKind;
import io.hyphae.event.Event;
import io.hyphae.format.Formats;
import io.hyphae.format.JsonFormat;
import io.hyphae.format.Keys;
import io.hyphae.format.PayloadFormat;
import io.hyphae.format.Values;
import io.hyphae.route.Expression;
import io.hyphae.route.Format;
import io.hyphae.route.KeyFormat;
import io.hyphae.route.Location;
import io.hyphae.route.RegistrySettings;
import io.hyphae.route.SubjectStrategy;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The request of a route file's subscriber: its {@code filter}, {@code body}, {@code headers} and {@code query} are
 * CEL expressions over the decoded event ({@code value}, {@code key}, {@code headers}), compiled once when the task
 * starts by the same engine the stream app uses. Expects raw bytes: the ByteArrayConverter as key, value and header
 * converter. Without a body expression the body is the event as JSON (a JSON event's bytes unchanged).
 */
public class CelRequestRenderer implements RequestRenderer {

    public static final String FORMAT = "webhook.event.format";
    public static final String KEY_FORMAT = "webhook.event.key.format";
    public static final String FILTER = "webhook.filter";
    public static final String BODY = "webhook.body";
    public static final String HEADERS = "webhook.headers";
    public static final String QUERY = "webhook.query";
    public static final String REGISTRY_URL = "webhook.registry.url";
    public static final String REGISTRY_BASIC_AUTH = "webhook.registry.basic.auth";
    /** Prefix of the registry's TLS settings ({@code ssl.truststore.location}, ...), as in the route file. */
    public static final String REGISTRY_PREFIX = "webhook.registry.property.";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(FORMAT, Type.STRING, "json", ConfigDef.ValidString.in("json", "avro"), Importance.HIGH,
                    "The format of the topic's events: json, or avro in the Confluent wire format.")
            .define(KEY_FORMAT, Type.STRING, "string", ConfigDef.ValidString.in("string", "json"), Importance.MEDIUM,
                    "How record keys are decoded for the CEL variable key.")
            .define(FILTER, Type.STRING, "", Importance.HIGH, "CEL condition; events for which it is false are not delivered. Empty: all.")
            .define(BODY, Type.STRING, "", Importance.MEDIUM, "CEL expression of the body. Empty: the event as JSON.")
            .define(HEADERS, Type.STRING, "{}", Importance.MEDIUM, "JSON object of header names to CEL expressions.")
            .define(QUERY, Type.STRING, "{}", Importance.MEDIUM, "JSON object of query parameter names to CEL expressions.")
            .define(REGISTRY_URL, Type.STRING, "", Importance.MEDIUM, "The schema registry of Avro events.")
            .define(REGISTRY_BASIC_AUTH, Type.PASSWORD, null, Importance.LOW, "user:password for the registry.");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFormat JSON_FORMAT = Formats.json();

    private PayloadFormat format;
    private boolean jsonEvents;
    private KeyFormat keyFormat;
    private CompiledExpression filter;
    private CompiledExpression body;
    private Map<String, CompiledExpression> headers;
    private Map<String, CompiledExpression> query;

    @Override
    public void configure(Map<String, ?> configs) {
        AbstractConfig config = new AbstractConfig(CONFIG_DEF, configs);
        Format eventFormat = Format.valueOf(config.getString(FORMAT).toUpperCase(Locale.ROOT));
        jsonEvents = eventFormat == Format.JSON;
        keyFormat = KeyFormat.valueOf(config.getString(KEY_FORMAT).toUpperCase(Locale.ROOT));
        String registryUrl = config.getString(REGISTRY_URL);
        Password auth = config.getPassword(REGISTRY_BASIC_AUTH);
        Map<String, String> registryProperties = new LinkedHashMap<>();
        configs.forEach((k, v) -> {
            if (k.startsWith(REGISTRY_PREFIX) && v != null) {
                registryProperties.put(k.substring(REGISTRY_PREFIX.length()), String.valueOf(v));
            }
        });
        RegistrySettings registry = new RegistrySettings(Optional.of(registryUrl).filter(u -> !u.isBlank()),
                Optional.ofNullable(auth).map(Password::value).filter(a -> !a.isBlank()), registryProperties, false, SubjectStrategy.TOPIC);
        if (!jsonEvents && registry.url().isEmpty()) {
            throw new ConfigException(REGISTRY_URL, "", "Avro events need the schema registry's URL");
        }
        format = new Formats(registry).of(eventFormat, Optional.empty());
        CelEngine cel = new CelEngine();
        filter = compile(cel, FILTER, config.getString(FILTER), ResultKind.BOOL);
        body = compile(cel, BODY, config.getString(BODY), ResultKind.ANY);
        headers = compileAll(cel, HEADERS, config.getString(HEADERS));
        query = compileAll(cel, QUERY, config.getString(QUERY));
    }

    @Override
    public Optional<WebhookRequest> render(SinkRecord record) {
        byte[] valueBytes = bytes(record.value());
        if (valueBytes == null) {
            return Optional.empty(); // a tombstone carries no event to deliver
        }
        byte[] keyBytes = bytes(record.key());
        RecordHeaders recordHeaders = new RecordHeaders();
        for (Header header : record.headers()) {
            recordHeaders.add(header.key(), bytes(header.value()));
        }
        Map<String, Object> value = format.decode(record.topic(), valueBytes);
        Event event = new Event(record.topic(), keyBytes, valueBytes, Keys.decode(keyBytes, keyFormat), value, recordHeaders);
        if (filter != null && !filter.test(event)) {
            return Optional.empty();
        }
        byte[] content;
        String contentType = "application/json";
        if (body == null) {
            content = jsonEvents ? valueBytes : JSON_FORMAT.encode(record.topic(), value);
        } else {
            Object result = body.evaluate(event);
            if (result instanceof String text) {
                content = text.getBytes(StandardCharsets.UTF_8);
                contentType = "text/plain; charset=utf-8";
            } else if (result instanceof byte[] raw) {
                content = raw;
                contentType = "application/octet-stream";
            } else {
                content = JSON_FORMAT.encodeValue(result);
            }
        }
        return Optional.of(new WebhookRequest(content, contentType, texts(headers, event), texts(query, event)));
    }

    private static Map<String, String> texts(Map<String, CompiledExpression> expressions, Event event) {
        if (expressions.isEmpty()) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        expressions.forEach((name, expression) -> {
            Object result = expression.evaluate(event);
            if (!Values.isNull(result)) {
                out.put(name, result instanceof String s ? s : new String(JSON_FORMAT.encodeValue(result), StandardCharsets.UTF_8));
            }
        });
        return out;
    }

    private static byte[] bytes(Object value) {
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

    private static CompiledExpression compile(CelEngine cel, String key, String text, ResultKind kind) {
        if (text == null || text.isBlank()) {
            return null;
        }
        CelEngine.Result result = cel.compile(new Expression(text, Location.UNKNOWN, key), Set.of(), kind);
        if (!result.ok()) {
            throw new ConfigException(key, text, "invalid CEL: " + result.issues().get(0).message());
        }
        return result.expression();
    }

    private static Map<String, CompiledExpression> compileAll(CelEngine cel, String key, String json) {
        Map<String, String> texts;
        try {
            texts = JSON.readValue(json == null || json.isBlank() ? "{}" : json, new TypeReference<LinkedHashMap<String, String>>() { });
        } catch (IOException e) {
            throw new ConfigException(key, json, "expected a JSON object of names to CEL expressions: " + e.getMessage());
        }
        Map<String, CompiledExpression> out = new LinkedHashMap<>();
        texts.forEach((name, text) -> out.put(name, compile(cel, key + "." + name, text, ResultKind.ANY)));
        return out;
    }
}
