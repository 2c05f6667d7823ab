package io.hyphae.it;

import io.hyphae.client.TopicReader;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/** Plain-client helpers for integration tests: produce text records, read committed records. */
final class Kafka {

    /** bootstrap.servers and, on a secured cluster, the security settings of every client. */
    private final Map<String, Object> client;

    Kafka(String bootstrap) {
        this(Map.of("bootstrap.servers", bootstrap));
    }

    Kafka(Map<String, Object> client) {
        this.client = Map.copyOf(client);
    }

    private Properties props() {
        Properties p = new Properties();
        p.putAll(client);
        return p;
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    void createTopic(String name, int partitions) throws Exception {
        try (Admin admin = Admin.create(props())) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
        }
    }

    KafkaProducer<String, String> producer() {
        Properties p = props();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    void send(String topic, String key, String value) throws Exception {
        try (KafkaProducer<String, String> producer = producer()) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    /** Every committed record of the topic, read from the beginning until {@code expected} arrived (or the timeout). */
    List<Text> readCommitted(String topic, int expected, Duration timeout) {
        List<Text> out = new ArrayList<>();
        try (TopicReader reader = new TopicReader(settings())) {
            List<TopicPartition> partitions = new ArrayList<>();
            long deadline = System.currentTimeMillis() + timeout.toMillis();
            while (partitions.isEmpty() && System.currentTimeMillis() < deadline) {
                partitions.addAll(reader.partitions(topic, Duration.ofSeconds(5)));
            }
            reader.assign(partitions).seekToBeginning();
            while (out.size() < expected && System.currentTimeMillis() < deadline) {
                reader.poll().forEach(r -> out.add(Text.of(r)));
            }
            // Anything beyond the expected count would be a duplicate: give it a moment to show up.
            long settle = System.currentTimeMillis() + 1_000;
            while (System.currentTimeMillis() < settle) {
                reader.poll().forEach(r -> out.add(Text.of(r)));
            }
        }
        return out;
    }

    /** The values of every committed record of the topic, as raw bytes. */
    List<byte[]> readCommittedBytes(String topic, Duration timeout) {
        return readAll(topic, timeout).stream().map(Text::bytes).toList();
    }

    /** Waits until {@code group} has committed offsets at the end of every partition of {@code topic}. */
    void awaitConsumed(String group, String topic, Duration timeout) throws Exception {
        try (Admin admin = Admin.create(props())) {
            long deadline = System.currentTimeMillis() + timeout.toMillis();
            while (true) {
                Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> request = new java.util.HashMap<>();
                admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                        .forEach(p -> request.put(new TopicPartition(topic, p.partition()), org.apache.kafka.clients.admin.OffsetSpec.latest()));
                var ends = admin.listOffsets(request).all().get();
                var committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                boolean done = ends.entrySet().stream().allMatch(e -> committed.get(e.getKey()) != null
                        && committed.get(e.getKey()).offset() >= e.getValue().offset());
                if (done) {
                    return;
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new AssertionError(group + " did not consume " + topic + " within " + timeout + ": " + committed + " vs " + ends);
                }
                Thread.sleep(500);
            }
        }
    }

    /**
     * Every committed record of the topic, up to its end once no transaction is open on it. A process killed
     * mid-transaction leaves its transaction open until the broker aborts it (Streams' transaction timeout is
     * 10 s), and until then a read_committed consumer sees the topic end before it.
     */
    List<Text> readAll(String topic, Duration timeout) {
        List<Text> out = new ArrayList<>();
        try (TopicReader reader = new TopicReader(settings())) {
            List<TopicPartition> partitions = reader.partitions(topic, timeout);
            reader.assign(partitions).seekToBeginning();
            long deadline = System.currentTimeMillis() + timeout.toMillis();
            Map<TopicPartition, Long> end = endWithoutOpenTransactions(reader, partitions, deadline);
            reader.readToEnd(end, Duration.ofMillis(Math.max(0, deadline - System.currentTimeMillis())), batch -> batch.forEach(r -> out.add(Text.of(r))));
        }
        return out;
    }

    private Properties settings() {
        Properties p = props();
        return p;
    }

    /** The read_committed end offsets once they have caught up with the log end (or at the deadline). */
    private Map<TopicPartition, Long> endWithoutOpenTransactions(TopicReader committed, List<TopicPartition> partitions,
                                                                 long deadline) {
        Properties p = props();
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        try (KafkaConsumer<byte[], byte[]> uncommitted = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            while (true) {
                Map<TopicPartition, Long> end = committed.ends();
                if (end.equals(uncommitted.endOffsets(partitions)) || System.currentTimeMillis() >= deadline) {
                    return end;
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return end;
                }
            }
        }
    }

    /** A record as text. */
    record Text(String topic, int partition, long offset, String key, String value, Map<String, String> headers, byte[] bytes) {
        static Text of(ConsumerRecord<byte[], byte[]> r) {
            Map<String, String> headers = new java.util.LinkedHashMap<>();
            for (Header h : r.headers()) {
                headers.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
            }
            return new Text(r.topic(), r.partition(), r.offset(), r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8),
                    r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8), headers, r.value());
        }

        String header(String name) {
            return headers.get(name);
        }
    }
}
