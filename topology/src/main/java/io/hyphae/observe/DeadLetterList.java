package io.hyphae.observe;

import io.hyphae.event.LineageHeaders;
import io.hyphae.format.Formats;
import io.hyphae.format.avro.AvroFormat;
import io.hyphae.route.Format;
import io.hyphae.route.RouteFile;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The latest dead letters of a route, read committed from its dead-letter topic with one consumer of the console's own
 * (no group, nothing committed): key, failing stage, reason, source coordinates and the value (Avro shown as JSON).
 */
final class DeadLetterList implements AutoCloseable {

    static final int LATEST = 20;
    private static final int MAX_VALUE_CHARS = 2_000;
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final Properties clientProperties;
    private final Optional<AvroFormat> avro;
    private KafkaConsumer<byte[], byte[]> consumer;

    DeadLetterList(RouteFile file, Properties clientProperties) {
        this.clientProperties = clientProperties;
        this.avro = file.usesAvro() && file.registry().url().isPresent()
                ? Optional.of((AvroFormat) new Formats(file.registry()).of(Format.AVRO, Optional.empty()))
                : Optional.empty();
    }

    /** The latest {@link #LATEST} dead letters of the topic, newest first. */
    synchronized List<Map<String, Object>> latest(String topic) {
        if (consumer == null) {
            Properties p = new Properties();
            p.putAll(clientProperties);
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            p.put(ConsumerConfig.CLIENT_ID_CONFIG, "hyphae-console-dead-letters");
            consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }
        List<TopicPartition> partitions = consumer.partitionsFor(topic, TIMEOUT).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
        consumer.assign(partitions);
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, TIMEOUT);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
        for (TopicPartition tp : partitions) {
            consumer.seek(tp, Math.max(begin.get(tp), end.get(tp) - LATEST));
        }
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        records.sort(Comparator.comparingLong((ConsumerRecord<byte[], byte[]> r) -> r.timestamp()).reversed());
        List<Map<String, Object>> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records.subList(0, Math.min(LATEST, records.size()))) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("partition", r.partition());
            d.put("offset", r.offset());
            d.put("timestamp", r.timestamp());
            d.put("key", r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8));
            d.put("stage", header(r, LineageHeaders.ERROR_STAGE));
            d.put("reason", header(r, LineageHeaders.ERROR_REASON));
            d.put("source", header(r, LineageHeaders.SOURCE));
            String value = text(r.topic(), r.value());
            d.put("value", value != null && value.length() > MAX_VALUE_CHARS ? value.substring(0, MAX_VALUE_CHARS) + "..." : value);
            out.add(d);
        }
        return out;
    }

    private String text(String topic, byte[] value) {
        if (value == null) {
            return null;
        }
        if (avro.isPresent() && AvroFormat.schemaId(value).isPresent()) {
            try {
                return new String(Formats.json().encode(topic, avro.get().decode(topic, value)), StandardCharsets.UTF_8);
            } catch (RuntimeException e) {
                // not decodable (it is a dead letter): the bytes as they are
            }
        }
        return new String(value, StandardCharsets.UTF_8);
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void close() {
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
