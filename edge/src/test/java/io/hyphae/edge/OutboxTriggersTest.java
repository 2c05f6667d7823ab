package io.hyphae.edge;

import io.hyphae.edge.file.ColumnDefinition;
import io.hyphae.edge.file.ColumnType;
import io.hyphae.edge.file.PublishDefinition;
import io.hyphae.route.Format;
import io.hyphae.route.Location;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The triggers put every write of the application in the outbox, in the application's own transaction. */
class OutboxTriggersTest {

    @TempDir
    Path dir;

    private static final PublishDefinition PUBLISH = new PublishDefinition("my_position", "fleet.reported", Format.JSON, "droneId",
            List.of(new ColumnDefinition("droneId", List.of("droneId"), ColumnType.TEXT),
                    new ColumnDefinition("lat", List.of("position", "lat"), ColumnType.REAL)),
            "eventId", Optional.empty(), Location.UNKNOWN);

    private Connection prepared() throws SQLException {
        EdgeDatabase database = new EdgeDatabase(dir.resolve("node.db"), "rejected");
        Connection c = database.open();
        database.prepare(c);
        OutboxTriggers.install(c, database, PUBLISH);
        return c;
    }

    private static List<String> outbox(Connection c) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT seq, tbl, op, row FROM hyphae_outbox ORDER BY seq")) {
            while (rs.next()) {
                rows.add(rs.getLong(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(4));
            }
        }
        return rows;
    }

    @Test
    void insertsUpdatesAndDeletesLandInTheOutboxInOrder() throws Exception {
        try (Connection c = prepared(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO my_position (droneId, lat) VALUES ('d1', 1.5)");
            s.execute("UPDATE my_position SET lat = 2 WHERE droneId = 'd1'");
            s.execute("DELETE FROM my_position WHERE droneId = 'd1'");
            assertThat(outbox(c)).containsExactly(
                    "1 my_position upsert {\"droneId\":\"d1\",\"lat\":1.5}",
                    "2 my_position upsert {\"droneId\":\"d1\",\"lat\":2.0}",
                    "3 my_position delete {\"droneId\":\"d1\"}");
        }
    }

    @Test
    void aRolledBackWriteLeavesNoEventAndAFailedStatementNoneEither() throws Exception {
        try (Connection c = prepared(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("INSERT INTO my_position (droneId, lat) VALUES ('d1', 1.5)");
            c.rollback();
            c.setAutoCommit(true);
            s.execute("CREATE TRIGGER refuse BEFORE INSERT ON my_position WHEN NEW.lat > 90 BEGIN SELECT RAISE(ABORT, 'lat'); END");
            assertThatThrownBy(() -> s.execute("INSERT INTO my_position (droneId, lat) VALUES ('d2', 91)")).isInstanceOf(SQLException.class);
            assertThat(outbox(c)).isEmpty();
            assertThat(s.executeQuery("SELECT count(*) FROM my_position").getLong(1)).isZero();
        }
    }

    @Test
    void installingAgainReplacesTheTriggersInsteadOfDoublingThem() throws Exception {
        prepared().close();
        try (Connection c = prepared(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO my_position (droneId, lat) VALUES ('d1', 1.5)");
            assertThat(outbox(c)).hasSize(1);
        }
    }
}
