package io.hyphae.connect.cdc;

import io.hyphae.format.Values;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A row's Connect values as CEL sees the same data in an event: integers as {@code Long}, floating point and
 * decimals as {@code Double}, text as {@code String}, dates and times as ISO-8601 text, bytes as base64 text,
 * a null column as {@link Values#NULL}. These are the values {@link io.hyphae.format.Keys} encodes, so an integer
 * key column {@code 1} is the join key CEL's {@code 1} (or, with keyFormat string, {@code "1"}).
 */
final class RowValues {

    /** Connect's Date logical type (its class name clashes with {@link java.util.Date}, which its values are). */
    private static final String DATE = "org.apache.kafka.connect.data.Date";

    private RowValues() {
    }

    static Map<String, Object> of(Struct row) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Field field : row.schema().fields()) {
            Object v = value(field.schema(), row.get(field));
            out.put(field.name(), v == null ? Values.NULL : v);
        }
        return out;
    }

    /** Null for a null value. */
    static Object value(Schema schema, Object value) {
        if (value == null) {
            return null;
        }
        String logical = schema.name();
        if (Decimal.LOGICAL_NAME.equals(logical)) {
            return ((BigDecimal) value).doubleValue();
        }
        if (Timestamp.LOGICAL_NAME.equals(logical)) {
            return ((Date) value).toInstant().toString();
        }
        if (DATE.equals(logical)) {
            return ((Date) value).toInstant().atOffset(ZoneOffset.UTC).toLocalDate().toString();
        }
        if (Time.LOGICAL_NAME.equals(logical)) {
            return ((Date) value).toInstant().atOffset(ZoneOffset.UTC).toLocalTime().toString();
        }
        return switch (schema.type()) {
            case INT8, INT16, INT32, INT64 -> ((Number) value).longValue();
            case FLOAT32, FLOAT64 -> ((Number) value).doubleValue();
            case BOOLEAN, STRING -> value;
            case BYTES -> Base64.getEncoder().encodeToString(value instanceof ByteBuffer b ? bytes(b) : (byte[]) value);
            case STRUCT -> of((Struct) value);
            case ARRAY -> {
                List<Object> items = new ArrayList<>();
                for (Object item : (List<?>) value) {
                    Object v = value(schema.valueSchema(), item);
                    items.add(v == null ? Values.NULL : v);
                }
                yield items;
            }
            case MAP -> {
                Map<String, Object> entries = new LinkedHashMap<>();
                ((Map<?, ?>) value).forEach((k, v) -> {
                    Object converted = value(schema.valueSchema(), v);
                    entries.put(String.valueOf(k), converted == null ? Values.NULL : converted);
                });
                yield entries;
            }
        };
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }
}
