package io.hyphae.cli;

import io.hyphae.format.JsonFormat;
import io.hyphae.format.Values;
import io.hyphae.format.avro.AvroFormat;
import io.hyphae.format.avro.SchemaRegistryException;
import org.apache.avro.Schema;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Sends one record per line (what {@code produce} and {@code demo --load} do): the key from a JSON field or before a
 * separator, the line as its value, as JSON or as Avro of a schema; a line that is not JSON or does not fit the schema
 * is sent as it is, with a warning, which is how to feed a route a bad record on purpose.
 */
final class LineProducer {

    /** Where a line's key comes from: a dotted JSON field, a separator (kcat's -K), or nowhere (null keys). */
    record KeyRule(String field, String separator) {
        static final KeyRule NONE = new KeyRule(null, null);
    }

    /** Avro of exactly this schema (read from {@code source}), in the Confluent wire format. */
    record AvroWriter(AvroFormat format, Schema schema, String source) {
    }

    private static final JsonFormat JSON = new JsonFormat();

    private final Properties props;
    private final PrintWriter err;

    LineProducer(Properties clientProperties, PrintWriter err) {
        this.props = new Properties();
        props.putAll(clientProperties);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        this.err = err;
    }

    /** Sends every non-blank line of {@code reader} to {@code topic} and waits for the acknowledgements; returns the count. */
    int send(String topic, BufferedReader reader, String source, KeyRule keys, Map<String, String> headers, Optional<AvroWriter> avro)
            throws IOException, InterruptedException {
        int sent = 0;
        int lineNumber = 0;
        List<Future<?>> pending = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            String line;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                String key = null;
                String value = line;
                if (keys.separator() != null) {
                    int at = line.indexOf(keys.separator());
                    if (at >= 0) {
                        key = line.substring(0, at);
                        value = line.substring(at + keys.separator().length());
                    }
                } else if (keys.field() != null) {
                    key = keyOf(topic, line, keys.field());
                }
                RecordHeaders recordHeaders = new RecordHeaders();
                headers.forEach((k, v) -> recordHeaders.add(k, v.getBytes(StandardCharsets.UTF_8)));
                byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
                if (avro.isPresent()) {
                    try {
                        bytes = avro.get().format().encode(topic, avro.get().schema(), JSON.decode(topic, bytes));
                    } catch (SchemaRegistryException e) {
                        // The schema itself was refused (incompatible, say): nothing is sent with it.
                        throw new IllegalStateException("the schema registry refused " + avro.get().source() + ": " + e.getMessage(), e);
                    } catch (RuntimeException e) {
                        err.printf("%s line %d: sent as it is, not as Avro: %s%n", source, lineNumber, e.getMessage());
                        err.flush();
                    }
                }
                pending.add(producer.send(new ProducerRecord<>(topic, null, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                        bytes, recordHeaders)));
                sent++;
            }
            producer.flush();
            for (Future<?> f : pending) {
                f.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot write to " + topic + ": " + e.getCause().getMessage(), e.getCause());
        }
        return sent;
    }

    /** The key field's text, or null for a line that is not JSON or lacks the field (it is still sent). */
    private static String keyOf(String topic, String line, String field) {
        try {
            Object v = Values.get(JSON.decode(topic, line.getBytes(StandardCharsets.UTF_8)), Values.path(field));
            return Values.isNull(v) ? null : String.valueOf(v);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
