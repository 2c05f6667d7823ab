package io.hyphae.edge;

import io.hyphae.edge.file.ColumnDefinition;
import io.hyphae.edge.file.ColumnType;
import io.hyphae.edge.file.MirrorDefinition;
import io.hyphae.event.LineageHeaders;
import io.hyphae.format.Formats;
import io.hyphae.route.Format;
import io.hyphae.route.Location;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A mirror's table in a real SQLite file: upserts by key, tombstones, misfits, migration. */
class MirrorTableTest {

    @TempDir
    Path dir;
    private Connection connection;

    private static final List<ColumnDefinition> COLUMNS = List.of(
            new ColumnDefinition("droneId", List.of("droneId"), ColumnType.TEXT),
            new ColumnDefinition("lat", List.of("position", "lat"), ColumnType.REAL),
            new ColumnDefinition("battery", List.of("battery"), ColumnType.INTEGER),
            new ColumnDefinition("armed", List.of("armed"), ColumnType.BOOLEAN),
            new ColumnDefinition("tags", List.of("tags"), ColumnType.JSON));

    private MirrorTable table(List<String> key) throws SQLException {
        EdgeDatabase database = new EdgeDatabase(dir.resolve("node.db"), "rejected");
        connection = database.open();
        database.prepare(connection);
        return new MirrorTable(new MirrorDefinition("drones", "fleet.positions", Format.JSON, key, COLUMNS, Location.UNKNOWN),
                Formats.json(), database, connection);
    }

    @AfterEach
    void close() throws SQLException {
        if (connection != null) {
            connection.close();
        }
    }

