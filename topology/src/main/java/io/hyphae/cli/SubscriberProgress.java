package io.hyphae.cli;

import io.hyphae.client.TopicReader;
import io.hyphae.plan.CheckedSubscriber;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;

/** How far a subscriber's connector has got, from its consumer group's committed offsets and its dead-letter topic. */
final class SubscriberProgress {

    private SubscriberProgress() {
    }

    /** Offsets of the subscriber's topic after the connector's committed ones (transaction markers included); -1 when unknown. */
    static long pending(Admin admin, CheckedSubscriber s) throws InterruptedException {
        return lag(admin, "connect-" + s.connector(), s.topic());
    }

    static long deadLettered(Admin admin, CheckedSubscriber s) throws InterruptedException {
        return records(admin, s.deadLetterTopic());
    }

    /** Records in a dead-letter topic (0 while it does not exist). */
    static long deadLettered(Admin admin, String deadLetterTopic) throws InterruptedException {
        return records(admin, deadLetterTopic);
    }

    /** Offsets of {@code topic} after the committed ones of the connector's group (transaction markers included); -1 when unknown. */
    static long pending(Admin admin, String connector, String topic) throws InterruptedException {
        return lag(admin, "connect-" + connector, topic);
    }

    /**
     * Waits until the connector has committed past every record of its topic; false on time-out. Offsets alone cannot
     * tell: a topic written in transactions ends with a commit marker, which takes an offset but is no record, so
     * what lies between the committed offset and the end is read ({@code read_committed}) to see if it holds records.
     */
    static boolean awaitDone(Admin admin, Properties clientProperties, CheckedSubscriber s, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (pendingRecords(admin, clientProperties, s, 1) == 0) {
                return true;
            }
            Thread.sleep(500);
        }
        return false;
    }

    /**
     * Records of the subscriber's topic after the connector's committed offsets (read {@code read_committed}, so
     * transaction markers and aborted records do not count), counted up to {@code cap}; {@code cap} when unknown.
     */
    static long pendingRecords(Admin admin, Properties clientProperties, CheckedSubscriber s, long cap) throws InterruptedException {
        Map<TopicPartition, Long> from = new LinkedHashMap<>();
        Map<TopicPartition, Long> ends;
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("connect-" + s.connector())
                    .partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, Long> start = offsets(admin, s.topic(), OffsetSpec.earliest());
            ends = offsets(admin, s.topic(), OffsetSpec.latest());
            for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
                OffsetAndMetadata c = committed.get(end.getKey());
                long position = c != null ? c.offset() : start.getOrDefault(end.getKey(), 0L);
                if (position < end.getValue()) {
                    from.put(end.getKey(), position);
                }
            }
        } catch (ExecutionException e) {
            return cap;
        }
        if (from.isEmpty()) {
            return 0;
        }
        try (TopicReader reader = new TopicReader(clientProperties)) {
            reader.assign(from.keySet()).seek(from);
            long[] count = {0};
            // only the partitions with records to go: the others are not read
            Map<TopicPartition, Long> until = new LinkedHashMap<>(ends);
            until.keySet().retainAll(from.keySet());
            boolean complete = reader.readToEnd(until, Duration.ofSeconds(5), batch -> batch.forEach(record -> {
                if (record.offset() < until.get(new TopicPartition(record.topic(), record.partition()))) {
                    count[0]++;
                }
            }));
            return complete ? Math.min(count[0], cap) : cap;
        }
    }

    /** Records of the topic after the group's committed offsets (all of them when the group has committed none). */
    private static long lag(Admin admin, String group, String topic) throws InterruptedException {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, Long> start = offsets(admin, topic, OffsetSpec.earliest());
            long lag = 0;
            for (Map.Entry<TopicPartition, Long> end : offsets(admin, topic, OffsetSpec.latest()).entrySet()) {
                OffsetAndMetadata c = committed.get(end.getKey());
                lag += end.getValue() - (c != null ? c.offset() : start.getOrDefault(end.getKey(), 0L));
            }
            return lag;
        } catch (ExecutionException e) {
            return -1;
        }
    }

    static long records(Admin admin, String topic) throws InterruptedException {
        try {
            Map<TopicPartition, Long> start = offsets(admin, topic, OffsetSpec.earliest());
            return offsets(admin, topic, OffsetSpec.latest()).entrySet().stream()
                    .mapToLong(e -> e.getValue() - start.getOrDefault(e.getKey(), 0L)).sum();
        } catch (ExecutionException e) {
            return 0; // not created yet: nothing was dead-lettered
        }
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, String topic, OffsetSpec spec) throws ExecutionException, InterruptedException {
        var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions();
        Map<TopicPartition, OffsetSpec> request = new LinkedHashMap<>();
        partitions.forEach(p -> request.put(new TopicPartition(topic, p.partition()), spec));
        Map<TopicPartition, Long> out = new LinkedHashMap<>();
        for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e : admin.listOffsets(request).all().get().entrySet()) {
            out.put(e.getKey(), e.getValue().offset());
        }
        return out;
    }
}
