package io.hyphae.stage.enrich;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Function;

/**
 * Decoded table rows, shared by every task of one enrich stage. A row is decoded on its first lookup
 * instead of on every lookup. Entries are keyed by the identity of the bytes the table holds (arrays
 * compare by identity), so a row the table replaces is decoded afresh, and its old entry goes with the
 * old bytes at the next garbage collection. Values are shared: stages copy a map before changing it.
 */
final class DecodedRows {

    private final Map<byte[], Object> rows = Collections.synchronizedMap(new WeakHashMap<>());
    private final Function<byte[], Object> decoder;

    DecodedRows(Function<byte[], Object> decoder) {
        this.decoder = decoder;
    }

    Object get(byte[] row) {
        Object decoded = rows.get(row);
        if (decoded == null) {
            // A row that does not decode throws here and is not cached: each event that meets it is dead-lettered.
            decoded = decoder.apply(row);
            rows.put(row, decoded);
        }
        return decoded;
    }

    int size() {
        return rows.size();
    }
}
