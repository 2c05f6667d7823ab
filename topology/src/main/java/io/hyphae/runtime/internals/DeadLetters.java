package io.hyphae.runtime.internals;

import io.hyphae.event.LineageHeaders;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import io.hyphae.event.Event;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Builds the headers of a dead-letter record: the input's own headers plus why and where it failed. */
public final class DeadLetters {

    private static final int MAX_REASON = 2_000;
    private static final String ERROR_PREFIX = "hyphae.error.";

    private DeadLetters() {
    }

    /**
     * @param stage the failing {@code <route>.<stage>} (or processor node)
     */
    public static Headers headers(Headers input, String stage, String reason, String exceptionClass,
                                  String topic, int partition, long offset) {
        RecordHeaders headers = new RecordHeaders();
        if (input != null) {
            for (Header h : input) {
                String name = h.key();
                if (!name.startsWith(ERROR_PREFIX) && !LineageHeaders.isStageScoped(name)) {
                    headers.add(h);
                }
            }
        }
        put(headers, LineageHeaders.ERROR_STAGE, stage);
        put(headers, LineageHeaders.ERROR_REASON, reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) + "..." : reason);
        if (exceptionClass != null) {
            put(headers, LineageHeaders.ERROR_EXCEPTION, exceptionClass);
        }
        if (headers.lastHeader(LineageHeaders.SOURCE) == null && topic != null) {
            put(headers, LineageHeaders.SOURCE, LineageHeaders.source(topic, partition, offset));
        }
        return headers;
    }

    /** Sends the event's original key and value bytes to the dead-letter sink, with the reason. */
    public static void forward(ProcessorContext<byte[], Event> context, Record<byte[], Event> record, String route, String stage,
                               String reason, Exception failure, String deadLetterSink) {
        Event event = record.value();
        Optional<RecordMetadata> meta = context.recordMetadata();
        Headers headers = headers(record.headers(), LineageHeaders.stage(route, stage), reason, failure == null ? null : failure.getClass().getName(),
                meta.map(RecordMetadata::topic).orElse(null), meta.map(RecordMetadata::partition).orElse(-1),
                meta.map(RecordMetadata::offset).orElse(-1L));
        context.forward(new Record<>(event.sourceKey(), event, record.timestamp(), headers), deadLetterSink);
    }

    static void put(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    /** A one-line reason for an exception: its message, or its class when it has none. */
    public static String reason(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getName() : message;
    }
}
