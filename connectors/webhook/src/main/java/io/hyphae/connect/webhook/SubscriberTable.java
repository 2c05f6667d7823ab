package io.hyphae.connect.webhook;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subscriptions topic and the status topic as tables, read from their beginning by a plain consumer of the task
 * (assigned, no group) and kept up to date by a thread of its own: the task takes the subscribers written since it
 * last looked with {@link #changes()}, and asks any task's reported positions with {@link #position}.
 */
final class SubscriberTable implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SubscriberTable.class);

    /** A subscriber's latest record: its JSON, or null for a tombstone, and when it was written. */
    record Entry(byte[] json, long timestampMs) {
    }

    private final Consumer<byte[], byte[]> consumer;
    private final String subscriptions;
    private final String status;
    private final Map<String, Entry> changes = new LinkedHashMap<>();
    private final Map<String, Map<Integer, SubscriberStatus>> reports = new ConcurrentHashMap<>();
    private volatile boolean running = true;
    private Thread poller;

    SubscriberTable(Consumer<byte[], byte[]> consumer, String subscriptions, String status) {
        this.consumer = consumer;
        this.subscriptions = subscriptions;
        this.status = status;
    }

    /** Reads both topics to their end, then follows them on a thread of its own. */
    SubscriberTable start(Duration timeout) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(subscriptions, status)) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new ConnectException("the topic " + topic + " does not exist");
            }
            infos.forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey(), timeout) < e.getValue())) {
            if (System.currentTimeMillis() > deadline) {
                throw new ConnectException("could not read " + subscriptions + " and " + status + " to their end within " + timeout);
            }
            consumer.poll(Duration.ofMillis(200)).forEach(this::apply);
        }
        poller = DeadLetters.daemon("subscriptions").newThread(this::follow);
        poller.start();
        return this;
    }

    private void follow() {
        try {
            while (running) {
                consumer.poll(Duration.ofMillis(200)).forEach(this::apply);
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            log.error("Reading {} failed; subscriber changes are no longer seen until the task restarts", subscriptions, e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        if (record.key() == null) {
            return;
        }
        String key = new String(record.key(), StandardCharsets.UTF_8);
        if (record.topic().equals(subscriptions)) {
            synchronized (changes) {
                changes.remove(key); // keeps the order of the latest writes
                changes.put(key, new Entry(record.value(), record.timestamp()));
            }
        } else {
            String subscriber = SubscriberStatus.subscriberOf(key);
            if (record.value() == null) {
                Map<Integer, SubscriberStatus> tasks = reports.get(subscriber);
                if (tasks != null) {
                    tasks.keySet().removeIf(task -> SubscriberStatus.key(subscriber, task).equals(key));
                }
                return;
            }
            try {
                SubscriberStatus report = SubscriberStatus.parse(record.value());
                reports.computeIfAbsent(subscriber, s -> new ConcurrentHashMap<>()).put(report.task(), report);
            } catch (IllegalArgumentException e) {
                log.debug("Ignoring a record of {} that is not a status: {}", status, e.getMessage());
            }
        }
    }

    /** The subscribers written (or removed) since the last call, in the order of their latest writes. */
    Map<String, Entry> changes() {
        synchronized (changes) {
            Map<String, Entry> out = new LinkedHashMap<>(changes);
            changes.clear();
            return out;
        }
    }

    /** The furthest position any task reported for the subscriber in the partition. */
    OptionalLong position(String subscriber, TopicPartition partition) {
        String key = partition.topic() + "-" + partition.partition();
        return reports.getOrDefault(subscriber, Map.of()).values().stream()
                .map(r -> r.positions().get(key)).filter(Objects::nonNull).mapToLong(Long::longValue).max();
    }

    /** What the task last reported for the subscriber. */
    Optional<SubscriberStatus> report(String subscriber, int task) {
        return Optional.ofNullable(reports.getOrDefault(subscriber, Map.of()).get(task));
    }

    @Override
    public void close() {
        running = false;
        if (poller != null) {
            consumer.wakeup();
            try {
                poller.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
