package io.hyphae.connect.webhook;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The logic of a fan-out task, without its Kafka clients: each record read once is offered to every runtime subscriber of
 * its topic, each with an engine of its own, so that one slow or broken subscriber never holds up another.
 *
 * <p><b>Lanes.</b> Per subscriber and partition, {@code next} is the offset of the next record it has to consider; the
 * task knows per partition up to which offset its stream of records is {@code covered} (everything before it was seen).
 * A subscriber takes record {@code o} when {@code o >= next} and nothing between {@code next} and {@code o} escaped it
 * ({@code next >= covered}); otherwise it is out of step (it was behind, paused, just added with an earlier start, or
 * the partition was just assigned) and the task rewinds the partition to the lowest such {@code next}; the others skip
 * what they already had. (Offsets are not contiguous under transactions, so "nothing escaped" is judged against what
 * the stream showed, not against {@code next + 1}.) A subscriber without a written position starts at the offset of
 * its start instant (the {@code PUT}, or its {@code from}) and skips the records older than that instant that follow
 * it, until the first that is not (the offset lookup cannot see into a transaction still open).
 *
 * <p><b>Backlog bound.</b> A subscriber with {@code maxBuffered} incomplete records is <i>behind</i>: it takes nothing
 * until half of them are complete, then catches up through a rewind. Memory is bounded by subscribers ×
 * {@code maxBuffered} records; the cost of a slow subscriber is that the task reads its partitions again for it.
 *
 * <p><b>Commits.</b> A partition's offset is committed only up to the smallest position (the offset before which
 * everything is complete for it) of the running subscribers; a paused one (410 Gone) does not hold it back, and is
 * rewound to its own position, kept in the status topic, when it is resumed.
 */
