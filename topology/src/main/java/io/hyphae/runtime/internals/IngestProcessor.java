package io.hyphae.runtime.internals;

import io.hyphae.format.Keys;
import io.hyphae.format.PayloadFormat;
import io.hyphae.route.KeyFormat;
import io.hyphae.event.LineageHeaders;
import io.hyphae.event.Event;
import io.hyphae.runtime.RouteMetrics;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * The entry of a route (and the re-entry after a repartition topic): decodes key and value and
 * stamps lineage. Bytes that do not decode go to the dead-letter topic unchanged.
 */
public final class IngestProcessor implements Processor<byte[], byte[], byte[], Event> {


    private final String route;
    private final String stageName;
    private final PayloadFormat format;
    private final KeyFormat keyFormat;
    private final boolean resume;
    private final String next;
    private final String deadLetterSink;
    private final RouteMetrics.Route routeMeters;
    private final RouteMetrics.Stage stageMeters;
    private ProcessorContext<byte[], Event> context;

    /**
     * @param resume true after a repartition topic: lineage is already there and the join key header is read
     * @param metrics the route's entry is counted as the route's; a resume's failures as its stage's
     */
    public IngestProcessor(String route, String stageName, PayloadFormat format, KeyFormat keyFormat, boolean resume,
                           String next, String deadLetterSink, RouteMetrics metrics) {
        this.routeMeters = resume ? null : metrics.route(route);
        this.stageMeters = resume ? metrics.stage(route, stageName) : null;
        this.route = route;
        this.stageName = stageName;
        this.format = format;
        this.keyFormat = keyFormat;
        this.resume = resume;
        this.next = next;
        this.deadLetterSink = deadLetterSink;
    }

    @Override
    public void init(ProcessorContext<byte[], Event> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        Optional<RecordMetadata> meta = context.recordMetadata();
        String topic = meta.map(RecordMetadata::topic).orElse(null);
        int partition = meta.map(RecordMetadata::partition).orElse(-1);
        long offset = meta.map(RecordMetadata::offset).orElse(-1L);
        if (routeMeters != null) {
            routeMeters.in.increment();
        }
        Headers headers = resume ? record.headers() : lineage(record.headers(), topic, partition, offset);
        Map<String, Object> value;
        Object key;
        byte[] joinKey = null;
        try {
            key = decodeKey(record.key());
            value = format.decode(topic, record.value());
            if (resume) {
                Header h = headers.lastHeader(LineageHeaders.JOIN_KEY);
                joinKey = h == null ? null : h.value();
                headers = new RecordHeaders(headers.toArray());
                headers.remove(LineageHeaders.JOIN_KEY);
            }
        } catch (RuntimeException e) {
            if (routeMeters != null) {
                routeMeters.undecodable.increment();
            } else {
                // Counted as the stage's: it never reaches the stage's node.
                stageMeters.in.increment();
                stageMeters.deadLettered.increment();
            }
            Event failed = new Event(topic, record.key(), record.value(), null, Map.of(), headers);
            Headers dlq = DeadLetters.headers(record.headers(), LineageHeaders.stage(route, stageName), "cannot decode: " + DeadLetters.reason(e),
                    e.getClass().getName(), topic, partition, offset);
            context.forward(new Record<>(record.key(), failed, record.timestamp(), dlq), deadLetterSink);
            return;
        }
        Event event = new Event(topic, record.key(), record.value(), key, value, headers);
        event.joinKey(joinKey);
        context.forward(new Record<>(record.key(), event, record.timestamp(), headers), next);
    }

    private Object decodeKey(byte[] key) {
        return Keys.decode(key, keyFormat);
    }

    /** The input's own headers, without any earlier stage's, plus where the event entered Hyphae. */
    private static Headers lineage(Headers input, String topic, int partition, long offset) {
        RecordHeaders headers = new RecordHeaders();
        boolean hasSource = false;
        for (Header h : input) {
            String name = h.key();
            if (!LineageHeaders.isStageScoped(name)) {
                headers.add(h);
                hasSource |= name.equals(LineageHeaders.SOURCE);
            }
        }
        // An event routed here from another route keeps the coordinates where it first entered Hyphae.
        if (!hasSource) {
            headers.add(LineageHeaders.SOURCE, LineageHeaders.source(topic, partition, offset).getBytes(StandardCharsets.UTF_8));
        }
        return headers;
    }
}
