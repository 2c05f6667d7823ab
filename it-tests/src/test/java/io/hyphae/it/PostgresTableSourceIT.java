package io.hyphae.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyphae.connect.ConnectRestClient;
import io.hyphae.connect.SubscriberConnectors;
import io.hyphae.event.LineageHeaders;
import io.hyphae.local.LocalConnect;
import io.hyphae.local.LocalKafka;
import io.hyphae.local.LocalSchemaRegistry;
import io.hyphae.plan.CheckedFile;
import io.hyphae.plan.TopicNames;
import io.hyphae.route.loader.RouteFileLoader;
import io.hyphae.runtime.HyphaeApplication;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tables that follow PostgreSQL tables: a throwaway PostgreSQL cluster ({@code wal_level=logical}), a broker and a
 * Kafka Connect worker each in its own process running Debezium's PostgreSQL connector with Hyphae's row encoder, and
 * the stream app in-process, a schema registry. The route enriches each event from three tables: {@code geo} (text
 * key, keyFormat string, onMiss dead-letter), {@code tariffs} (a composite key, keyFormat json, Avro rows) and
 * {@code customers} (integer key, keyFormat json, only some columns kept). What is checked:
 * rows that exist before the start arrive by snapshot; an UPDATE, a DELETE and an INSERT change what the next events
 * are enriched with (a delete sends them to the dead-letter topic); the keys Debezium's rows get are the keys the
 * enrich stage looks up; a stopped connector and a killed worker resume from their offsets without snapshotting again
 * or losing a change made while they were down.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresTableSourceIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String APP = "cdc";
    private static final String GEO_TOPIC = "geo.risk";
    private static final String CUSTOMERS_TOPIC = "crm.customers";
    private static final String TARIFFS_TOPIC = "pricing.tariffs";
    private static final String INPUT = "addresses.in";
    private static final String OUTPUT = TopicNames.stage(APP, "addresses", "customer");
    private static final String DEAD_LETTERS = TopicNames.deadLetter(APP, "addresses");

    private PostgresServer pg;
    private LocalKafka kafka;
    private LocalSchemaRegistry registry;
    private LocalConnect connect;
    private HyphaeApplication app;
    private CheckedFile checked;
    private ConnectRestClient worker;
    private String connectUrl;
    private Path routeFile;
    /** The WAL position just before the last change made while the connector was stopped: its UPDATE is written after it. */
    private String lastChange;
    private KafkaProducer<String, String> producer;
    private Thread reader;
    private final AtomicBoolean reading = new AtomicBoolean(true);
    private final Map<String, JsonNode> enriched = new ConcurrentHashMap<>();
    private final Map<String, String> deadLettered = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final List<String> progress = new CopyOnWriteArrayList<>();

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        pg = PostgresServer.startOrSkip();
        Path plugins = Path.of("../connectors/cdc/target/plugin").toAbsolutePath().normalize();
        assertThat(plugins.resolve("debezium-connector-postgres")).as("the cdc plugin folders (mvn -pl it-tests -am verify builds them)").isDirectory();
        assertThat(plugins.resolve("hyphae-cdc")).isDirectory();
        pg.sql("""
                CREATE TABLE geo_risk (postal_code text PRIMARY KEY, accidents_per_1000 double precision NOT NULL, region text);
                INSERT INTO geo_risk VALUES ('8001', 12.5, 'ZH'), ('8002', 31.0, 'ZH'), ('3000', 8.0, 'BE');
                CREATE TABLE customers (id integer PRIMARY KEY, name text NOT NULL, tier text NOT NULL, secret_note text);
                INSERT INTO customers VALUES (1, 'Ada', 'gold', 'not for the table'), (2, 'Bob', 'silver', 'nor this');
                CREATE TABLE tariffs (region text, band text, factor double precision NOT NULL, PRIMARY KEY (region, band));
                INSERT INTO tariffs VALUES ('ZH', 'A', 1.5), ('ZH', 'B', 2.5), ('BE', 'A', 0.5);
                """);

        registry = new LocalSchemaRegistry(dir, Ports.freePair());
        String registryUrl = registry.start(progress::add);
        kafka = new LocalKafka(dir, Ports.freePair());
        connect = new LocalConnect(dir, Ports.freePair(), kafka, List.of(plugins));
        connectUrl = connect.ensureRunning(progress::add);
        worker = new ConnectRestClient(connectUrl);

        Map<String, Object> database = Map.of("host", "127.0.0.1", "port", pg.port(), "database", "postgres", "user", "postgres");
        Map<String, Object> geoSource = new LinkedHashMap<>(database);
        geoSource.putAll(Map.of("table", "public.geo_risk", "key", "postal_code", "heartbeat", "2s"));
        Map<String, Object> customerSource = new LinkedHashMap<>(database);
        customerSource.putAll(Map.of("table", "customers", "key", List.of("id"), "columns", List.of("name", "tier")));
        Map<String, Object> tariffSource = new LinkedHashMap<>(database);
        // the key columns in another order than the primary key's: the key is written in this order
        tariffSource.putAll(Map.of("table", "public.tariffs", "key", List.of("band", "region")));
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("application", APP);
        file.put("topics", Map.of("replicationFactor", 1, "partitions", 2));
        file.put("registry", Map.of("url", registryUrl));
        file.put("tables", Map.of(
                "geo", Map.of("topic", GEO_TOPIC, "source", Map.of("postgres", geoSource)),
                "customers", Map.of("topic", CUSTOMERS_TOPIC, "keyFormat", "json", "source", Map.of("postgres", customerSource)),
                "tariffs", Map.of("topic", TARIFFS_TOPIC, "keyFormat", "json", "format", "avro", "source", Map.of("postgres", tariffSource))));
        file.put("routes", Map.of("addresses", Map.of("from", INPUT, "stages", List.of(
                Map.of("geo", Map.of("enrich", Map.of("table", "geo", "key", "value.postalCode", "as", "geo", "onMiss", "dead-letter"))),
                Map.of("tariff", Map.of("enrich", Map.of("table", "tariffs", "key", "{'band': value.band, 'region': value.region}", "as", "tariff",
                        "onMiss", "pass"))),
                Map.of("customer", Map.of("enrich", Map.of("table", "customers", "key", "value.customerId", "as", "customer", "onMiss", "pass")))))));
        routeFile = dir.resolve("routes.json");
        Files.writeString(routeFile, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(file));

        checked = new RouteFileLoader(n -> null).loadChecked(routeFile);
        app = new HyphaeApplication(checked.file(), kafka.bootstrapServers(), progress::add);
        app.start();
        app.awaitRunning(Duration.ofSeconds(90));
        SubscriberConnectors.apply(checked, worker, progress::add);
        producer = new Kafka(kafka.bootstrapServers()).producer();
        startReader();
    }

    @AfterAll
    void stop() throws Exception {
        reading.set(false);
        if (reader != null) {
            reader.join(10_000);
        }
        if (producer != null) {
            producer.close();
        }
        if (app != null) {
            app.close();
        }
        if (connect != null) {
            connect.stop(progress::add);
        }
        if (kafka != null) {
            kafka.stop(progress::add);
        }
        if (registry != null) {
            registry.stop(progress::add);
        }
        if (pg != null) {
            pg.close();
        }
        progress.forEach(System.out::println);
    }

    @Test
    @Order(1)
    void rowsPresentBeforeTheStartArriveBySnapshotKeyedAsTheEnrichStageLooksThemUp() throws Exception {
        await().atMost(Duration.ofSeconds(90)).until(() -> latest(GEO_TOPIC).size() == 3 && latest(CUSTOMERS_TOPIC).size() == 2
                && latest(TARIFFS_TOPIC).size() == 3);
        Map<String, String> geo = latest(GEO_TOPIC);
        // keyFormat string: the text of the key column, exactly the bytes Keys.encode writes for value.postalCode
        assertThat(geo.keySet()).containsExactlyInAnyOrder("8001", "8002", "3000");
        assertThat(JSON.readTree(geo.get("8001"))).isEqualTo(JSON.readTree("{\"postal_code\":\"8001\",\"accidents_per_1000\":12.5,\"region\":\"ZH\"}"));
        Map<String, String> customers = latest(CUSTOMERS_TOPIC);
        // keyFormat json, an integer column: the JSON number 1, not a struct {"id":1}; only the kept columns (and the key)
        assertThat(customers.keySet()).containsExactlyInAnyOrder("1", "2");
        assertThat(JSON.readTree(customers.get("1"))).isEqualTo(JSON.readTree("{\"id\":1,\"name\":\"Ada\",\"tier\":\"gold\"}"));

        // a composite key: a JSON object of the columns in the order the source lists them
        assertThat(latest(TARIFFS_TOPIC).keySet()).contains("{\"band\":\"A\",\"region\":\"ZH\"}");
        // an Avro table: rows in the Confluent wire format (magic byte 0, the schema's registry id)
        assertThat(new Kafka(kafka.bootstrapServers()).readAll(TARIFFS_TOPIC, Duration.ofSeconds(10)))
                .allSatisfy(t -> assertThat(t.bytes()[0]).isEqualTo((byte) 0));

        JsonNode event = awaitEnriched("8001", 1, e -> !e.path("geo").isMissingNode());
        assertThat(event.path("geo").path("accidents_per_1000").asDouble()).isEqualTo(12.5);
        assertThat(event.path("tariff").path("factor").asDouble()).as("the composite key joins").isEqualTo(1.5);
        assertThat(event.path("customer").path("tier").asText()).isEqualTo("gold");
        assertThat(event.path("customer").has("secret_note")).isFalse();

        assertThat(status()).contains("phase: streaming");
        Cli cli = Cli.run("connectors", "status", routeFile.toString(), "-b", kafka.bootstrapServers(), "--connect-url", connectUrl);
        assertThat(cli.out()).as(cli.err()).contains("table geo <- postgres 127.0.0.1:" + pg.port() + "/postgres public.geo_risk")
                .contains("connector cdc-table-geo: RUNNING, tasks 0:RUNNING").contains("phase: streaming")
                .contains("rows written: 3 record(s) in geo.risk");
        assertThat(cli.code()).isZero();
    }

    @Test
    @Order(2)
    void anUpdateInPostgresChangesTheEnrichmentOfTheNextEvents() throws Exception {
        pg.sql("UPDATE geo_risk SET accidents_per_1000 = 44.5 WHERE postal_code = '8001'; UPDATE customers SET tier = 'platinum' WHERE id = 1");
        JsonNode event = awaitEnriched("8001", 1, e -> e.path("geo").path("accidents_per_1000").asDouble() == 44.5
                && e.path("customer").path("tier").asText().equals("platinum"));
        assertThat(event.path("geo").path("region").asText()).isEqualTo("ZH");
    }

    @Test
    @Order(3)
    void aDeleteIsATombstoneAndTheNextEventsMissPerOnMiss() throws Exception {
        pg.sql("DELETE FROM geo_risk WHERE postal_code = '3000'; DELETE FROM customers WHERE id = 2");
        await().atMost(Duration.ofSeconds(60)).until(() -> tombstoned(GEO_TOPIC, "3000") && tombstoned(CUSTOMERS_TOPIC, "2"));
        // geo: onMiss dead-letter
        String reason = awaitDeadLettered("3000", 1);
        assertThat(reason).contains("enrich miss").contains("'3000'");
        // customers: onMiss pass, the field is null
        JsonNode event = awaitEnriched("8002", 2, e -> e.path("customer").isNull());
        assertThat(event.path("geo").path("accidents_per_1000").asDouble()).isEqualTo(31.0);
    }

    @Test
    @Order(4)
    void anInsertedRowJoinsTheEventsThatCarryItsKey() throws Exception {
        pg.sql("INSERT INTO geo_risk VALUES ('9000', 27.25, 'SG'); INSERT INTO customers VALUES (7, 'Cy', 'bronze', 'x')");
        JsonNode event = awaitEnriched("9000", 7, e -> !e.path("geo").isMissingNode() && e.path("customer").isObject());
        assertThat(event.path("geo").path("accidents_per_1000").asDouble()).isEqualTo(27.25);
        assertThat(event.path("customer").path("name").asText()).isEqualTo("Cy");
    }

    @Test
    @Order(5)
    void aStoppedConnectorResumesFromItsOffsetsWithoutSnapshottingAgainOrLosingAChange() throws Exception {
        String geo = TopicNames.tableConnector(APP, "geo");
        assertThat(count(GEO_TOPIC, "8002")).isEqualTo(1);
        worker.stop(geo);
        await().atMost(Duration.ofSeconds(60)).until(() -> worker.status(geo).connector().state().equals("STOPPED"));
        // a change while the connector is stopped: it is in the slot, not lost
        lastChange = pg.sql("SELECT pg_current_wal_insert_lsn(); UPDATE geo_risk SET accidents_per_1000 = 55.0 WHERE postal_code = '8002'").trim();
        worker.resume(geo);
        JsonNode event = awaitEnriched("8002", 1, e -> e.path("geo").path("accidents_per_1000").asDouble() == 55.0);
        assertThat(event.path("customer").path("tier").asText()).isEqualTo("platinum");
        // one row from the snapshot, one from the update: no second snapshot
        assertThat(count(GEO_TOPIC, "8002")).isEqualTo(2);
        assertThat(count(GEO_TOPIC, "8001")).as("8001: snapshot and one update").isEqualTo(2);
        await().atMost(Duration.ofSeconds(60)).until(() -> status().contains("phase: streaming"));
    }

    @Test
    @Order(6)
    void aKilledWorkerResumesFromItsOffsetsToo() throws Exception {
        // Once the connector's committed offset is at the last change, a replay after the kill cannot repeat it.
        long last = lsn(lastChange);
        await().atMost(Duration.ofSeconds(60)).until(() -> worker.offsets(TopicNames.tableConnector(APP, "geo")).stream()
                .anyMatch(o -> o.get("lsn_proc") instanceof Number n && n.longValue() >= last));
        long pid = connect.status().pid().orElseThrow();
        ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
        assertThat(process.destroyForcibly()).as("SIGKILL sent").isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> !process.isAlive());
        pg.sql("UPDATE geo_risk SET accidents_per_1000 = 66.0 WHERE postal_code = '9000'");
        connect.start(progress::add);
        awaitEnriched("9000", 7, e -> e.path("geo").path("accidents_per_1000").asDouble() == 66.0);
        assertThat(count(GEO_TOPIC, "8002")).as("no second snapshot").isEqualTo(2);
        assertThat(count(GEO_TOPIC, "9000")).as("the insert and the update").isEqualTo(2);
    }

    /** A PostgreSQL LSN, {@code 16/B374D848}, as the number Debezium's offsets hold. */
    private static long lsn(String text) {
        String[] parts = text.split("/");
        return (Long.parseLong(parts[0], 16) << 32) + Long.parseLong(parts[1], 16);
    }

    /** Produces events for the key until one comes out of the route matching {@code done}; returns it. */
    private JsonNode awaitEnriched(String postalCode, int customerId, Predicate<JsonNode> done) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
            String id = send(postalCode, customerId);
            JsonNode out = awaitOne(() -> enriched.get(id), () -> deadLettered.containsKey(id));
            if (out != null && done.test(out)) {
                found[0] = out;
                return true;
            }
            return false;
        });
        return found[0];
    }

    private String awaitDeadLettered(String postalCode, int customerId) {
        String[] found = new String[1];
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
            String id = send(postalCode, customerId);
            awaitOne(() -> enriched.get(id), () -> deadLettered.containsKey(id));
            found[0] = deadLettered.get(id);
            return found[0] != null;
        });
        return found[0];
    }

    /** Waits (briefly) for the event to come out either way; the enriched value, or null. */
    private static JsonNode awaitOne(Supplier<JsonNode> out, BooleanSupplier dead) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < deadline) {
            JsonNode v = out.get();
            if (v != null || dead.getAsBoolean()) {
                return v;
            }
            Thread.sleep(50);
        }
        return null;
    }

    private String send(String postalCode, int customerId) throws Exception {
        String id = "e" + ids.incrementAndGet();
        producer.send(new ProducerRecord<>(INPUT, id, "{\"id\":\"" + id + "\",\"postalCode\":\"" + postalCode + "\",\"customerId\":" + customerId
                + ",\"region\":\"ZH\",\"band\":\"A\"}")).get();
        return id;
    }

    private void startReader() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(OUTPUT, DEAD_LETTERS)) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30)).forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        reader = new Thread(() -> {
            try (consumer) {
                while (reading.get()) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        String id = new String(r.key(), StandardCharsets.UTF_8);
                        if (r.topic().equals(OUTPUT)) {
                            try {
                                enriched.put(id, JSON.readTree(r.value()));
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        } else {
                            Header reason = r.headers().lastHeader(LineageHeaders.ERROR_REASON);
                            deadLettered.put(id, reason == null ? "" : new String(reason.value(), StandardCharsets.UTF_8));
                        }
                    }
                }
            }
        }, "route-output-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** The table topic's latest row per key (tombstones remove a key). */
    private Map<String, String> latest(String topic) {
        Map<String, String> rows = new LinkedHashMap<>();
        for (Kafka.Text t : new Kafka(kafka.bootstrapServers()).readAll(topic, Duration.ofSeconds(10))) {
            if (t.value() == null) {
                rows.remove(t.key());
            } else {
                rows.put(t.key(), t.value());
            }
        }
        return rows;
    }

    private boolean tombstoned(String topic, String key) {
        List<Kafka.Text> all = new Kafka(kafka.bootstrapServers()).readAll(topic, Duration.ofSeconds(10));
        return all.stream().anyMatch(t -> t.key().equals(key) && t.value() == null);
    }

    /** Rows (not tombstones) written for the key. */
    private long count(String topic, String key) {
        return new Kafka(kafka.bootstrapServers()).readAll(topic, Duration.ofSeconds(10)).stream()
                .filter(t -> t.key().equals(key) && t.value() != null).count();
    }

    /** The geo connector's state, its task states and whether its committed offset says it streams (past its snapshot). */
    private String status() throws Exception {
        String name = TopicNames.tableConnector(APP, "geo");
        ConnectRestClient.ConnectorStatus s = worker.status(name);
        List<Map<String, Object>> offsets = worker.offsets(name);
        boolean streaming = !offsets.isEmpty() && offsets.stream().allMatch(o -> o.containsKey("lsn_proc") || !o.containsKey("snapshot")
                || "true".equals(String.valueOf(o.get("last_snapshot_record"))));
        return s.connector().state() + " " + s.tasks().stream().map(ConnectRestClient.TaskState::state).toList()
                + (streaming ? " phase: streaming " : " phase: snapshot ") + offsets;
    }
}
