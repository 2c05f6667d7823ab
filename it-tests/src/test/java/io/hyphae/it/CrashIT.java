package io.hyphae.it;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The route runs as its own JVM while 100 000 events stream in, and is killed with SIGKILL at random
 * moments and restarted, again and again. Afterwards every stage topic, read committed, holds every
 * expected event: exactly once under exactly-once, at least once under at-least-once.
 */
@ExtendWith(RealKafkaExtension.class)
class CrashIT {

    static final int EVENTS = 100_000;
    static final int KILLS = 5;
    /** Every 1000th event is invalid and must end in the dead-letter topic, exactly once too. */
    static final int BAD_EVERY = 1_000;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"exactly_once_v2", "at_least_once"})
    void killedAgainAndAgainLosesNothing(String guarantee, @TempDir Path dir) throws Exception {
        KafkaCluster cluster = sharedCluster;
        String name = Kafka.unique("crash");
        Kafka kafka = new Kafka(cluster.bootstrapServers());
        kafka.createTopic(name + ".orders", 3);
        kafka.createTopic(name + ".zones", 1);
        for (int z = 0; z < 10; z++) {
            kafka.send(name + ".zones", "z" + z, "{\"factor\": " + (z + 1) + "}");
        }
        Path routeFile = dir.resolve("routes.yaml");
        Files.writeString(routeFile, """
                application: %1$s
                kafka:
                  streams:
                    processing.guarantee: %2$s
                    consumer.session.timeout.ms: "6000"
                    consumer.heartbeat.interval.ms: "1500"
                tables:
                  zones: { topic: %1$s.zones }
                topics: { partitions: 3 }
                routes:
                  orders:
                    from: %1$s.orders
                    stages:
                      - checked: { validate: { required: [id], rules: ["value.n >= 0"] } }
                      - zoned: { enrich: { table: zones, key: "value.zone", as: zone } }
                      - priced: { transform: { set: { price: "value.n * zone.factor" }, remove: [zone] } }
                      - routed: { route: [ { when: "value.n %% 2 == 0", to: %1$s.even }, { otherwise: %1$s.odd } ] }
                """.formatted(name, guarantee));

        AtomicInteger sent = new AtomicInteger();
        Thread producerThread = new Thread(() -> {
            try (KafkaProducer<String, String> producer = kafka.producer()) {
                for (int i = 0; i < EVENTS; i++) {
                    int n = i % BAD_EVERY == 0 ? -1 : i;
                    producer.send(new ProducerRecord<>(name + ".orders", "k" + i,
                            "{\"id\": \"e" + i + "\", \"n\": " + n + ", \"zone\": \"z" + (i % 10) + "\"}"));
                    if (i % 500 == 499) {
                        producer.flush();
                        sent.set(i + 1);
                        Thread.sleep(10);
                    }
                }
                producer.flush();
                sent.set(EVENTS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "crash-test-producer");

        Random random = new Random(42);
        int kills = 0;
        AppProcess app = new AppProcess(routeFile, cluster.bootstrapServers(), dir, "run-0");
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> app.state().equals("RUNNING"));
            producerThread.start();
            AppProcess current = app;
            List<Long> recoveryMs = new ArrayList<>();
            long killedAt = 0;
            while (kills < KILLS) {
                AppProcess running = current;
                await().atMost(Duration.ofSeconds(120)).until(() -> running.state().equals("RUNNING"));
                if (killedAt > 0) {
                    recoveryMs.add((System.nanoTime() - killedAt) / 1_000_000); // reported, never asserted
                }
                Thread.sleep(1_500 + random.nextInt(2_500));
                running.kill();
                killedAt = System.nanoTime();
                kills++;
                current = new AppProcess(routeFile, cluster.bootstrapServers(), dir, "run-" + kills);
            }
            AppProcess restarted = current;
            await().atMost(Duration.ofSeconds(120)).until(() -> restarted.state().equals("RUNNING"));
            recoveryMs.add((System.nanoTime() - killedAt) / 1_000_000);
            System.out.printf("crash test (%s): from SIGKILL to the restarted process RUNNING (JVM start included): %s ms%n",
                    guarantee, recoveryMs);
            producerThread.join();
            AppProcess last = current;
            int expectedGood = EVENTS - EVENTS / BAD_EVERY;
            // Done when the application has committed its position at the end of the input.
            kafka.awaitConsumed(name, name + ".orders", Duration.ofSeconds(300));
            Map<String, Long> priced = countById(kafka.readAll(name + ".orders.priced", Duration.ofSeconds(120)));
            Map<String, Long> even = countById(kafka.readAll(name + ".even", Duration.ofSeconds(60)));
            Map<String, Long> odd = countById(kafka.readAll(name + ".odd", Duration.ofSeconds(60)));
            Map<String, Long> dead = countById(kafka.readAll(name + ".orders.dlq", Duration.ofSeconds(60)));
            last.close();

            assertThat(kills).isEqualTo(KILLS);
            assertThat(sent.get()).isEqualTo(EVENTS);
            assertThat(priced.size()).as("no event lost on the priced stage").isEqualTo(expectedGood);
            assertThat(even.size() + odd.size()).as("no event lost on the destinations").isEqualTo(expectedGood);
            assertThat(dead.size()).as("every bad event is a dead letter").isEqualTo(EVENTS / BAD_EVERY);
            assertThat(dead.keySet()).as("only bad events are dead letters").allSatisfy(id -> assertThat(Integer.parseInt(id.substring(1)) % BAD_EVERY).isZero());
            long duplicates = List.of(priced, even, odd, dead).stream().flatMap(m -> m.values().stream()).mapToLong(c -> c - 1).sum();
            long records = List.of(priced, even, odd, dead).stream().flatMap(m -> m.values().stream()).mapToLong(Long::longValue).sum();
            System.out.printf("crash test (%s): %d events, %d kills, %d records on the checked topics, %d of them duplicates%n",
                    guarantee, EVENTS, kills, records, duplicates);
            if (guarantee.startsWith("exactly_once")) {
                assertThat(duplicates).as("exactly once").isZero();
            }
        } finally {
            producerThread.interrupt();
        }
    }

    private static Map<String, Long> countById(List<Kafka.Text> records) {
        return records.stream().map(r -> r.value().replaceAll(".*\"id\": ?\"(e\\d+)\".*", "$1"))
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    private KafkaCluster sharedCluster;

    @org.junit.jupiter.api.BeforeEach
    void cluster(KafkaCluster cluster) {
        this.sharedCluster = cluster;
    }
}
