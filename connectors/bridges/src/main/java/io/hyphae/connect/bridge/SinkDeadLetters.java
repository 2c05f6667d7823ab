package io.hyphae.connect.bridge;

import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;

import java.nio.charset.StandardCharsets;

/**
 * Hands events the broker refused (or that have no destination) to Connect's errant record reporter, the bridge's
 * dead-letter topic ({@code errors.deadletterqueue.topic.name}), with the reason in {@value #REASON}. The worker
 * waits for the reporter's writes before it commits the offsets. As in the webhook connector, the reported record is a
 * plain {@link SinkRecord} at the original topic, partition and offset, carrying the record's headers and ours.
 */
final class SinkDeadLetters {

    static final String REASON = InboundRecords.REASON;

    private final ErrantRecordReporter reporter;

    SinkDeadLetters(ErrantRecordReporter reporter) {
        this.reporter = reporter;
    }

    void report(SinkRecord record, String reason) {
        if (reporter == null) {
            throw new ConnectException("cannot publish a record of " + record.topic() + " at offset " + record.kafkaOffset()
                    + " (" + reason + ") and the worker has no dead letter queue for it");
        }
        ConnectHeaders headers = new ConnectHeaders();
        for (Header header : record.headers()) {
            headers.add(header);
        }
        headers.addBytes(REASON, reason.getBytes(StandardCharsets.UTF_8));
        SinkRecord reported = new SinkRecord(record.originalTopic(), record.originalKafkaPartition(), record.keySchema(), record.key(),
                record.valueSchema(), record.value(), record.originalKafkaOffset(), record.timestamp(), record.timestampType(), headers);
        reporter.report(reported, new ConnectException(reason));
    }
}
