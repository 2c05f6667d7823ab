package io.hyphae.format.avro;

import io.hyphae.format.FormatException;
import io.hyphae.format.PayloadFormat;
import io.hyphae.route.SubjectStrategy;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Avro in the Confluent wire format: byte 0, the writer schema's registry id (4 bytes, big-endian),
 * then Avro binary. Records written with another compatible schema are resolved to the route's reader
 * schema. What a stage writes gets a derived schema (see {@link AvroSchemaDeriver}), registered once.
 */
public final class AvroFormat implements PayloadFormat {

    static {
        // Corrupt length prefixes must not make Avro allocate gigabytes: bound strings, bytes and collections.
        System.setProperty("org.apache.avro.limits.string.maxLength", System.getProperty("org.apache.avro.limits.string.maxLength", "16777216"));
        System.setProperty("org.apache.avro.limits.bytes.maxLength", System.getProperty("org.apache.avro.limits.bytes.maxLength", "16777216"));
        System.setProperty("org.apache.avro.limits.collectionItems.maxLength",
                System.getProperty("org.apache.avro.limits.collectionItems.maxLength", "10000000"));
    }

    private static final Logger LOG = LoggerFactory.getLogger(AvroFormat.class);

    public static final byte MAGIC = 0;
    private static final int HEADER = 5;

    private final SchemaRegistry registry;
    private final Optional<Schema> reader;
    private final SubjectStrategy strategy;
    private final boolean autoRegister;
    private final AvroSchemaDeriver deriver = new AvroSchemaDeriver();
    private final Map<Integer, GenericDatumReader<Object>> readers = new ConcurrentHashMap<>();
    private final Map<Schema, GenericDatumWriter<Object>> writers = new ConcurrentHashMap<>();
    private final Map<SubjectSchema, Integer> ids = new ConcurrentHashMap<>();

    /** Per topic, the schema ids of forwarded records already known to be under the topic's subject. */
    private final Map<String, Set<Integer>> forwardedIds = new ConcurrentHashMap<>();

    private record SubjectSchema(String subject, Schema schema) {
    }

    public AvroFormat(SchemaRegistry registry, Optional<Schema> reader, SubjectStrategy strategy, boolean autoRegister) {
        this.registry = registry;
        this.reader = reader;
        this.strategy = strategy;
        this.autoRegister = autoRegister;
    }

    /** The registry id of a Confluent-framed record, or empty if the bytes are not framed. */
    public static Optional<Integer> schemaId(byte[] bytes) {
        if (bytes == null || bytes.length < HEADER || bytes[0] != MAGIC) {
            return Optional.empty();
        }
        return Optional.of(((bytes[1] & 0xff) << 24) | ((bytes[2] & 0xff) << 16) | ((bytes[3] & 0xff) << 8) | (bytes[4] & 0xff));
    }

    @Override
    @SuppressWarnings("unchecked")
    public Map<String, Object> decode(String topic, byte[] bytes) {
        if (bytes == null) {
            throw new FormatException("null value (tombstone): an event needs an Avro record");
        }
        if (bytes.length < HEADER) {
            throw new FormatException("too short for Confluent-framed Avro: " + bytes.length + " bytes");
        }
        if (bytes[0] != MAGIC) {
            throw new FormatException("not Confluent-framed Avro: magic byte is " + bytes[0] + ", expected 0");
        }
        int id = schemaId(bytes).orElseThrow();
        GenericDatumReader<Object> datumReader = readers.computeIfAbsent(id, this::readerFor);
        Object datum;
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, HEADER, bytes.length - HEADER, null);
            datum = datumReader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new FormatException("invalid Avro for schema id " + id + ": bytes left after the record");
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof FormatException f) {
                throw f;
            }
            throw new FormatException("invalid Avro for schema id " + id + ": " + e, e);
        }
        if (!(datum instanceof GenericRecord record)) {
            throw new FormatException("schema id " + id + " is not a record schema: an event must be a record");
        }
        return (Map<String, Object>) AvroValues.toCel(record, datumReader.getExpected());
    }

    private GenericDatumReader<Object> readerFor(int id) {
        Schema writer;
        try {
            writer = registry.byId(id);
        } catch (SchemaRegistryException e) {
            throw new FormatException("unknown schema id " + id + ": " + e.getMessage(), e);
        }
        Schema expected = reader.orElse(writer);
        if (reader.isPresent()) {
            var compatibility = org.apache.avro.SchemaCompatibility.checkReaderWriterCompatibility(expected, writer);
            if (compatibility.getType() != org.apache.avro.SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
                throw new FormatException("schema id " + id + " cannot be read with the route's schema " + expected.getFullName()
                        + ": " + compatibility.getDescription());
            }
        }
        return new GenericDatumReader<>(writer, expected);
    }

    @Override
    public byte[] encode(String topic, Map<String, Object> value) {
        return encode(topic, deriver.schemaOf(value, topic.replaceAll("[^A-Za-z0-9_]", "_")), value);
    }

    /** Encodes the value with exactly this schema (registered under the topic's subject). */
    public byte[] encode(String topic, Schema schema, Map<String, Object> value) {
        String subject = strategy == SubjectStrategy.TOPIC ? topic + "-value" : schema.getFullName();
        int id = ids.computeIfAbsent(new SubjectSchema(subject, schema), k -> idOf(subject, schema));
        Object record = AvroValues.fromCel(value, schema, "value");
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(MAGIC);
        out.write(id >>> 24);
        out.write(id >>> 16);
        out.write(id >>> 8);
        out.write(id);
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            writers.computeIfAbsent(schema, GenericDatumWriter::new).write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    /**
     * A stage that does not change an event forwards its bytes, whose schema id was registered under another
     * subject (the input's, or an earlier stage's): register that schema under this topic's subject too, once per
     * id, so that tools which look a topic's schema up by {@code <topic>-value} find it. Only with the topic subject
     * strategy and auto-registration (with the record strategy the subject does not depend on the topic). A refusal
     * (say, an incompatible schema already under the subject) is logged once; the record is written all the same.
     */
    @Override
    public void forwarded(String topic, byte[] bytes) {
        if (strategy != SubjectStrategy.TOPIC || !autoRegister) {
            return;
        }
        Optional<Integer> id = schemaId(bytes);
        if (id.isEmpty() || !forwardedIds.computeIfAbsent(topic, t -> ConcurrentHashMap.newKeySet()).add(id.get())) {
            return;
        }
        try {
            registry.register(topic + "-value", registry.byId(id.get()));
        } catch (RuntimeException e) {
            LOG.warn("cannot register schema id {} under subject {}-value: {}", id.get(), topic, e.getMessage());
        }
    }

    private int idOf(String subject, Schema schema) {
        if (autoRegister) {
            return registry.register(subject, schema);
        }
        return registry.lookup(subject, schema).orElseThrow(() -> new SchemaRegistryException(
                "schema " + schema.getFullName() + " is not registered under subject " + subject + " and registry.autoRegister is false", 404, null));
    }

    @Override
    public byte[] encodeValue(Object value) {
        throw new UnsupportedOperationException("Avro is a value format; keys are written as string or json");
    }
}
