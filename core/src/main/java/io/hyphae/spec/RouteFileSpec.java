package io.hyphae.spec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyphae.route.Format;
import io.hyphae.route.PostgresSource;
import io.hyphae.route.KeyFormat;
import io.hyphae.route.SubjectStrategy;
import io.hyphae.route.TableMode;
import io.hyphae.route.loader.Names;
import io.hyphae.route.loader.YamlNode;
import io.hyphae.spec.field.Field;
import io.hyphae.spec.field.Fields;
import io.hyphae.spec.field.SchemaWriter;
import io.hyphae.spec.field.Shape;
import io.hyphae.spec.field.Shapes;
import io.hyphae.spec.field.Values;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The route file's sections, field by field: the single source of the loader's reading, the JSON Schema and the
 * reference docs. Stage bodies are specified by their {@link StageSpec}s subscribers by {@link SubscriberSpec} and bridges by {@link BridgeSpec}.
 */
public final class RouteFileSpec {

    public static final int MAX_PARTITIONS = 10_000;

    public static final Shape<String> NAME = CommonShapes.NAME;
    public static final Shape<String> TOPIC = CommonShapes.TOPIC;
    public static final Shape<Format> FORMAT = CommonShapes.FORMAT;
    public static final Shape<KeyFormat> KEY_FORMAT = CommonShapes.KEY_FORMAT;
    private static final Shape<String> SCHEMA_FILE = Shapes.text();

    // kafka
    public static final Field<String> BOOTSTRAP = Field.optional("bootstrap", Shapes.anyText("text"),
                    "Bootstrap servers. Absent or empty: `--bootstrap-server`, else `$KAFKA_BOOTSTRAP`, else the [local broker](running.md#the-local-stack).")
            .example("${KAFKA_BOOTSTRAP:}");
    public static final Field<Map<String, String>> CLIENT_PROPERTIES = Field.optional("properties", Shapes.properties(),
                    "Settings for **every** Kafka client Hyphae creates: streams, admin, and the producers and consumers of "
                            + "`produce`, `tap` and `demo`. This is where TLS and SASL settings go (`security.protocol`, "
                            + "`ssl.truststore.location`, `sasl.jaas.config`, ...).")
            .example("{ security.protocol: SASL_SSL, sasl.mechanism: SCRAM-SHA-512 }");
    public static final Field<Map<String, String>> STREAMS = Field.optional("streams", Shapes.properties(),
                    "Kafka Streams settings, applied last: they override Hyphae's defaults (see [Running](running.md#running-and-guarantees)). Prefixes such as `producer.` and "
                            + "`consumer.` work as in Kafka Streams.")
            .example("{ num.stream.threads: \"2\" }");
    public static final Fields KAFKA = Fields.of("How Hyphae connects to Kafka.", BOOTSTRAP, CLIENT_PROPERTIES, STREAMS);

    // registry
    public static final Field<String> REGISTRY_URL = Field.optional("url", Shapes.anyText("URL"),
                    "The Confluent-compatible schema registry of Avro routes and tables. Absent or empty: `--registry-url`, "
                            + "else the [local registry](running.md#the-local-stack).")
            .example("${SCHEMA_REGISTRY_URL:}");
    public static final Field<String> BASIC_AUTH = Field.optional("basicAuth", Shapes.anyText("text"),
                    "`user:password` for HTTP basic authentication (take it from the environment).")
            .example("${REGISTRY_USER_INFO:}");
    public static final Field<Map<String, String>> REGISTRY_PROPERTIES = Field.optional("properties", Shapes.properties(),
            "TLS to the registry: `ssl.truststore.location`, `ssl.truststore.password`, `ssl.truststore.type` (default PKCS12), "
                    + "and `ssl.keystore.*`, `ssl.key.password` for a client certificate.");
    public static final Field<Boolean> AUTO_REGISTER = Field.optional("autoRegister", Shapes.bool(),
                    "`true`: the schemas stages write are registered on first use. `false`: they must be registered already "
                            + "(a record whose schema is not is dead-lettered).")
            .defaultValue(true);
    public static final Field<SubjectStrategy> SUBJECT_STRATEGY = Field.optional("subjectStrategy", Shapes.oneOf(SubjectStrategy.class),
                    "`topic`: subject `<topic>-value`; `record`: the record's full name.")
            .defaultValue(SubjectStrategy.TOPIC);
    public static final Fields REGISTRY = Fields.of("The schema registry of Avro routes and tables.",
            REGISTRY_URL, BASIC_AUTH, REGISTRY_PROPERTIES, AUTO_REGISTER, SUBJECT_STRATEGY);

