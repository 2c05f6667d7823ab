package io.hyphae.format;

import dev.cel.common.values.NullValue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Helpers for event values as CEL sees them: maps of String to Long, Double, String, Boolean, List, Map
 * and {@link NullValue} (CEL's null; a Java null would make evaluation yield an unknown instead of null).
 */
public final class Values {

    public static final Object NULL = NullValue.NULL_VALUE;

    private Values() {
    }

    public static boolean isNull(Object value) {
        return value == null || value == NULL;
    }

    /** The value at a dotted path, or null when any part is missing. */
    public static Object get(Map<String, Object> root, List<String> path) {
        Object current = root;
        for (String part : path) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(part);
        }
        return current;
    }

    /** A copy of {@code root} with {@code value} at the dotted path; nested maps on the path are copied, not mutated. */
    public static Map<String, Object> with(Map<String, Object> root, List<String> path, Object value) {
        Map<String, Object> copy = copyOf(root);
        String head = path.get(0);
        if (path.size() == 1) {
            copy.put(head, value);
        } else {
            Object child = root.get(head);
            @SuppressWarnings("unchecked")
            Map<String, Object> childMap = child instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
            copy.put(head, with(childMap, path.subList(1, path.size()), value));
        }
        return copy;
    }

    /** A copy of {@code root} without the value at the dotted path (unchanged if absent). */
    public static Map<String, Object> without(Map<String, Object> root, List<String> path) {
        String head = path.get(0);
        if (!root.containsKey(head)) {
            return root;
        }
        Map<String, Object> copy = copyOf(root);
        if (path.size() == 1) {
            copy.remove(head);
        } else if (root.get(head) instanceof Map<?, ?> m) {
            @SuppressWarnings("unchecked")
            Map<String, Object> child = (Map<String, Object>) m;
            copy.put(head, without(child, path.subList(1, path.size())));
        }
        return copy;
    }

    /** A mutable copy that keeps the schema hint of a {@link TypedMap}. */
    public static Map<String, Object> copyOf(Map<String, Object> source) {
        return source instanceof TypedMap typed ? new HintedMap(source, typed.schemaHint()) : new LinkedHashMap<>(source);
    }

    public static List<String> path(String dotted) {
        return List.of(dotted.split("\\."));
    }
}
