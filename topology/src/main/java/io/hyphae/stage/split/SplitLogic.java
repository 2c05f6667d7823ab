package io.hyphae.stage.split;

import io.hyphae.cel.CompiledExpression;
import io.hyphae.event.Event;
import io.hyphae.event.LineageHeaders;
import io.hyphae.format.FieldHints;
import io.hyphae.format.HintedMap;
import io.hyphae.format.Keys;
import io.hyphae.format.TypedList;
import io.hyphae.format.TypedMap;
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
            Map<String, Object> child = child(list.get(i), list, event.value());
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

    /**
     * A map item as it is (a record read with a schema keeps it), any other as {@code {item: <value>}}, its field of
     * the list's item schema when the list has one; then the kept fields of the parent.
     */
    private Map<String, Object> child(Object item, List<?> list, Map<String, Object> parent) {
        Map<String, Object> child;
        if (item instanceof TypedMap typed) {
            child = Values.copyOf(typed);
        } else if (item instanceof Map<?, ?> map) {
            child = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                child.put(String.valueOf(e.getKey()), e.getValue());
            }
        } else if (list instanceof TypedList typed && typed.itemSchemaHint() != null) {
            child = new HintedMap(Map.of(), new FieldHints(Map.of(SplitSpec.ITEM_FIELD, typed.itemSchemaHint())));
            child.put(SplitSpec.ITEM_FIELD, item);
        } else {
            child = new LinkedHashMap<>();
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
