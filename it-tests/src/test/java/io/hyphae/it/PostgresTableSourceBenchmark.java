package io.hyphae.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyphae.connect.ConnectRestClient;
import io.hyphae.connect.TableConnectors;
import io.hyphae.local.LocalConnect;
import io.hyphae.local.LocalKafka;
import io.hyphae.route.RouteFile;
import io.hyphae.route.loader.RouteFileLoader;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Not part of the suite (its name does not end in IT): the numbers of docs/tables-from-postgres.md. Snapshot time of
 * 100 000 rows (from the connector's creation until every row is in the table's topic) and the lag of 1 000 updates
 * (100 per second) from the UPDATE's commit to its row being read from the table's topic by a consumer, as the
 * route's table reads it. Run:
 * {@code mvn -B -o verify -pl it-tests -am -Dit.test=PostgresTableSourceBenchmark -Dtest=NoSuchTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false}
 */
class PostgresTableSourceBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ROWS = 100_000;
    private static final int UPDATES = 1_000;
    private static final String TOPIC = "bench.geo";

    @Test
    void snapshotAndUpdateLag(@TempDir Path dir) throws Exception {
        List<String> progress = Collections.synchronizedList(new ArrayList<>());
        try (PostgresServer pg = PostgresServer.startOrSkip()) {
            pg.sql("CREATE TABLE geo_risk (postal_code text PRIMARY KEY, accidents_per_1000 double precision NOT NULL, region text, "
                    + "changed_at timestamptz NOT NULL DEFAULT clock_timestamp());"
                    + "INSERT INTO geo_risk (postal_code, accidents_per_1000, region) "
                    + "SELECT lpad(i::text, 6, '0'), (i % 500) / 10.0, 'region-' || (i % 50) FROM generate_series(1, " + ROWS + ") i");
            LocalKafka kafka = new LocalKafka(dir, Ports.freePair());
            LocalConnect connect = new LocalConnect(dir, Ports.freePair(), kafka, List.of(Path.of("../connectors/cdc/target/plugin").toAbsolutePath().normalize()));
            try {
                ConnectRestClient worker = new ConnectRestClient(connect.ensureRunning(progress::add));
                Map<String, Object> source = new LinkedHashMap<>(Map.of("host", "127.0.0.1", "port", pg.port(), "database", "postgres",
                        "user", "postgres", "table", "geo_risk", "key", "postal_code"));
                Map<String, Object> file = Map.of("application", "bench", "topics", Map.of("replicationFactor", 1),
                        "tables", Map.of("geo", Map.of("topic", TOPIC, "source", Map.of("postgres", source))),
                        "routes", Map.of("r", Map.of("from", "bench.in", "stages", List.of(
                                Map.of("geo", Map.of("enrich", Map.of("table", "geo", "key", "value.postalCode", "as", "geo")))))));
                RouteFile routes = new RouteFileLoader(n -> null).load("bench.json", JSON.writeValueAsString(file));
                Properties p = new Properties();
                p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
                try (Admin admin = Admin.create(p)) {
                    admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1).configs(Map.of("cleanup.policy", "compact")))).all().get();
                }
                try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                    TopicPartition tp = new TopicPartition(TOPIC, 0);
                    consumer.assign(List.of(tp));
                    consumer.seekToBeginning(List.of(tp));

                    long created = System.nanoTime();
                    Map.Entry<String, Map<String, String>> connector = TableConnectors.render(routes, true).entrySet().iterator().next();
                    worker.apply(connector.getKey(), connector.getValue());
                    int snapshotRows = 0;
                    long deadline = System.currentTimeMillis() + 600_000;
                    while (snapshotRows < ROWS && System.currentTimeMillis() < deadline) {
                        snapshotRows += consumer.poll(Duration.ofMillis(200)).count();
                    }
                    double snapshotSeconds = (System.nanoTime() - created) / 1e9;
                    assertThat(snapshotRows).isEqualTo(ROWS);

                    // 100 updates per second, each committed on its own; the row carries its commit-time clock.
                    Thread updater = new Thread(() -> {
                        try {
                            pg.sql("DO $$ BEGIN FOR i IN 1.." + UPDATES + " LOOP "
                                    + "UPDATE geo_risk SET accidents_per_1000 = i, changed_at = clock_timestamp() WHERE postal_code = lpad(((i * 97) % "
                                    + ROWS + " + 1)::text, 6, '0'); COMMIT; PERFORM pg_sleep(0.01); END LOOP; END $$");
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }, "updates");
                    updater.start();
                    List<Long> lagsMicros = new ArrayList<>();
                    deadline = System.currentTimeMillis() + 300_000;
                    while (lagsMicros.size() < UPDATES && System.currentTimeMillis() < deadline) {
                        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                            Instant seen = Instant.now();
                            JsonNode row = JSON.readTree(r.value());
                            Instant changed = Instant.parse(row.path("changed_at").asText());
                            lagsMicros.add(Duration.between(changed, seen).toNanos() / 1000);
                        }
                    }
                    updater.join();
                    assertThat(lagsMicros).hasSize(UPDATES);
                    Collections.sort(lagsMicros);
                    System.out.printf("RESULT snapshot of %d rows: %.1f s from connector creation to the last row in the topic (%.0f rows/s)%n",
                            ROWS, snapshotSeconds, ROWS / snapshotSeconds);
                    System.out.printf("RESULT update lag over %d updates at ~100/s (commit -> row read from the table topic): "
                                    + "p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms%n", UPDATES,
                            pct(lagsMicros, 50), pct(lagsMicros, 90), pct(lagsMicros, 99), lagsMicros.get(lagsMicros.size() - 1) / 1000.0);
                }
            } finally {
                progress.forEach(System.out::println);
                connect.stop(progress::add);
                kafka.stop(progress::add);
            }
        }
    }

    private static double pct(List<Long> sorted, int percentile) {
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, index)) / 1000.0;
    }
}