    // topics
    public static final Field<Integer> PARTITIONS = Field.optional("partitions", Shapes.integer(1, MAX_PARTITIONS),
                    "Partitions of the topics Hyphae creates (inputs, stage topics, dead-letter topics, destinations).")
            .defaultText("the broker's `num.partitions`").example("6");
    public static final Field<Integer> REPLICATION_FACTOR = Field.optional("replicationFactor", Shapes.integer(1, Short.MAX_VALUE),
                    "Their replication factor.")
            .defaultText("the broker's `default.replication.factor`").example("3");
    public static final Field<Map<String, String>> TOPIC_CONFIG = Field.optional("config", Shapes.properties(),
                    "Topic configs for the topics Hyphae creates (`retention.ms`, `compression.type`, ...).")
            .example("{ retention.ms: \"604800000\" }");
    public static final Fields TOPICS = Fields.of("How Hyphae creates missing topics. Absent values take the broker's defaults.",
            PARTITIONS, REPLICATION_FACTOR, TOPIC_CONFIG);

    // tables
    public static final Field<String> TABLE_TOPIC = Field.required("topic", TOPIC,
            "The compacted topic holding the rows, keyed by the row's key. Created compacted if missing.").example("geo.accident-volume");
    public static final Field<Format> TABLE_FORMAT = Field.optional("format", FORMAT, "Row format.").defaultValue(Format.JSON);
    public static final Field<KeyFormat> TABLE_KEY_FORMAT = Field.optional("keyFormat", KEY_FORMAT,
                    "How the topic's keys are written: `string` (UTF-8 text) or `json` (e.g. `{\"id\":\"c1\"}`, as CDC connectors "
                            + "key their topics). The enrich `key` expression's result is encoded the same way for the lookup.")
            .defaultValue(KeyFormat.STRING);
    public static final Field<TableMode> TABLE_MODE = Field.optional("mode", Shapes.oneOf(TableMode.class),
                    "`global`: a GlobalKTable on every instance; `partitioned`: a KTable, events repartitioned by the join key "
                            + "(see [enrich](stages.md#enrich)).")
            .defaultValue(TableMode.GLOBAL);
    public static final Field<String> TABLE_SCHEMA = Field.optional("schema", SCHEMA_FILE,
                    "For `avro`: the reader schema (`.avsc`, relative to the route file) rows are resolved to.")
            .defaultText("each row's writer schema").example("../../schemas/avro/insurance/GeoRisk.avsc");

