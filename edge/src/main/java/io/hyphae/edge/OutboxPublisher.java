package io.hyphae.edge;

import io.hyphae.edge.file.ColumnDefinition;
import io.hyphae.edge.file.PublishDefinition;
import io.hyphae.event.LineageHeaders;
import io.hyphae.format.Formats;
import io.hyphae.format.PayloadFormat;
import io.hyphae.format.Values;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Publishes the outbox in sequence order with one idempotent producer that retries without end (delivery time-out
 * unbounded), so a broker that is away only delays the rows: they stay in the outbox until acknowledged, then are
 * deleted. Each event carries its id {@code <node>-<seq>} in the header {@link LineageHeaders#EVENT_ID} and in its value.
 * Deletes are published as tombstones with the id in the header. A row the broker refuses for good (too large, not
 * authorized) goes to the rejected table.
 */
final class OutboxPublisher implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(OutboxPublisher.class);
    private static final int BATCH = 500;
    private static final long IDLE_MS = 10;

    private final String node;
    private final Connection connection;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Map<String, Target> targets = new LinkedHashMap<>();
    private final Rejections rejections;
    private final PreparedStatement select;
    private final PreparedStatement deleteUpTo;
    private volatile boolean running = true;
    private boolean offlineLogged;

    private record Target(PublishDefinition publish, PayloadFormat format) {
    }

    private record Row(long seq, String table, String op, String json) {
    }

    OutboxPublisher(String node, Connection connection, List<PublishDefinition> publishes, Formats formats, Properties producerSettings,
                    Rejections rejections) throws SQLException {
        this.node = node;
        this.connection = connection;
        this.rejections = rejections;
        for (PublishDefinition p : publishes) {
            targets.put(p.table(), new Target(p, formats.of(p.format(), Optional.empty())));
        }
        this.producer = new KafkaProducer<>(producerSettings, new ByteArraySerializer(), new ByteArraySerializer());
        this.select = connection.prepareStatement("SELECT seq, tbl, op, row FROM " + EdgeDatabase.OUTBOX + " ORDER BY seq LIMIT " + BATCH);
        this.deleteUpTo = connection.prepareStatement("DELETE FROM " + EdgeDatabase.OUTBOX + " WHERE seq <= ?");
    }

    @Override
    public void run() {
        try {
            while (running) {
                try {
                    if (!publishBatch()) {
                        Thread.sleep(IDLE_MS);
                    }
                } catch (SQLException e) {
                    log.warn("outbox: {}; trying again", e.getMessage());
                    rollback();
                    Thread.sleep(1_000);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (running) {
                throw e;
            }
            // the producer was closed under a send: stopping
        } finally {
            try {
                connection.close();
            } catch (SQLException e) {
                log.debug("closing the outbox connection: {}", e.getMessage());
            }
        }
    }

    /** Sends the oldest rows and deletes those acknowledged; false when the outbox is empty. */
    private boolean publishBatch() throws SQLException, InterruptedException {
        List<Row> rows = new ArrayList<>();
        try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                rows.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)));
            }
        }
        if (rows.isEmpty()) {
            return false;
        }
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        List<String> unfit = new ArrayList<>();
        boolean stalled = false;
        for (Row row : rows) {
            ProducerRecord<byte[], byte[]> record;
            try {
                record = record(row);
            } catch (Rejection rejection) {
                sent.add(null);
                unfit.add(rejection.getMessage());
                continue;
            }
            Future<RecordMetadata> future;
            try {
                future = producer.send(record);
            } catch (KafkaException e) {
                offline(e);
                stalled = true;
                break;
            }
            if (notSent(future)) {
                // e.g. no metadata within max.block.ms: the broker is unreachable, and this record was not sent
                stalled = true;
                break;
            }
            sent.add(future);
            unfit.add(null);
        }
        producer.flush();
        if (!running) {
            return true; // closed while flushing: what is not acknowledged stays in the outbox
        }
        long handled = -1;
        connection.setAutoCommit(false);
        for (int i = 0; i < sent.size(); i++) {
            Row row = rows.get(i);
            String reason = unfit.get(i);
            if (reason == null) {
                try {
                    sent.get(i).get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RetriableException) {
                        // not sent: this row and the ones after it stay in the outbox, to be sent again in order
                        offline(e.getCause());
                        stalled = true;
                        break;
                    }
                    reason = "the broker refused the event: " + e.getCause().getMessage();
                }
            }
            if (reason != null) {
                rejections.add(Rejections.PUBLISH, row.table(), targets.containsKey(row.table()) ? targets.get(row.table()).publish().topic() : null,
                        null, null, null, EventIds.of(node, row.seq()), null, reason, row.json());
            }
            handled = row.seq();
        }
        if (handled >= 0) {
            deleteUpTo.setLong(1, handled);
            deleteUpTo.executeUpdate();
        }
        connection.commit();
        connection.setAutoCommit(true);
        if (stalled) {
            Thread.sleep(1_000);
        } else if (offlineLogged) {
            log.info("outbox: publishing again");
            offlineLogged = false;
        }
        return true;
    }

    /** A send that failed at once with a retriable error (no metadata in time): the record did not leave. */
    private boolean notSent(Future<RecordMetadata> future) throws InterruptedException {
        if (!future.isDone()) {
            return false;
        }
        try {
            future.get();
            return false;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RetriableException) {
                offline(e.getCause());
                return true;
            }
            return false; // refused for good: handled with the acknowledgements
        }
    }

    private void offline(Throwable cause) {
        if (!offlineLogged) {
            log.warn("outbox: cannot send yet ({}); the writes wait in the outbox", cause.getMessage());
            offlineLogged = true;
        }
    }

    private ProducerRecord<byte[], byte[]> record(Row row) throws Rejection {
        Target target = targets.get(row.table());
        if (target == null) {
            throw new Rejection("table '" + row.table() + "' is not published (any more)");
        }
        PublishDefinition publish = target.publish();
        Object decoded;
        try {
            decoded = Formats.json().decodeAny(row.json().getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new Rejection("the outbox row is not JSON: " + e.getMessage());
        }
        if (!(decoded instanceof Map<?, ?> columns)) {
            throw new Rejection("the outbox row is not a JSON object");
        }
        String eventId = EventIds.of(node, row.seq());
        Object keyValue = null;
        Map<String, Object> event = new LinkedHashMap<>();
        for (ColumnDefinition c : publish.columns()) {
            Object raw = columns.get(c.name());
            if (c.name().equalsIgnoreCase(publish.keyColumn())) {
                keyValue = raw;
            }
            if (row.op().equals(OutboxTriggers.UPSERT)) {
                put(event, c.path(), ColumnValues.toEvent(c, raw));
            }
        }
        byte[] key = Values.isNull(keyValue) ? null : String.valueOf(keyValue).getBytes(StandardCharsets.UTF_8);
        byte[] value = null;
        if (row.op().equals(OutboxTriggers.UPSERT)) {
            put(event, List.of(publish.idField().split("\\.")), eventId);
            try {
                value = target.format().encode(publish.topic(), event);
            } catch (RuntimeException e) {
                throw new Rejection("cannot encode the event: " + e.getMessage());
            }
        }
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(publish.topic(), key, value);
        record.headers().add(LineageHeaders.EVENT_ID, eventId.getBytes(StandardCharsets.UTF_8));
        return record;
    }

    @SuppressWarnings("unchecked")
    private static void put(Map<String, Object> root, List<String> path, Object value) {
        Map<String, Object> current = root;
        for (int i = 0; i < path.size() - 1; i++) {
            current = (Map<String, Object>) current.computeIfAbsent(path.get(i), k -> new LinkedHashMap<String, Object>());
        }
        current.put(path.get(path.size() - 1), value);
    }

    private void rollback() {
        try {
            connection.rollback();
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            log.warn("outbox: rollback failed: {}", e.getMessage());
        }
    }

    void stop() {
        running = false;
        producer.close(Duration.ofSeconds(2));
    }
}
