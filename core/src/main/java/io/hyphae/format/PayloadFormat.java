package io.hyphae.format;

import java.util.Map;

/**
 * Turns record bytes into the map CEL sees as {@code value} and back. One implementation per
 * {@link io.hyphae.route.Format}; the rest of Hyphae never looks at payload bytes itself.
 */
public interface PayloadFormat {

    /** Decodes a record value; throws {@link FormatException} for bytes that are not a valid event. */
    Map<String, Object> decode(String topic, byte[] bytes);

    /** Encodes a value for the given topic. */
    byte[] encode(String topic, Map<String, Object> value);

    /** Encodes a single key value (a join key, for instance). */
    byte[] encodeValue(Object value);

    /**
     * The encoding of a value that has {@code added} top-level fields more than the value {@code encoded} is this
     * format's own encoding of, without encoding the rest again; null when the format cannot append (then the
     * whole value is encoded).
     */
    default byte[] append(byte[] encoded, Map<String, Object> added) {
        return null;
    }

    /**
     * Told that {@code bytes}, encoded before (by this format for another topic, or by the producer), are written
     * unchanged to {@code topic}: a format with a schema registry makes sure the topic's subject knows their schema.
     */
    default void forwarded(String topic, byte[] bytes) {
    }
}
