package io.hyphae.edge;

import io.hyphae.event.LineageHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;

/**
 * Reads a route's dead-letter topic for this node's writes (event id {@code <node>-...} in the header
 * {@link LineageHeaders#EVENT_ID}, which dead letters keep) and lists each in the rejected table with the route's reason.
 */
final class DeadLetterSink implements RecordSink {

    private final String prefix;
    private final String table;
    private final Rejections rejections;

    DeadLetterSink(String node, String table, Rejections rejections) {
        this.prefix = EventIds.prefix(node);
        this.table = table;
        this.rejections = rejections;
    }

    @Override
    public String table() {
        return table;
    }

    @Override
    public void apply(ConsumerRecord<byte[], byte[]> record) throws SQLException {
        String eventId = header(record, LineageHeaders.EVENT_ID);
        if (eventId == null || !eventId.startsWith(prefix)) {
            return;
        }
        String reason = header(record, LineageHeaders.ERROR_REASON);
        rejections.record(Rejections.ROUTE, table, record, eventId, header(record, LineageHeaders.ERROR_STAGE),
                reason == null ? "dead-lettered by the route" : reason);
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
