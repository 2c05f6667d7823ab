package io.hyphae.format;

import java.util.Map;

/**
 * Turns record bytes into the map CEL sees as {@code value} and back. One implementation per
 * {@link io.hyphae.route.Format}; the rest of Hyphae never looks at payload bytes itself.
 */
public interface PayloadFormat {

    /** Decodes a record value; throws {@link FormatException} for bytes that are not a valid event. */
    Map<String, Object> decode(String topic, byte[] bytes);

    /**
     * Decodes only the fields at these paths: their values, in the order of the paths, as {@link Values#get} would read
     * them from {@link #decode} (null where a field is missing). Bytes {@link #decode} refuses are refused too. By
     * default it decodes the whole value; a format may read just those fields.
     */
    default Object[] decodeFields(String topic, byte[] bytes, FieldPaths paths) {
        Map<String, Object> value = decode(topic, bytes);
        Object[] values = new Object[paths.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = Values.get(value, paths.paths().get(i));
        }
        return values;
    }

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