    // tables.<name>.source.postgres
    /** A PostgreSQL identifier as a source takes it (unquoted): a letter or '_', then letters, digits, '_' and '$'. */
    public static final Pattern SQL_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");
    private static final Pattern SQL_TABLE = Pattern.compile("(" + SQL_NAME.pattern() + "\\.)?" + SQL_NAME.pattern());
    private static final Shape<String> COLUMN = Shapes.matching(SQL_NAME, "column name", "a column name",
            "an unquoted identifier: letters, digits, '_' and '$'");
    public static final Field<String> PG_HOST = Field.optional("host", Shapes.text(), "The database server.").defaultValue("127.0.0.1");
    public static final Field<Integer> PG_PORT = Field.optional("port", Shapes.integer(1, 65_535), "Its port.")
            .defaultValue(PostgresSource.DEFAULT_PORT);
    public static final Field<String> PG_DATABASE = Field.required("database", Shapes.text(), "The database.").example("insurance");
    public static final Field<String> PG_USER = Field.required("user", Shapes.text(),
            "A role with `REPLICATION` and `SELECT` on the table (see [Tables fed from PostgreSQL](tables-from-postgres.md)).")
            .example("hyphae_cdc");
    public static final Field<String> PG_PASSWORD = Field.optional("password", Shapes.anyText("text"),
            "Its password, from the environment; empty: none (trust or peer authentication). Never printed.")
            .example("${PGPASSWORD:}");
    public static final Field<String> PG_TABLE = Field.required("table", Shapes.matching(SQL_TABLE, "<schema>.<table>",
                    "a table name", "write <schema>.<table> or <table> (schema " + PostgresSource.DEFAULT_SCHEMA + "), unquoted identifiers"),
            "The table the topic follows.").example("public.geo_risk");
    public static final Field<List<String>> PG_KEY = Field.required("key", Shapes.oneOrMore(COLUMN),
            "The column, or columns in order, that key a row. One column: its value is the key; several: a JSON object in "
                    + "this order (needs `keyFormat: json`).").example("postal_code");
    public static final Field<List<String>> PG_COLUMNS = Field.optional("columns", Shapes.oneOrMore(COLUMN),
            "The columns a row keeps (the key columns always).").defaultText("all").example("[accidents_per_1000]");
    public static final Field<Duration> PG_HEARTBEAT = Field.optional("heartbeat", Shapes.duration(Duration.ofSeconds(1), Duration.ofHours(1)),
            "How often the connector confirms its position on a quiet table, so the database can drop old WAL.")
            .defaultValue(PostgresSource.DEFAULT_HEARTBEAT);
    public static final Fields POSTGRES = Fields.of("A PostgreSQL table the table's topic follows, by change data capture (Debezium).",
            PG_HOST, PG_PORT, PG_DATABASE, PG_USER, PG_PASSWORD, PG_TABLE, PG_KEY, PG_COLUMNS, PG_HEARTBEAT);
    public static final Field<Values> SOURCE_POSTGRES = Field.required("postgres", POSTGRES, "The PostgreSQL table.");
    public static final Fields SOURCE = Fields.of("Where the table's rows come from.", SOURCE_POSTGRES);
    public static final Field<Values> TABLE_SOURCE = Field.optional("source", SOURCE,
            "A database table that a Kafka Connect connector keeps the topic equal to (see [Tables fed from PostgreSQL](tables-from-postgres.md)).")
            .defaultText("none: the topic is written by others");
    public static final Fields TABLE = Fields.of("A reference table: a compacted topic read as a KTable or GlobalKTable, joined by enrich stages.",
            TABLE_TOPIC, TABLE_FORMAT, TABLE_KEY_FORMAT, TABLE_MODE, TABLE_SCHEMA, TABLE_SOURCE);

    // routes
    public static final Field<String> FROM = Field.required("from", TOPIC, "The input topic. A topic feeds one route.")
            .example("customer.address-changed");
    public static final Field<Format> ROUTE_FORMAT = Field.optional("format", FORMAT,
            "Event format: `json` (an event is a JSON object) or `avro` (an event is a record).").defaultValue(Format.JSON);
    public static final Field<KeyFormat> ROUTE_KEY_FORMAT = Field.optional("keyFormat", KEY_FORMAT,
            "How record keys are decoded for the CEL variable `key`.").defaultValue(KeyFormat.STRING);
    public static final Field<String> ROUTE_SCHEMA = Field.optional("schema", SCHEMA_FILE,
                    "For `avro`: the reader schema (`.avsc`, relative to the route file) every event is resolved to, whatever "
                            + "compatible schema it was written with. `hyphae demo` and `produce` also write JSON sample lines with it.")
            .defaultText("each event's writer schema");
    public static final Field<YamlNode> STAGES = Field.required("stages", Shapes.custom(Optional::of, RouteFileSpec::stagesSchema,
                    "list of stages"),
            "The stages, in order; at least one. Each is written `- <stage name>: { <type>: <body> }`; see [Stages](stages.md). "
                    + "Stage names are unique within the route; letters, digits, `-`, `_`.");
    public static final Fields ROUTE = Fields.of("A route: an input topic and the stages its events pass, each writing <application>.<route>.<stage>.",
            FROM, ROUTE_FORMAT, ROUTE_KEY_FORMAT, ROUTE_SCHEMA, STAGES);

