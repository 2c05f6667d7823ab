package io.hyphae.connect.webhook;

import io.hyphae.plan.CheckedSubscriber;
import io.hyphae.plan.TopicNames;
import io.hyphae.route.Format;
import io.hyphae.route.KeyFormat;
import io.hyphae.route.RegistrySettings;
import io.hyphae.route.SubscriberDefinition;
import io.hyphae.route.loader.Problems;
import io.hyphae.route.loader.YamlDocument;
import io.hyphae.route.loader.YamlNode;
import io.hyphae.spec.SubscriberSpec;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * One subscriber of the subscriptions topic inside a fan-out task: its definition, its own delivery engine (in-flight
 * limit, per-key order, retries, dead-letter topic), its own offset tracker and counts, and per partition its lane:
 * the offset of the next record it has to consider. Touched by the task's thread only (the engine's threads touch the
 * tracker's completions and the counts, which are thread-safe).
 */
final class RuntimeSubscriber {

    /** A subscriber's definition as read from the subscriptions topic, resolved against the stage catalog. */
    record Definition(String name, byte[] json, CheckedSubscriber checked, long registeredMs) {

        long startMs() {
            return checked.definition().from().map(Instant::toEpochMilli).orElse(registeredMs);
        }
    }

    final Definition definition;
    private final WebhookSinkConfig config;
    private final OffsetTracker tracker = new OffsetTracker();
    final DeliveryMetrics metrics;
    private final DeliveryEngine engine;
    private final RequestRenderer renderer;
    private final Map<TopicPartition, Long> next = new HashMap<>();
    /** Per partition where it started from its start instant: records older than that instant are not for it, until one is. */
    private final Map<TopicPartition, Long> notBefore = new HashMap<>();
    private boolean behind;
    private long definedMs;

    RuntimeSubscriber(Definition definition, Map<String, Object> registry, ErrantRecordReporter reporter, DeliveryMetrics metrics) {
        this.definition = definition;
        this.metrics = metrics;
        this.definedMs = definition.registeredMs();
        Map<String, String> props = new HashMap<>(SubscriberConnectorConfig.webhook(definition.checked(), RegistrySettings.NONE, true));
        props.put("header.converter", SubscriberConnectorConfig.BYTES);
        if (definition.checked().format() == Format.AVRO) {
            registry.forEach((k, v) -> props.put(k, String.valueOf(v)));
        }
        this.config = new WebhookSinkConfig(props);
        this.renderer = config.renderer();
        this.engine = new DeliveryEngine(config, renderer, tracker, metrics, reporter);
    }

    /**
     * Reads a subscriber as the HTTP API wrote it (the fields of the route file's {@code subscribers:} entry, as JSON),
     * with the same spec; its stage (or topic) must be one of the catalog's.
     *
     * @throws IllegalArgumentException with the first problem when it cannot be delivered
     */
    static Definition define(String name, byte[] json, long registeredMs, StageCatalog catalog, String application) {
        Problems problems = new Problems();
        String source = TopicNames.subscriptions(application);
        Optional<SubscriberDefinition> definition = YamlDocument.parse(source, new String(json, StandardCharsets.UTF_8), variable -> null,
                problems, "the subscriber is empty", "subscribers." + name).flatMap(root -> SubscriberSpec.define(name, root));
        if (!problems.isEmpty() || definition.isEmpty()) {
            throw new IllegalArgumentException(problems.isEmpty() ? "not a subscriber" : problems.list().get(0).toString());
        }
        SubscriberDefinition d = definition.get();
        Optional<StageCatalog.Stage> stage = d.stage().isPresent()
                ? catalog.stage(d.stage().get().toString())
                : catalog.byTopic(d.topic().orElseThrow());
        if (stage.isEmpty()) {
            throw new IllegalArgumentException(d.stage().map(s -> "no stage " + s).orElse("the topic " + d.topic().orElse("")
                    + " is not a stage topic") + " of the application's route file");
        }
        Format format = d.stage().isPresent() ? stage.get().format() : d.format();
        KeyFormat keyFormat = d.stage().isPresent() ? stage.get().keyFormat() : d.keyFormat();
        return new Definition(name, json, new CheckedSubscriber(d, stage.get().topic(), format, keyFormat,
                TopicNames.fanOutConnector(application), TopicNames.subscriberDeadLetter(application, name)), registeredMs);
    }

