package io.hyphae.stage.split;

import io.hyphae.event.LineageHeaders;
import io.hyphae.format.avro.AvroFormat;
import io.hyphae.runtime.RouteDriver;
import org.apache.avro.Schema;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Split over Avro: the children of an array field, and the schemas they are written with. */
class SplitAvroTest {

    static final String BATCH = """
            {"type": "record", "name": "Batch", "namespace": "io.hyphae.test", "fields": [
              {"name": "drone", "type": "string"},
              {"name": "readings", "type": {"type": "array", "items": {"type": "record", "name": "Reading", "fields": [
                {"name": "seq", "type": "long"},
                {"name": "alt", "type": "int"},
                {"name": "note", "type": ["null", "string"], "default": null}]}}},
              {"name": "codes", "type": {"type": "array", "items": "string"}},
              {"name": "mixed", "type": {"type": "array", "items": ["string", "long"]}}
            ]}""";

    @TempDir
    Path dir;

    RouteDriver driver(String split) throws IOException {
        Files.writeString(dir.resolve("Batch.avsc"), BATCH);
        Path routes = dir.resolve("routes.yaml");
        Files.writeString(routes, """
                application: fleet
                routes:
                  batches:
                    from: batches
                    format: avro
                    schema: Batch.avsc
                    stages:
                      - readings: { split: %s }
                      - passed: { filter: { when: "true" } }
                """.formatted(split));
        return RouteDriver.of(routes);
    }

    static final String PARENT = """
            {"drone": "d7", "readings": [{"seq": 1, "alt": 120, "note": null}, {"seq": 2, "alt": 80, "note": "gusty"}],
             "codes": ["E1", "E2"], "mixed": ["E1", 7]}""";

    Schema writerSchema(RouteDriver route, TestRecord<byte[], byte[]> record) {
        return route.registry.byId(AvroFormat.schemaId(record.value()).orElseThrow());
    }

    @Test
    void recordItemsBecomeChildrenWrittenWithTheItemsRecordSchemaPlusTheKeptFields() throws IOException {
        try (RouteDriver route = driver("{ items: value.readings, keep: [drone] }")) {
            route.sendJson("batches", "b1", PARENT.replace("\n", ""));
            List<TestRecord<byte[], byte[]>> out = route.read("fleet.batches.readings");
            assertThat(route.read("fleet.batches.dlq")).isEmpty();
            assertThat(out).extracting(r -> route.json("fleet.batches.readings", r.value())).containsExactly(
                    "{\"seq\":1,\"alt\":120,\"note\":null,\"drone\":\"d7\"}",
                    "{\"seq\":2,\"alt\":80,\"note\":\"gusty\",\"drone\":\"d7\"}");
            assertThat(out).extracting(r -> RouteDriver.header(r, LineageHeaders.SPLIT)).containsExactly("1/2", "2/2");
            Schema child = writerSchema(route, out.get(0));
            assertThat(writerSchema(route, out.get(1))).isEqualTo(child);
            // The item's own record, its field types as declared; the kept field appended, nullable.
            assertThat(child.getFullName()).isEqualTo("io.hyphae.test.Reading");
            assertThat(child.getField("seq").schema().getType()).isEqualTo(Schema.Type.LONG);
            assertThat(child.getField("alt").schema().getType()).isEqualTo(Schema.Type.INT);
            assertThat(child.getField("note").schema().toString()).isEqualTo("[\"null\",\"string\"]");
            assertThat(child.getField("drone").schema().toString()).isEqualTo("[\"null\",\"string\"]");
            assertThat(route.registry.latest("fleet.batches.readings-value")).contains(child);
            // The next stage forwards the children's bytes, schema id and all.
            assertThat(route.read("fleet.batches.passed")).extracting(TestRecord::value).containsExactlyElementsOf(
                    out.stream().map(TestRecord::value).toList());
        }
    }

    @Test
    void otherItemsBecomeChildrenOfOneItemField() throws IOException {
        try (RouteDriver route = driver("{ items: value.codes, keep: [drone] }")) {
            route.sendJson("batches", "b1", PARENT.replace("\n", ""));
            List<TestRecord<byte[], byte[]>> out = route.read("fleet.batches.readings");
            assertThat(out).extracting(r -> route.json("fleet.batches.readings", r.value())).containsExactly(
                    "{\"item\":\"E1\",\"drone\":\"d7\"}", "{\"item\":\"E2\",\"drone\":\"d7\"}");
            assertThat(out).extracting(r -> RouteDriver.header(r, LineageHeaders.SPLIT)).containsExactly("1/2", "2/2");
            Schema child = writerSchema(route, out.get(0));
            assertThat(writerSchema(route, out.get(1))).isEqualTo(child);
            // A record of its own, named after the stage topic: the item field of the array's item type, then the kept fields.
            assertThat(child.getFullName()).isEqualTo("io.hyphae.derived.fleet_batches_readings");
            assertThat(child.getFields()).extracting(Schema.Field::name).containsExactly("item", "drone");
            assertThat(child.getField("item").schema().toString()).isEqualTo("[\"null\",\"string\"]");
        }
    }

    @Test
    void itemsOfAUnionAreWrittenWithTheUnionSoThatEveryChildHasOneSchema() throws IOException {
        try (RouteDriver route = driver("{ items: value.mixed }")) {
            route.sendJson("batches", "b1", PARENT.replace("\n", ""));
            List<TestRecord<byte[], byte[]>> out = route.read("fleet.batches.readings");
            assertThat(route.read("fleet.batches.dlq")).isEmpty();
            assertThat(out).extracting(r -> route.json("fleet.batches.readings", r.value())).containsExactly("{\"item\":\"E1\"}", "{\"item\":7}");
            // Typed by its value, the second child's item (a long) would not be compatible with the first's (a string).
            Schema child = writerSchema(route, out.get(0));
            assertThat(writerSchema(route, out.get(1))).isEqualTo(child);
            assertThat(child.getField("item").schema().toString()).isEqualTo("[\"null\",\"string\",\"long\"]");
            assertThat(route.read("fleet.batches.passed")).hasSize(2);
        }
    }
}
