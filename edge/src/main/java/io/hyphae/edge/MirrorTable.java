package io.hyphae.edge;

import io.hyphae.edge.file.ColumnDefinition;
import io.hyphae.edge.file.MirrorDefinition;
import io.hyphae.event.LineageHeaders;
import io.hyphae.format.FormatException;
import io.hyphae.format.PayloadFormat;
import io.hyphae.format.Values;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One mirror's table: a record is upserted by its key ({@code INSERT ... ON CONFLICT DO UPDATE}); a tombstone, or a record
 * with the header {@link LineageHeaders#OP} {@code = delete} (an edge node's published delete), deletes the row of its
 * record key. Runs inside the caller's transaction; a record that does not fit throws a {@link Rejection}
 * before anything is written. Consecutive upserts (and consecutive deletes) go to SQLite as one JDBC batch, sent when
 * the kind of statement changes and at {@link #flush()}, so the rows are written in the records' order.
 */
final class MirrorTable implements RecordSink {

    private final MirrorDefinition mirror;
    private final PayloadFormat format;
    private final PreparedStatement upsert;
    private final PreparedStatement delete;
    /** The columns a record fills, in the order of the upsert's parameters after the record-key column. */
    private final List<ColumnDefinition> columns;
    private final boolean[] isKey;
    /** The statement with rows batched and not yet executed, or null. */
    private PreparedStatement pending;

    MirrorTable(MirrorDefinition mirror, PayloadFormat format, EdgeDatabase database, Connection connection) throws SQLException {
        this.mirror = mirror;
        this.format = format;
        this.columns = mirror.columns();
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
        if (!mirror.keyedByRecord()) {
            updates.add(EdgeDatabase.quote(recordKeyColumn) + " = excluded." + EdgeDatabase.quote(recordKeyColumn));
        }
        for (int i = 0; i < columns.size(); i++) {
            String name = columns.get(i).name();
            names.add(EdgeDatabase.quote(name));
            isKey[i] = unique.stream().anyMatch(k -> k.equalsIgnoreCase(name));
            if (!isKey[i]) {
                updates.add(EdgeDatabase.quote(name) + " = excluded." + EdgeDatabase.quote(name));
            }
        }
        String table = EdgeDatabase.quote(mirror.table());
        String conflict = String.join(", ", unique.stream().map(EdgeDatabase::quote).toList());
        upsert = connection.prepareStatement("INSERT INTO " + table + " (" + String.join(", ", names) + ") VALUES ("
                + String.join(", ", names.stream().map(n -> "?").toList()) + ") ON CONFLICT (" + conflict + ") DO "
                + (updates.isEmpty() ? "NOTHING" : "UPDATE SET " + String.join(", ", updates)));
        delete = connection.prepareStatement("DELETE FROM " + table + " WHERE " + EdgeDatabase.quote(recordKeyColumn) + " = ?");
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
            batch(delete);
            delete.setString(1, key);
            delete.addBatch();
            return;
        }
        if (key == null && mirror.keyedByRecord()) {
            throw new Rejection("the record has no key, and the table's key is the record key (column '"
                    + MirrorDefinition.RECORD_KEY_COLUMN + "'); name key columns with 'key' to key it by fields");
        }
        Map<String, Object> value;
        try {
            value = format.decode(record.topic(), record.value());
        } catch (FormatException e) {
            throw new Rejection("cannot decode the record: " + e.getMessage());
        }
        Object[] sql = new Object[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            ColumnDefinition column = columns.get(i);
            sql[i] = ColumnValues.toSql(column, Values.get(value, column.path()));
            if (isKey[i] && sql[i] == null) {
                throw new Rejection("key column '" + column.name() + "' (path " + column.dottedPath() + ") is missing");
            }
        }
        batch(upsert);
        upsert.setString(1, key);
        for (int i = 0; i < sql.length; i++) {
            ColumnValues.bind(upsert, i + 2, sql[i]);
        }
        upsert.addBatch();
    }

    private static boolean isDelete(ConsumerRecord<byte[], byte[]> record) {
        Header op = record.headers().lastHeader(LineageHeaders.OP);
        return op != null && op.value() != null && LineageHeaders.OP_DELETE.equals(new String(op.value(), StandardCharsets.UTF_8));
    }

    @Override
    public void flush() throws SQLException {
        if (pending != null) {
            PreparedStatement statement = pending;
            pending = null;
            statement.executeBatch();
        }
    }

    @Override
    public void discard() {
        if (pending != null) {
            try {
                pending.clearBatch();
            } catch (SQLException e) {
                // a closed statement holds nothing
            }
            pending = null;
        }
    }

    /** Sends the rows of the other statement first, keeping the records' order. */
    private void batch(PreparedStatement statement) throws SQLException {
        if (pending != statement) {
            flush();
            pending = statement;
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
