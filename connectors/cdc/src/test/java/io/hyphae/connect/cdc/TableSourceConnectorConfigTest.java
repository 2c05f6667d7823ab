package io.hyphae.connect.cdc;

import io.hyphae.route.RouteFile;
import io.hyphae.route.TableDefinition;
import io.hyphae.route.loader.RouteFileLoader;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The Debezium configuration a table source renders, from the insurance example's route file. */
class TableSourceConnectorConfigTest {

    private static final Path EXAMPLE = Path.of("../../examples/insurance/postgres/insurance-postgres.yaml");

    private static RouteFile example() {
        return new RouteFileLoader(Map.of("PGPASSWORD", "hunter2", "PGPORT", "55432")::get).load(EXAMPLE);
    }

    @Test
    void rendersAPgoutputConnectorOfThatTableAloneWithItsSlotPublicationAndTransformations() {
        RouteFile file = example();
        TableDefinition geo = file.tables().get("geo-risk");
        Map<String, String> c = TableSourceConnectorConfig.render(file, geo, true);
        assertThat(TableSourceConnectorConfig.connector(file, geo)).isEqualTo("insurance-pg-table-geo-risk");
        assertThat(c).containsEntry("connector.class", "io.debezium.connector.postgresql.PostgresConnector")
                .containsEntry("database.hostname", "127.0.0.1").containsEntry("database.port", "55432")
                .containsEntry("database.dbname", "insurance").containsEntry("database.user", "hyphae_cdc")
                .containsEntry("database.password", "hunter2")
                .containsEntry("plugin.name", "pgoutput")
                .containsEntry("slot.name", "hyphae_insurance_pg_geo_risk")
                .containsEntry("publication.name", "hyphae_insurance_pg_geo_risk")
                .containsEntry("publication.autocreate.mode", "filtered")
                .containsEntry("table.include.list", "public\\.geo_risk")
                .containsEntry("column.include.list", "public\\.geo_risk\\.postal_code,public\\.geo_risk\\.region,public\\.geo_risk\\.accidents_per_1000")
                .containsEntry("message.key.columns", "public\\.geo_risk:postal_code")
                .containsEntry("heartbeat.interval.ms", "10000")
                .containsEntry("key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter")
                .containsEntry("transforms", "heartbeat,unwrap,row")
                .containsEntry("transforms.unwrap.type", "io.debezium.transforms.ExtractNewRecordState")
                .containsEntry("transforms.unwrap.delete.tombstone.handling.mode", "tombstone")
                .containsEntry("transforms.row.type", TableRowEncoder.class.getName())
                .containsEntry("transforms.row.topic", "geo.accident-volume-pg")
                .containsEntry("transforms.row.key.columns", "postal_code")
                .containsEntry("transforms.row.key.format", "string")
                .containsEntry("transforms.row.format", "json")
                .containsEntry("topic.creation.default.cleanup.policy", "compact");
        assertThat("__debezium-heartbeat.hyphae.insurance-pg.geo-risk").matches(c.get("predicates.heartbeat.pattern"));
        assertThat("geo.accident-volume-pg").doesNotMatch(c.get("predicates.heartbeat.pattern"));
    }

    @Test
    void masksThePasswordForPrinting() {
        RouteFile file = example();
        Map<String, String> c = TableSourceConnectorConfig.render(file, file.tables().get("geo-risk"), false);
        assertThat(c).containsEntry("database.password", TableSourceConnectorConfig.MASK);
        assertThat(c.values()).noneMatch(v -> v.contains("hunter2"));
    }

    @Test
    void theEncoderAcceptsTheRenderedSettings() {
        RouteFile file = example();
        Map<String, String> c = TableSourceConnectorConfig.render(file, file.tables().get("geo-risk"), true);
        Map<String, Object> encoder = new HashMap<>();
        c.forEach((k, v) -> {
            if (k.startsWith("transforms.row.") && !k.equals("transforms.row.type")) {
                encoder.put(k.substring("transforms.row.".length()), v);
            }
        });
        TableRowEncoder<SourceRecord> row = new TableRowEncoder<>();
        row.configure(encoder);
        assertThat(row.config().names()).containsAll(encoder.keySet());
    }
}
