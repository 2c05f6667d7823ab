package io.hyphae.edge;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;

/** Writes rows of the rejected table (on the caller's connection and transaction) and logs them. */
final class Rejections {

    /** A mirrored record that did not fit the mapping. */
    static final String MIRROR = "mirror";
    /** A write of this node the route dead-lettered. */
    static final String ROUTE = "route";
    /** A write of this node the broker refused. */
    static final String PUBLISH = "publish";

    private static final Logger log = LoggerFactory.getLogger(Rejections.class);
    private static final int MAX_VALUE_CHARS = 10_000;

    private final PreparedStatement insert;

    Rejections(Connection connection, String rejectedTable) throws SQLException {
        insert = connection.prepareStatement("INSERT INTO " + EdgeDatabase.quote(rejectedTable)
                + " (source, tbl, topic, partition, offset, record_key, event_id, stage, reason, value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    }

    void record(String source, String table, ConsumerRecord<byte[], byte[]> record, String eventId, String stage, String reason)
            throws SQLException {
        add(source, table, record.topic(), record.partition(), record.offset(), text(record.key()), eventId, stage, reason, text(record.value()));
    }

    void add(String source, String table, String topic, Integer partition, Long offset, String key, String eventId, String stage,
             String reason, String value) throws SQLException {
        insert.setString(1, source);
        insert.setString(2, table);
        insert.setString(3, topic);
        setOrNull(4, partition == null ? null : partition.longValue());
        setOrNull(5, offset);
        insert.setString(6, key);
        insert.setString(7, eventId);
        insert.setString(8, stage);
        insert.setString(9, reason);
        insert.setString(10, value != null && value.length() > MAX_VALUE_CHARS ? value.substring(0, MAX_VALUE_CHARS) + "..." : value);
        insert.executeUpdate();
        log.warn("rejected ({}) {}{}: {}", source, table, topic == null ? "" : " from " + topic + "-" + partition + "@" + offset, reason);
    }

    private void setOrNull(int index, Long value) throws SQLException {
        if (value == null) {
            insert.setNull(index, Types.INTEGER);
        } else {
            insert.setLong(index, value);
        }
    }

    static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
