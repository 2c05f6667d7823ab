package io.hyphae.stage.split;

import io.hyphae.cel.CompiledExpression;
import io.hyphae.event.Event;
import io.hyphae.event.LineageHeaders;
import io.hyphae.format.Keys;
import io.hyphae.format.Values;
import io.hyphae.route.KeyFormat;
import io.hyphae.stage.Outcome;
import io.hyphae.stage.StageLogic;
import io.hyphae.stage.StageRuntime;
import org.apache.kafka.common.header.internals.RecordHeaders;
import io.hyphae.stage.StageCounter;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Emits one child event per item, in list order, each with a copy of the parent's headers plus {@code hyphae.split}.
 * A child keeps the parent's received bytes (what a dead letter of it holds) and, without a {@code key}, its key.
 */
final class SplitLogic implements StageLogic {

    private final CompiledExpression items;
    private final List<List<String>> keep;
    private final CompiledExpression key;
    private final KeyFormat keyFormat;
    private StageRuntime runtime;
    private StageCounter empty;
    private StageCounter children;

    SplitLogic(CompiledExpression items, List<List<String>> keep, CompiledExpression key, KeyFormat keyFormat) {
        this.items = items;
        this.keep = keep;
        this.key = key;
        this.keyFormat = keyFormat;
    }

    @Override
    public void init(StageRuntime runtime) {
        this.runtime = runtime;
        this.empty = runtime.counter("split-empty");
        this.children = runtime.counter("split-children");
    }

    @Override
    public Outcome apply(Event event) {
        Object value = items.evaluate(event);
        if (!(value instanceof List<?> list)) {
            return Outcome.deadLetter("split: 'items' (" + items.text() + ") must give a list but gave "
                    + (Values.isNull(value) ? "null" : value.getClass().getSimpleName()));
        }
        if (list.isEmpty()) {
            empty.increment();
            return Outcome.HANDLED;
        }
        // Evaluate every child's key first: a failure dead-letters the parent, and no child is emitted.
        int count = list.size();
        Event[] out = new Event[count];
        byte[][] keys = new byte[count][];
        for (int i = 0; i < count; i++) {
            Map<String, Object> child = child(list.get(i), event.value());
            RecordHeaders headers = new RecordHeaders(event.headers().toArray());
            headers.remove(LineageHeaders.SPLIT);
            headers.add(LineageHeaders.SPLIT, ((i + 1) + "/" + count).getBytes(StandardCharsets.UTF_8));
            // No current bytes: the child's value is encoded when written.
            Event made = new Event(event.topic(), event.sourceKey(), event.sourceValue(), event.key(), child, headers, null);
            if (key != null) {
                byte[] keyBytes = Keys.encode(key.evaluate(made), keyFormat);
                made = new Event(event.topic(), event.sourceKey(), event.sourceValue(), Keys.decode(keyBytes, keyFormat), child, headers, null);
                keys[i] = keyBytes;
            } else {
                keys[i] = runtime.recordKey();
            }
            out[i] = made;
        }
        for (int i = 0; i < count; i++) {
            runtime.emit(keys[i], out[i], runtime.recordTimestamp());
            children.increment();
        }
        return Outcome.HANDLED;
    }

    private Map<String, Object> child(Object item, Map<String, Object> parent) {
        Map<String, Object> child = new LinkedHashMap<>();
        if (item instanceof Map<?, ?> map) {
            map.forEach((k, v) -> child.put(String.valueOf(k), v));
        } else {
            child.put(SplitSpec.ITEM_FIELD, item);
        }
        Map<String, Object> result = child;
        for (List<String> path : keep) {
            Object kept = Values.get(parent, path);
            if (kept != null) {
                result = Values.with(result, path, kept);
            }
        }
        return result;
    }
}