    private static ConsumerRecord<byte[], byte[]> record(String key, String value) {
        return new ConsumerRecord<>("fleet.positions", 0, 0, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    private List<String> rows(String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(String.valueOf(rs.getObject(i)));
                }
                rows.add(String.join("|", row));
            }
        }
        return rows;
    }

    @Test
    void upsertsByTheRecordKeyAndDeletesOnATombstone() throws Exception {
        MirrorTable table = table(List.of());
        table.apply(record("d1", "{\"droneId\":\"d1\",\"position\":{\"lat\":1.5},\"battery\":90,\"armed\":true,\"tags\":[\"a\",1]}"));
        table.apply(record("d2", "{\"droneId\":\"d2\",\"position\":{\"lat\":2},\"battery\":80}"));
        table.apply(record("d1", "{\"droneId\":\"d1\",\"position\":{\"lat\":1.75},\"battery\":89,\"armed\":false}"));
        table.flush();
        assertThat(rows("SELECT key, droneId, lat, battery, armed, tags FROM drones ORDER BY key"))
                .containsExactly("d1|d1|1.75|89|0|null", "d2|d2|2.0|80|null|null");
        table.apply(record("d2", null));
        table.flush();
        assertThat(rows("SELECT key FROM drones")).containsExactly("d1");
    }

    @Test
    void keyedByFieldsATombstoneDeletesTheRowItsRecordKeyWrote() throws Exception {
        MirrorTable table = table(List.of("droneId"));
        table.apply(record("k-1", "{\"droneId\":\"d1\",\"position\":{\"lat\":1.5},\"tags\":{\"x\":true}}"));
        table.apply(record("k-1", "{\"droneId\":\"d1\",\"position\":{\"lat\":3.5},\"tags\":{\"x\":true}}"));
        table.flush();
        assertThat(rows("SELECT droneId, lat, tags, hyphae_key FROM drones")).containsExactly("d1|3.5|{\"x\":true}|k-1");
        table.apply(record("k-1", null));
        table.flush();
        assertThat(rows("SELECT count(*) FROM drones")).containsExactly("0");
    }

    @Test
    void aRecordThatDoesNotFitIsRejectedWithTheReasonAndWritesNothing() throws Exception {
        MirrorTable table = table(List.of("droneId"));
        assertThatThrownBy(() -> table.apply(record("k", "{\"droneId\":\"d1\",\"position\":{\"lat\":\"north\"}}")))
                .isInstanceOf(Rejection.class)
                .hasMessage("column 'lat' (real, path position.lat): expected a number but found the string north");
        assertThatThrownBy(() -> table.apply(record("k", "{\"position\":{\"lat\":1}}")))
                .isInstanceOf(Rejection.class).hasMessage("key column 'droneId' (path droneId) is missing");
        assertThatThrownBy(() -> table.apply(record("k", "{not json")))
                .isInstanceOf(Rejection.class).hasMessageStartingWith("cannot decode the record: invalid JSON");
        assertThatThrownBy(() -> table.apply(record("k", "{\"droneId\":\"d1\",\"battery\":12.5}")))
                .isInstanceOf(Rejection.class).hasMessage("column 'battery' (integer, path battery): expected an integer but found the number 12.5");
        table.flush();
        assertThat(rows("SELECT count(*) FROM drones")).containsExactly("0");
    }

    @Test
    void queuedRowsAreWrittenInTheRecordsOrderAcrossUpsertsAndDeletes() throws Exception {
        MirrorTable table = table(List.of());
        table.apply(record("d1", "{\"droneId\":\"d1\",\"battery\":1}"));
        table.apply(record("d2", "{\"droneId\":\"d2\",\"battery\":2}"));
        table.apply(record("d1", null));
        table.apply(record("d2", null));
        table.apply(record("d1", "{\"droneId\":\"d1\",\"battery\":3}"));
        assertThat(rows("SELECT count(*) FROM drones")).as("nothing written before the flush").containsExactly("0");
        table.flush();
        assertThat(rows("SELECT key, battery FROM drones")).containsExactly("d1|3");
    }

    @Test
    void aRecordMarkedAsADeleteDeletesTheRowOfItsRecordKey() throws Exception {
        MirrorTable table = table(List.of("droneId"));
        table.apply(record("d1", "{\"droneId\":\"d1\",\"battery\":1}"));
        table.apply(record("d2", "{\"droneId\":\"d2\",\"battery\":2}"));
        ConsumerRecord<byte[], byte[]> delete = record("d1", "{\"droneId\":\"d1\",\"battery\":null,\"eventId\":\"a-3\"}");
        delete.headers().add(LineageHeaders.OP, "delete".getBytes(StandardCharsets.UTF_8));
        table.apply(delete);
        ConsumerRecord<byte[], byte[]> other = record("d2", "{\"droneId\":\"d2\",\"battery\":4}");
        other.headers().add(LineageHeaders.OP, "upsert".getBytes(StandardCharsets.UTF_8));
        table.apply(other);
        table.flush();
        assertThat(rows("SELECT droneId, battery FROM drones")).containsExactly("d2|4");
    }

    @Test
    void keyedByFieldsTheRowKeepsTheRecordKeyOfItsLastRecordWhenRecordKeysChangeWithinABatch() throws Exception {
        MirrorTable table = table(List.of("droneId"));
        table.apply(record("k-1", "{\"droneId\":\"d1\",\"battery\":1}"));
        table.apply(record("k-1", "{\"droneId\":\"d2\",\"battery\":1}"));
        table.flush();
        // one batch: d1 goes to k-2 and back to k-1; d2 goes to k-3
        table.apply(record("k-2", "{\"droneId\":\"d1\",\"battery\":2}"));
        table.apply(record("k-1", "{\"droneId\":\"d1\",\"battery\":3}"));
        table.apply(record("k-3", "{\"droneId\":\"d2\",\"battery\":4}"));
        table.apply(record("k-3", "{\"droneId\":\"d2\",\"battery\":5}"));
        table.flush();
        assertThat(rows("SELECT droneId, battery, hyphae_key FROM drones ORDER BY droneId")).containsExactly("d1|3|k-1", "d2|5|k-3");
        table.apply(record("k-2", null));
        table.apply(record("k-3", null));
        table.flush();
        assertThat(rows("SELECT droneId, hyphae_key FROM drones")).as("k-2 no longer wrote d1; k-3 wrote d2 last").containsExactly("d1|k-1");
    }

    @Test
    void discardedRowsAreNotWritten() throws Exception {
        MirrorTable table = table(List.of());
        table.apply(record("d1", "{\"droneId\":\"d1\",\"battery\":1}"));
        table.discard();
        table.apply(record("d2", "{\"droneId\":\"d2\",\"battery\":2}"));
        table.flush();
        assertThat(rows("SELECT key FROM drones")).containsExactly("d2");
    }

    @Test
    void aRecordWithoutKeyIsRejectedWhenTheTableIsKeyedByTheRecordKey() throws Exception {
        MirrorTable table = table(List.of());
        assertThatThrownBy(() -> table.apply(record(null, "{\"droneId\":\"d1\"}")))
                .isInstanceOf(Rejection.class).hasMessageStartingWith("the record has no key");
    }

    @Test
    void anExistingTableGetsTheColumnsItLacks() throws Exception {
        try (Connection c = new EdgeDatabase(dir.resolve("node.db"), "rejected").open(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE drones (key TEXT, droneId TEXT, note TEXT)");
            s.execute("INSERT INTO drones VALUES ('d0', 'd0', 'kept')");
        }
        MirrorTable table = table(List.of());
        table.apply(record("d0", "{\"droneId\":\"d0\",\"battery\":5}"));
        table.flush();
        assertThat(rows("SELECT key, note, battery FROM drones")).containsExactly("d0|kept|5");
    }
}
