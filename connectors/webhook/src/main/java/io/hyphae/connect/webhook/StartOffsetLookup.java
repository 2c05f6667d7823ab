package io.hyphae.connect.webhook;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.connect.errors.ConnectException;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * Where a new subscriber starts in a partition: the first committed record written at or after its start instant, else
 * the partition's end. Most subscribers start "now", after every record of the partition; for them the answer is the
 * end, known from the partition's end offset and largest timestamp, which are looked up once per partition for a batch
 * of subscribers ({@link #forget()} starts a new batch) instead of twice per subscriber and partition: 100
 * subscribers added together on 3 partitions cost 6 requests to the broker, not 600, while the task waits.
 */
final class StartOffsetLookup implements FanOut.StartOffsets {

    private static final ListOffsetsOptions COMMITTED = new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);

    private final Admin admin;
    private final Map<TopicPartition, Long> ends = new HashMap<>();
    private final Map<TopicPartition, Long> largestTimestamps = new HashMap<>();
    private boolean largestTimestampUnsupported;

    StartOffsetLookup(Admin admin) {
        this.admin = admin;
    }

    /** The partitions may have grown since: look their ends up again when next asked. */
    void forget() {
        ends.clear();
        largestTimestamps.clear();
    }

    @Override
    public long at(TopicPartition partition, long timestampMs) {
        if (timestampMs > largestTimestamp(partition)) {
            return end(partition); // no record at or after the instant
        }
        long at = lookUp(partition, OffsetSpec.forTimestamp(timestampMs), COMMITTED).offset();
        return at >= 0 ? at : end(partition);
    }

    private long end(TopicPartition partition) {
        return ends.computeIfAbsent(partition, p -> lookUp(p, OffsetSpec.latest(), COMMITTED).offset());
    }

    /** The largest timestamp in the partition, -1 when it is empty; {@link Long#MAX_VALUE} when the broker cannot say. */
    private long largestTimestamp(TopicPartition partition) {
        if (largestTimestampUnsupported) {
            return Long.MAX_VALUE;
        }
        Long known = largestTimestamps.get(partition);
        if (known != null) {
            return known;
        }
        try {
            ListOffsetsResultInfo largest = lookUp(partition, OffsetSpec.maxTimestamp(), new ListOffsetsOptions());
            long timestamp = largest.offset() < 0 ? -1 : largest.timestamp();
            largestTimestamps.put(partition, timestamp);
            return timestamp;
        } catch (UnsupportedVersionException e) { // a broker before 3.0 (KIP-734): every start is looked up by its instant
            largestTimestampUnsupported = true;
            return Long.MAX_VALUE;
        }
    }

    private ListOffsetsResultInfo lookUp(TopicPartition partition, OffsetSpec spec, ListOffsetsOptions options) {
        try {
            return admin.listOffsets(Map.of(partition, spec), options).partitionResult(partition).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnsupportedVersionException unsupported) {
                throw unsupported;
            }
            throw new ConnectException("could not look up the offsets of " + partition + ": " + e.getCause(), e.getCause());
        }
    }
}
