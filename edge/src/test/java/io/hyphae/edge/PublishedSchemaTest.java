package io.hyphae.edge;

import io.hyphae.edge.file.ColumnDefinition;
import io.hyphae.edge.file.ColumnType;
import io.hyphae.edge.file.PublishDefinition;
import io.hyphae.route.Format;
import io.hyphae.route.Location;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class PublishedSchemaTest {

    @Test
    void everyColumnAtItsPathAndTheIdAreNullableFieldsWithDefaultNull() {
        PublishDefinition publish = new PublishDefinition("my_position", "fleet.reported", Format.AVRO, "droneId", List.of(
                new ColumnDefinition("droneId", List.of("droneId"), ColumnType.TEXT),
                new ColumnDefinition("lat", List.of("position", "lat"), ColumnType.REAL),
                new ColumnDefinition("lon", List.of("position", "lon"), ColumnType.REAL),
                new ColumnDefinition("battery", List.of("battery"), ColumnType.INTEGER),
                new ColumnDefinition("armed", List.of("armed"), ColumnType.BOOLEAN),
                new ColumnDefinition("note", List.of("note"), ColumnType.JSON)), "meta.eventId", Optional.empty(), Location.UNKNOWN);

        Schema schema = PublishedSchema.of(publish);

        assertThat(schema.getFullName()).isEqualTo("io.hyphae.edge.fleet_reported");
        assertThat(schema.getFields()).extracting(Schema.Field::name).containsExactly("droneId", "position", "battery", "armed", "note", "meta");
        assertThat(schema.getFields()).allSatisfy(f -> {
            assertThat(f.schema().getTypes().get(0).getType()).isEqualTo(Schema.Type.NULL);
            assertThat(f.hasDefaultValue()).isTrue();
        });
        assertThat(type(schema, "battery")).isEqualTo(Schema.Type.LONG);
        assertThat(type(schema, "armed")).isEqualTo(Schema.Type.BOOLEAN);
        assertThat(type(schema, "note")).as("json as its text").isEqualTo(Schema.Type.STRING);
        Schema position = schema.getField("position").schema().getTypes().get(1);
        assertThat(position.getFields()).extracting(Schema.Field::name).containsExactly("lat", "lon");
        assertThat(type(position, "lat")).isEqualTo(Schema.Type.DOUBLE);
        assertThat(type(schema.getField("meta").schema().getTypes().get(1), "eventId")).isEqualTo(Schema.Type.STRING);
    }

    private static Schema.Type type(Schema record, String field) {
        return record.getField(field).schema().getTypes().get(1).getType();
    }
}