final class FanOut implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FanOut.class);

    /** The first offset of a partition with a timestamp at or after the given one, else its end. */
    interface StartOffsets {
        long at(TopicPartition partition, long timestampMs);
    }

    /** Where a subscriber's reports (of any task) say it is in a partition. */
    interface StoredPositions {
        OptionalLong position(String subscriber, TopicPartition partition);
    }

    private final StageCatalog catalog;
    private final String application;
    private final int task;
    private final int maxBuffered;
    private final Map<String, Object> registry;
    private final SinkTaskContext context;
    private final StartOffsets starts;
    private final StoredPositions stored;
    private final Function<RuntimeSubscriber.Definition, ErrantRecordReporter> reporters;
    private final Map<String, RuntimeSubscriber> subscribers = new TreeMap<>();
    /** A definition that cannot be delivered: why, and when it was written. */
    private record Invalid(String reason, long definedMs) {
    }

    /** Subscribers whose definition cannot be delivered. */
    private final Map<String, Invalid> invalid = new TreeMap<>();
    private final Map<String, List<RuntimeSubscriber>> byTopic = new HashMap<>();
    private final Map<TopicPartition, Long> covered = new HashMap<>();
    private final Set<TopicPartition> assigned = new LinkedHashSet<>();
    private final Set<String> removed = new LinkedHashSet<>();
    private final ExecutorService closer = Executors.newCachedThreadPool(DeadLetters.daemon("fanout-close"));
    private boolean paused;

    FanOut(StageCatalog catalog, String application, int task, int maxBuffered, Map<String, Object> registry, SinkTaskContext context,
           StartOffsets starts, StoredPositions stored,
           Function<RuntimeSubscriber.Definition, ErrantRecordReporter> reporters) {
        this.catalog = catalog;
        this.application = application;
        this.task = task;
        this.maxBuffered = maxBuffered;
        this.registry = registry;
        this.context = context;
        this.starts = starts;
        this.stored = stored;
        this.reporters = reporters;
    }

    /**
     * A subscriber written to the subscriptions topic at {@code registeredMs}: added, changed (its engine replaced, its
     * position kept: a change may send the records in flight at that moment again) or, when it is paused, resumed.
     * Writing it again unchanged while it runs changes nothing. {@code baseline} carries the counts of an earlier report.
     */
    void upsert(String name, byte[] json, long registeredMs, Optional<SubscriberStatus> baseline) {
        RuntimeSubscriber existing = subscribers.get(name);
        if (existing != null && Arrays.equals(existing.definition.json(), json) && existing.running()) {
            existing.defined(registeredMs);
            return;
        }
        RuntimeSubscriber.Definition definition;
        try {
            definition = RuntimeSubscriber.define(name, json, registeredMs, catalog, application);
        } catch (IllegalArgumentException e) {
            log.warn("Subscriber '{}' of {}: not delivered: {}", name, application, e.getMessage());
            if (existing != null) {
                drop(existing);
            }
            invalid.put(name, new Invalid("invalid: " + e.getMessage(), registeredMs));
            return;
        }
        invalid.remove(name);
        removed.remove(name);
        DeliveryMetrics metrics = existing != null ? existing.metrics : new DeliveryMetrics();
        if (existing == null) {
            baseline.ifPresent(b -> {
                metrics.delivered.set(b.delivered());
                metrics.retried.set(b.retried());
                metrics.deadLettered.set(b.deadLettered());
                metrics.filtered.set(b.filtered());
            });
        }
        RuntimeSubscriber subscriber = new RuntimeSubscriber(definition, registry, reporters.apply(definition), metrics);
        if (existing != null) {
            for (TopicPartition partition : existing.lanes().keySet()) {
                if (partition.topic().equals(subscriber.topic())) {
                    subscriber.carry(existing, partition);
                }
            }
            drop(existing);
            log.info("Subscriber '{}': {}; delivering to {} from its position", name,
                    existing.running() ? "changed" : "resumed", definition.checked().definition().url());
        } else {
            log.info("Subscriber '{}': delivering {} to {}", name, subscriber.topic(), definition.checked().definition().url());
        }
        subscribers.put(name, subscriber);
        byTopic.computeIfAbsent(subscriber.topic(), t -> new ArrayList<>()).add(subscriber);
        for (TopicPartition partition : assigned) {
            if (partition.topic().equals(subscriber.topic()) && subscriber.next(partition).isEmpty()) {
                start(subscriber, partition);
            }
        }
    }

    /** A tombstone: delivery to it stops (what is in flight may still arrive). */
    void remove(String name) {
        invalid.remove(name);
        RuntimeSubscriber existing = subscribers.get(name);
        if (existing != null) {
            drop(existing);
            log.info("Subscriber '{}': removed; delivery stopped", name);
        }
        removed.add(name);
    }

    private void drop(RuntimeSubscriber subscriber) {
        subscribers.remove(subscriber.name());
        List<RuntimeSubscriber> same = byTopic.get(subscriber.topic());
        if (same != null) {
            same.remove(subscriber);
        }
        closer.execute(subscriber::close);
    }

    /** Gives a subscriber a lane in a partition: at its stored position, else at its start instant. */
    private void start(RuntimeSubscriber subscriber, TopicPartition partition) {
        OptionalLong position = stored.position(subscriber.name(), partition);
        if (position.isPresent()) {
            subscriber.lane(partition, position.getAsLong());
        } else {
            long startMs = subscriber.definition.startMs();
            subscriber.laneFrom(partition, starts.at(partition, startMs), startMs);
        }
    }

    void open(Collection<TopicPartition> partitions) {
        assigned.addAll(partitions);
        for (TopicPartition partition : partitions) {
            covered.remove(partition);
            for (RuntimeSubscriber subscriber : byTopic.getOrDefault(partition.topic(), List.of())) {
                start(subscriber, partition);
            }
        }
        if (paused) {
            context.pause(partitions.toArray(new TopicPartition[0]));
        }
    }

    void close(Collection<TopicPartition> partitions) {
        assigned.removeAll(partitions);
        partitions.forEach(covered::remove);
        subscribers.values().forEach(s -> s.revoke(partitions));
    }

    /** Offers each record to the subscribers of its topic; rewinds the partitions a subscriber is out of step in. */
    void put(Collection<SinkRecord> records) {
        Map<TopicPartition, Long> rewind = new HashMap<>();
        for (SinkRecord record : records) {
            TopicPartition partition = new TopicPartition(record.topic(), record.kafkaPartition());
            long offset = record.kafkaOffset();
            Long seen = covered.get(partition);
            long from = seen != null ? seen : offset;
            for (RuntimeSubscriber subscriber : byTopic.getOrDefault(record.topic(), List.of())) {
                if (!subscriber.running()) {
                    continue;
                }
                OptionalLong lane = subscriber.next(partition);
                long next = lane.isPresent() ? lane.getAsLong() : offset;
                if (offset < next || subscriber.behind(maxBuffered)) {
                    continue;
                }
                if (next < from) {
                    rewind.merge(partition, next, Math::min);
                    continue;
                }
                if (!subscriber.before(record, partition)) {
                    subscriber.submit(record);
                }
            }
            covered.put(partition, offset + 1);
        }
        catchUp(rewind);
        if (!rewind.isEmpty()) {
            log.debug("Rewinding {} for the subscribers out of step", rewind);
            context.offset(rewind);
            covered.putAll(rewind);
        }
        applyBackPressure();
    }

    /** Running subscribers no longer behind whose lane is before what the stream covered: they need a rewind. */
    private void catchUp(Map<TopicPartition, Long> rewind) {
        for (RuntimeSubscriber subscriber : subscribers.values()) {
            if (!subscriber.running() || subscriber.behind(maxBuffered)) {
                continue;
            }
            subscriber.lanes().forEach((partition, next) -> {
                Long seen = covered.get(partition);
                if (seen != null && next < seen) {
                    rewind.merge(partition, next, Math::min);
                }
            });
        }
    }

    /** When every running subscriber is behind, reading on only to skip would be waste: pause until one is not. */
    private void applyBackPressure() {
        boolean allBehind = false;
        for (RuntimeSubscriber subscriber : subscribers.values()) {
            if (subscriber.running()) {
                if (!subscriber.behind(maxBuffered)) {
                    allBehind = false;
                    break;
                }
                allBehind = true;
            }
        }
        if (allBehind != paused && !assigned.isEmpty()) {
            TopicPartition[] all = assigned.toArray(new TopicPartition[0]);
            if (allBehind) {
                context.pause(all);
            } else {
                context.resume(all);
            }
            log.info("Every subscriber at its bound of {} incomplete records: {}", maxBuffered, allBehind ? "pausing" : "resuming");
        }
        paused = allBehind;
    }

    boolean paused() {
        return paused;
    }

    /**
     * Per partition, the offset every running subscriber has completed up to (and no further than the task read):
     * what may be committed.
     */
    Map<TopicPartition, OffsetAndMetadata> committable(Map<TopicPartition, OffsetAndMetadata> current) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        current.forEach((partition, read) -> {
            long offset = read.offset();
            for (RuntimeSubscriber subscriber : byTopic.getOrDefault(partition.topic(), List.of())) {
                if (subscriber.running() && subscriber.next(partition).isPresent()) {
                    offset = Math.min(offset, subscriber.position(partition));
                }
            }
            offsets.put(partition, new OffsetAndMetadata(offset));
        });
        return offsets;
    }

    /** This task's report of each subscriber; removed ones come back in {@link #removed()} once, for tombstones. */
    List<SubscriberStatus> statuses(long nowMs) {
        List<SubscriberStatus> out = new ArrayList<>();
        for (RuntimeSubscriber s : subscribers.values()) {
            Map<String, Long> positions = new TreeMap<>();
            s.lanes().keySet().forEach(p -> positions.put(p.topic() + "-" + p.partition(), s.position(p)));
            DeliveryMetrics m = s.metrics;
            out.add(new SubscriberStatus(s.name(), task, m.delivered.get(), m.retried.get(), m.deadLettered.get(), m.filtered.get(),
                    s.incomplete(), s.paused(), s.behind(), positions, s.defined(), nowMs));
        }
        invalid.forEach((name, why) -> out.add(new SubscriberStatus(name, task, 0, 0, 0, 0, 0, Optional.of(why.reason()), false, Map.of(),
                why.definedMs(), nowMs)));
        return out;
    }

    /** The subscribers removed since the last call. */
    Set<String> removed() {
        Set<String> out = new HashSet<>(removed);
        removed.clear();
        return out;
    }

    Optional<RuntimeSubscriber> subscriber(String name) {
        return Optional.ofNullable(subscribers.get(name));
    }

    /** Stops every engine at once (each waits briefly for its open requests). */
    @Override
    public void close() {
        subscribers.values().forEach(s -> closer.execute(s::close));
        subscribers.clear();
        byTopic.clear();
        closer.shutdown();
        try {
            closer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
