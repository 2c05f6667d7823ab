package io.hyphae.routetest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Compares plain data (maps, lists, text, numbers, booleans, null) and says where they differ. */
final class Matching {

    static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, false);
    private static final int MAX_DIFFERENCES = 20;

    private Matching() {
    }

    /** Every difference of {@code actual} from {@code expected}; with {@code partial}, fields of maps not expected are ignored. */
    static List<String> differences(String path, Object expected, Object actual, boolean partial) {
        List<String> out = new ArrayList<>();
        compare(path, expected, actual, partial, out);
        return out;
    }

    private static void compare(String path, Object expected, Object actual, boolean partial, List<String> out) {
        if (out.size() >= MAX_DIFFERENCES) {
            return;
        }
        if (expected instanceof Map<?, ?> e && actual instanceof Map<?, ?> a) {
            for (Map.Entry<?, ?> entry : e.entrySet()) {
                String field = path + "." + entry.getKey();
                if (!a.containsKey(entry.getKey())) {
                    out.add(field + ": expected " + json(entry.getValue()) + ", but the field is missing");
                } else {
                    compare(field, entry.getValue(), a.get(entry.getKey()), partial, out);
                }
            }
            if (!partial) {
                for (Object k : a.keySet()) {
                    if (!e.containsKey(k)) {
                        out.add(path + "." + k + ": not expected, but is " + json(a.get(k)));
                    }
                }
            }
            return;
        }
        if (expected instanceof List<?> e && actual instanceof List<?> a) {
            if (e.size() != a.size()) {
                out.add(path + ": expected " + e.size() + " items, got " + a.size() + ": " + json(a));
                return;
            }
            for (int i = 0; i < e.size(); i++) {
                compare(path + "[" + i + "]", e.get(i), a.get(i), partial, out);
            }
            return;
        }
        if (!same(expected, actual)) {
            out.add(path + ": expected " + json(expected) + ", got " + json(actual));
        }
    }

    static boolean same(Object expected, Object actual) {
        if (expected instanceof Number e && actual instanceof Number a) {
            try {
                return new BigDecimal(e.toString()).compareTo(new BigDecimal(a.toString())) == 0;
            } catch (NumberFormatException notFinite) {
                // NaN or an infinity
                return e.toString().equals(a.toString());
            }
        }
        return expected == null ? actual == null : expected.equals(actual);
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }
}
