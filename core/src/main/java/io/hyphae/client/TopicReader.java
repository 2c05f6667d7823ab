package io.hyphae.client;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads topics as raw bytes, {@code read_committed}, without committing anything: a record of an aborted or open
 * transaction is never shown. The one way Hyphae's commands look at what is on a topic ({@code demo}, {@code tap},
 * {@code dlq}, {@code connectors status}).
 */
public final class TopicReader implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(200);

    private final KafkaConsumer<byte[], byte[]> consumer;

    /** {@code settings}: the client settings (bootstrap servers, security); a {@code group.id} is kept if given. */
    public TopicReader(Properties settings) {
        Properties p = new Properties();
        p.putAll(settings);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Every partition of the topic; empty when the topic does not exist. */
    public List<TopicPartition> partitions(String topic, Duration timeout) {
        return consumer.partitionsFor(topic, timeout).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
    }

    /** Reads exactly these partitions from now on, from the positions the {@code seek*} methods set. */
    public TopicReader assign(Collection<TopicPartition> partitions) {
        consumer.assign(partitions);
        return this;
    }

    public TopicReader seekToBeginning() {
        consumer.seekToBeginning(consumer.assignment());
        return this;
    }

    public TopicReader seekToEnd() {
        consumer.seekToEnd(consumer.assignment());
        return this;
    }

    /** Positions per partition; an assigned partition not named keeps its position, one not assigned is ignored. */
    public TopicReader seek(Map<TopicPartition, Long> offsets) {
        Set<TopicPartition> assigned = consumer.assignment();
        offsets.forEach((tp, offset) -> {
            if (assigned.contains(tp)) {
                consumer.seek(tp, offset);
            }
        });
        return this;
    }

    /** The committed ends of the assigned partitions now: what {@link #readToEnd} reads up to. */
    public Map<TopicPartition, Long> ends() {
        return consumer.endOffsets(consumer.assignment());
    }

    /**
     * Reads the assigned partitions up to {@code ends}, batch by batch, or until {@code timeout} has passed; true
     * when every partition reached its end. An end of a partition that is not assigned is ignored.
     */
    public boolean readToEnd(Map<TopicPartition, Long> ends, Duration timeout, Consumer<ConsumerRecords<byte[], byte[]>> batches) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!atEnd(ends)) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            ConsumerRecords<byte[], byte[]> batch = consumer.poll(POLL);
            if (!batch.isEmpty()) {
                batches.accept(batch);
            }
        }
        return true;
    }

    /** {@link #readToEnd(Map, Duration, Consumer)} up to the ends as they are now. */
    public boolean readToEnd(Duration timeout, Consumer<ConsumerRecords<byte[], byte[]>> batches) {
        return readToEnd(ends(), timeout, batches);
    }

    /** One poll, for readers that follow a topic. */
    public ConsumerRecords<byte[], byte[]> poll() {
        return consumer.poll(POLL);
    }

    /** The underlying consumer, for its group metadata (transactions that commit what was read). */
    public KafkaConsumer<byte[], byte[]> consumer() {
        return consumer;
    }

    private boolean atEnd(Map<TopicPartition, Long> ends) {
        Set<TopicPartition> assigned = consumer.assignment();
        return ends.entrySet().stream().allMatch(e -> !assigned.contains(e.getKey()) || consumer.position(e.getKey()) >= e.getValue());
    }

    @Override
    public void close() {
        consumer.close();
    }
}
