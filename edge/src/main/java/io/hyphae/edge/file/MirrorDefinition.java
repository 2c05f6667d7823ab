package io.hyphae.edge.file;

import io.hyphae.route.Format;
import io.hyphae.route.Location;

import java.util.List;

/**
 * A topic kept in a local table: every record upserted by its key, a tombstone deleting it. {@code keyColumns} empty:
 * the key is the record key, in the column {@link #RECORD_KEY_COLUMN}; else the key is those columns, and the record key
 * is kept in the column {@link #HIDDEN_KEY_COLUMN} so that a tombstone still finds its row.
 */
public record MirrorDefinition(String table, String topic, Format format, List<String> keyColumns, List<ColumnDefinition> columns,
                               Location location) {

    public static final String RECORD_KEY_COLUMN = "key";
    public static final String HIDDEN_KEY_COLUMN = "hyphae_key";

    public MirrorDefinition {
        keyColumns = List.copyOf(keyColumns);
        columns = List.copyOf(columns);
    }

    public boolean keyedByRecord() {
        return keyColumns.isEmpty();
    }
}
