package io.hyphae.bench.jmh;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyphae.format.Formats;
import io.hyphae.format.JsonFormat;
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
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One decode plus one encode of the insurance event (changed by a stage, so it must be re-encoded): Hyphae's
 * JSON format against Jackson's {@code ObjectMapper} on maps, and Hyphae's Avro serde (Confluent framing,
 * the registry's ids cached, values as the maps CEL evaluates) against plain Avro binary with
 * {@code GenericRecord} and no framing, in the same run. The registry is an in-memory one: after the first
 * call every id and schema comes from the serde's cache either way.
 * The schema is read from {@code schemas/avro/insurance/AddressChanged.avsc} (run from the repository root).
 */
public class SerdeBenchmark extends HotPathBenchmark {

    private final ObjectMapper mapper = new ObjectMapper();
    private final TypeReference<Map<String, Object>> mapType = new TypeReference<>() {
    };
    private final JsonFormat json = Formats.json();
    private byte[] jsonBytes;

    private AvroFormat avro;
    private Map<String, Object> changed;
    private byte[] framed;
    private GenericDatumWriter<Object> writer;
    private GenericDatumReader<GenericRecord> reader;
    private GenericRecord record;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    private BinaryEncoder encoder;
    private BinaryDecoder decoder;

    @Setup
    public void setUp() throws IOException {
        jsonBytes = Events.INPUT_JSON.getBytes(StandardCharsets.UTF_8);
        Schema schema = new Schema.Parser().parse(Path.of("schemas/avro/insurance/AddressChanged.avsc").toFile());
        avro = new AvroFormat(new InMemorySchemaRegistry(), Optional.empty(), SubjectStrategy.TOPIC, true);
        framed = avro.encode("in", schema, json.decode("in", jsonBytes));
        // The route's view of a changed event: the decoded map with one field set.
        changed = Values.with(avro.decode("in", framed), List.of("currentPremium"), 900.0);
        writer = new GenericDatumWriter<>(schema);
        reader = new GenericDatumReader<>(schema);
        record = reader.read(null, DecoderFactory.get().binaryDecoder(framed, 5, framed.length - 5, null));
    }

    @Benchmark
    public byte[] jsonHyphae() {
        Map<String, Object> value = Values.with(json.decode("in", jsonBytes), List.of("currentPremium"), 900.0);
        return json.encode("out", value);
    }

    @Benchmark
    public byte[] jsonJackson() throws IOException {
        Map<String, Object> value = mapper.readValue(jsonBytes, mapType);
        value.put("currentPremium", 900.0);
        return mapper.writeValueAsBytes(value);
    }

    @Benchmark
    public Map<String, Object> avroHyphae() {
        return avro.decode("out", avro.encode("out", changed));
    }

    @Benchmark
    public GenericRecord avroPlain() throws IOException {
        out.reset();
        encoder = EncoderFactory.get().directBinaryEncoder(out, encoder);
        writer.write(record, encoder);
        decoder = DecoderFactory.get().binaryDecoder(out.toByteArray(), decoder);
        return reader.read(null, decoder);
    }
}
