package io.hyphae.edge;

import io.hyphae.edge.file.ColumnDefinition;
import io.hyphae.edge.file.ColumnType;
import io.hyphae.edge.file.PublishDefinition;
import io.hyphae.event.LineageHeaders;
import io.hyphae.format.Formats;
import io.hyphae.format.Values;
import io.hyphae.format.avro.AvroFormat;
import io.hyphae.route.Format;
import org.apache.avro.Schema;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes the outbox in sequence order with one idempotent producer that retries without end (delivery time-out
 * unbounded), so a broker that is away only delays the rows: they stay in the outbox until acknowledged, then are
 * deleted. Sending is pipelined: up to {@value #WINDOW} rows are in flight while the next are read, and the acknowledged
 * ones at the head are deleted in one transaction per step (the producer keeps the order: idempotent, at most 5
 * requests in flight). Each event carries its id {@code <node>-<seq>} in the header {@link LineageHeaders#EVENT_ID} and in its value.
 * A delete is an event too — the key column at its path, the other columns null, the id — marked by the header
 * {@link LineageHeaders#OP} {@code = delete}, so that it passes a route (which dead-letters tombstones) and a mirror of
 * the route's stage topic deletes the row. A row the broker refuses for good (too large, not authorized) goes to the
 * rejected table.
 */
final class OutboxPublisher implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(OutboxPublisher.class);
    /** Rows read from the outbox at a time. */
    private static final int BATCH = 500;
    /** At most this many rows sent and not yet acknowledged. */
    private static final int WINDOW = 5_000;
    private static final long IDLE_MS = 10;
    private static final long ACK_WAIT_MS = 50;
    /** After a send that did not leave (the broker unreachable): the pause before the next. */
    private static final long OFFLINE_PAUSE_MS = 1_000;

    private final String node;
    private final Connection connection;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Map<String, Target> targets = new LinkedHashMap<>();
    private final Rejections rejections;
    private final PreparedStatement select;
    private final PreparedStatement deleteUpTo;
    /** The rows sent (or found unfit) and not yet acknowledged, in sequence order. */
    private final ArrayDeque<Sent> inFlight = new ArrayDeque<>();
    /** Acknowledged or refused for good, in sequence order: deleted from the outbox with the next transaction. */
    private final List<Sent> done = new ArrayList<>();
    /** The sequence number of the last row read into {@link #inFlight}; the next read starts after it. */
    private long lastQueued;
    private long pausedUntil;
    private volatile boolean running = true;
    private boolean offlineLogged;

    private record Target(PublishDefinition publish, Encoder encoder) {
    }

    /** Encodes a publication's events: JSON, or Avro with the schema of its columns ({@link PublishedSchema}). */
    private interface Encoder {

        byte[] encode(String topic, Map<String, Object> event);

        /** Avro has no type for "any value": a {@code json} column goes as its JSON text. */
        boolean jsonAsText();

        static Encoder of(PublishDefinition publish, Formats formats) {
            return switch (publish.format()) {
                case JSON -> new Encoder() {
                    @Override
                    public byte[] encode(String topic, Map<String, Object> event) {
                        return Formats.json().encode(topic, event);
                    }

                    @Override
                    public boolean jsonAsText() {
                        return false;
                    }
                };
                case AVRO -> {
                    AvroFormat avro = (AvroFormat) formats.of(Format.AVRO, Optional.empty());
                    Schema schema = PublishedSchema.of(publish);
                    yield new Encoder() {
                        @Override
                        public byte[] encode(String topic, Map<String, Object> event) {
                            return avro.encode(topic, schema, event);
                        }

                        @Override
                        public boolean jsonAsText() {
                            return true;
                        }
                    };
                }
            };
        }
    }

    private record Row(long seq, String table, String op, String json) {
    }

    /** A row sent (its acknowledgement to come), or one that cannot be sent ({@code reason}, no future). */
    private record Sent(Row row, Future<RecordMetadata> future, String reason) {

        boolean isDone() {
            return future == null || future.isDone();
        }

        void await(long ms) throws InterruptedException {
            try {
                future.get(ms, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // handled in order by collectAcknowledged
            }
        }
    }

    OutboxPublisher(String node, Connection connection, List<PublishDefinition> publishes, Formats formats, Properties producerSettings,
                    Rejections rejections) throws SQLException {
        this.node = node;
        this.connection = connection;
        this.rejections = rejections;
        for (PublishDefinition p : publishes) {
            targets.put(p.table(), new Target(p, Encoder.of(p, formats)));
        }
        this.producer = new KafkaProducer<>(producerSettings, new ByteArraySerializer(), new ByteArraySerializer());
        this.select = connection.prepareStatement("SELECT seq, tbl, op, row FROM " + EdgeDatabase.OUTBOX + " WHERE seq > ? ORDER BY seq LIMIT " + BATCH);
        this.deleteUpTo = connection.prepareStatement("DELETE FROM " + EdgeDatabase.OUTBOX + " WHERE seq <= ?");
    }

    @Override
    public void run() {
        try {
            while (running) {
                try {
                    if (!step()) {
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

    /**
     * Reads the rows after those in flight (while fewer than {@value #WINDOW} are), sends them without waiting, and
     * deletes the acknowledged ones, in sequence order; false when there was nothing to do.
     */
    private boolean step() throws SQLException, InterruptedException {
        boolean read = false;
        if (inFlight.size() < WINDOW && System.currentTimeMillis() >= pausedUntil) {
            read = sendNext();
        }
        if (inFlight.isEmpty() && done.isEmpty()) {
            return read;
        }
        if (!read && !inFlight.isEmpty()) {
            // nothing new to send: wait a little for the oldest acknowledgement
            inFlight.peekFirst().await(ACK_WAIT_MS);
        }
        collectAcknowledged();
        deleteDone();
        return true;
    }

    /** Sends the rows after the last one sent; false when there were none. */
    private boolean sendNext() throws SQLException, InterruptedException {
        List<Row> rows = new ArrayList<>();
        select.setLong(1, lastQueued);
        try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                rows.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)));
            }
        }
        for (Row row : rows) {
            ProducerRecord<byte[], byte[]> record;
            try {
                record = record(row);
            } catch (Rejection rejection) {
                inFlight.addLast(new Sent(row, null, rejection.getMessage()));
                lastQueued = row.seq();
                continue;
            }
            Future<RecordMetadata> future;
            try {
                future = producer.send(record);
            } catch (KafkaException e) {
                offline(e);
                pause();
                break;
            }
            if (notSent(future)) {
                // e.g. no metadata within max.block.ms: the broker is unreachable, and this record was not sent
                pause();
                break;
            }
            inFlight.addLast(new Sent(row, future, null));
            lastQueued = row.seq();
        }
        return !rows.isEmpty();
    }

    /** Moves the acknowledged (or refused for good) rows at the head of the window to {@link #done}, in order. */
    private void collectAcknowledged() throws InterruptedException {
        while (running && !inFlight.isEmpty() && inFlight.peekFirst().isDone()) {
            Sent sent = inFlight.peekFirst();
            String reason = sent.reason();
            if (reason == null) {
                try {
                    sent.future().get();
                } catch (ExecutionException e) {
                    if (!running) {
                        return; // the producer was closed under it: the row stays in the outbox
                    }
                    if (e.getCause() instanceof RetriableException) {
                        // not sent: this row and the ones after it stay in the outbox, to be sent again in order
                        offline(e.getCause());
                        producer.flush();
                        inFlight.clear();
                        lastQueued = sent.row().seq() - 1;
                        pause();
                        return;
                    }
                    reason = "the broker refused the event: " + e.getCause().getMessage();
                }
            }
            inFlight.removeFirst();
            done.add(reason == null ? sent : new Sent(sent.row(), null, reason));
        }
    }

    /** Deletes the rows of {@link #done} from the outbox (and lists those refused) in one transaction. */
    private void deleteDone() throws SQLException {
        if (done.isEmpty()) {
            return;
        }
        connection.setAutoCommit(false);
        for (Sent sent : done) {
            if (sent.reason() != null) {
                Row row = sent.row();
                rejections.add(Rejections.PUBLISH, row.table(), targets.containsKey(row.table()) ? targets.get(row.table()).publish().topic() : null,
                        null, null, null, EventIds.of(node, row.seq()), null, sent.reason(), row.json());
            }
        }
        deleteUpTo.setLong(1, done.get(done.size() - 1).row().seq());
        deleteUpTo.executeUpdate();
        connection.commit();
        connection.setAutoCommit(true);
        done.clear();
        if (offlineLogged && System.currentTimeMillis() >= pausedUntil) {
            log.info("outbox: publishing again");
            offlineLogged = false;
        }
    }

    private void pause() {
        pausedUntil = System.currentTimeMillis() + OFFLINE_PAUSE_MS;
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
        boolean delete = row.op().equals(OutboxTriggers.DELETE);
        Object keyValue = null;
        Map<String, Object> event = new LinkedHashMap<>();
        for (ColumnDefinition c : publish.columns()) {
            Object raw = columns.get(c.name());
            boolean isKey = c.name().equalsIgnoreCase(publish.keyColumn());
            if (isKey) {
                keyValue = raw;
            }
            // a delete's row holds the key column only: the others are published as null
            Object value;
            if (delete && !isKey) {
                value = Values.NULL;
            } else if (c.type() == ColumnType.JSON && target.encoder().jsonAsText() && !Values.isNull(raw)) {
                value = String.valueOf(raw);
            } else {
                value = ColumnValues.toEvent(c, raw);
            }
            put(event, c.path(), value);
        }
        byte[] key = Values.isNull(keyValue) ? null : String.valueOf(keyValue).getBytes(StandardCharsets.UTF_8);
        put(event, List.of(publish.idField().split("\\.")), eventId);
        byte[] value;
        try {
            value = target.encoder().encode(publish.topic(), event);
        } catch (RuntimeException e) {
            throw new Rejection("cannot encode the event: " + e.getMessage());
        }
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(publish.topic(), key, value);
        record.headers().add(LineageHeaders.EVENT_ID, eventId.getBytes(StandardCharsets.UTF_8));
        if (delete) {
            record.headers().add(LineageHeaders.OP, LineageHeaders.OP_DELETE.getBytes(StandardCharsets.UTF_8));
        }
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
