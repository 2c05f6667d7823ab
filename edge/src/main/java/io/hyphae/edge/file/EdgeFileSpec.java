package io.hyphae.edge.file;

import io.hyphae.route.Format;
import io.hyphae.route.loader.Names;
import io.hyphae.route.loader.YamlNode;
import io.hyphae.spec.RouteFileSpec;
import io.hyphae.spec.field.Field;
import io.hyphae.spec.field.Fields;
import io.hyphae.spec.field.Shape;
import io.hyphae.spec.field.Shapes;
import io.hyphae.spec.field.Values;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The edge file, field by field: the single source of {@link EdgeFileLoader}'s reading, the JSON Schema
 * ({@code schemas/hyphae-edge.schema.json}) and the field table of {@code docs/edge.md}.
 */
public final class EdgeFileSpec {

    /** Table and column names: plain SQL identifiers, so they need no quoting in an application's queries. */
    public static final Pattern SQL_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    /** Names Hyphae keeps for its own tables, triggers and columns. */
    public static final String RESERVED_PREFIX = "hyphae_";
    public static final Pattern PATH_PATTERN = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");

    public static final Shape<String> SQL_IDENTIFIER = Shapes.matching(SQL_NAME, "SQL name", "a table or column name",
            "use letters, digits and '_', starting with a letter or '_'").named("sqlName");
    public static final Shape<String> PATH = Shapes.matching(PATH_PATTERN, "dotted path", "a dotted path",
            "write the event's field names joined by '.', e.g. position.lat");
    public static final Shape<ColumnType> COLUMN_TYPE = Shapes.oneOf(ColumnType.class).named("columnType");

    // a column
    public static final Field<String> COLUMN_PATH = Field.optional("path", PATH,
                    "The event field the column holds, as a dotted path into the event.")
            .defaultText("the column's name").example("position.lat");
    public static final Field<ColumnType> COLUMN_TYPE_FIELD = Field.required("type", COLUMN_TYPE,
            "`text`, `integer` (64-bit), `real`, `boolean` (stored 0/1) or `json` (any value, stored as JSON text).");
    public static final Fields COLUMN_FIELDS = Fields.of("A column: its type, and the event field it holds.", COLUMN_PATH, COLUMN_TYPE_FIELD);
    /** A column is written as its type alone ({@code lat: real}) or as a mapping ({@code lat: { path: position.lat, type: real }}). */
    public static final Shape<ColumnShape> COLUMN = Shapes.scalarOrMapping(
            COLUMN_TYPE.map(type -> new ColumnShape(Optional.empty(), type)),
            Shapes.of(node -> COLUMN_FIELDS.read(node).filter(Values::complete)
                            .map(v -> new ColumnShape(v.get(COLUMN_PATH), v.value(COLUMN_TYPE_FIELD))),
                    COLUMN_FIELDS::schema, COLUMN_FIELDS.typeName(), String::valueOf, COLUMN_FIELDS.nested())).named("column");
    private static final Shape<Map<String, ColumnShape>> COLUMNS_SHAPE = Shapes.mapOf(SQL_IDENTIFIER, COLUMN,
            "mapping of column names to columns");

    // kafka
    public static final Field<String> BOOTSTRAP = Field.optional("bootstrap", Shapes.anyText("text"),
                    "Bootstrap servers. Absent or empty: `--bootstrap-server`, else `$KAFKA_BOOTSTRAP`.")
            .example("${KAFKA_BOOTSTRAP:}");
    public static final Field<Map<String, String>> CLIENT_PROPERTIES = Field.optional("properties", Shapes.properties(),
                    "Settings for the node's consumer and producer: TLS and SASL (`security.protocol`, `ssl.truststore.location`, "
                            + "`sasl.jaas.config`, ...).")
            .example("{ security.protocol: SSL }");
    public static final Fields KAFKA = Fields.of("How the node connects to Kafka.", BOOTSTRAP, CLIENT_PROPERTIES);

    // registry: the route file's fields, where they mean the same
    public static final Field<String> REGISTRY_URL = Field.optional("url", Shapes.anyText("URL"),
                    "The Confluent-compatible schema registry of Avro mirrors and publications. Absent or empty: `--registry-url`.")
            .example("${SCHEMA_REGISTRY_URL:}");
    public static final Field<Boolean> AUTO_REGISTER = Field.optional("autoRegister", Shapes.bool(),
                    "`true`: the schema of the events the node publishes (derived from the columns) is registered on first use. "
                            + "`false`: it must be registered already.")
            .defaultValue(true);
    public static final Fields REGISTRY = Fields.of("The schema registry, for Avro.", REGISTRY_URL, RouteFileSpec.BASIC_AUTH,
            RouteFileSpec.REGISTRY_PROPERTIES, AUTO_REGISTER, RouteFileSpec.SUBJECT_STRATEGY);

