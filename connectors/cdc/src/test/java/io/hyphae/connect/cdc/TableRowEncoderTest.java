package io.hyphae.connect.cdc;

import io.hyphae.cel.CelEngine;
import io.hyphae.cel.ResultKind;
import io.hyphae.event.Event;
import io.hyphae.format.Formats;
import io.hyphae.format.Keys;
import io.hyphae.route.Expression;
import io.hyphae.route.KeyFormat;
import io.hyphae.route.Location;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The row encoder against the enrich stage's own key function: for each shape of key, the bytes written for a row are
 * the bytes {@link Keys#encode} writes for the CEL key expression an event would use to look the row up.
 */
class TableRowEncoderTest {

    private static final Schema ROW = SchemaBuilder.struct().name("row")
            .field("id", Schema.INT32_SCHEMA)
            .field("region", Schema.STRING_SCHEMA)
            .field("band", Schema.OPTIONAL_STRING_SCHEMA)
            .field("rate", Decimal.builder(2).optional().build())
            .field("updated", Timestamp.builder().optional().build())
            .build();

    @Test
    void aSingleIntegerKeyColumnIsWrittenAsTheEnrichStageWritesAnIntegerJoinKey() {
        for (KeyFormat format : KeyFormat.values()) {
            TableRowEncoder<SourceRecord> encoder = encoder("id", format);
            SourceRecord out = encoder.apply(record(key("id"), row(1, "ZH", "A")));
            byte[] lookup = lookup("value.customerId", format, "{\"customerId\": 1}");
            assertThat(new String((byte[]) out.key(), StandardCharsets.UTF_8)).as(format.id()).isEqualTo("1");
            assertThat((byte[]) out.key()).as(format.id()).isEqualTo(lookup);
        }
    }

    @Test
    void aTextKeyWithKeyFormatJsonIsAJsonStringNotAStruct() {
        TableRowEncoder<SourceRecord> encoder = encoder("region", KeyFormat.JSON);
        SourceRecord out = encoder.apply(record(key("region"), row(1, "ZH", "A")));
        assertThat(new String((byte[]) out.key(), StandardCharsets.UTF_8)).isEqualTo("\"ZH\"");
        assertThat((byte[]) out.key()).isEqualTo(lookup("value.region", KeyFormat.JSON, "{\"region\": \"ZH\"}"));
    }

    @Test
    void aCompositeKeyIsAMapOfTheColumnsInTheDeclaredOrderAsACelMapLiteralIsWritten() {
        TableRowEncoder<SourceRecord> encoder = encoder("region,band", KeyFormat.JSON);
        SourceRecord out = encoder.apply(record(key("band", "region"), row(1, "ZH", "A")));
        assertThat(new String((byte[]) out.key(), StandardCharsets.UTF_8)).isEqualTo("{\"region\":\"ZH\",\"band\":\"A\"}");
        assertThat((byte[]) out.key()).isEqualTo(lookup("{'region': value.r, 'band': value.b}", KeyFormat.JSON, "{\"r\": \"ZH\", \"b\": \"A\"}"));
    }

    @Test
    void aCompositeKeyNeedsKeyFormatJson() {
        assertThatThrownBy(() -> encoder("region,band", KeyFormat.STRING)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("key.format json");
    }

    @Test
    void theValueIsTheRowInTheTableFormatAsCelSeesAnEvent() {
        SourceRecord out = encoder("id", KeyFormat.STRING).apply(record(key("id"), row(7, "BE", null)));
        assertThat(out.topic()).isEqualTo("geo.risk");
        Map<String, Object> value = Formats.json().decode("geo.risk", (byte[]) out.value());
        assertThat(value).containsEntry("id", 7L).containsEntry("region", "BE").containsEntry("rate", 12.5)
                .containsEntry("updated", "2026-12-01T10:00:00Z");
        assertThat(new String((byte[]) out.value(), StandardCharsets.UTF_8)).contains("\"band\":null");
    }

    @Test
    void aDeletedRowIsATombstoneOfItsKey() {
        SourceRecord out = encoder("id", KeyFormat.STRING).apply(record(key("id"), null));
        assertThat(out.value()).isNull();
        assertThat(new String((byte[]) out.key(), StandardCharsets.UTF_8)).isEqualTo("1");
    }

    @Test
    void aKeyWithoutTheDeclaredColumnIsAClearError() {
        TableRowEncoder<SourceRecord> encoder = encoder("region", KeyFormat.STRING);
        assertThatThrownBy(() -> encoder.apply(record(key("id"), row(1, "ZH", "A")))).isInstanceOf(DataException.class)
                .hasMessageContaining("no column 'region'").hasMessageContaining("[id]");
    }

    private static TableRowEncoder<SourceRecord> encoder(String keyColumns, KeyFormat format) {
        TableRowEncoder<SourceRecord> encoder = new TableRowEncoder<>();
        Map<String, Object> config = new HashMap<>();
        config.put(TableRowEncoder.TOPIC, "geo.risk");
        config.put(TableRowEncoder.KEY_COLUMNS, keyColumns);
        config.put(TableRowEncoder.KEY_FORMAT, format.id());
        encoder.configure(config);
        return encoder;
    }

    /** Debezium's key: a struct of the key columns (in its own order). */
    private static Struct key(String... columns) {
        SchemaBuilder schema = SchemaBuilder.struct().name("key");
        for (String c : columns) {
            schema.field(c, ROW.field(c).schema());
        }
        Struct key = new Struct(schema.build());
        Struct row = row(1, "ZH", "A");
        for (String c : columns) {
            key.put(c, row.get(c));
        }
        return key;
    }

    private static Struct row(int id, String region, String band) {
        return new Struct(ROW).put("id", id).put("region", region).put("band", band).put("rate", new BigDecimal("12.50"))
                .put("updated", Date.from(Instant.parse("2026-12-01T10:00:00Z")));
    }

    private static SourceRecord record(Struct key, Struct value) {
        return new SourceRecord(Map.of(), Map.of(), "hyphae.app.geo.public.geo_risk", null, key.schema(), key, value == null ? null : ROW, value);
    }

    /** What the enrich stage looks up for an event with this value: Keys.encode of the key expression's result. */
    private static byte[] lookup(String keyExpression, KeyFormat format, String eventJson) {
        CelEngine.Result compiled = new CelEngine().compile(new Expression(keyExpression, new Location("t", 1, 1), "key"), Set.of(), ResultKind.ANY);
        assertThat(compiled.issues()).isEmpty();
        Map<String, Object> value = Formats.json().decode("in", eventJson.getBytes(StandardCharsets.UTF_8));
        Event event = new Event("in", null, null, null, value, new RecordHeaders());
        return Keys.encode(compiled.expression().evaluate(event), format);
    }
}
