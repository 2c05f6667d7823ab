package io.hyphae.it;

import io.hyphae.event.LineageHeaders;
import io.hyphae.local.LocalKafka;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Offline at the edge: the broker (a process of its own) is stopped, the application inserts 1 000 rows on node A,
 * node A is even killed and started again while the broker is away, then the broker comes back. Every write is
 * published exactly once (distinct event ids, nothing twice), in the order the application wrote them, and the
 * outbox empties.
 */
class EdgeOfflineIT {

    static final int OFFLINE_INSERTS = 1_000;

    @Test
    void writesMadeOfflineArePublishedOnceInOrderOnReconnect(@TempDir Path dir) throws Exception {
        LocalKafka broker = new LocalKafka(dir.resolve("broker"), Ports.freePair());
        List<String> progress = new CopyOnWriteArrayList<>();
        String bootstrap = broker.start(progress::add);
        String name = Kafka.unique("edge-offline");
        Kafka kafka = new Kafka(bootstrap);
        kafka.createTopic(name + ".reported", 1);
        Path edgeFile = dir.resolve("a.yaml");
        Files.writeString(edgeFile, """
                node: a
                database: a.db
                publish:
                  readings:
                    topic: %s.reported
                    key: sensor
                    columns: { sensor: text, n: integer }
                """.formatted(name));
        Sqlite db = new Sqlite(dir.resolve("a.db"));
        EdgeProcess node = new EdgeProcess(edgeFile, bootstrap, dir, "a");
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> !db.rows("SELECT name FROM sqlite_master WHERE name = 'hyphae_publish_readings_insert'").isEmpty());
            db.execute("INSERT INTO readings (sensor, n) VALUES ('s0', 0)");
            await().atMost(Duration.ofSeconds(60)).until(() -> db.count("SELECT count(*) FROM hyphae_outbox") == 0);

            assertThat(broker.stop(progress::add)).isTrue();
            List<String> inserts = new ArrayList<>();
            for (int i = 1; i <= OFFLINE_INSERTS; i++) {
                inserts.add("INSERT INTO readings (sensor, n) VALUES ('s" + (i % 7) + "', " + i + ")");
            }
            db.executeEach(inserts);
            Thread.sleep(2_000);
            assertThat(db.count("SELECT count(*) FROM hyphae_outbox")).as("kept while the broker is away").isEqualTo(OFFLINE_INSERTS);
            // a node restarted while offline finds its outbox as it was
            node.kill();
            node = new EdgeProcess(edgeFile, bootstrap, dir, "a");
            Thread.sleep(3_000);
            assertThat(db.count("SELECT count(*) FROM hyphae_outbox")).isEqualTo(OFFLINE_INSERTS);

            broker.start(progress::add);
            await().atMost(Duration.ofSeconds(120)).until(() -> db.count("SELECT count(*) FROM hyphae_outbox") == 0);
            List<Kafka.Text> records = kafka.readAll(name + ".reported", Duration.ofSeconds(60));
            assertThat(records).hasSize(OFFLINE_INSERTS + 1);
            List<String> ids = records.stream().map(r -> r.headers().get(LineageHeaders.EVENT_ID)).toList();
            List<String> expectedIds = new ArrayList<>();
            for (int seq = 1; seq <= OFFLINE_INSERTS + 1; seq++) {
                expectedIds.add("a-" + seq);
            }
            assertThat(ids).as("each write once, in the order written").containsExactlyElementsOf(expectedIds);
            for (int i = 0; i < records.size(); i++) {
                Kafka.Text r = records.get(i);
                assertThat(r.value()).isEqualTo("{\"sensor\":\"s" + (i % 7) + "\",\"n\":" + i + ",\"eventId\":\"a-" + (i + 1) + "\"}");
                assertThat(r.key()).isEqualTo("s" + (i % 7));
            }
            assertThat(node.alive()).as(node.output()).isTrue();
        } finally {
            node.close();
            broker.stop(progress::add);
        }
    }
}
