package io.hyphae.runtime.internals;

import io.hyphae.cel.CompiledExpression;
import io.hyphae.format.Keys;
import io.hyphae.route.KeyFormat;
import io.hyphae.event.LineageHeaders;
import io.hyphae.event.Event;
import io.hyphae.runtime.RouteMetrics;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Before a join with a partitioned table: computes the join key and sends the event through the
 * repartition topic, to the partition that holds that key's rows. The record key is kept; the join key
 * travels in a header.
 */
public final class RekeyProcessor implements Processor<byte[], Event, byte[], Event> {

    /** The join key of an event whose key expression gave null. */
    public static final byte[] NULL_KEY = new byte[0];

    private final String route;
    private final String stage;
    private final CompiledExpression joinKey;
    private final KeyFormat keyFormat;
    private final String repartitionSink;
    private final String deadLetterSink;
    private final RouteMetrics.Stage meters;
    private ProcessorContext<byte[], Event> context;

    public RekeyProcessor(String route, String stage, CompiledExpression joinKey, KeyFormat keyFormat,
                          String repartitionSink, String deadLetterSink, RouteMetrics.Stage meters) {
        this.meters = meters;
        this.route = route;
        this.stage = stage;
        this.joinKey = joinKey;
        this.keyFormat = keyFormat;
        this.repartitionSink = repartitionSink;
        this.deadLetterSink = deadLetterSink;
    }

    @Override
    public void init(ProcessorContext<byte[], Event> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], Event> record) {
        Event event = record.value();
        byte[] key;
        try {
            key = Keys.encode(joinKey.evaluate(event), keyFormat);
        } catch (RuntimeException e) {
            // Counted as the stage's: it never reaches the stage's node.
            meters.in.increment();
            meters.deadLettered.increment();
            DeadLetters.forward(context, record, route, stage, DeadLetters.reason(e), e, deadLetterSink);
            return;
        }
        // A null key is a miss, decided by the enrich stage after the repartition: it travels as an empty key.
        event.joinKey(key == null ? NULL_KEY : key);
        key = event.joinKey();
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        headers.add(LineageHeaders.JOIN_KEY, key);
        context.forward(record.withHeaders(headers), repartitionSink);
    }
}
