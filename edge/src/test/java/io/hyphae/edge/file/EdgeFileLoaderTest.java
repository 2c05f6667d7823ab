package io.hyphae.edge.file;

import io.hyphae.route.Format;
import io.hyphae.route.Problem;
import io.hyphae.route.RouteFileException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class EdgeFileLoaderTest {

    private static final String GOOD = """
            node: drone-7
            database: data/drone-7.db
            kafka:
              bootstrap: ${BOOT}
            mirror:
              positions:
                topic: fleet.positions.checked
                key: [droneId]
                columns:
                  droneId: text
                  lat: { path: position.lat, type: real }
                  battery: integer
            publish:
              my_position:
                topic: fleet.reported
                key: droneId
                columns:
                  droneId: text
                  lat: { path: position.lat, type: real }
                deadLetters: fleet.positions.dlq
            """;

    private static EdgeFile load(String text) {
        return new EdgeFileLoader(Map.of("BOOT", "127.0.0.1:9092")::get).load("/edge/drone.yaml", text);
    }

    private static List<String> problems(String text) {
        return catchThrowableOfType(RouteFileException.class, () -> load(text)).problems().stream().map(Problem::format).toList();
    }

    @Test
    void readsNodeDatabaseMirrorsAndPublications() {
        EdgeFile file = load(GOOD);
        assertThat(file.node()).isEqualTo("drone-7");
        assertThat(file.database().toString()).isEqualTo("/edge/data/drone-7.db");
        assertThat(file.bootstrap()).contains("127.0.0.1:9092");
        assertThat(file.rejectedTable()).isEqualTo("rejected");
        MirrorDefinition mirror = file.mirrors().get(0);
        assertThat(mirror.table()).isEqualTo("positions");
        assertThat(mirror.format()).isEqualTo(Format.JSON);
        assertThat(mirror.keyColumns()).containsExactly("droneId");
        assertThat(mirror.keyedByRecord()).isFalse();
        assertThat(mirror.columns()).containsExactly(
                new ColumnDefinition("droneId", List.of("droneId"), ColumnType.TEXT),
                new ColumnDefinition("lat", List.of("position", "lat"), ColumnType.REAL),
                new ColumnDefinition("battery", List.of("battery"), ColumnType.INTEGER));
        PublishDefinition publish = file.publishes().get(0);
        assertThat(publish.keyColumn()).isEqualTo("droneId");
        assertThat(publish.idField()).isEqualTo("eventId");
        assertThat(publish.deadLetters()).contains("fleet.positions.dlq");
    }

    @Test
    void aMirrorWithoutKeyIsKeyedByTheRecordKey() {
        EdgeFile file = load("""
                node: n1
                database: n1.db
                mirror:
                  zones: { topic: zones, columns: { name: text } }
                """);
        assertThat(file.mirrors().get(0).keyedByRecord()).isTrue();
    }

    @Test
    void problemsArePositionedWithTheirFieldPath() {
        assertThat(problems("""
                node: n1
                database: n1.db
                mirror:
                  positions:
                    topic: fleet.positions
                    colums: { id: text }
                """)).containsExactly(
                "/edge/drone.yaml:5:5: mirror.positions.columns: missing required field 'columns'",
                "/edge/drone.yaml:6:5: mirror.positions.colums: unknown field 'colums' (did you mean 'columns'?); expected one of 'topic', "
                        + "'format', 'key', 'columns'");
    }

    @Test
    void everyProblemOfTheFileIsReportedAtOnce() {
        assertThat(problems("""
                node: n 1
                database: n1.db
                mirror:
                  positions:
                    topic: fleet.positions
                    key: [droneId]
                    columns: { id: txt, lat: real }
                  hyphae_x: { topic: t, columns: { a: text } }
                publish:
                  positions: { topic: in, key: id, columns: { id: text } }
                  mine: { topic: in, key: nope, columns: { id: text } }
                """)).containsExactly(
                "/edge/drone.yaml:1:7: node: 'n 1' is not a node id: use letters, digits, '-' and '_'",
                "/edge/drone.yaml:7:20: mirror.positions.columns.id: 'txt' is not one of text, integer, real, boolean, json",
                "/edge/drone.yaml:8:3: mirror.hyphae_x: 'hyphae_x': names starting with 'hyphae_' are Hyphae's own",
                "/edge/drone.yaml:10:3: publish.positions: table 'positions' is already mirrored or published at /edge/drone.yaml:4:3; a table is "
                        + "either a mirror (written by the node) or published (written by the application)",
                "/edge/drone.yaml:11:27: publish.mine.key: key column 'nope' is not one of the columns [id]");
    }

    @Test
    void keyColumnsMustBeColumnsAndTheRecordKeyColumnIsTaken() {
        assertThat(problems("""
                node: n1
                database: n1.db
                mirror:
                  a: { topic: t, key: [id], columns: { droneId: text } }
                  b: { topic: t, columns: { key: text } }
                """)).containsExactly(
                "/edge/drone.yaml:4:23: mirror.a.key: key column 'id' is not one of the columns [droneId]",
                "/edge/drone.yaml:5:27: mirror.b.columns: column 'key' holds the record key when 'key' is absent; name the key columns "
                        + "in 'key' or rename the column");
    }

    @Test
    void aFileThatDoesNothingIsRefused() {
        assertThat(problems("node: n1\ndatabase: n1.db\n")).containsExactly("/edge/drone.yaml:1:1: nothing to do: add 'mirror' or 'publish'");
        assertThat(problems("")).containsExactly("/edge/drone.yaml:1:1: the file is empty; expected 'node', 'database' and 'mirror' or 'publish'");
    }
}
