package io.hyphae.it;

import io.hyphae.local.LocalKafka;
import io.hyphae.route.RouteFile;
import io.hyphae.route.loader.RouteFileLoader;
import io.hyphae.runtime.HyphaeApplication;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The broker process (the local stack's) is stopped and started again mid-stream: the application
 * rides through it on its own, and every event arrives exactly once.
 */
class BrokerRestartIT {

    private static final int EVENTS = 20_000;

    @Test
    void theApplicationRidesThroughABrokerRestart(@TempDir Path dir) throws Exception {
        LocalKafka broker = new LocalKafka(dir, Ports.freePair());
        List<String> progress = new CopyOnWriteArrayList<>();
        String bootstrap = broker.start(progress::add);
        String name = Kafka.unique("bounce");
        Kafka kafka = new Kafka(bootstrap);
        kafka.createTopic(name + ".in", 2);
        RouteFile routes = new RouteFileLoader(n -> null).load("bounce.yaml", """
                application: %1$s
                routes:
                  events:
                    from: %1$s.in
                    stages:
                      - checked: { validate: { required: [id] } }
                      - shaped: { transform: { set: { seen: "true" } } }
                """.formatted(name));
        List<KafkaStreams.State> states = new CopyOnWriteArrayList<>();
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        pp.put(ProducerConfig.ACKS_CONFIG, "all");
        pp.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000");
        try (HyphaeApplication app = new HyphaeApplication(routes, bootstrap, m -> { });
             KafkaProducer<String, String> producer = new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
            app.onStateChange(states::add);
            app.start();
            app.awaitRunning(Duration.ofSeconds(60));
            for (int i = 0; i < EVENTS; i++) {
                producer.send(new ProducerRecord<>(name + ".in", "k" + i, "{\"id\": \"e" + i + "\"}"));
                if (i == EVENTS / 2) {
                    producer.flush();
                    assertThat(broker.stop(progress::add)).isTrue();
                    Thread.sleep(3_000);
                    broker.start(progress::add);
                }
            }
            producer.flush();
            kafka.awaitConsumed(name, name + ".in", Duration.ofSeconds(240));
            Map<String, Long> out = kafka.readAll(name + ".events.shaped", Duration.ofSeconds(60)).stream()
                    .map(r -> r.value().replaceAll(".*\"id\": ?\"(e\\d+)\".*", "$1"))
                    .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            assertThat(out).hasSize(EVENTS);
            assertThat(out.values()).containsOnly(1L);
            assertThat(states).as("no manual step: the application never stopped").doesNotContain(KafkaStreams.State.ERROR,
                    KafkaStreams.State.NOT_RUNNING, KafkaStreams.State.PENDING_SHUTDOWN, KafkaStreams.State.PENDING_ERROR);
            assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
        } finally {
            broker.stop(progress::add);
        }
    }
}