    /** When the definition it delivers with was (last) written. */
    long defined() {
        return definedMs;
    }

    /** The same definition was written again at {@code writtenMs}. */
    void defined(long writtenMs) {
        definedMs = Math.max(definedMs, writtenMs);
    }

    String name() {
        return definition.name();
    }

    String topic() {
        return definition.checked().topic();
    }

    /** Why it delivers nothing (it answered 410 Gone, or it cannot be dead-lettered), or empty. */
    Optional<String> paused() {
        return Optional.ofNullable(engine.failure()).map(Throwable::getMessage);
    }

    boolean running() {
        return engine.failure() == null;
    }

    /** Whether its backlog is at the bound: at {@code max} incomplete records it stops taking any until half are complete. */
    boolean behind(int max) {
        int incomplete = tracker.incomplete();
        if (!behind && incomplete >= max) {
            behind = true;
        } else if (behind && incomplete <= max / 2) {
            behind = false;
        }
        return behind;
    }

    boolean behind() {
        return behind;
    }

    OptionalLong next(TopicPartition partition) {
        Long offset = next.get(partition);
        return offset == null ? OptionalLong.empty() : OptionalLong.of(offset);
    }

    void lane(TopicPartition partition, long offset) {
        next.put(partition, offset);
        notBefore.remove(partition);
    }

    /**
     * A lane that starts at its start instant: at {@code offset}, the first one written at or after it as far as the
     * broker can tell (the end of what is committed, when nothing is yet), and skipping the records older than it that
     * follow (records of a transaction still open when the offset was looked up).
     */
    void laneFrom(TopicPartition partition, long offset, long timestampMs) {
        next.put(partition, offset);
        notBefore.put(partition, timestampMs);
    }

    /** Takes over the lane of the definition it replaces: its position, and its start instant if it has not passed it yet. */
    void carry(RuntimeSubscriber previous, TopicPartition partition) {
        next.put(partition, previous.position(partition));
        Long start = previous.notBefore.get(partition);
        if (start != null) {
            notBefore.put(partition, start);
        }
    }

    /** Whether the record was written before the subscriber's start: it skips it (its lane moves past it). */
    boolean before(SinkRecord record, TopicPartition partition) {
        Long start = notBefore.get(partition);
        if (start == null) {
            return false;
        }
        if (record.timestamp() != null && record.timestamp() < start) {
            next.put(partition, record.kafkaOffset() + 1);
            return true;
        }
        notBefore.remove(partition);
        return false;
    }

    Map<TopicPartition, Long> lanes() {
        return next;
    }

    void submit(SinkRecord record) {
        engine.submit(record);
        next.put(new TopicPartition(record.topic(), record.kafkaPartition()), record.kafkaOffset() + 1);
    }

    /** The offset before which every record of {@code partition} is complete for it (delivered, filtered or dead-lettered). */
    long position(TopicPartition partition) {
        long lane = next.getOrDefault(partition, 0L);
        OptionalLong incomplete = tracker.firstIncomplete(partition);
        return incomplete.isPresent() ? Math.min(incomplete.getAsLong(), lane) : lane;
    }

    int incomplete() {
        return tracker.incomplete();
    }

    /** Forgets revoked partitions. */
    void revoke(Collection<TopicPartition> partitions) {
        partitions.forEach(next::remove);
        partitions.forEach(notBefore::remove);
        tracker.remove(partitions);
    }

    /** Stops sending; what is incomplete stays so (and is sent again by whatever takes over). */
    void close() {
        engine.close();
        if (renderer instanceof AutoCloseable closeable) {
            Utils.closeQuietly(closeable, "renderer");
        }
    }
}
