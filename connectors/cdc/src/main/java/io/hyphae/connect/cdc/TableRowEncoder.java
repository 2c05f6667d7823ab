package io.hyphae.connect.cdc;

import io.hyphae.format.Keys;
import io.hyphae.route.Format;
import io.hyphae.route.KeyFormat;
import io.hyphae.route.RegistrySettings;
import io.hyphae.route.SubjectStrategy;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.transforms.Transformation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The last transformation of a table source: turns a row (after Debezium's {@code ExtractNewRecordState}, a struct
 * key of the key columns and a struct value, or no value for a deleted row) into the bytes of the table's topic.
 * The key is written by {@link Keys#encode} from the key columns, in the order the route file lists them (one
 * column: its value; several: a map of them), which is the function the enrich stage writes its lookup key with,
 * so a row's key and an event's join key of the same value are the same bytes. The value is written in the table's
 * format (JSON, or Avro in the Confluent wire format, with the table's schema when it declares one); a deleted
 * row becomes a tombstone. Every record goes to the table's topic. The worker writes the bytes with its
 * ByteArrayConverter.
 */
public final class TableRowEncoder<R extends ConnectRecord<R>> implements Transformation<R> {

    public static final String TOPIC = "topic";
    public static final String KEY_COLUMNS = "key.columns";
    public static final String KEY_FORMAT = "key.format";
    public static final String FORMAT = "format";
    public static final String SCHEMA = "schema";
    public static final String REGISTRY_URL = "registry.url";
    public static final String REGISTRY_BASIC_AUTH = "registry.basic.auth";
    public static final String REGISTRY_AUTO_REGISTER = "registry.auto.register";
    public static final String REGISTRY_SUBJECT_STRATEGY = "registry.subject.strategy";
    /** {@code registry.property.<name>}: the registry client's TLS settings, as the route file's registry.properties. */
    public static final String REGISTRY_PREFIX = "registry.property.";

    static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(TOPIC, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "The table's topic: every row is written there.")
            .define(KEY_COLUMNS, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, Importance.HIGH, "The key columns, in order.")
            .define(KEY_FORMAT, Type.STRING, "string", ConfigDef.ValidString.in("string", "json"), Importance.HIGH,
                    "The table's keyFormat.")
            .define(FORMAT, Type.STRING, "json", ConfigDef.ValidString.in("json", "avro"), Importance.HIGH, "The table's format.")
            .define(SCHEMA, Type.STRING, "", Importance.MEDIUM, "The Avro schema of the table's rows (empty: derived from the row).")
            .define(REGISTRY_URL, Type.STRING, "", Importance.MEDIUM, "The schema registry of an Avro table.")
            .define(REGISTRY_BASIC_AUTH, Type.PASSWORD, null, Importance.LOW, "user:password for the registry.")
            .define(REGISTRY_AUTO_REGISTER, Type.BOOLEAN, true, Importance.LOW, "Register the rows' schema (registry.autoRegister).")
            .define(REGISTRY_SUBJECT_STRATEGY, Type.STRING, "topic", Importance.LOW, "The subject naming (registry.subjectStrategy).");

    private String topic;
    private List<String> keyColumns;
    private KeyFormat keyFormat;
    private RowFormat format;

    @Override
    public void configure(Map<String, ?> configs) {
        AbstractConfig config = new AbstractConfig(CONFIG_DEF, configs);
        topic = config.getString(TOPIC);
        keyColumns = config.getList(KEY_COLUMNS);
        if (keyColumns.isEmpty()) {
            throw new ConfigException(KEY_COLUMNS, "", "name at least one key column");
        }
        keyFormat = KeyFormat.valueOf(config.getString(KEY_FORMAT).toUpperCase(Locale.ROOT));
        if (keyColumns.size() > 1 && keyFormat == KeyFormat.STRING) {
            throw new ConfigException(KEY_COLUMNS, keyColumns, "a key of several columns needs key.format json");
        }
        Format valueFormat = Format.valueOf(config.getString(FORMAT).toUpperCase(Locale.ROOT));
        if (valueFormat == Format.JSON) {
            format = RowFormat.json();
            return;
        }
        String url = config.getString(REGISTRY_URL);
        if (url.isBlank()) {
            throw new ConfigException(REGISTRY_URL, "", "an Avro table needs the schema registry's URL");
        }
        Password auth = config.getPassword(REGISTRY_BASIC_AUTH);
        Map<String, String> properties = new LinkedHashMap<>();
        configs.forEach((k, v) -> {
            if (k.startsWith(REGISTRY_PREFIX) && v != null) {
                properties.put(k.substring(REGISTRY_PREFIX.length()), String.valueOf(v));
            }
        });
        RegistrySettings registry = new RegistrySettings(Optional.of(url), Optional.ofNullable(auth).map(Password::value).filter(a -> !a.isBlank()),
                properties, config.getBoolean(REGISTRY_AUTO_REGISTER),
                SubjectStrategy.valueOf(config.getString(REGISTRY_SUBJECT_STRATEGY).toUpperCase(Locale.ROOT).replace('-', '_')));
        format = RowFormat.avro(registry, config.getString(SCHEMA));
    }

    @Override
    public R apply(R record) {
        if (!(record.key() instanceof Struct key)) {
            throw new DataException("a row of " + topic + " without a key struct (" + (record.key() == null ? "null" : record.key().getClass().getName())
                    + "): the source's key columns " + keyColumns + " must be the table's primary key, or the table needs REPLICA IDENTITY FULL");
        }
        byte[] keyBytes = Keys.encode(key(key), keyFormat);
        byte[] valueBytes = null;
        if (record.value() != null) {
            if (!(record.value() instanceof Struct row)) {
                throw new DataException("a row of " + topic + " that is not a struct: " + record.value().getClass().getName()
                        + " (is ExtractNewRecordState before this transformation?)");
            }
            Map<String, Object> value = RowValues.of(row);
            valueBytes = format.encode(topic, value);
        }
        return record.newRecord(topic, null, Schema.BYTES_SCHEMA, keyBytes,
                Schema.BYTES_SCHEMA, valueBytes, record.timestamp());
    }

    /** One key column: its value; several: a map of them in the declared order. */
    private Object key(Struct key) {
        if (keyColumns.size() == 1) {
            return column(key, keyColumns.get(0));
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (String column : keyColumns) {
            values.put(column, column(key, column));
        }
        return values;
    }

    private Object column(Struct key, String column) {
        if (key.schema().field(column) == null) {
            throw new DataException("the key of a row of " + topic + " has no column '" + column + "' (it has "
                    + key.schema().fields().stream().map(Field::name).toList() + ")");
        }
        Object value = RowValues.value(key.schema().field(column).schema(), key.get(column));
        if (value == null) {
            throw new DataException("the key column '" + column + "' of a row of " + topic + " is null");
        }
        if (value instanceof Map || value instanceof List) {
            throw new DataException("the key column '" + column + "' of a row of " + topic + " is not a scalar: " + value);
        }
        return value;
    }

    @Override
    public ConfigDef config() {
        return CONFIG_DEF;
    }

    @Override
    public void close() {
    }
}
