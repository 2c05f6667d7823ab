package io.hyphae.format.avro;

import com.google.common.primitives.UnsignedLong;
import dev.cel.common.values.CelByteString;
import io.hyphae.format.FieldHints;
import io.hyphae.format.TypedMap;
import io.hyphae.format.Values;
import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Derives the schema a stage writes: the schema the value was read with, minus the fields a stage
 * removed, plus the fields it added (nullable, default null, so the result stays backward compatible),
 * their types taken from their schema when they are records read from Avro (an enrich result) or when the stage
 * that made the map gave them one ({@link FieldHints}: a split child's item), and from their values otherwise.
 * Derived schemas are cached by the value's shape.
 */
final class AvroSchemaDeriver {

    private static final Pattern AVRO_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final int MAX_CACHED = 1_000;

    private final Map<String, Schema> cache = new ConcurrentHashMap<>();
    private final Map<Schema, Integer> baseIds = new IdentityHashMap<>();

    Schema schemaOf(Map<String, Object> value, String defaultName) {
        if (value instanceof RecordMap record) {
            return record.schema();
        }
        Schema base = base(value);
        StringBuilder signature = new StringBuilder(defaultName).append('|');
        signature.append(base == null ? "-" : baseId(base)).append('|');
        shape(value, signature);
        String key = signature.toString();
        Schema cached = cache.get(key);
        if (cached != null) {
            return cached;
        }
        Schema derived = derive(base, value, base != null ? base.getName() : defaultName,
                base != null ? base.getNamespace() : "io.hyphae.derived");
        if (cache.size() > MAX_CACHED) {
            cache.clear();
        }
        cache.put(key, derived);
        return derived;
    }

    private synchronized int baseId(Schema base) {
        return baseIds.computeIfAbsent(base, b -> baseIds.size());
    }

    private static Schema base(Object value) {
        return value instanceof TypedMap typed && typed.schemaHint() instanceof Schema s ? s : null;
    }

    /** The schema a stage gave a field of a map it made ({@link FieldHints}), or null. */
    private static Schema fieldHint(Object value, String field) {
        return value instanceof TypedMap typed && typed.schemaHint() instanceof FieldHints hints
                && hints.fields().get(field) instanceof Schema s ? s : null;
    }

    /** A text that differs whenever the derived schema would. */
    private void shape(Object value, StringBuilder out) {
        if (value instanceof RecordMap record) {
            out.append('R').append(baseId(record.schema()));
        } else if (value instanceof Map<?, ?> map) {
            Schema base = base(value);
            out.append('{').append(base == null ? "" : Integer.toString(baseId(base)));
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.append(e.getKey()).append(':');
                Schema hint = fieldHint(value, String.valueOf(e.getKey()));
                if (hint != null) {
                    out.append('H').append(baseId(hint));
                }
                shape(e.getValue(), out);
                out.append(',');
            }
            out.append('}');
        } else if (value instanceof List<?> list) {
            out.append('[');
            list.stream().filter(v -> !Values.isNull(v)).findFirst().ifPresent(v -> shape(v, out));
            out.append(']');
        } else {
            out.append(Values.isNull(value) ? "n" : value.getClass().getSimpleName());
        }
    }

    private Schema derive(Schema base, Map<?, ?> value, String name, String namespace) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Map.Entry<?, ?> e : value.entrySet()) {
            String field = String.valueOf(e.getKey());
            Schema.Field baseField = base == null ? null : base.getField(field);
            Schema hint = fieldHint(value, field);
            if (baseField != null && fitsDeep(e.getValue(), baseField.schema())) {
                fields.add(new Schema.Field(baseField, baseField.schema()));
            } else if (hint != null && fitsDeep(e.getValue(), hint)) {
                fields.add(new Schema.Field(field, nullable(hint), null, JsonProperties.NULL_VALUE));
            } else {
                if (!AVRO_NAME.matcher(field).matches()) {
                    throw new IllegalArgumentException("'" + field + "' cannot be an Avro field name: use letters, digits and '_'");
                }
                fields.add(new Schema.Field(field, nullable(infer(e.getValue(), name + "_" + field, namespace)), null, JsonProperties.NULL_VALUE));
            }
        }
        return Schema.createRecord(name, base == null ? null : base.getDoc(), namespace, false, fields);
    }

    private Schema infer(Object value, String name, String namespace) {
        if (value instanceof RecordMap record) {
            return record.schema();
        }
        if (value instanceof Map<?, ?> map) {
            boolean names = map.keySet().stream().allMatch(k -> AVRO_NAME.matcher(String.valueOf(k)).matches());
            if (names) {
                Schema base = base(value);
                return derive(base, map, base != null ? base.getName() : name, base != null ? base.getNamespace() : namespace);
            }
            Object first = map.values().stream().filter(v -> !Values.isNull(v)).map(v -> (Object) v).findFirst().orElse("");
            return Schema.createMap(nullable(infer(first, name + "_value", namespace)));
        }
        if (value instanceof List<?> list) {
            Object first = list.stream().filter(v -> !Values.isNull(v)).map(v -> (Object) v).findFirst().orElse("");
            Schema items = infer(first, name + "_item", namespace);
            return Schema.createArray(list.stream().anyMatch(Values::isNull) ? nullable(items) : items);
        }
        if (value instanceof String || Values.isNull(value)) {
            return Schema.create(Schema.Type.STRING);
        }
        if (value instanceof Long || value instanceof UnsignedLong) {
            return Schema.create(Schema.Type.LONG);
        }
        if (value instanceof Double) {
            return Schema.create(Schema.Type.DOUBLE);
        }
        if (value instanceof Boolean) {
            return Schema.create(Schema.Type.BOOLEAN);
        }
        if (value instanceof Instant) {
            return LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG));
        }
        if (value instanceof CelByteString) {
            return Schema.create(Schema.Type.BYTES);
        }
        return Schema.create(Schema.Type.STRING);
    }

    private static Schema nullable(Schema schema) {
        if (schema.getType() == Schema.Type.UNION) {
            if (schema.getTypes().stream().anyMatch(t -> t.getType() == Schema.Type.NULL)) {
                return schema;
            }
            List<Schema> types = new ArrayList<>(schema.getTypes());
            types.add(0, Schema.create(Schema.Type.NULL));
            return Schema.createUnion(types);
        }
        if (schema.getType() == Schema.Type.NULL) {
            return schema;
        }
        return Schema.createUnion(Schema.create(Schema.Type.NULL), schema);
    }

    /** Whether the value can be written with the schema, looking into records and collections. */
    static boolean fitsDeep(Object value, Schema schema) {
        switch (schema.getType()) {
            case UNION:
                return schema.getTypes().stream().anyMatch(branch -> fitsDeep(value, branch));
            case RECORD:
                if (value instanceof RecordMap record) {
                    return record.schema().equals(schema);
                }
                if (!(value instanceof Map<?, ?> map)) {
                    return false;
                }
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    Schema.Field field = schema.getField(String.valueOf(e.getKey()));
                    if (field == null || !fitsDeep(e.getValue(), field.schema())) {
                        return false;
                    }
                }
                return true;
            case ARRAY:
                return value instanceof List<?> list && list.stream().allMatch(v -> fitsDeep(v, schema.getElementType()));
            case MAP:
                return value instanceof Map<?, ?> map && map.values().stream().allMatch(v -> fitsDeep(v, schema.getValueType()));
            default:
                return AvroValues.fits(value, schema);
        }
    }
}
