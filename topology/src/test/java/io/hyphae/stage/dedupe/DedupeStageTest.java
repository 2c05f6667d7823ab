package io.hyphae.stage.dedupe;

import io.hyphae.event.LineageHeaders;
import io.hyphae.plan.TopicSpec;
import io.hyphae.route.RouteFileException;
import io.hyphae.route.loader.RouteFileLoader;
import io.hyphae.runtime.RouteDriver;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class DedupeStageTest {

    static final long T0 = 1_700_000_000_000L;

    static String route(String dedupe) {
        return """
                application: fleet
                routes:
                  telemetry:
                    from: telemetry
                    stages:
                      - unique: { dedupe: %s }
                      - after: { filter: { when: "true" } }
                """.formatted(dedupe);
    }

    @Test
    void aDuplicateWithinTheWindowIsDroppedAndCountedAndOneAfterItPasses() {
        try (RouteDriver route = RouteDriver.of(route("{ id: value.eventId, within: 1m }"))) {
            route.send("telemetry", "d1", "{\"eventId\": \"e1\", \"n\": 1}", T0);
            route.send("telemetry", "d1", "{\"eventId\": \"e1\", \"n\": 2}", T0 + 10_000);
            route.send("telemetry", "d1", "{\"eventId\": \"e2\", \"n\": 3}", T0 + 20_000);
            // Out of order, still within a minute of the first e1: a duplicate too.
            route.send("telemetry", "d1", "{\"eventId\": \"e1\", \"n\": 4}", T0 - 30_000);
            // Over a minute after the first e1: remembered no longer.
            route.send("telemetry", "d1", "{\"eventId\": \"e1\", \"n\": 5}", T0 + 61_000);
            assertThat(route.readValues("fleet.telemetry.unique")).containsExactly(
                    "{\"eventId\": \"e1\", \"n\": 1}", "{\"eventId\": \"e2\", \"n\": 3}", "{\"eventId\": \"e1\", \"n\": 5}");
            assertThat(route.readValues("fleet.telemetry.after")).hasSize(3);
            assertThat(route.read("fleet.telemetry.dlq")).isEmpty();
            assertThat(route.metric("duplicates-total", "telemetry.unique")).isEqualTo(2.0);
            assertThat(route.metric("dropped-total", "telemetry.unique")).isEqualTo(2.0);
        }
    }

    @Test
    void deadLetteredAndAuditedDuplicatesLeaveATrace() {
        try (RouteDriver route = RouteDriver.of(route("{ id: value.eventId, within: 1h, onDuplicate: dead-letter, audit: true }"))) {
            route.send("telemetry", "d1", "{\"eventId\": \"e1\"}", T0);
            route.send("telemetry", "d1", "{\"eventId\": \"e1\", \"again\": true}", T0 + 1);
            assertThat(route.readValues("fleet.telemetry.unique")).containsExactly("{\"eventId\": \"e1\"}");
            assertThat(route.readValues("fleet.telemetry.unique.duplicates")).containsExactly("{\"eventId\": \"e1\", \"again\": true}");
            var dead = route.read("fleet.telemetry.dlq");
            assertThat(dead).hasSize(1);
            assertThat(RouteDriver.header(dead.get(0), LineageHeaders.ERROR_REASON))
                    .isEqualTo("duplicate: id 'e1' was first seen at telemetry-0@0");
            assertThat(RouteDriver.text(dead.get(0).value())).isEqualTo("{\"eventId\": \"e1\", \"again\": true}");
        }
    }

    @Test
    void theSameInputRecordProcessedAgainIsNotADuplicateOfItself() {
        try (RouteDriver route = RouteDriver.of(route("{ id: value.eventId, within: 1h }"))) {
            // hyphae.source names the input record an event came from: the same coordinates again is the same record replayed.
            route.send("telemetry", "d1", "{\"eventId\": \"e1\"}", source("telemetry-0@7"), T0);
            route.send("telemetry", "d1", "{\"eventId\": \"e1\"}", source("telemetry-0@7"), T0);
            route.send("telemetry", "d1", "{\"eventId\": \"e1\"}", source("telemetry-0@8"), T0);
            assertThat(route.read("fleet.telemetry.unique")).hasSize(2)
                    .allSatisfy(r -> assertThat(RouteDriver.header(r, LineageHeaders.SOURCE)).isEqualTo("telemetry-0@7"));
            assertThat(route.metric("duplicates-total", "telemetry.unique")).isEqualTo(1.0);
        }
    }

    @Test
    void aNullIdIsADeadLetter() {
        try (RouteDriver route = RouteDriver.of(route("{ id: value.eventId, within: 1h }"))) {
            route.send("telemetry", "d1", "{\"eventId\": null}", T0);
            var dead = route.read("fleet.telemetry.dlq");
            assertThat(dead).hasSize(1);
            assertThat(RouteDriver.header(dead.get(0), LineageHeaders.ERROR_REASON)).contains("dedupe: the id 'value.eventId' is null");
        }
    }

    @Test
    void everyIdSeenReachesTheStoresChangelogWithItsCoordinates() {
        // The changelog is what rebuilds the store after a crash or on another instance (the test driver restores
        // nothing; DedupeCrashIT kills a real process and checks the result).
        try (RouteDriver route = RouteDriver.of(route("{ id: value.eventId, within: 1h }"))) {
            route.send("telemetry", "d1", "{\"eventId\": \"e1\"}", T0);
            route.send("telemetry", "d1", "{\"eventId\": \"e1\"}", T0 + 1);
            route.send("telemetry", "d2", "{\"eventId\": \"e2\"}", T0 + 2);
            var changelog = route.read("fleet-telemetry.unique.seen-changelog");
            assertThat(changelog).extracting(r -> RouteDriver.text(r.value())).containsExactly("telemetry-0@0", "telemetry-0@2");
            assertThat(changelog).extracting(r -> RouteDriver.text(r.key())).allSatisfy(k -> assertThat(k).startsWith("e"));
        }
    }

    @Test
    void thePlanHoldsTheChangelogTheAuditTopicAndARepartitionTopicForAnotherPartitionKey() {
        try (RouteDriver route = RouteDriver.of(route("{ id: value.eventId, within: 1h, audit: true, partitionBy: value.eventId }"))) {
            assertThat(route.app.topics()).extracting(TopicSpec::name, TopicSpec::role).contains(
                    tuple("fleet-telemetry.unique.seen-changelog", TopicSpec.Role.CHANGELOG),
                    tuple("fleet.telemetry.unique.duplicates", TopicSpec.Role.OUTPUT),
                    tuple("fleet.telemetry.unique.repartition", TopicSpec.Role.REPARTITION));
            // Through the repartition topic, by event id: duplicates with different record keys meet.
            route.send("telemetry", "d1", "{\"eventId\": \"e1\"}", T0);
            route.send("telemetry", "d2", "{\"eventId\": \"e1\"}", T0 + 1);
            assertThat(route.read("fleet.telemetry.unique.repartition")).hasSize(2);
            assertThat(route.read("fleet.telemetry.unique")).hasSize(1);
        }
        try (RouteDriver route = RouteDriver.of(route("{ id: value.eventId, within: 1h }"))) {
            assertThat(route.app.topics()).extracting(TopicSpec::role).doesNotContain(TopicSpec.Role.REPARTITION, TopicSpec.Role.OUTPUT);
        }
    }

    @Test
    void itsFieldsAreCheckedWithPositions() {
        assertThatThrownBy(() -> new RouteFileLoader(n -> null).load("routes.yaml", route("{ id: \"value.eventId +\", within: 10, onDuplicate: keep }")))
                .isInstanceOfSatisfying(RouteFileException.class, e -> assertThat(e.problems()).extracting(p -> p.format())
                        .anySatisfy(p -> assertThat(p).startsWith("routes.yaml:6:").contains("unique.dedupe.within").contains("expected a duration"))
                        .anySatisfy(p -> assertThat(p).contains("unique.dedupe.onDuplicate").contains("'keep' is not one of drop, dead-letter")));
        assertThatThrownBy(() -> new RouteFileLoader(n -> null).load("routes.yaml", route("{ within: 1h }")))
                .isInstanceOfSatisfying(RouteFileException.class, e -> assertThat(e.problems()).extracting(p -> p.format())
                        .anySatisfy(p -> assertThat(p).contains("unique.dedupe.id").contains("missing required field 'id'")));
        assertThatThrownBy(() -> new RouteFileLoader(n -> null).load("routes.yaml", route("{ id: \"value.eventId +\", within: 1h }")))
                .isInstanceOfSatisfying(RouteFileException.class, e -> assertThat(e.problems()).extracting(p -> p.format())
                        .anySatisfy(p -> assertThat(p).contains("unique.dedupe.id").contains("invalid CEL")));
    }

    private static RecordHeaders source(String coordinates) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(LineageHeaders.SOURCE, coordinates.getBytes(StandardCharsets.UTF_8));
        return headers;
    }
}
