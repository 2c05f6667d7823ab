package io.hyphae.it;

import io.hyphae.route.RouteFile;
import io.hyphae.route.loader.RouteFileLoader;
import io.hyphae.runtime.HyphaeApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two edge nodes, each its own JVM with its own SQLite file, and a route between them on a real broker: a row node A
 * inserts passes the route and appears in node B's table and back in A's, and so does its delete; a row the route rejects appears in A's
 * rejected table with the route's reason and nowhere else; a mirrored record that does not fit the mapping is listed in
 * B's rejected table and the mirror goes on.
 */
@ExtendWith(RealKafkaExtension.class)
class EdgeSyncIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void writesOnOneNodeReachTheOtherThroughTheRoute(KafkaCluster cluster, @TempDir Path dir) throws Exception {
        String name = Kafka.unique("edge");
        Kafka kafka = new Kafka(cluster.bootstrapServers());
        kafka.createTopic(name + ".reported", 2);
        kafka.createTopic(name + ".zones", 1);
        RouteFile routes = new RouteFileLoader(n -> null).load("fleet.yaml", """
                application: %1$s
                routes:
                  positions:
                    from: %1$s.reported
                    stages:
                      - checked:
                          validate:
                            required: [droneId, eventId]
                            # a node's delete (header hyphae.op) holds the key and the id only
                            rules: ["'hyphae.op' in headers || value.position.lat >= -90.0 && value.position.lat <= 90.0"]
                      - stamped: { transform: { set: { confirmed: "true" } } }
                """.formatted(name));
        Path a = edgeFile(dir, "a", name);
        Path b = edgeFile(dir, "b", name);
        Sqlite dbA = new Sqlite(dir.resolve("a.db"));
        Sqlite dbB = new Sqlite(dir.resolve("b.db"));
        try (HyphaeApplication app = new HyphaeApplication(routes, cluster.bootstrapServers(), m -> { });
             EdgeProcess nodeA = new EdgeProcess(a, cluster.bootstrapServers(), dir, "a");
             EdgeProcess nodeB = new EdgeProcess(b, cluster.bootstrapServers(), dir, "b")) {
            app.start();
            app.awaitRunning(Duration.ofSeconds(120));
            // the application's table and its triggers exist once the node has started
            await().atMost(WAIT).until(() -> !dbA.rows("SELECT name FROM sqlite_master WHERE name = 'hyphae_publish_my_position_insert'").isEmpty()
                    && !dbB.rows("SELECT name FROM sqlite_master WHERE name = 'hyphae_publish_my_position_insert'").isEmpty());

            dbA.execute("INSERT INTO my_position (droneId, lat, lon) VALUES ('a1', 48.1, 11.5)",
                    "INSERT INTO my_position (droneId, lat, lon) VALUES ('a2', 48.2, 11.6)");
            dbB.execute("INSERT INTO my_position (droneId, lat, lon) VALUES ('b1', 52.5, 13.4)");
            List<String> expected = List.of("a1|48.1|11.5|a-1|1", "a2|48.2|11.6|a-2|1", "b1|52.5|13.4|b-1|1");
            String query = "SELECT droneId, lat, lon, eventId, confirmed FROM positions ORDER BY droneId";
            await().atMost(WAIT).untilAsserted(() -> assertThat(dbB.rows(query)).containsExactlyElementsOf(expected));
            await().atMost(WAIT).untilAsserted(() -> assertThat(dbA.rows(query)).containsExactlyElementsOf(expected));

            // an update is a new proposal: the confirmed row follows it
            dbA.execute("UPDATE my_position SET lat = 48.15 WHERE droneId = 'a1'");
            await().atMost(WAIT).untilAsserted(() -> assertThat(dbB.rows("SELECT lat, eventId FROM positions WHERE droneId = 'a1'"))
                    .containsExactly("48.15|a-3"));

            // a local delete is an event marked hyphae.op=delete: it passes the route, and the mirrors delete the row
            dbA.execute("DELETE FROM my_position WHERE droneId = 'a2'");
            await().atMost(WAIT).untilAsserted(() -> assertThat(dbB.rows("SELECT droneId FROM positions ORDER BY droneId"))
                    .containsExactly("a1", "b1"));
            await().atMost(WAIT).untilAsserted(() -> assertThat(dbA.rows("SELECT droneId FROM positions ORDER BY droneId"))
                    .containsExactly("a1", "b1"));

            // the route rejects this one: it shows in A's rejected table, with the reason, and in no mirror
            dbA.execute("INSERT INTO my_position (droneId, lat, lon) VALUES ('a9', 123.0, 11.5)");
            await().atMost(WAIT).untilAsserted(() -> assertThat(dbA.rows("SELECT source, tbl, event_id, stage, reason FROM rejected"))
                    .singleElement().satisfies(row -> assertThat(row).startsWith("route|my_position|a-5|positions.checked|")
                            .contains("value.position.lat >= -90.0")));
            // B wrote b-2 after A's rejected write; once it is mirrored, A's rejected write would have been too
            dbB.execute("INSERT INTO my_position (droneId, lat, lon) VALUES ('b2', 52.6, 13.5)");
            await().atMost(WAIT).untilAsserted(() -> assertThat(dbA.rows("SELECT droneId FROM positions WHERE droneId = 'b2'")).hasSize(1));
            assertThat(dbA.rows("SELECT droneId FROM positions WHERE droneId = 'a9'")).isEmpty();
            assertThat(dbB.rows("SELECT droneId FROM positions WHERE droneId = 'a9'")).isEmpty();
            assertThat(dbB.rows("SELECT event_id FROM rejected WHERE source = 'route'")).as("B lists only its own rejected writes").isEmpty();

            // a record that does not fit B's zone mapping is listed with the reason; the next one is applied
            kafka.send(name + ".zones", "z1", "{\"name\": \"north\", \"risk\": \"high\"}");
            kafka.send(name + ".zones", "z2", "{\"name\": \"south\", \"risk\": 2}");
            await().atMost(WAIT).untilAsserted(() -> assertThat(dbB.rows("SELECT key, name, risk FROM zones")).containsExactly("z2|south|2"));
            assertThat(dbB.rows("SELECT source, tbl, topic, offset, record_key, reason FROM rejected WHERE source = 'mirror'"))
                    .containsExactly("mirror|zones|" + name + ".zones|0|z1|column 'risk' (integer, path risk): expected an integer but "
                            + "found the string high");
            assertThat(nodeA.alive() && nodeB.alive()).as(nodeA.output() + nodeB.output()).isTrue();
        }
    }

    private static Path edgeFile(Path dir, String node, String name) throws Exception {
        Path file = dir.resolve(node + ".yaml");
        Files.writeString(file, """
                node: %1$s
                database: %1$s.db
                mirror:
                  positions:
                    topic: %2$s.positions.stamped
                    key: [droneId]
                    columns:
                      droneId: text
                      lat: { path: position.lat, type: real }
                      lon: { path: position.lon, type: real }
                      eventId: text
                      confirmed: boolean
                  zones:
                    topic: %2$s.zones
                    columns: { name: text, risk: integer }
                publish:
                  my_position:
                    topic: %2$s.reported
                    key: droneId
                    columns:
                      droneId: text
                      lat: { path: position.lat, type: real }
                      lon: { path: position.lon, type: real }
                    deadLetters: %2$s.positions.dlq
                """.formatted(node, name));
        return file;
    }
}
