package io.hyphae.edge;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Reads one topic into the database exactly once: every partition is assigned (no consumer group), a poll's records —
 * and those of the polls that return at once after it, up to {@value #MAX_RECORDS_PER_TRANSACTION} records — are
 * applied in one SQLite transaction together with the next offset of each partition (one offset row per partition,
 * whatever the number of records), and reading resumes from the
 * stored offsets (from the beginning for a partition without one). A crash rolls back rows and offsets together.
 */
final class ReaderLoop implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(ReaderLoop.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final long REFRESH_MS = 5_000;
    /** Polls that return at once join the open transaction up to this many records. */
    static final int MAX_RECORDS_PER_TRANSACTION = 20_000;

    private final String reader;
    private final String topic;
    private final Connection connection;
    private final RecordSink sink;
    private final Rejections rejections;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final PreparedStatement storeOffset;
    private final PreparedStatement loadOffset;
    private final Set<TopicPartition> assigned = new HashSet<>();
    private final Runnable onFirstAssignment;
    private volatile boolean running = true;
    private long lastRefresh;
    private boolean waitingLogged;
    private boolean pausedForRewind;

    /**
     * @param reader the name the offsets are stored under (the mirror's table, or the dead-letter reader's)
     */
    ReaderLoop(String reader, String topic, Connection connection, RecordSink sink, Rejections rejections, Properties consumerSettings,
               Runnable onFirstAssignment) throws SQLException {
        this.reader = reader;
        this.topic = topic;
        this.connection = connection;
        this.sink = sink;
        this.rejections = rejections;
        this.onFirstAssignment = onFirstAssignment;
        this.consumer = new KafkaConsumer<>(consumerSettings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.storeOffset = connection.prepareStatement("INSERT INTO " + EdgeDatabase.OFFSETS + " (reader, topic, partition, next_offset) "
                + "VALUES (?, ?, ?, ?) ON CONFLICT (reader, topic, partition) DO UPDATE SET next_offset = excluded.next_offset");
        this.loadOffset = connection.prepareStatement("SELECT next_offset FROM " + EdgeDatabase.OFFSETS
                + " WHERE reader = ? AND topic = ? AND partition = ?");
    }

    @Override
    public void run() {
        try {
            while (running) {
                try {
                    step();
                } catch (SQLException e) {
                    log.warn("{}: applying {} failed, rolled back; reading again from the stored offsets: {}", reader, topic, e.getMessage());
                    rollback();
                    sleep(1_000);
                    rewind();
                }
            }
        } catch (WakeupException e) {
            // stop() was called
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
            try {
                connection.close();
            } catch (SQLException e) {
                log.debug("closing the connection of {}: {}", reader, e.getMessage());
            }
        }
    }

    private void step() throws SQLException {
        long now = System.currentTimeMillis();
        if (now - lastRefresh > (assigned.isEmpty() ? 1_000 : REFRESH_MS)) {
            lastRefresh = now;
            refreshAssignment();
        }
        if (assigned.isEmpty()) {
            sleep(500);
            return;
        }
        if (pausedForRewind) {
            seekToStored(assigned);
            consumer.resume(assigned);
            pausedForRewind = false;
        }
        ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
        if (records.isEmpty()) {
            return;
        }
        connection.setAutoCommit(false);
        // while records are waiting (catching up), more polls join the transaction: fewer commits, and a page that
        // several polls change is written to the WAL once
        Map<TopicPartition, Long> next = new HashMap<>();
        int applied = 0;
        while (!records.isEmpty()) {
            for (ConsumerRecord<byte[], byte[]> record : records) {
                try {
                    sink.apply(record);
                } catch (Rejection rejection) {
                    rejections.record(Rejections.MIRROR, sink.table(), record, null, null, rejection.getMessage());
                }
            }
            sink.flush();
            for (TopicPartition partition : records.partitions()) {
                List<ConsumerRecord<byte[], byte[]>> batch = records.records(partition);
                next.put(partition, batch.get(batch.size() - 1).offset() + 1);
            }
            applied += records.count();
            if (applied >= MAX_RECORDS_PER_TRANSACTION || !running) {
                break;
            }
            records = consumer.poll(Duration.ZERO);
        }
        for (Map.Entry<TopicPartition, Long> offset : next.entrySet()) {
            storeOffset.setString(1, reader);
            storeOffset.setString(2, offset.getKey().topic());
            storeOffset.setInt(3, offset.getKey().partition());
            storeOffset.setLong(4, offset.getValue());
            storeOffset.executeUpdate();
        }
        connection.commit();
        connection.setAutoCommit(true);
    }

    /** Assigns partitions that appeared (the topic may be created after the node starts, or grow). */
    private void refreshAssignment() throws SQLException {
        List<PartitionInfo> partitions;
        try {
            partitions = consumer.partitionsFor(topic, Duration.ofSeconds(5));
        } catch (WakeupException e) {
            throw e;
        } catch (RuntimeException e) {
            partitions = List.of();
            if (!waitingLogged) {
                log.info("{}: cannot read the partitions of {} yet ({}); trying again", reader, topic, e.getMessage());
            }
        }
        List<TopicPartition> added = new ArrayList<>();
        for (PartitionInfo p : partitions == null ? List.<PartitionInfo>of() : partitions) {
            TopicPartition tp = new TopicPartition(p.topic(), p.partition());
            if (!assigned.contains(tp)) {
                added.add(tp);
            }
        }
        if (added.isEmpty()) {
            if (assigned.isEmpty() && !waitingLogged) {
                log.info("{}: waiting for topic {}", reader, topic);
                waitingLogged = true;
            }
            return;
        }
        boolean first = assigned.isEmpty();
        assigned.addAll(added);
        consumer.assign(new ArrayList<>(assigned));
        seekToStored(added);
        log.info("{}: reading {} ({} partitions)", reader, topic, assigned.size());
        if (first) {
            onFirstAssignment.run();
        }
    }

    private void seekToStored(Set<TopicPartition> partitions) throws SQLException {
        seekToStored(new ArrayList<>(partitions));
    }

    private void seekToStored(List<TopicPartition> partitions) throws SQLException {
        Map<TopicPartition, Long> stored = new HashMap<>();
        List<TopicPartition> fresh = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            loadOffset.setString(1, reader);
            loadOffset.setString(2, tp.topic());
            loadOffset.setInt(3, tp.partition());
            try (ResultSet rs = loadOffset.executeQuery()) {
                if (rs.next()) {
                    stored.put(tp, rs.getLong(1));
                } else {
                    fresh.add(tp);
                }
            }
        }
        stored.forEach(consumer::seek);
        if (!fresh.isEmpty()) {
            consumer.seekToBeginning(fresh);
        }
    }

    /** After a rollback: back to the offsets stored with the last commit. */
    private void rewind() {
        try {
            seekToStored(assigned);
        } catch (SQLException e) {
            log.warn("{}: cannot read the stored offsets: {}", reader, e.getMessage());
            // poll nothing until the offsets can be read again
            consumer.pause(assigned);
            pausedForRewind = true;
        }
    }

    private void rollback() {
        try {
            sink.discard();
            connection.rollback();
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            log.warn("{}: rollback failed: {}", reader, e.getMessage());
        }
    }

    private void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    void stop() {
        running = false;
        consumer.wakeup();
    }
}
