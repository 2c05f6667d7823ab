package io.hyphae.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A dedupe stage under exactly-once, as its own JVM, SIGKILLed while events stream in, every id sent twice and
 * the second copy often after the first was processed (so after a kill it can only be recognised through the store
 * restored from its changelog, on a process with an empty state directory). Events reach the stage through its
 * repartition topic (partitioned by id). Afterwards the stage topic, read committed, holds every id exactly once,
 * and what was consumed of the repartition topic was deleted.
 */
@ExtendWith(RealKafkaExtension.class)
class DedupeCrashIT {

    static final int IDS = 10_000;
    static final int KILLS = 1;
    static final int DRONES = 40;

    private KafkaCluster cluster;

    @BeforeEach
    void cluster(KafkaCluster cluster) {
        this.cluster = cluster;
    }

    /** How many records were deleted from the start of the topic's partitions. */
    private long purgedRecords(String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                    .forEach(p -> earliest.put(new TopicPartition(topic, p.partition()), OffsetSpec.earliest()));
            long deadline = System.currentTimeMillis() + 20_000;
            long purged = 0;
            while (purged == 0 && System.currentTimeMillis() < deadline) {
                purged = admin.listOffsets(earliest).all().get().values().stream().mapToLong(i -> i.offset()).sum();
                Thread.sleep(500);
            }
            return purged;
        }
    }

    @Test
    void exactlyOneEventPerIdAcrossCrashes(@TempDir Path dir) throws Exception {
        String name = Kafka.unique("dedupe");
        Kafka kafka = new Kafka(cluster.bootstrapServers());
        kafka.createTopic(name + ".readings", 3);
        Path routeFile = dir.resolve("routes.yaml");
        Files.writeString(routeFile, """
                application: %1$s
                kafka:
                  streams:
                    processing.guarantee: exactly_once_v2
                    consumer.session.timeout.ms: "6000"
                    consumer.heartbeat.interval.ms: "1500"
                    repartition.purge.interval.ms: "2000"
                topics: { partitions: 3 }
                routes:
                  readings:
                    from: %1$s.readings
                    stages:
                      - unique: { dedupe: { id: value.id, within: 1h, partitionBy: value.id } }
                """.formatted(name));

        // Every id twice, with the drone as key (so both copies share a partition); the copy follows 0 to 1000 records later.
        Random random = new Random(7);
        List<double[]> copies = new ArrayList<>();
        for (int i = 0; i < IDS; i++) {
            copies.add(new double[] {i, i});
            copies.add(new double[] {i, i + 0.5 + random.nextInt(1_000)});
        }
        copies.sort((x, y) -> Double.compare(x[1], y[1]));
        List<Integer> order = copies.stream().map(c -> (int) c[0]).toList();
        assertThat(order).hasSize(2 * IDS);

        AtomicInteger sent = new AtomicInteger();
        Thread producerThread = new Thread(() -> {
            try (KafkaProducer<String, String> producer = kafka.producer()) {
                for (int n = 0; n < order.size(); n++) {
                    int id = order.get(n);
                    producer.send(new ProducerRecord<>(name + ".readings", "d" + (id % DRONES),
                            "{\"id\": \"r" + id + "\", \"drone\": \"d" + (id % DRONES) + "\", \"n\": " + n + "}"));
                    if (n % 500 == 499) {
                        producer.flush();
                        sent.set(n + 1);
                        Thread.sleep(300);
                    }
                }
                producer.flush();
                sent.set(order.size());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "dedupe-crash-producer");

        long begin = System.nanoTime();
        AppProcess current = new AppProcess(routeFile, cluster.bootstrapServers(), dir, "run-0");
        try {
            AppProcess first = current;
            await().atMost(Duration.ofSeconds(90)).until(() -> first.state().equals("RUNNING"));
            producerThread.start();
            for (int kill = 1; kill <= KILLS; kill++) {
                AppProcess running = current;
                await().atMost(Duration.ofSeconds(120)).until(() -> running.state().equals("RUNNING"));
                // Mid-stream: after some records were processed, before the last was sent.
                await().atMost(Duration.ofSeconds(120)).until(() -> sent.get() >= 2_000);
                Thread.sleep(1_000 + random.nextInt(1_500));
                running.kill();
                System.out.printf("dedupe crash test: %d ms: killed run %d after %d of %d records were sent%n", (System.nanoTime() - begin) / 1_000_000, kill - 1, sent.get(), order.size());
                current = new AppProcess(routeFile, cluster.bootstrapServers(), dir, "run-" + kill);
            }
            AppProcess last = current;
            await().atMost(Duration.ofSeconds(120)).until(() -> last.state().equals("RUNNING"));
            long t0 = System.nanoTime();
            producerThread.join();
            System.out.printf("dedupe crash test: last run RUNNING, producer done after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            kafka.awaitConsumed(name, name + ".readings", Duration.ofSeconds(300));
            System.out.printf("dedupe crash test: input consumed after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            // Then every id on the stage topic (read committed), and a moment for any extra copy to show up.
            Map<String, Long> unique = kafka.readCommitted(name + ".readings.unique", IDS, Duration.ofSeconds(240)).stream()
                    .map(r -> r.value().replaceAll(".*\"id\": ?\"(r\\d+)\".*", "$1"))
                    .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            System.out.printf("dedupe crash test: stage topic read after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            long purged = purgedRecords(name + ".readings.unique.repartition");
            System.out.printf("dedupe crash test: %d records purged from the repartition topic, after %d ms%n", purged,
                    (System.nanoTime() - t0) / 1_000_000);
            String log = last.output();
            last.close();
            if (unique.size() != IDS) {
                System.out.println("the last run's log:\n" + log.substring(Math.max(0, log.length() - 20_000)));
            }

            assertThat(sent.get()).isEqualTo(2 * IDS);
            assertThat(unique).as("every id passed").hasSize(IDS);
            Map<String, Long> repeated = unique.entrySet().stream().filter(e -> e.getValue() != 1)
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
            assertThat(repeated).as("ids that passed more than once").isEmpty();
            assertThat(purged).as("records deleted from the repartition topic once consumed").isPositive();
        } finally {
            producerThread.interrupt();
            current.close();
        }
    }
}
