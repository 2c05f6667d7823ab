package io.hyphae.connect.webhook;

import java.nio.ByteBuffer;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;

/** One record on its way to the subscriber: its request, its attempts so far and whether it is complete. */
final class Delivery {

    final SinkRecord record;
    final TopicPartition partition;
    final long offset;
    /** The record key's bytes, or null when the record is not ordered (no key, or ordering=none). */
    final ByteBuffer orderingKey;
    final String id;
    WebhookRequest request;
    /** Whether it went through the {@link KeySequencer}, which must hear when it completes. */
    boolean sequenced;
    int attempts;
    long firstAttemptMs;
    private volatile boolean complete;

    Delivery(SinkRecord record, ByteBuffer orderingKey) {
        this.record = record;
        this.partition = new TopicPartition(record.originalTopic(), record.originalKafkaPartition());
        this.offset = record.originalKafkaOffset();
        this.orderingKey = orderingKey;
        this.id = WebhookSigner.messageId(record);
    }

    boolean isComplete() {
        return complete;
    }

    /** @return whether this call completed it (a delivery completes once) */
    synchronized boolean markComplete() {
        if (complete) {
            return false;
        }
        complete = true;
        return true;
    }

    @Override
    public String toString() {
        return partition + "@" + offset;
    }
}
