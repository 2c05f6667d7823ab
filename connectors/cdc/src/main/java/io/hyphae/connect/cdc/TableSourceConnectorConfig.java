package io.hyphae.connect.cdc;

import io.hyphae.plan.TopicNames;
import io.hyphae.route.Format;
import io.hyphae.route.PostgresSource;
import io.hyphae.route.RegistrySettings;
import io.hyphae.route.RouteFile;
import io.hyphae.route.Secret;
import io.hyphae.route.SchemaSource;
import io.hyphae.route.TableDefinition;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The Kafka Connect configuration of the Debezium PostgreSQL connector that keeps a table's topic equal to its
 * database table ({@code tables.<name>.source.postgres}): what {@code hyphae connectors render} prints and
 * {@code apply} sends to a worker. Debezium reads the table through a publication of that table alone and a
 * replication slot of its own ({@code pgoutput}), snapshots it first, then streams its changes; its change events
 * become rows ({@code ExtractNewRecordState}, a delete becomes a tombstone), which {@link TableRowEncoder} writes in
 * the table's key and value encodings to the table's topic. Heartbeats keep the slot moving on a quiet table and
 * are dropped before they reach a topic.
 */
public final class TableSourceConnectorConfig {

    /** Shown instead of a secret wherever a configuration is printed. */
    public static final String MASK = "[secret]";
    public static final String CONNECTOR_CLASS = "io.debezium.connector.postgresql.PostgresConnector";
    static final String BYTES = "org.apache.kafka.connect.converters.ByteArrayConverter";
    /** Debezium's heartbeat topics: {@code <topic.heartbeat.prefix>.<topic.prefix>}. */
    static final String HEARTBEAT_PREFIX = "__debezium-heartbeat";
    private static final String ENCODER = "transforms.row.";
    static final long POLL_INTERVAL_MS = 50;

    private TableSourceConnectorConfig() {
    }

    /** The connector's name: {@code <application>-table-<name>}. */
    public static String connector(RouteFile file, TableDefinition table) {
        return TopicNames.tableConnector(file.application(), table.name());
    }

    /** The configuration; {@code withSecrets} false masks the database and registry passwords, for printing. */
    public static Map<String, String> render(RouteFile file, TableDefinition table, boolean withSecrets) {
        PostgresSource pg = table.source().orElseThrow(() -> new IllegalArgumentException("table " + table.name() + " has no source"));
        String slot = TopicNames.replicationSlot(file.application(), table.name());
        String prefix = TopicNames.tableSourcePrefix(file.application(), table.name());
        String tableRegex = quote(pg.schema()) + "\\." + quote(pg.table());
        Map<String, String> c = new LinkedHashMap<>();
        c.put("connector.class", CONNECTOR_CLASS);
        c.put("tasks.max", "1");
        c.put("database.hostname", pg.host());
        c.put("database.port", Integer.toString(pg.port()));
        c.put("database.dbname", pg.database());
        c.put("database.user", pg.user());
        pg.password().map(Secret::value).ifPresent(p -> c.put("database.password", withSecrets ? p : MASK));
        c.put("topic.prefix", prefix);
        c.put("plugin.name", "pgoutput");
        c.put("slot.name", slot);
        c.put("publication.name", slot);
        // Debezium creates the publication for the included table only (CREATE PUBLICATION ... FOR TABLE ...)
        c.put("publication.autocreate.mode", "filtered");
        c.put("table.include.list", tableRegex);
        if (!pg.keptColumns().isEmpty()) {
            c.put("column.include.list", pg.keptColumns().stream().map(col -> tableRegex + "\\." + quote(col)).collect(Collectors.joining(",")));
        }
        // the key is made of the declared columns, in their order, whether or not they are the primary key
        c.put("message.key.columns", tableRegex + ":" + String.join(",", pg.key()));
        c.put("snapshot.mode", "initial");
        c.put("heartbeat.interval.ms", Long.toString(pg.heartbeat().toMillis()));
        // Debezium waits this long when the replication stream or its queue is empty (default 500 ms, twice in a
        // row): it sets the time from a commit to its row in the topic on a table that changes now and then
        c.put("poll.interval.ms", Long.toString(POLL_INTERVAL_MS));
        c.put("topic.heartbeat.prefix", HEARTBEAT_PREFIX);
        // values as CEL sees them in events: decimals as doubles, dates and times as Connect's logical types (ISO text)
        c.put("decimal.handling.mode", "double");
        c.put("time.precision.mode", "connect");
        c.put("tombstones.on.delete", "true");
        c.put("key.converter", BYTES);
        c.put("value.converter", BYTES);
        // the table's topic, compacted, if it does not exist yet (hyphae run provisions it too)
        c.put("topic.creation.default.partitions", file.topics().partitions().map(Object::toString).orElse("-1"));
        c.put("topic.creation.default.replication.factor", file.topics().replicationFactor().map(Object::toString).orElse("-1"));
        c.put("topic.creation.default.cleanup.policy", "compact");
        c.put("predicates", "heartbeat");
        c.put("predicates.heartbeat.type", "org.apache.kafka.connect.transforms.predicates.TopicNameMatches");
        c.put("predicates.heartbeat.pattern", Pattern.quote(HEARTBEAT_PREFIX + ".") + ".*");
        c.put("transforms", "heartbeat,unwrap,row");
        c.put("transforms.heartbeat.type", "org.apache.kafka.connect.transforms.Filter");
        c.put("transforms.heartbeat.predicate", "heartbeat");
        c.put("transforms.unwrap.type", "io.debezium.transforms.ExtractNewRecordState");
        c.put("transforms.unwrap.delete.tombstone.handling.mode", "tombstone");
        c.put(ENCODER + "type", TableRowEncoder.class.getName());
        c.put(ENCODER + TableRowEncoder.TOPIC, table.topic());
        c.put(ENCODER + TableRowEncoder.KEY_COLUMNS, String.join(",", pg.key()));
        c.put(ENCODER + TableRowEncoder.KEY_FORMAT, table.keyFormat().id());
        c.put(ENCODER + TableRowEncoder.FORMAT, table.format().id());
        if (table.format() == Format.AVRO) {
            table.schema().map(SchemaSource::text).ifPresent(s -> c.put(ENCODER + TableRowEncoder.SCHEMA, s));
            RegistrySettings registry = file.registry();
            registry.url().ifPresent(url -> c.put(ENCODER + TableRowEncoder.REGISTRY_URL, url));
            registry.basicAuth().ifPresent(auth -> c.put(ENCODER + TableRowEncoder.REGISTRY_BASIC_AUTH, withSecrets ? auth : MASK));
            c.put(ENCODER + TableRowEncoder.REGISTRY_AUTO_REGISTER, Boolean.toString(registry.autoRegister()));
            c.put(ENCODER + TableRowEncoder.REGISTRY_SUBJECT_STRATEGY, registry.subjectStrategy().id());
            registry.properties().forEach((k, v) -> c.put(ENCODER + TableRowEncoder.REGISTRY_PREFIX + k,
                    !withSecrets && k.contains("password") ? MASK : v));
        }
        return c;
    }

    /** An identifier as a literal part of Debezium's include-list regular expressions ('$' is the only special one). */
    private static String quote(String identifier) {
        return identifier.replace("$", "\\$");
    }
}