    // the file
    public static final Field<String> APPLICATION = Field.required("application",
                    Shapes.matching(Names.APPLICATION, "application id", "an application id", "use letters, digits, '.', '-' and '_'"),
                    "The Kafka Streams `application.id` (consumer group, transactional ids) and the first part of every topic "
                            + "Hyphae names.")
            .example("insurance");
    public static final Field<YamlNode> KAFKA_SECTION = Field.optional("kafka", Shapes.node(KAFKA), "How Hyphae connects to Kafka.");
    public static final Field<YamlNode> REGISTRY_SECTION = Field.optional("registry", Shapes.node(REGISTRY),
            "The schema registry, for Avro.");
    public static final Field<YamlNode> TOPICS_SECTION = Field.optional("topics", Shapes.node(TOPICS), "How Hyphae creates missing topics.");
    public static final Field<YamlNode> TABLES = Field.optional("tables", Shapes.node(Shapes.mapOf(NAME, TABLE.named("table"), "mapping of names to tables")),
            "Reference tables; a table's name is what enrich stages refer to.");
    public static final Field<YamlNode> ROUTES = Field.required("routes", Shapes.node(Shapes.mapOf(NAME, ROUTE.named("route"), "mapping of names to routes")),
            "The routes; at least one. Names: letters, digits, `-`, `_` (no dots: they are part of topic names).");
    public static final Field<YamlNode> SUBSCRIBERS = Field.optional("subscribers",
            Shapes.node(Shapes.mapOf(NAME, SubscriberSpec.FIELDS.named("subscriber"), "mapping of names to subscribers")),
            "Webhook subscribers of stage topics or topics, delivered by Kafka Connect: see [Webhook subscribers](subscribers.md).");
    public static final Field<YamlNode> BRIDGES = Field.optional("bridges",
            Shapes.node(Shapes.mapOf(NAME, BridgeSpec.FIELDS.named("bridge"), "mapping of names to bridges")),
            "MQTT and RabbitMQ brokers whose messages enter routes, or to which stage topics are published, run by Kafka "
                    + "Connect: see [Protocol bridges](bridges.md).");
    public static final Fields FILE = Fields.of("Declares an application's reference tables and routes: ordered stages whose output "
                    + "each lands on the topic <application>.<route>.<stage>. Values may use ${ENV} or ${ENV:default}.",
            APPLICATION, KAFKA_SECTION, REGISTRY_SECTION, TOPICS_SECTION, TABLES, ROUTES, SUBSCRIBERS, BRIDGES);

    private RouteFileSpec() {
    }

    private static ObjectNode stagesSchema(SchemaWriter writer) {
        ObjectNode schema = writer.object();
        schema.put("type", "array");
        schema.put("minItems", 1);
        ObjectNode item = schema.putObject("items");
        item.put("type", "object");
        item.put("minProperties", 1);
        item.put("maxProperties", 1);
        item.set("propertyNames", NAME.schema(writer));
        item.set("additionalProperties", writer.ref("stage", () -> {
            ObjectNode stage = writer.object();
            stage.put("type", "object");
            stage.put("description", "A stage: exactly one type and its body.");
            stage.put("minProperties", 1);
            stage.put("maxProperties", 1);
            stage.put("additionalProperties", false);
            ObjectNode types = stage.putObject("properties");
            for (StageSpec<?> spec : StageSpecs.all()) {
                types.set(spec.type(), spec.body().named("stage-" + spec.type()).schema(writer));
            }
            return stage;
        }));
        return schema;
    }
}
