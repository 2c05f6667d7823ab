package io.hyphae.event;

import dev.cel.runtime.CelVariableResolver;
import io.hyphae.format.PayloadFormat;
import io.hyphae.format.Values;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One event on its way through a route: the decoded value CEL works on, the bytes it was received as
 * (for the dead-letter topic), and the bytes of its current value, kept until a stage changes the
 * value so that stages which only look at an event forward the bytes they received unchanged.
 */
public final class Event implements CelVariableResolver {

    private final String topic;
    private final byte[] sourceKey;
    private final byte[] sourceValue;
    private final Object key;
    private final Headers headers;
    private Map<String, Object> value;
    private byte[] encoded;
    /** Top-level fields set since {@link #encoded} was this format's own encoding of the value; null if none. */
    private Map<String, Object> added;
    private boolean ownEncoding;
    private Map<String, Object> headerView;
    private byte[] joinKey;

    public Event(String topic, byte[] sourceKey, byte[] sourceValue, Object key, Map<String, Object> value, Headers headers) {
        this.topic = topic;
        this.sourceKey = sourceKey;
        this.sourceValue = sourceValue;
        this.key = key == null ? Values.NULL : key;
        this.value = value;
        this.encoded = sourceValue;
        this.headers = headers;
    }

    /**
     * An event a stage kept (in a state store) and hands on later: {@code current} are the bytes of its value as it
     * was when kept, written as they are while no later stage changes the value.
     */
    public Event(String topic, byte[] sourceKey, byte[] sourceValue, Object key, Map<String, Object> value, Headers headers, byte[] current) {
        this(topic, sourceKey, sourceValue, key, value, headers);
        this.encoded = current;
    }

    /** The topic the route read this event from. */
    public String topic() {
        return topic;
    }

    public byte[] sourceKey() {
        return sourceKey;
    }

    /** The value bytes exactly as the route received them. */
    public byte[] sourceValue() {
        return sourceValue;
    }

    public Object key() {
        return key;
    }

    public Map<String, Object> value() {
        return value;
    }

    /** Replaces the value; the next stage topic gets it re-encoded. */
    public void value(Map<String, Object> newValue) {
        if (newValue != value) {
            value = newValue;
            encoded = null;
            added = null;
        }
    }

    /**
     * Replaces the value with {@code newValue}, which is the current value plus the top-level fields
     * {@code fields}, none of which it had. When the current bytes are Hyphae's own encoding (a stage changed the
     * value before), a format that can append writes only the new fields after them.
     */
    public void extend(Map<String, Object> newValue, Map<String, Object> fields) {
        if (encoded == null || !ownEncoding) {
            value(newValue);
            return;
        }
        value = newValue;
        if (added == null) {
            added = new LinkedHashMap<>(fields);
        } else {
            added.putAll(fields);
        }
    }

    public Headers headers() {
        return headers;
    }

    /** The bytes of the current value: the received bytes while no stage changed it, else encoded once and kept. */
    public byte[] encoded(PayloadFormat format, String topic) {
        if (added != null) {
            byte[] appended = format.append(encoded, added);
            encoded = appended;
            added = null;
        }
        if (encoded == null) {
            encoded = format.encode(topic, value);
            ownEncoding = true;
        } else {
            format.forwarded(topic, encoded);
        }
        return encoded;
    }

    /** The join key a partitioned enrich stage computed, carried across its repartition topic. */
    public byte[] joinKey() {
        return joinKey;
    }

    public void joinKey(byte[] joinKey) {
        this.joinKey = joinKey;
    }

    /** CEL variables: value, key, headers, and every other name looked up in the value (enrich aliases). */
    @Override
    public Optional<Object> find(String name) {
        switch (name) {
            case "value":
                return Optional.of(value);
            case "key":
                return Optional.of(key);
            case "headers":
                return Optional.of(headerView());
            default:
                Object aliased = value.get(name);
                return Optional.of(aliased == null ? Values.NULL : aliased);
        }
    }

    private Map<String, Object> headerView() {
        if (headerView == null) {
            Map<String, Object> view = new LinkedHashMap<>();
            for (Header h : headers) {
                view.put(h.key(), h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8));
            }
            headerView = view;
        }
        return headerView;
    }
}
