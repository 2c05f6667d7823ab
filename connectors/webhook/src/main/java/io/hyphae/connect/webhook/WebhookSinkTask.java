package io.hyphae.connect.webhook;

import java.util.Collection;
import java.util.Map;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the records of its partitions to one webhook subscriber, at least once.
 *
 * <p>{@link #put} hands records over and returns; {@link #preCommit} commits, per partition, only up to the
 * longest prefix of records that are complete (delivered, filtered out or dead-lettered). When more than
 * {@value WebhookSinkConfig#MAX_BUFFERED_RECORDS} records are incomplete, the task pauses its partitions, and
 * resumes them below half of that. A subscriber that answers 410 Gone, or a record that must be dead-lettered
 * while there is no dead letter queue, fails the task.
 */
public class WebhookSinkTask extends SinkTask {

    private static final Logger log = LoggerFactory.getLogger(WebhookSinkTask.class);

    private WebhookSinkConfig config;
    private RequestRenderer renderer;
    private OffsetTracker tracker;
    private DeliveryMetrics metrics;
    private DeliveryEngine engine;
    private int maxBuffered;
    private boolean paused;

    @Override
    public String version() {
        return WebhookSinkConnector.VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        config = new WebhookSinkConfig(props);
        renderer = config.renderer();
        tracker = new OffsetTracker();
        metrics = new DeliveryMetrics();
        maxBuffered = config.maxBufferedRecords();
        try {
            metrics.register(context.pluginMetrics(), config.subscriber());
        } catch (RuntimeException | LinkageError e) {
            log.debug("Subscriber '{}': no plugin metrics ({})", config.subscriber(), e.toString());
        }
        ErrantRecordReporter reporter = null;
        try {
            reporter = context.errantRecordReporter();
        } catch (NoSuchMethodError | NoClassDefFoundError e) {
            // a worker older than Kafka 2.6
        }
        if (reporter == null) {
            log.info("Subscriber '{}': no dead letter queue (errors.tolerance=none): a record that can never be "
                + "delivered fails the task", config.subscriber());
        }
        engine = new DeliveryEngine(config, renderer, tracker, metrics, reporter);
        log.info("Subscriber '{}': delivering to {} {} (ordering={}, max.in.flight={}, signed={})",
            config.subscriber(), config.method(), config.url(), config.ordering(), config.maxInFlight(),
            !config.signingKeys().isEmpty());
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        throwIfFailed();
        for (SinkRecord record : records) {
            engine.submit(record);
        }
        applyBackPressure();
        throwIfFailed();
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        applyBackPressure();
        return tracker.committable(currentOffsets);
    }

    /** Nothing to do: {@link #preCommit} only commits what is complete; waiting here would block the task. */
    @Override
    public void flush(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
    }

    @Override
    public void open(Collection<TopicPartition> partitions) {
        if (paused && !partitions.isEmpty()) {
            context.pause(partitions.toArray(new TopicPartition[0]));
        }
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        if (tracker != null) {
            tracker.remove(partitions);
        }
    }

    @Override
    public void stop() {
        if (engine != null) {
            engine.close();
        }
        if (renderer instanceof AutoCloseable closeable) {
            Utils.closeQuietly(closeable, "renderer");
        }
        if (config != null) {
            log.info("Subscriber '{}': task stopped; {}", config.subscriber(), metrics);
        }
    }

    /** The counts so far: delivered, retried, dead-lettered, filtered. */
    DeliveryMetrics metrics() {
        return metrics;
    }

    private void applyBackPressure() {
        int incomplete = tracker.incomplete();
        if (!paused && incomplete > maxBuffered) {
            paused = true;
            context.pause(context.assignment().toArray(new TopicPartition[0]));
            log.info("Subscriber '{}': {} records incomplete, more than {}: pausing", config.subscriber(),
                incomplete, maxBuffered);
        } else if (paused && incomplete <= maxBuffered / 2) {
            paused = false;
            context.resume(context.assignment().toArray(new TopicPartition[0]));
            log.info("Subscriber '{}': {} records incomplete: resuming", config.subscriber(), incomplete);
        }
    }

    boolean paused() {
        return paused;
    }

    private void throwIfFailed() {
        ConnectException failure = engine.failure();
        if (failure != null) {
            throw failure;
        }
    }
}
