package io.hyphae.it;

import io.hyphae.format.Formats;
import io.hyphae.format.avro.AvroFormat;
import io.hyphae.route.Format;
import io.hyphae.route.RegistrySettings;
import org.apache.avro.Schema;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Avro at the edge, with a real schema registry and broker: records written with a schema of their own (a nested record,
 * an int, a boolean, an array) are mirrored into a table; a published table's inserts, updates and deletes — rows with
 * null columns too — go out as Avro under one schema built from its columns (a {@code json} column as its text), and a
 * mirror of that topic follows them.
 */
@ExtendWith(RealKafkaExtension.class)
class EdgeAvroIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Schema DRONE = new Schema.Parser().parse("""
            {"type": "record", "name": "Drone", "namespace": "io.hyphae.test", "fields": [
              {"name": "droneId", "type": "string"},
              {"name": "position", "type": {"type": "record", "name": "Position", "fields": [
                {"name": "lat", "type": "double"}, {"name": "lon", "type": "double"}]}},
              {"name": "battery", "type": "int"},
              {"name": "armed", "type": "boolean"},
              {"name": "tags", "type": {"type": "array", "items": "string"}}]}
            """);

    @Test
    void avroRecordsAreMirroredAndAvroPublicationsComeBack(KafkaCluster cluster, RegistryServer registry, @TempDir Path dir) throws Exception {
        String name = Kafka.unique("edgeavro");
        Kafka kafka = new Kafka(cluster.bootstrapServers());
        kafka.createTopic(name + ".drones", 2);
        kafka.createTopic(name + ".reported", 2);
        AvroFormat avro = (AvroFormat) new Formats(RegistrySettings.NONE.withUrl(registry.url())).of(Format.AVRO, Optional.empty());
        try (KafkaProducer<String, byte[]> producer = producer(cluster.bootstrapServers())) {
            producer.send(new ProducerRecord<>(name + ".drones", "d1", avro.encode(name + ".drones", DRONE, drone("d1", 48.1, 90, true)))).get();
            producer.send(new ProducerRecord<>(name + ".drones", "d2", avro.encode(name + ".drones", DRONE, drone("d2", 52.5, 80, false)))).get();
            producer.send(new ProducerRecord<>(name + ".drones", "d1", avro.encode(name + ".drones", DRONE, drone("d1", 48.2, 89, false)))).get();
            producer.send(new ProducerRecord<>(name + ".drones", "d2", (byte[]) null)).get();
        }
        Path file = dir.resolve("node.yaml");
        Files.writeString(file, """
                node: n1
                database: n1.db
                registry:
                  url: %2$s
                mirror:
                  drones:
                    topic: %1$s.drones
                    format: avro
                    key: [droneId]
                    columns:
                      droneId: text
                      lat: { path: position.lat, type: real }
                      battery: integer
                      armed: boolean
                      tags: json
                  confirmed:
                    topic: %1$s.reported
                    format: avro
                    key: [droneId]
                    columns:
                      droneId: text
                      lat: { path: position.lat, type: real }
                      battery: integer
                      note: text
                      eventId: text
                publish:
                  my_position:
                    topic: %1$s.reported
                    format: avro
                    key: droneId
                    columns:
                      droneId: text
                      lat: { path: position.lat, type: real }
                      battery: integer
                      note: json
                """.formatted(name, registry.url()));
        Sqlite db = new Sqlite(dir.resolve("n1.db"));
        try (EdgeProcess node = new EdgeProcess(file, cluster.bootstrapServers(), dir, "n1")) {
            await().atMost(WAIT).untilAsserted(() -> assertThat(db.rows("SELECT droneId, lat, battery, armed, tags FROM drones"))
                    .as(node.output()).containsExactly("d1|48.2|89|0|[\"a\",\"b\"]"));

            await().atMost(WAIT).until(() -> !db.rows("SELECT name FROM sqlite_master WHERE name = 'hyphae_publish_my_position_insert'").isEmpty());
            db.execute("INSERT INTO my_position (droneId, lat, battery, note) VALUES ('p1', 10.5, 70, '{\"ok\":true}')",
                    "INSERT INTO my_position (droneId, lat, battery) VALUES ('p2', NULL, NULL)",
                    "UPDATE my_position SET battery = 69 WHERE droneId = 'p1'",
                    "DELETE FROM my_position WHERE droneId = 'p2'",
                    "INSERT INTO my_position (droneId, lat, battery) VALUES ('p3', -3.25, 1)");
            await().atMost(WAIT).untilAsserted(() -> assertThat(db.rows("SELECT droneId, lat, battery, note, eventId FROM confirmed ORDER BY droneId"))
                    .as(node.output()).containsExactly("p1|10.5|69|{\"ok\":true}|n1-3", "p3|-3.25|1|null|n1-5"));
            assertThat(db.rows("SELECT source, reason FROM rejected")).as("nothing rejected").isEmpty();
            assertThat(node.alive()).as(node.output()).isTrue();
        }
        // inserts, updates, deletes and rows with nulls: one schema under the topic's subject
        HttpResponse<String> versions = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(registry.url() + "/subjects/" + name + ".reported-value/versions")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(versions.body()).isEqualTo("[1]");
    }

    private static Map<String, Object> drone(String id, double lat, int battery, boolean armed) {
        Map<String, Object> position = new LinkedHashMap<>();
        position.put("lat", lat);
        position.put("lon", 11.5);
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("droneId", id);
        value.put("position", position);
        value.put("battery", (long) battery);
        value.put("armed", armed);
        value.put("tags", List.of("a", "b"));
        return value;
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }
}
