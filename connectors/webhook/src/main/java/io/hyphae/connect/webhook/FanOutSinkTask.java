package io.hyphae.connect.webhook;

import io.hyphae.plan.TopicNames;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the stage topics' records to the subscribers kept as data in {@code <application>.subscribers}: reads each
 * record once and hands it to every subscriber of its topic ({@link FanOut}). The subscriptions topic is followed live
 * by a consumer of the task's own ({@link SubscriberTable}), so a subscriber starts, changes or stops without a restart;
 * each subscriber's counts and positions are written to {@code <application>.subscribers.status} every
 * {@value FanOutSinkConfig#STATUS_INTERVAL_MS} and before each commit, its dead letters to its own topic.
 */
public class FanOutSinkTask extends SinkTask {

    private static final Logger log = LoggerFactory.getLogger(FanOutSinkTask.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private FanOutSinkConfig config;
    private String connector;
    private String statusTopic;
    private KafkaProducer<byte[], byte[]> producer;
    private Admin admin;
    private StartOffsetLookup starts;
    private SubscriberTable table;
    private FanOut fanOut;
    private long lastReportMs;

    @Override
    public String version() {
        return WebhookSinkConnector.VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        config = new FanOutSinkConfig(props);
        String application = config.application();
        connector = props.getOrDefault("name", TopicNames.fanOutConnector(application));
        statusTopic = TopicNames.subscriberStatus(application);
        Map<String, Object> kafka = config.kafka();
        admin = Admin.create(kafka);
        starts = new StartOffsetLookup(admin);
        createCompacted(TopicNames.subscriptions(application));
        createCompacted(statusTopic);
        Map<String, Object> p = new HashMap<>(kafka);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, connector + "-" + config.taskId());
        producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        Map<String, Object> c = new HashMap<>(kafka);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, connector + "-" + config.taskId() + "-subscriptions");
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        table = new SubscriberTable(new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer()),
                TopicNames.subscriptions(application), statusTopic).start(TIMEOUT);
        fanOut = new FanOut(config.stages(), application, config.taskId(), config.maxBuffered(), config.registry(), context,
                starts, table::position,
                definition -> new TopicDeadLetterReporter(producer, definition.checked().deadLetterTopic(), connector, config.taskId(),
                        () -> createTopic(new NewTopic(definition.checked().deadLetterTopic(), Optional.of(config.topicPartitions()),
                                replicationFactor()))));
        applyChanges();
        log.info("Fan-out task {} of {}: delivering the subscribers of {} (at most {} incomplete records each)", config.taskId(),
                application, TopicNames.subscriptions(application), config.maxBuffered());
    }

    @Override
    public void open(Collection<TopicPartition> partitions) {
        starts.forget();
        fanOut.open(partitions);
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        if (fanOut != null) {
            fanOut.close(partitions);
        }
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        applyChanges();
        fanOut.put(records);
        long now = System.currentTimeMillis();
        if (now - lastReportMs >= config.statusIntervalMs()) {
            report(now);
        }
    }

    /** Reports each subscriber's positions (and waits for the broker) before committing what all of them completed. */
    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        applyChanges();
        Map<TopicPartition, OffsetAndMetadata> offsets = fanOut.committable(currentOffsets);
        report(System.currentTimeMillis());
        producer.flush();
        return offsets;
    }

    @Override
    public void flush(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
    }

    @Override
    public void stop() {
        if (producer != null && fanOut != null) {
            report(System.currentTimeMillis());
        }
        if (fanOut != null) {
            fanOut.close();
        }
        if (table != null) {
            table.close();
        }
        Utils.closeQuietly(producer, "producer");
        Utils.closeQuietly(admin, "admin");
    }

    private void applyChanges() {
        starts.forget();
        table.changes().forEach((name, entry) -> {
            if (entry.json() == null) {
                fanOut.remove(name);
            } else {
                fanOut.upsert(name, entry.json(), entry.timestampMs(), table.report(name, config.taskId()));
            }
        });
    }

    private void report(long now) {
        lastReportMs = now;
        for (SubscriberStatus status : fanOut.statuses(now)) {
            send(SubscriberStatus.key(status.subscriber(), status.task()), status.json());
        }
        for (String name : fanOut.removed()) {
            send(SubscriberStatus.key(name, config.taskId()), null);
        }
    }

    private void send(String key, byte[] value) {
        producer.send(new ProducerRecord<>(statusTopic, key.getBytes(StandardCharsets.UTF_8), value), (metadata, e) -> {
            if (e != null) {
                log.warn("Could not write the status of {} to {}: {}", key, statusTopic, e.toString());
            }
        });
    }

    private Optional<Short> replicationFactor() {
        return config.replicationFactor() > 0 ? Optional.of(config.replicationFactor()) : Optional.empty();
    }

    private void createCompacted(String topic) {
        createTopic(new NewTopic(topic, Optional.of(1), replicationFactor())
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
    }

    /** Creates the topic when missing; without the right to, says so and goes on (it may exist, or be created on write). */
    private void createTopic(NewTopic topic) {
        try {
            admin.createTopics(List.of(topic)).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                log.warn("Could not create the topic {}: {}", topic.name(), e.getCause().toString());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("interrupted", e);
        }
    }
}
