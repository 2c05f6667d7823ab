package io.hyphae.format.avro;

import com.google.common.collect.ImmutableList;
import dev.cel.common.values.CelByteString;
import io.hyphae.format.FormatException;
import io.hyphae.format.Values;
import io.hyphae.route.SubjectStrategy;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AvroFormatTest {

    static final Schema ALL_TYPES = new Schema.Parser().parse("""
            {"type": "record", "name": "AllTypes", "namespace": "io.hyphae.test", "fields": [
              {"name": "s", "type": "string"},
              {"name": "i", "type": "int"},
              {"name": "l", "type": "long"},
              {"name": "f", "type": "float"},
              {"name": "d", "type": "double"},
              {"name": "b", "type": "boolean"},
              {"name": "raw", "type": "bytes"},
              {"name": "fx", "type": {"type": "fixed", "name": "Four", "size": 4}},
              {"name": "color", "type": {"type": "enum", "name": "Color", "symbols": ["RED", "GREEN"]}},
              {"name": "maybe", "type": ["null", "string"], "default": null},
              {"name": "nested", "type": {"type": "record", "name": "Address", "fields": [
                {"name": "postalCode", "type": "string"}, {"name": "lines", "type": {"type": "array", "items": "string"}}]}},
              {"name": "tags", "type": {"type": "map", "values": "long"}},
              {"name": "born", "type": {"type": "int", "logicalType": "date"}},
              {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "atMicros", "type": {"type": "long", "logicalType": "timestamp-micros"}},
              {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2}}
            ]}""");

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final AvroFormat format = new AvroFormat(registry, Optional.empty(), SubjectStrategy.TOPIC, true);

    static GenericRecord sample() {
        GenericRecord address = new GenericData.Record(ALL_TYPES.getField("nested").schema());
        address.put("postalCode", "8004");
        address.put("lines", List.of("Langstrasse 1", "c/o Ada"));
        GenericRecord r = new GenericData.Record(ALL_TYPES);
        r.put("s", "text");
        r.put("i", 7);
        r.put("l", 1L << 40);
        r.put("f", 1.5f);
        r.put("d", 2.25);
        r.put("b", true);
        r.put("raw", ByteBuffer.wrap(new byte[] {1, 2, 3}));
        r.put("fx", new GenericData.Fixed(ALL_TYPES.getField("fx").schema(), new byte[] {9, 8, 7, 6}));
        r.put("color", new GenericData.EnumSymbol(ALL_TYPES.getField("color").schema(), "GREEN"));
        r.put("maybe", null);
        r.put("nested", address);
        r.put("tags", Map.of("a", 1L));
        r.put("born", 19_000);
        r.put("at", 1_700_000_000_123L);
        r.put("atMicros", 1_700_000_000_123_456L);
        r.put("price", new org.apache.avro.Conversions.DecimalConversion().toBytes(new BigDecimal("12.34"), ALL_TYPES.getField("price").schema(),
                org.apache.avro.LogicalTypes.decimal(9, 2)));
        return r;
    }

    static byte[] framed(int id, Schema schema, Object record) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {0, (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id});
        var encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    @Test
    void everyAvroTypeIsReadableAsCelValues() throws Exception {
        int id = registry.register("t-value", ALL_TYPES);
        Map<String, Object> v = format.decode("t", framed(id, ALL_TYPES, sample()));
        assertThat(v.get("s")).isEqualTo("text");
        assertThat(v.get("i")).isEqualTo(7L);
        assertThat(v.get("l")).isEqualTo(1L << 40);
        assertThat(v.get("f")).isEqualTo(1.5);
        assertThat(v.get("d")).isEqualTo(2.25);
        assertThat(v.get("b")).isEqualTo(true);
        assertThat(v.get("raw")).isEqualTo(CelByteString.of(new byte[] {1, 2, 3}));
        assertThat(v.get("fx")).isEqualTo(CelByteString.of(new byte[] {9, 8, 7, 6}));
        assertThat(v.get("color")).isEqualTo("GREEN");
        assertThat(v.get("maybe")).isSameAs(Values.NULL);
        assertThat(v.get("nested")).isEqualTo(Map.of("postalCode", "8004", "lines", ImmutableList.of("Langstrasse 1", "c/o Ada")));
        assertThat(v.get("tags")).isEqualTo(Map.of("a", 1L));
        assertThat(v.get("born")).isEqualTo(Instant.parse("2022-01-08T00:00:00Z"));
        assertThat(v.get("at")).isEqualTo(Instant.ofEpochMilli(1_700_000_000_123L));
        assertThat(v.get("atMicros")).isEqualTo(Instant.ofEpochSecond(1_700_000_000L, 123_456_000L));
        assertThat(v.get("price")).isEqualTo(12.34);
    }

    @Test
    void forwardedBytesGetTheirSchemaUnderTheTopicsSubjectOnce() throws Exception {
        int id = registry.register("in-value", ALL_TYPES);
        byte[] bytes = framed(id, ALL_TYPES, sample());
        format.forwarded("app.route.stage", bytes);
        int afterFirst = registry.calls.get();
        format.forwarded("app.route.stage", bytes);
        assertThat(registry.calls.get()).as("the registry is asked once per topic and schema id").isEqualTo(afterFirst);
        assertThat(registry.subjects()).contains("app.route.stage-value");
        assertThat(registry.latest("app.route.stage-value")).contains(ALL_TYPES);
        format.forwarded("app.other", new byte[] {'{', '}'});
        assertThat(registry.subjects()).doesNotContain("app.other-value");
    }

    @Test
    void anUnchangedRecordEncodesToTheSameRecordUnderTheSameSchema() throws Exception {
        int id = registry.register("in-value", ALL_TYPES);
        Map<String, Object> v = format.decode("in", framed(id, ALL_TYPES, sample()));
        byte[] out = format.encode("out", v);
        assertThat(out[0]).isZero();
        int outId = AvroFormat.schemaId(out).orElseThrow();
        assertThat(registry.byId(outId)).isEqualTo(ALL_TYPES);
        GenericRecord back = (GenericRecord) new GenericDatumReader<>(ALL_TYPES).read(null,
                DecoderFactory.get().binaryDecoder(out, 5, out.length - 5, null));
        assertThat(back).isEqualTo(sample());
        assertThat(registry.subjects()).contains("out-value");
    }

    @Test
    void addedFieldsGetADerivedBackwardCompatibleSchema() throws Exception {
        int id = registry.register("in-value", ALL_TYPES);
        Map<String, Object> v = format.decode("in", framed(id, ALL_TYPES, sample()));
        Map<String, Object> changed = Values.without(Values.with(Values.with(v, List.of("risk"), "HIGH"), List.of("score"), 3.5), List.of("raw"));
        byte[] out = format.encode("stage", changed);
        Schema derived = registry.byId(AvroFormat.schemaId(out).orElseThrow());
        assertThat(derived.getFullName()).isEqualTo("io.hyphae.test.AllTypes");
        assertThat(derived.getField("raw")).isNull();
        assertThat(derived.getField("color").schema()).isEqualTo(ALL_TYPES.getField("color").schema());
        assertThat(derived.getField("risk").schema().toString()).isEqualTo("[\"null\",\"string\"]");
        assertThat(derived.getField("score").defaultVal()).isEqualTo(org.apache.avro.JsonProperties.NULL_VALUE);
        Map<String, Object> again = format.decode("stage", out);
        assertThat(again.get("risk")).isEqualTo("HIGH");
        assertThat(again.get("color")).isEqualTo("GREEN");
        // The same shape is derived once and registered once.
        int calls = registry.calls.get();
        format.encode("stage", changed);
        assertThat(registry.calls.get()).isEqualTo(calls);
    }

    @Test
    void recordsOfAnOlderWriterSchemaAreResolvedToTheReaderSchema() throws Exception {
        Schema v1 = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"E\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"}]}");
        Schema v2 = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"E\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"},"
                + "{\"name\":\"channel\",\"type\":\"string\",\"default\":\"web\"}]}");
        AvroFormat reading = new AvroFormat(registry, Optional.of(v2), SubjectStrategy.TOPIC, true);
        GenericRecord old = new GenericData.Record(v1);
        old.put("id", "e1");
        Map<String, Object> v = reading.decode("t", framed(registry.register("t-value", v1), v1, old));
        assertThat(v).containsEntry("id", "e1").containsEntry("channel", "web");
    }

    @Test
    void badBytesAreFormatExceptions() throws Exception {
        int id = registry.register("t-value", ALL_TYPES);
        byte[] good = framed(id, ALL_TYPES, sample());
        assertThatThrownBy(() -> format.decode("t", Arrays.copyOf(good, good.length - 3))).isInstanceOf(FormatException.class)
                .hasMessageContaining("invalid Avro for schema id " + id);
        byte[] wrongMagic = good.clone();
        wrongMagic[0] = 1;
        assertThatThrownBy(() -> format.decode("t", wrongMagic)).isInstanceOf(FormatException.class).hasMessageContaining("magic byte is 1");
        byte[] unknown = good.clone();
        unknown[4] = 99;
        assertThatThrownBy(() -> format.decode("t", unknown)).isInstanceOf(FormatException.class).hasMessageContaining("unknown schema id 99");
        assertThatThrownBy(() -> format.decode("t", new byte[] {0, 0})).isInstanceOf(FormatException.class).hasMessageContaining("too short");
        byte[] trailing = Arrays.copyOf(good, good.length + 2);
        assertThatThrownBy(() -> format.decode("t", trailing)).isInstanceOf(FormatException.class).hasMessageContaining("bytes left");
        byte[] hugeLength = framed(id, ALL_TYPES, sample());
        hugeLength[5] = (byte) 0xfe; hugeLength[6] = (byte) 0xff; hugeLength[7] = (byte) 0xff; hugeLength[8] = (byte) 0xff; hugeLength[9] = (byte) 0x0f;
        assertThatThrownBy(() -> format.decode("t", hugeLength)).isInstanceOf(FormatException.class);
    }

    @Test
    void recordNameStrategyUsesTheRecordsFullNameAsSubject() throws Exception {
        AvroFormat byRecord = new AvroFormat(registry, Optional.empty(), SubjectStrategy.RECORD, true);
        int id = registry.register("in-value", ALL_TYPES);
        byRecord.encode("any-topic", byRecord.decode("in", framed(id, ALL_TYPES, sample())));
        assertThat(registry.subjects()).contains("io.hyphae.test.AllTypes").doesNotContain("any-topic-value");
    }

    @Test
    void withoutAutoRegisterAnUnregisteredSchemaIsRefused() throws Exception {
        AvroFormat strict = new AvroFormat(registry, Optional.empty(), SubjectStrategy.TOPIC, false);
        int id = registry.register("in-value", ALL_TYPES);
        Map<String, Object> v = strict.decode("in", framed(id, ALL_TYPES, sample()));
        assertThatThrownBy(() -> strict.encode("new-topic", v)).isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("not registered under subject new-topic-value and registry.autoRegister is false");
        registry.register("new-topic-value", ALL_TYPES);
        assertThat(AvroFormat.schemaId(strict.encode("new-topic", v))).isPresent();
    }

    @Test
    void valuesThatDoNotFitTheSchemaNameTheField() throws Exception {
        int id = registry.register("in-value", ALL_TYPES);
        Map<String, Object> v = format.decode("in", framed(id, ALL_TYPES, sample()));
        Map<String, Object> bad = Values.with(v, List.of("nested", "postalCode"), 8004L);
        byte[] out = format.encode("o", bad);
        assertThat(format.decode("o", out).get("nested")).isEqualTo(Map.of("postalCode", 8004L, "lines", ImmutableList.of("Langstrasse 1", "c/o Ada")));
    }
}
