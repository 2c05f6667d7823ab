package io.hyphae.it;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An edge node mirrors a topic while at least 50 000 records (updates and deletes of 2 000 keys) stream in, and is
 * killed with SIGKILL five times while they do. Afterwards the table equals the topic's latest state per key, and a trigger the test put on
 * the table counted exactly one change per record: none applied twice, none skipped.
 */
@ExtendWith(RealKafkaExtension.class)
class EdgeCrashIT {

    static final int RECORDS = 50_000;
    static final int KEYS = 2_000;
    static final int KILLS = 5;
    /** Every 97th record is a tombstone. */
    static final int DELETE_EVERY = 97;

    @Test
    void killedAgainAndAgainTheTableEqualsTheTopic(KafkaCluster cluster, @TempDir Path dir) throws Exception {
        String name = Kafka.unique("edge-crash");
        Kafka kafka = new Kafka(cluster.bootstrapServers());
        kafka.createTopic(name + ".state", 3);
        Path edgeFile = dir.resolve("node.yaml");
        Files.writeString(edgeFile, """
                node: n1
                database: n1.db
                mirror:
                  state:
                    topic: %s.state
                    columns: { v: integer, label: text }
                """.formatted(name));
        // The application's own counter: every applied insert, update or delete adds one, in the node's transaction.
        Sqlite db = new Sqlite(dir.resolve("n1.db"));
        db.execute("CREATE TABLE state (key TEXT PRIMARY KEY, v INTEGER)",
                "CREATE TABLE applied (n INTEGER NOT NULL)", "INSERT INTO applied VALUES (0)",
                "CREATE TRIGGER count_insert AFTER INSERT ON state BEGIN UPDATE applied SET n = n + 1; END",
                "CREATE TRIGGER count_update AFTER UPDATE ON state BEGIN UPDATE applied SET n = n + 1; END",
                "CREATE TRIGGER count_delete AFTER DELETE ON state BEGIN UPDATE applied SET n = n + 1; END");

        Map<String, Integer> latest = new TreeMap<>();
        AtomicInteger changes = new AtomicInteger();
        AtomicInteger produced = new AtomicInteger();
        AtomicBoolean killsDone = new AtomicBoolean();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread producerThread = new Thread(() -> {
            try (KafkaProducer<String, String> producer = kafka.producer()) {
                // at least RECORDS, and on until the last kill: every kill happens while records are still coming
                for (int i = 0; i < RECORDS || !killsDone.get(); i++) {
                    String key = "k" + (i * 7919 % KEYS);
                    boolean delete = i % DELETE_EVERY == 0;
                    producer.send(new ProducerRecord<>(name + ".state", key, delete ? null : "{\"v\": " + i + ", \"label\": \"r" + i + "\"}"));
                    produced.incrementAndGet();
                    synchronized (latest) {
                        // a delete of a missing row changes nothing, so the trigger does not count it
                        if (delete) {
                            if (latest.remove(key) != null) {
                                changes.incrementAndGet();
                            }
                        } else {
                            latest.put(key, i);
                            changes.incrementAndGet();
                        }
                    }
                    if (i % 1_000 == 999) {
                        producer.flush();
                        Thread.sleep(300);
                    }
                }
                producer.flush();
            } catch (Exception e) {
                failure.set(e);
            }
        }, "producer");

        EdgeProcess node = new EdgeProcess(edgeFile, cluster.bootstrapServers(), dir, "node");
        producerThread.start();
        try {
            long previous = -1;
            for (int kill = 0; kill < KILLS; kill++) {
                // wait until this incarnation has applied something new, then kill it mid-stream
                long before = previous;
                await().atMost(Duration.ofSeconds(60)).until(() -> db.count("SELECT n FROM applied") > before);
                Thread.sleep(300 + kill * 250L);
                previous = db.count("SELECT n FROM applied");
                node.kill();
                node = new EdgeProcess(edgeFile, cluster.bootstrapServers(), dir, "node");
            }
            killsDone.set(true);
            producerThread.join(120_000);
            assertThat(failure.get()).isNull();

            Map<String, String> expected = new TreeMap<>();
            latest.forEach((k, i) -> expected.put(k, k + "|" + i + "|r" + i));
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() ->
                    assertThat(db.count("SELECT count(*) FROM state")).isEqualTo(expected.size()));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(db.count("SELECT sum(next_offset) FROM hyphae_offsets"))
                    .isEqualTo(produced.get()));
            assertThat(db.rows("SELECT key, v, label FROM state ORDER BY key")).containsExactlyElementsOf(expected.values());
            assertThat(db.count("SELECT n FROM applied")).as("one change per record: none applied twice, none skipped")
                    .isEqualTo(changes.get());
            assertThat(db.count("SELECT count(*) FROM rejected")).isZero();
        } finally {
            node.close();
        }
    }
}
