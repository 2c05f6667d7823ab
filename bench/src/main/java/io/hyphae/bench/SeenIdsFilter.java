package io.hyphae.bench;

import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

import java.time.Duration;
import java.util.Map;

/**
 * The hand-written dedupe, the way the Kafka Streams examples write it: a window store of the ids seen (id → timestamp),
 * an event whose id the store holds within {@code within} of its timestamp is a duplicate.
 */
final class SeenIdsFilter implements FixedKeyProcessor<String, Map<String, Object>, SeenIdsFilter.Checked> {

    static final String STORE = "seen-ids";

    /** An event and whether its id was seen before. */
    record Checked(Map<String, Object> value, boolean duplicate) {
    }

    private final long withinMs;
    private FixedKeyProcessorContext<String, Checked> context;
    private WindowStore<String, Long> seen;

    SeenIdsFilter(Duration within) {
        this.withinMs = within.toMillis();
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Checked> context) {
        this.context = context;
        this.seen = context.getStateStore(STORE);
    }

    @Override
    public void process(FixedKeyRecord<String, Map<String, Object>> record) {
        String id = FleetLogic.eventId(record.value());
        long timestamp = record.timestamp();
        boolean duplicate;
        try (WindowStoreIterator<Long> it = seen.fetch(id, Math.max(0, timestamp - withinMs), timestamp + withinMs)) {
            duplicate = it.hasNext();
        }
        if (!duplicate) {
            seen.put(id, timestamp, timestamp);
        }
        context.forward(record.withValue(new Checked(record.value(), duplicate)));
    }
}