    // mirror
    public static final Field<String> MIRROR_TOPIC = Field.required("topic", RouteFileSpec.TOPIC,
            "The topic kept in the table: normally a route's stage topic `<application>.<route>.<stage>`, read from the beginning.")
            .example("fleet.positions.checked");
    public static final Field<Format> MIRROR_FORMAT = Field.optional("format", RouteFileSpec.FORMAT,
            "Record format: `json` or `avro` (Confluent wire format, schemas from `registry`).").defaultValue(Format.JSON);
    public static final Field<List<String>> MIRROR_KEY = Field.optional("key", Shapes.listOf(SQL_IDENTIFIER, 1, "name at least one column"),
                    "The primary key: columns of `columns`. A record replaces the row of its key; a tombstone (null value), or a "
                            + "record with the header `hyphae.op: delete` (a node's published delete), deletes the row its record key wrote.")
            .defaultText("the record key, as text, in the column `key`").example("[droneId]");
    public static final Field<YamlNode> MIRROR_COLUMNS = Field.required("columns", Shapes.node(COLUMNS_SHAPE),
                    "The table's columns. The table is created from them, and missing columns are added to an existing table.")
            .example("{ droneId: text, lat: { path: position.lat, type: real } }");
    public static final Fields MIRROR = Fields.of("A topic kept in a local table: upsert by key, tombstone deletes, exactly once.",
            MIRROR_TOPIC, MIRROR_FORMAT, MIRROR_KEY, MIRROR_COLUMNS);

    // publish
    public static final Field<String> PUBLISH_TOPIC = Field.required("topic", RouteFileSpec.TOPIC,
            "Where the table's writes go: normally a route's `from`, so they are validated and enriched like every other event.")
            .example("fleet.reported");
    public static final Field<Format> PUBLISH_FORMAT = Field.optional("format", RouteFileSpec.FORMAT,
            "Event format: `json` or `avro`.").defaultValue(Format.JSON);
    public static final Field<String> PUBLISH_KEY = Field.required("key", SQL_IDENTIFIER,
            "The column whose value is the record key (a column of `columns`).").example("droneId");
    public static final Field<YamlNode> PUBLISH_COLUMNS = Field.required("columns", Shapes.node(COLUMNS_SHAPE),
                    "The columns published, each at its path in the event. The table is created from them if missing, and "
                            + "missing columns are added.")
            .example("{ droneId: text, lat: { path: position.lat, type: real } }");
    public static final Field<String> PUBLISH_ID_FIELD = Field.optional("idField", PATH,
                    "The event field that holds the event id `<node>-<outbox sequence>` (also in the header `hyphae.event-id`).")
            .defaultValue("eventId");
    public static final Field<String> PUBLISH_DEAD_LETTERS = Field.optional("deadLetters", RouteFileSpec.TOPIC,
                    "The route's dead-letter topic (`<application>.<route>.dlq`): the node's writes the route rejects appear in "
                            + "the `rejected` table, with the reason.")
            .example("fleet.positions.dlq");
    public static final Fields PUBLISH = Fields.of("A local table whose inserts, updates and deletes are published through an outbox.",
            PUBLISH_TOPIC, PUBLISH_FORMAT, PUBLISH_KEY, PUBLISH_COLUMNS, PUBLISH_ID_FIELD, PUBLISH_DEAD_LETTERS);

    // the file
    public static final Field<String> NODE = Field.required("node",
                    Shapes.matching(Names.NAME, "node id", "a node id", "use letters, digits, '-' and '_'"),
                    "The node's id, unique in the fleet: the first part of the id of every event it publishes. One database file "
                            + "per node id.")
            .example("drone-7");
    public static final Field<String> DATABASE = Field.required("database", Shapes.text(),
            "The SQLite file, relative to the edge file; created if missing.").example("drone-7.db");
    public static final Field<YamlNode> KAFKA_SECTION = Field.optional("kafka", Shapes.node(KAFKA), "How the node connects to Kafka.");
    public static final Field<YamlNode> REGISTRY_SECTION = Field.optional("registry", Shapes.node(REGISTRY),
            "The schema registry, for Avro.");
    public static final Field<String> REJECTED = Field.optional("rejected", SQL_IDENTIFIER,
            "The local table of rejected records: mirrored records that do not fit the mapping, and the node's writes the route "
                    + "dead-lettered, each with the reason.").defaultValue("rejected");
    public static final Field<YamlNode> MIRRORS = Field.optional("mirror",
            Shapes.node(Shapes.mapOf(SQL_IDENTIFIER, MIRROR.named("mirror"), "mapping of table names to mirrors")),
            "Local tables kept equal to topics, by table name.");
    public static final Field<YamlNode> PUBLISHES = Field.optional("publish",
            Shapes.node(Shapes.mapOf(SQL_IDENTIFIER, PUBLISH.named("publish"), "mapping of table names to publications")),
            "Local tables whose writes are published, by table name.");
    public static final Fields FILE = Fields.of("An edge node: a local SQLite database kept equal to topics (mirror), whose local "
                    + "writes are published to a route (publish). Values may use ${ENV} or ${ENV:default}.",
            NODE, DATABASE, KAFKA_SECTION, REGISTRY_SECTION, REJECTED, MIRRORS, PUBLISHES);

    private EdgeFileSpec() {
    }

    /** A column as written: a type alone, or a path and a type. */
    public record ColumnShape(Optional<String> path, ColumnType type) {
    }
}
