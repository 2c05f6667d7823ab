package io.hyphae.bench;

import io.hyphae.format.Formats;
import io.hyphae.format.Values;
import io.hyphae.format.avro.AvroFormat;
import io.hyphae.format.avro.InMemorySchemaRegistry;
import io.hyphae.route.SubjectStrategy;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Serialize + deserialize throughput of Hyphae's Avro serde for the insurance event, against plain Avro
 * binary (no header, no registry, GenericRecord in and out) in the same run. Not a test: run it with
 * {@code mvn -q -pl topology test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt} then
 * {@code java -cp topology/target/test-classes:topology/target/classes:$(cat topology/target/cp.txt) io.hyphae.bench.SerdeBenchmark}.
 */
public final class SerdeBenchmark {

    private static final int ROUNDS = 5;
    private static final int PER_ROUND = 300_000;

    public static void main(String[] args) throws Exception {
        Schema schema = new Schema.Parser().parse(Path.of(args.length > 0 ? args[0] : "schemas/avro/insurance/AddressChanged.avsc").toFile());
        String event = "{\"eventId\":\"ev-0001\",\"customerId\":\"C-1001\",\"policyId\":\"P-5001\",\"changedAt\":\"2026-11-02T08:15:00Z\","
                + "\"oldAddress\":{\"street\":\"Bahnhofstrasse 1\",\"postalCode\":\"8001\",\"city\":\"Zurich\"},"
                + "\"newAddress\":{\"street\":\"Langstrasse 120\",\"postalCode\":\"8004\",\"city\":\"Zurich\"},\"currentPremium\":840.0}";
        AvroFormat hyphae = new AvroFormat(new InMemorySchemaRegistry(), Optional.empty(), SubjectStrategy.TOPIC, true);
        byte[] framed = hyphae.encode("in", schema, Formats.json().decode("in", event.getBytes(StandardCharsets.UTF_8)));
        // The route's view of a changed event: the decoded map with one field set.
        Map<String, Object> changed = Values.with(hyphae.decode("in", framed), List.of("currentPremium"), 900.0);

        GenericDatumWriter<Object> writer = new GenericDatumWriter<>(schema);
        GenericDatumReader<GenericRecord> reader = new GenericDatumReader<>(schema);
        GenericRecord record = reader.read(null, DecoderFactory.get().binaryDecoder(framed, 5, framed.length - 5, null));

        System.out.printf("event: %d bytes framed; %d rounds of %d serialize+deserialize pairs each%n", framed.length, ROUNDS, PER_ROUND);
        double bestPlain = 0;
        double bestHyphae = 0;
        for (int round = 0; round < ROUNDS; round++) {
            long start = System.nanoTime();
            long sink = 0;
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            BinaryEncoder encoder = null;
            BinaryDecoder decoder = null;
            for (int i = 0; i < PER_ROUND; i++) {
                out.reset();
                encoder = EncoderFactory.get().directBinaryEncoder(out, encoder);
                writer.write(record, encoder);
                byte[] bytes = out.toByteArray();
                decoder = DecoderFactory.get().binaryDecoder(bytes, decoder);
                sink += reader.read(null, decoder).hashCode() & 1;
            }
            double plain = PER_ROUND / ((System.nanoTime() - start) / 1e9);
            start = System.nanoTime();
            for (int i = 0; i < PER_ROUND; i++) {
                byte[] bytes = hyphae.encode("out", changed);
                sink += hyphae.decode("out", bytes).size() & 1;
            }
            double ours = PER_ROUND / ((System.nanoTime() - start) / 1e9);
            bestPlain = Math.max(bestPlain, plain);
            bestHyphae = Math.max(bestHyphae, ours);
            System.out.printf("round %d: plain Avro %,.0f pairs/s, Hyphae serde %,.0f pairs/s, ratio %.2f (sink %d)%n", round + 1, plain, ours, ours / plain, sink);
        }
        System.out.printf("best: plain Avro %,.0f pairs/s, Hyphae serde %,.0f pairs/s, ratio %.2f%n", bestPlain, bestHyphae, bestHyphae / bestPlain);
    }
}
