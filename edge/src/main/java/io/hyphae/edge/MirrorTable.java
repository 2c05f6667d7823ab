package io.hyphae.edge;

import io.hyphae.edge.file.ColumnDefinition;
import io.hyphae.edge.file.MirrorDefinition;
import io.hyphae.event.LineageHeaders;
import io.hyphae.format.FieldPaths;
import io.hyphae.format.FormatException;
import io.hyphae.format.PayloadFormat;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One mirror's table: a record is upserted by its key ({@code INSERT ... ON CONFLICT DO UPDATE}); a tombstone, or a record
 * with the header {@link LineageHeaders#OP} {@code = delete} (an edge node's published delete), deletes the row of its
 * record key. Runs inside the caller's transaction; a record that does not fit throws a {@link Rejection}
 * before anything is queued. Consecutive upserts (and consecutive deletes) go to SQLite as one JDBC batch, sent when
 * the kind of statement changes and at {@link #flush()}, so the rows are written in the records' order.
 */
final class MirrorTable implements RecordSink {

    private final MirrorDefinition mirror;
    private final PayloadFormat format;
    /** The upsert that writes every column, the record key's included. */
    private final PreparedStatement upsert;
    /**
     * For a table keyed by fields: the upsert that leaves the stored record key as it is and updates the row only when
     * the record key is the stored one. Setting the record-key column, even to the value it holds, rewrites its index
     * entry, which costs about as much as the rest of the row; so rows go through this one first, and only from the
     * first that it left alone (the record key changed) on does the batch go again through {@link #upsert}. Null
     * when the table is keyed by the record key, or has no column besides its key.
     */
    private final PreparedStatement upsertSameRecordKey;
    private final PreparedStatement delete;
    /** The columns a record fills, in the order of the upsert's parameters after the record-key column. */
    private final List<ColumnDefinition> columns;
    /** The columns' paths: a record is decoded for these fields only. */
    private final FieldPaths paths;
    private final boolean[] isKey;
    /** Upserts queued (the parameters of each), in the records' order; none while deletes are queued. */
    private final List<Object[]> upserts = new ArrayList<>();
    /** The record keys of the deletes queued, in the records' order; none while upserts are queued. */
    private final List<String> deletes = new ArrayList<>();

    MirrorTable(MirrorDefinition mirror, PayloadFormat format, EdgeDatabase database, Connection connection) throws SQLException {
        this.mirror = mirror;
        this.format = format;
        this.columns = mirror.columns();
        this.paths = FieldPaths.of(columns.stream().map(ColumnDefinition::path).toList());
        String recordKeyColumn = mirror.keyedByRecord() ? MirrorDefinition.RECORD_KEY_COLUMN : MirrorDefinition.HIDDEN_KEY_COLUMN;
        List<String> unique = mirror.keyedByRecord() ? List.of(MirrorDefinition.RECORD_KEY_COLUMN) : keyNames();
        database.createOrMigrate(connection, mirror.table(), List.<String[]>of(new String[] {recordKeyColumn, "TEXT"}), columns, unique);
        if (!mirror.keyedByRecord()) {
            database.index(connection, mirror.table(), MirrorDefinition.HIDDEN_KEY_COLUMN);
        }
        isKey = new boolean[columns.size()];
        List<String> names = new ArrayList<>();
        names.add(EdgeDatabase.quote(recordKeyColumn));
        List<String> updates = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            String name = columns.get(i).name();
            names.add(EdgeDatabase.quote(name));
            isKey[i] = unique.stream().anyMatch(k -> k.equalsIgnoreCase(name));
            if (!isKey[i]) {
                updates.add(EdgeDatabase.quote(name) + " = excluded." + EdgeDatabase.quote(name));
            }
        }
        String table = EdgeDatabase.quote(mirror.table());
        String quotedKey = EdgeDatabase.quote(recordKeyColumn);
        String insert = "INSERT INTO " + table + " (" + String.join(", ", names) + ") VALUES ("
                + String.join(", ", names.stream().map(n -> "?").toList()) + ") ON CONFLICT ("
                + String.join(", ", unique.stream().map(EdgeDatabase::quote).toList()) + ") DO ";
        List<String> all = new ArrayList<>(updates);
        if (!mirror.keyedByRecord()) {
            all.add(0, quotedKey + " = excluded." + quotedKey);
        }
        upsert = connection.prepareStatement(insert + (all.isEmpty() ? "NOTHING" : "UPDATE SET " + String.join(", ", all)));
        upsertSameRecordKey = mirror.keyedByRecord() || updates.isEmpty() ? null : connection.prepareStatement(insert
                + "UPDATE SET " + String.join(", ", updates) + " WHERE " + quotedKey + " IS excluded." + quotedKey);
        delete = connection.prepareStatement("DELETE FROM " + table + " WHERE " + quotedKey + " = ?");
    }

    @Override
    public String table() {
        return mirror.table();
    }

    @Override
    public void apply(ConsumerRecord<byte[], byte[]> record) throws Rejection, SQLException {
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        if (record.value() == null || isDelete(record)) {
            if (key == null) {
                throw new Rejection((record.value() == null ? "a tombstone" : "a delete") + " without a record key deletes nothing");
            }
            if (!upserts.isEmpty()) {
                flush();
            }
            deletes.add(key);
            return;
        }
        if (key == null && mirror.keyedByRecord()) {
            throw new Rejection("the record has no key, and the table's key is the record key (column '"
                    + MirrorDefinition.RECORD_KEY_COLUMN + "'); name key columns with 'key' to key it by fields");
        }
        Object[] fields;
        try {
            fields = format.decodeFields(record.topic(), record.value(), paths);
        } catch (FormatException e) {
            throw new Rejection("cannot decode the record: " + e.getMessage());
        }
        Object[] sql = new Object[columns.size() + 1];
        sql[0] = key;
        for (int i = 0; i < columns.size(); i++) {
            ColumnDefinition column = columns.get(i);
            sql[i + 1] = ColumnValues.toSql(column, fields[i]);
            if (isKey[i] && sql[i + 1] == null) {
                throw new Rejection("key column '" + column.name() + "' (path " + column.dottedPath() + ") is missing");
            }
        }
        if (!deletes.isEmpty()) {
            flush();
        }
        upserts.add(sql);
    }

    private static boolean isDelete(ConsumerRecord<byte[], byte[]> record) {
        Header op = record.headers().lastHeader(LineageHeaders.OP);
        return op != null && op.value() != null && LineageHeaders.OP_DELETE.equals(new String(op.value(), StandardCharsets.UTF_8));
    }

    @Override
    public void flush() throws SQLException {
        try {
            if (!upserts.isEmpty()) {
                if (upsertSameRecordKey == null) {
                    execute(upsert, 0);
                } else {
                    int[] counts = execute(upsertSameRecordKey, 0);
                    int from = 0;
                    while (from < counts.length && counts[from] != 0) {
                        from++;
                    }
                    if (from < counts.length) {
                        // this row's record key is not the stored one: from here on, in order, with the record key set
                        execute(upsert, from);
                    }
                }
            }
            if (!deletes.isEmpty()) {
                for (String key : deletes) {
                    delete.setString(1, key);
                    delete.addBatch();
                }
                delete.executeBatch();
            }
        } finally {
            upserts.clear();
            deletes.clear();
        }
    }

    private int[] execute(PreparedStatement statement, int from) throws SQLException {
        for (int r = from; r < upserts.size(); r++) {
            Object[] row = upserts.get(r);
            for (int i = 0; i < row.length; i++) {
                ColumnValues.bind(statement, i + 1, row[i]);
            }
            statement.addBatch();
        }
        return statement.executeBatch();
    }

    @Override
    public void discard() {
        upserts.clear();
        deletes.clear();
        for (PreparedStatement statement : new PreparedStatement[] {upsert, upsertSameRecordKey, delete}) {
            if (statement != null) {
                try {
                    statement.clearBatch();
                } catch (SQLException e) {
                    // a closed statement holds nothing
                }
            }
        }
    }

    private List<String> keyNames() {
        // the key as the columns spell it, so the index and the conflict target name the same columns
        List<String> names = new ArrayList<>();
        for (String k : mirror.keyColumns()) {
            for (ColumnDefinition c : mirror.columns()) {
                if (c.name().toLowerCase(Locale.ROOT).equals(k.toLowerCase(Locale.ROOT))) {
                    names.add(c.name());
                }
            }
        }
        return names;
    }
}
