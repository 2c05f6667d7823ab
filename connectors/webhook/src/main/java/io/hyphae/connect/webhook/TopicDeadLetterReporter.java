package io.hyphae.connect.webhook;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Writes a runtime subscriber's dead letters to its own topic ({@code <application>.subscriber.<name>.dlq}) with the
 * task's producer, as Connect's dead letter queue would (the record's bytes and headers, and the
 * {@code __connect.errors.*} context headers): the fan-out connector has one errant record reporter for all its
 * subscribers, and each needs a topic of its own.
 */
final class TopicDeadLetterReporter implements ErrantRecordReporter {

    static final String ERRORS = "__connect.errors.";

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final String connector;
    private final int task;
    private final Runnable createTopic;
    private boolean created;

    /** {@code createTopic} runs once, before the first dead letter (on the reporting thread, not the task's). */
    TopicDeadLetterReporter(Producer<byte[], byte[]> producer, String topic, String connector, int task, Runnable createTopic) {
        this.producer = producer;
        this.createTopic = createTopic;
        this.topic = topic;
        this.connector = connector;
        this.task = task;
    }

    @Override
    public Future<Void> report(SinkRecord record, Throwable error) {
        if (!created) {
            createTopic.run();
            created = true;
        }
        RecordHeaders headers = new RecordHeaders();
        for (Header header : record.headers()) {
            headers.add(header.key(), bytes(header.value()));
        }
        add(headers, "topic", record.originalTopic());
        add(headers, "partition", Integer.toString(record.originalKafkaPartition()));
        add(headers, "offset", Long.toString(record.originalKafkaOffset()));
        add(headers, "connector.name", connector);
        add(headers, "task.id", Integer.toString(task));
        add(headers, "exception.class.name", error.getClass().getName());
        add(headers, "exception.message", String.valueOf(error.getMessage()));
        CompletableFuture<Void> written = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(topic, null, bytes(record.key()), bytes(record.value()), headers), (metadata, e) -> {
            if (e != null) {
                written.completeExceptionally(e);
            } else {
                written.complete(null);
            }
        });
        return written;
    }

    private static void add(RecordHeaders headers, String name, String value) {
        headers.add(ERRORS + name, value.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] bytes(Object value) {
        if (value == null || value instanceof byte[]) {
            return (byte[]) value;
        }
        if (value instanceof ByteBuffer buffer) {
            byte[] out = new byte[buffer.remaining()];
            buffer.duplicate().get(out);
            return out;
        }
        return String.valueOf(value).getBytes(StandardCharsets.UTF_8);
    }
}
