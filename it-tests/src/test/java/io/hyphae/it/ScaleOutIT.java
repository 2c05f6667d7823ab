package io.hyphae.it;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances of one application share the input partitions; one is killed with SIGKILL mid-stream;
 * the other takes its partitions over and every stage topic holds each event exactly once (read_committed).
 */
@ExtendWith(RealKafkaExtension.class)
class ScaleOutIT {

    private static final int EVENTS = 3_000;

    @Test
    void survivorTakesOverAndNothingIsLostOrDuplicated(KafkaCluster cluster, @TempDir Path dir) throws Exception {
        String name = Kafka.unique("scale");
        Kafka kafka = new Kafka(cluster.bootstrapServers());
        kafka.createTopic(name + ".orders", 4);
        Path routeFile = dir.resolve("routes.yaml");
        Files.writeString(routeFile, """
                application: %1$s
                kafka:
                  streams:
                    # detect the dead instance quickly; the broker's minimum is 6 s
                    consumer.session.timeout.ms: "6000"
                    consumer.heartbeat.interval.ms: "1500"
                topics: { partitions: 4 }
                routes:
                  orders:
                    from: %1$s.orders
                    stages:
                      - checked: { validate: { required: [id], rules: ["value.n >= 0"] } }
                      - shaped: { transform: { set: { twice: "value.n * 2" } } }
                """.formatted(name));

        try (AppProcess first = new AppProcess(routeFile, cluster.bootstrapServers(), dir, "first");
             AppProcess second = new AppProcess(routeFile, cluster.bootstrapServers(), dir, "second");
             KafkaProducer<String, String> producer = kafka.producer()) {
            await().atMost(Duration.ofSeconds(180)).until(() -> first.state().equals("RUNNING") && second.state().equals("RUNNING"));

            for (int i = 0; i < EVENTS; i++) {
                producer.send(new ProducerRecord<>(name + ".orders", "k" + i, "{\"id\": \"e" + i + "\", \"n\": " + i + "}"));
                if (i % 100 == 99) {
                    producer.flush();
                    Thread.sleep(20);
                }
                if (i == EVENTS / 3) {
                    producer.flush();
                    // Mid-stream: the first instance has produced output and is killed like a crashed host.
                    await().atMost(Duration.ofSeconds(60)).until(() -> !kafka.readCommitted(name + ".orders.shaped", 1, Duration.ofSeconds(5)).isEmpty());
                    assertThat(first.state()).isEqualTo("RUNNING");
                    first.kill();
                }
            }
            producer.flush();

            for (String stage : List.of("checked", "shaped")) {
                List<Kafka.Text> out = kafka.readCommitted(name + ".orders." + stage, EVENTS, Duration.ofSeconds(180));
                Map<String, Long> perId = out.stream().map(r -> r.value().replaceAll(".*\"id\": ?\"(e\\d+)\".*", "$1"))
                        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
                assertThat(perId).as("%s: every event once (second instance log:%n%s)", stage, second.output()).hasSize(EVENTS);
                assertThat(perId.values()).as(stage + ": no duplicates").containsOnly(1L);
            }
            assertThat(kafka.readCommitted(name + ".orders.dlq", 0, Duration.ofSeconds(2))).isEmpty();
            assertThat(second.alive()).isTrue();
            assertThat(first.alive()).isFalse();
        }
    }
}
