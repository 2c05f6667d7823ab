package io.hyphae.format.avro;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.cel.common.values.CelByteString;
import io.hyphae.format.Values;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.GenericRecord;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Avro data as CEL sees it, and back. Records become {@link RecordMap}s, enums and strings text, int and long
 * {@code int}, float and double {@code double}, bytes and fixed {@code bytes}, a union its branch's value, null
 * CEL's null. Logical types: {@code timestamp-millis/micros} and {@code date} become timestamps,
 * {@code decimal} a double.
 */
public final class AvroValues {

    private static final Conversions.DecimalConversion DECIMAL = new Conversions.DecimalConversion();

    private AvroValues() {
    }

    public static Object toCel(Object datum, Schema schema) {
        if (datum == null) {
            return Values.NULL;
        }
        LogicalType logical = schema.getLogicalType();
        switch (schema.getType()) {
            case RECORD: {
                GenericRecord record = (GenericRecord) datum;
                ImmutableMap.Builder<String, Object> fields = ImmutableMap.builderWithExpectedSize(schema.getFields().size());
                for (Schema.Field field : schema.getFields()) {
                    fields.put(field.name(), toCel(record.get(field.pos()), field.schema()));
                }
                return new RecordMap(schema, fields.build());
            }
            case UNION:
                return toCel(datum, schema.getTypes().get(GenericData.get().resolveUnion(schema, datum)));
            case ENUM:
            case STRING:
                return datum.toString();
            case ARRAY: {
                ImmutableList.Builder<Object> list = ImmutableList.builder();
                for (Object item : (Collection<?>) datum) {
                    list.add(toCel(item, schema.getElementType()));
                }
                return new ArrayItems(schema.getElementType(), list.build());
            }
            case MAP: {
                ImmutableMap.Builder<String, Object> map = ImmutableMap.builder();
                for (Map.Entry<?, ?> e : ((Map<?, ?>) datum).entrySet()) {
                    map.put(e.getKey().toString(), toCel(e.getValue(), schema.getValueType()));
                }
                return map.buildKeepingLast();
            }
            case INT:
                if (logical instanceof LogicalTypes.Date) {
                    return Instant.EPOCH.plus(((Integer) datum).longValue(), ChronoUnit.DAYS);
                }
                return ((Integer) datum).longValue();
            case LONG:
                if (logical instanceof LogicalTypes.TimestampMillis || logical instanceof LogicalTypes.LocalTimestampMillis) {
                    return Instant.ofEpochMilli((Long) datum);
                }
                if (logical instanceof LogicalTypes.TimestampMicros || logical instanceof LogicalTypes.LocalTimestampMicros) {
                    return Instant.EPOCH.plus((Long) datum, ChronoUnit.MICROS);
                }
                return datum;
            case FLOAT:
                return ((Float) datum).doubleValue();
            case DOUBLE:
            case BOOLEAN:
                return datum;
            case BYTES:
                if (logical instanceof LogicalTypes.Decimal decimal) {
                    return DECIMAL.fromBytes(((ByteBuffer) datum).duplicate(), schema, decimal).doubleValue();
                }
                return CelByteString.of(bytes((ByteBuffer) datum));
            case FIXED:
                if (logical instanceof LogicalTypes.Decimal decimal) {
                    return DECIMAL.fromFixed((GenericFixed) datum, schema, decimal).doubleValue();
                }
                return CelByteString.of(((GenericFixed) datum).bytes().clone());
            case NULL:
            default:
                return Values.NULL;
        }
    }

