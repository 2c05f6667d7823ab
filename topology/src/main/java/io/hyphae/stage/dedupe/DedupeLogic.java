package io.hyphae.stage.dedupe;

import io.hyphae.cel.CompiledExpression;
import io.hyphae.event.Event;
import io.hyphae.event.LineageHeaders;
import io.hyphae.format.Keys;
import io.hyphae.route.KeyFormat;
import io.hyphae.stage.Outcome;
import io.hyphae.stage.StageLogic;
import io.hyphae.stage.StageRuntime;
import org.apache.kafka.common.header.Header;
import io.hyphae.stage.StageCounter;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * Remembers each id with the coordinates of the input record that had it first (where it entered Hyphae, and its
 * index if a split made it) in a window store keyed by id, at the event's timestamp. An event whose id the store holds
 * within {@code within} of its timestamp is a duplicate — unless the store holds its own coordinates: then it is that
 * same record processed again after a crash (at-least-once), and passes.
 */
final class DedupeLogic implements StageLogic {

    private final CompiledExpression id;
    private final long withinMs;
    private final OnDuplicate onDuplicate;
    private final boolean audit;
    private StageRuntime runtime;
    private WindowStore<Bytes, byte[]> seen;
    private StageCounter duplicates;

    DedupeLogic(CompiledExpression id, Duration within, OnDuplicate onDuplicate, boolean audit) {
        this.id = id;
        this.withinMs = within.toMillis();
        this.onDuplicate = onDuplicate;
        this.audit = audit;
    }

    @Override
    public void init(StageRuntime runtime) {
        this.runtime = runtime;
        this.seen = runtime.store(DedupeSpec.SEEN_STORE);
        this.duplicates = runtime.counter("duplicates");
    }

    @Override
    public Outcome apply(Event event) {
        byte[] idBytes = Keys.encode(id.evaluate(event), KeyFormat.STRING);
        if (idBytes == null) {
            return Outcome.deadLetter("dedupe: the id '" + id.text() + "' is null");
        }
        Bytes key = Bytes.wrap(idBytes);
        long timestamp = runtime.recordTimestamp();
        byte[] self = coordinates(event);
        byte[] first = null;
        try (WindowStoreIterator<byte[]> it = seen.fetch(key, Math.max(0, timestamp - withinMs), timestamp + withinMs)) {
            while (it.hasNext()) {
                KeyValue<Long, byte[]> entry = it.next();
                if (Arrays.equals(entry.value, self)) {
                    return Outcome.CONTINUE; // the same record again: processed before a crash, its output not committed
                }
                if (first == null) {
                    first = entry.value;
                }
            }
        }
        if (first == null) {
            seen.put(key, self, timestamp);
            return Outcome.CONTINUE;
        }
        duplicates.increment();
        if (audit) {
            runtime.output(DedupeSpec.DUPLICATES_OUTPUT, runtime.recordKey(), event, timestamp);
        }
        if (onDuplicate == OnDuplicate.DEAD_LETTER) {
            return Outcome.deadLetter("duplicate: id '" + new String(idBytes, StandardCharsets.UTF_8) + "' was first seen at "
                    + new String(first, StandardCharsets.UTF_8));
        }
        return Outcome.DROP;
    }

    /** {@code <topic>-<partition>@<offset>[#<split index>]} of the input record that made the event. */
    private static byte[] coordinates(Event event) {
        Header source = event.headers().lastHeader(LineageHeaders.SOURCE);
        Header split = event.headers().lastHeader(LineageHeaders.SPLIT);
        if (split == null) {
            return source == null ? new byte[0] : source.value();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (source != null) {
            out.writeBytes(source.value());
        }
        out.write('#');
        out.writeBytes(split.value());
        return out.toByteArray();
    }
}
