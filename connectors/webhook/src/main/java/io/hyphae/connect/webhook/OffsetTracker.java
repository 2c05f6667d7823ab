package io.hyphae.connect.webhook;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The records of each partition in offset order until they are complete, and so the offset that is safe to
 * commit: the one after the longest complete prefix. Touched by the task's thread only, except
 * {@link #completed()}, which deliveries call from any thread.
 */
final class OffsetTracker {

    private final Map<TopicPartition, ArrayDeque<Delivery>> pending = new HashMap<>();
    private final Map<TopicPartition, Long> safe = new HashMap<>();
    private final AtomicInteger incomplete = new AtomicInteger();

    void add(Delivery delivery) {
        pending.computeIfAbsent(delivery.partition, p -> new ArrayDeque<>()).addLast(delivery);
        incomplete.incrementAndGet();
    }

    /** Called once per delivery when it completes. */
    void completed() {
        incomplete.decrementAndGet();
    }

    int incomplete() {
        return incomplete.get();
    }

    /** The offsets safe to commit among {@code current}'s partitions (those seen and with progress). */
    Map<TopicPartition, OffsetAndMetadata> committable(Map<TopicPartition, OffsetAndMetadata> current) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : current.keySet()) {
            ArrayDeque<Delivery> queue = pending.get(partition);
            if (queue != null) {
                while (!queue.isEmpty() && queue.peekFirst().isComplete()) {
                    safe.put(partition, queue.pollFirst().offset + 1);
                }
            }
            Long offset = safe.get(partition);
            if (offset != null) {
                offsets.put(partition, new OffsetAndMetadata(offset));
            }
        }
        return offsets;
    }

    /** The offset of the first incomplete record of {@code partition} (forgetting the complete ones before it), or empty. */
    OptionalLong firstIncomplete(TopicPartition partition) {
        ArrayDeque<Delivery> queue = pending.get(partition);
        if (queue == null) {
            return OptionalLong.empty();
        }
        while (!queue.isEmpty() && queue.peekFirst().isComplete()) {
            safe.put(partition, queue.pollFirst().offset + 1);
        }
        return queue.isEmpty() ? OptionalLong.empty() : OptionalLong.of(queue.peekFirst().offset);
    }

    /** Forgets revoked partitions; their outstanding deliveries still count as incomplete until they end. */
    void remove(Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            pending.remove(partition);
            safe.remove(partition);
        }
    }
}