    /** A CEL value as Avro data of the schema; throws IllegalArgumentException naming the field that does not fit. */
    public static Object fromCel(Object value, Schema schema, String path) {
        switch (schema.getType()) {
            case UNION: {
                Schema branch = branchFor(value, schema);
                if (branch == null) {
                    throw mismatch(path, schema, value);
                }
                return fromCel(value, branch, path);
            }
            case NULL:
                if (!Values.isNull(value)) {
                    throw mismatch(path, schema, value);
                }
                return null;
            default:
                break;
        }
        if (Values.isNull(value)) {
            throw mismatch(path, schema, value);
        }
        LogicalType logical = schema.getLogicalType();
        switch (schema.getType()) {
            case RECORD: {
                if (!(value instanceof Map<?, ?> map)) {
                    throw mismatch(path, schema, value);
                }
                GenericData.Record record = new GenericData.Record(schema);
                for (Schema.Field field : schema.getFields()) {
                    Object fieldValue = map.get(field.name());
                    if (fieldValue == null && field.hasDefaultValue()) {
                        record.put(field.pos(), GenericData.get().getDefaultValue(field));
                    } else {
                        record.put(field.pos(), fromCel(fieldValue == null ? Values.NULL : fieldValue, field.schema(), path + "." + field.name()));
                    }
                }
                return record;
            }
            case ENUM:
                if (!(value instanceof String s) || !schema.hasEnumSymbol(s)) {
                    throw mismatch(path, schema, value);
                }
                return new GenericData.EnumSymbol(schema, s);
            case STRING:
                if (!(value instanceof String)) {
                    throw mismatch(path, schema, value);
                }
                return value;
            case ARRAY: {
                if (!(value instanceof List<?> list)) {
                    throw mismatch(path, schema, value);
                }
                GenericData.Array<Object> array = new GenericData.Array<>(list.size(), schema);
                for (int i = 0; i < list.size(); i++) {
                    array.add(fromCel(list.get(i), schema.getElementType(), path + "[" + i + "]"));
                }
                return array;
            }
            case MAP: {
                if (!(value instanceof Map<?, ?> map)) {
                    throw mismatch(path, schema, value);
                }
                Map<String, Object> out = new HashMap<>();
                map.forEach((k, v) -> out.put(String.valueOf(k), fromCel(v, schema.getValueType(), path + "." + k)));
                return out;
            }
            case INT:
                if (logical instanceof LogicalTypes.Date && value instanceof Instant instant) {
                    return (int) Math.floorDiv(instant.getEpochSecond(), 86_400L);
                }
                if (value instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
                    return l.intValue();
                }
                throw mismatch(path, schema, value);
            case LONG:
                if (value instanceof Instant instant) {
                    if (logical instanceof LogicalTypes.TimestampMicros || logical instanceof LogicalTypes.LocalTimestampMicros) {
                        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
                    }
                    return instant.toEpochMilli();
                }
                if (value instanceof Long) {
                    return value;
                }
                throw mismatch(path, schema, value);
            case FLOAT:
                if (value instanceof Number n) {
                    return n.floatValue();
                }
                throw mismatch(path, schema, value);
            case DOUBLE:
                if (value instanceof Number n) {
                    return n.doubleValue();
                }
                throw mismatch(path, schema, value);
            case BOOLEAN:
                if (value instanceof Boolean) {
                    return value;
                }
                throw mismatch(path, schema, value);
            case BYTES:
                if (logical instanceof LogicalTypes.Decimal decimal && value instanceof Number n) {
                    return DECIMAL.toBytes(decimal(n, decimal), schema, decimal);
                }
                if (value instanceof CelByteString b) {
                    return ByteBuffer.wrap(b.toByteArray());
                }
                throw mismatch(path, schema, value);
            case FIXED:
                if (logical instanceof LogicalTypes.Decimal decimal && value instanceof Number n) {
                    return DECIMAL.toFixed(decimal(n, decimal), schema, decimal);
                }
                if (value instanceof CelByteString b && b.size() == schema.getFixedSize()) {
                    return new GenericData.Fixed(schema, b.toByteArray());
                }
                throw mismatch(path, schema, value);
            default:
                throw mismatch(path, schema, value);
        }
    }

    /** The branch of a union that can hold the value, or null. */
    static Schema branchFor(Object value, Schema union) {
        for (Schema branch : union.getTypes()) {
            if (fits(value, branch)) {
                return branch;
            }
        }
        return null;
    }

    /** Whether a CEL value can be written as the schema (shallowly: records and collections by kind). */
    static boolean fits(Object value, Schema schema) {
        LogicalType logical = schema.getLogicalType();
        return switch (schema.getType()) {
            case NULL -> Values.isNull(value);
            case UNION -> branchFor(value, schema) != null;
            case BOOLEAN -> value instanceof Boolean;
            case INT -> value instanceof Long l ? l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE && logical == null
                    : value instanceof Instant && logical instanceof LogicalTypes.Date;
            case LONG -> value instanceof Long || value instanceof Instant && logical != null;
            case FLOAT, DOUBLE -> value instanceof Double || value instanceof Long;
            case STRING -> value instanceof String;
            case ENUM -> value instanceof String s && schema.hasEnumSymbol(s);
            case BYTES -> value instanceof CelByteString || logical instanceof LogicalTypes.Decimal && value instanceof Number;
            case FIXED -> value instanceof CelByteString || logical instanceof LogicalTypes.Decimal && value instanceof Number;
            case ARRAY -> value instanceof List<?>;
            case MAP -> value instanceof Map<?, ?>;
            case RECORD -> value instanceof Map<?, ?> map && (!(value instanceof RecordMap r) || r.schema().equals(schema))
                    && map.keySet().stream().allMatch(k -> schema.getField(String.valueOf(k)) != null);
        };
    }

    private static BigDecimal decimal(Number n, LogicalTypes.Decimal decimal) {
        return new BigDecimal(n.toString()).setScale(decimal.getScale(), RoundingMode.HALF_EVEN);
    }

    private static IllegalArgumentException mismatch(String path, Schema schema, Object value) {
        String type = schema.getType() == Schema.Type.UNION ? schema.getTypes().toString() : schema.getType().getName();
        return new IllegalArgumentException("field '" + path + "' must be " + type + " but is "
                + (Values.isNull(value) ? "null" : value.getClass().getSimpleName() + " " + value));
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

}
