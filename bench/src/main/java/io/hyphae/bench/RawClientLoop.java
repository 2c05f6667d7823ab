package io.hyphae.bench;

import io.hyphae.format.FormatException;
import io.hyphae.format.PayloadFormat;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * (c) The ceiling: one consumer, one producer, a HashMap of the table, the same records to the same topics,
 * each value encoded once (validated forwards the input's bytes; routed and the destination reuse the priced
 * bytes). At-least-once: commit after the batch is flushed; exactly-once: one transaction per poll.
 */
public final class RawClientLoop {

    public static void main(String[] argv) throws Exception {
        Systems.Args args = Systems.Args.parse(argv);
        PayloadFormat format = args.payloadFormat();
        Workload.Topics t = args.topics();
        Map<String, Map<String, Object>> table = loadTable(args, format);

        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args.bootstrap());
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, t.prefix());
        cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        cp.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1000");
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, args.bootstrap());
        pp.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        pp.put(ProducerConfig.BATCH_SIZE_CONFIG, "131072");
        if (args.exactlyOnce()) {
            pp.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, t.prefix() + "-raw");
        }
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cp, new ByteArrayDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
            if (args.exactlyOnce()) {
                producer.initTransactions();
            }
            consumer.subscribe(List.of(t.input()));
            args.ready();
            while (!Thread.currentThread().isInterrupted()) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(100));
                if (batch.isEmpty()) {
                    continue;
                }
                if (args.exactlyOnce()) {
                    producer.beginTransaction();
                }
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    process(r, format, table, t, producer);
                    offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                }
                if (args.exactlyOnce()) {
                    producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                    producer.commitTransaction();
                } else {
                    producer.flush();
                    consumer.commitSync(offsets);
                }
            }
        }
    }

    private static void process(ConsumerRecord<byte[], byte[]> r, PayloadFormat format, Map<String, Map<String, Object>> table,
                                Workload.Topics t, KafkaProducer<byte[], byte[]> producer) {
        Map<String, Object> value;
        try {
            value = format.decode(r.topic(), r.value());
        } catch (FormatException e) {
            value = null;
        }
        if (value == null || !InsuranceLogic.valid(value)) {
            producer.send(new ProducerRecord<>(t.deadLetters(), null, r.timestamp(), r.key(), r.value()));
            return;
        }
        producer.send(new ProducerRecord<>(t.stage("validated"), null, r.timestamp(), r.key(), r.value()));
        Map<String, Object> geo = table.get(InsuranceLogic.postalCode(value));
        if (geo == null) {
            producer.send(new ProducerRecord<>(t.deadLetters(), null, r.timestamp(), r.key(), "enrich miss".getBytes(StandardCharsets.UTF_8)));
            return;
        }
        Map<String, Object> enriched = InsuranceLogic.enrich(value, geo);
        producer.send(new ProducerRecord<>(t.stage("enriched"), null, r.timestamp(), r.key(), format.encode(t.stage("enriched"), enriched)));
        Map<String, Object> priced = InsuranceLogic.price(enriched);
        byte[] bytes = format.encode(t.stage("priced"), priced);
        producer.send(new ProducerRecord<>(t.stage("priced"), null, r.timestamp(), r.key(), bytes));
        producer.send(new ProducerRecord<>(t.stage("routed"), null, r.timestamp(), r.key(), bytes));
        producer.send(new ProducerRecord<>(InsuranceLogic.high(priced) ? t.review() : t.policy(), null, r.timestamp(), r.key(), bytes));
    }

    /** The table as a HashMap, read from the beginning of its topic. */
    static Map<String, Map<String, Object>> loadTable(Systems.Args args, PayloadFormat format) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args.bootstrap());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        Map<String, Map<String, Object>> table = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            String topic = args.topics().table();
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    table.put(new String(r.key(), StandardCharsets.UTF_8), format.decode(topic, r.value()));
                }
            }
        }
        return table;
    }
}
