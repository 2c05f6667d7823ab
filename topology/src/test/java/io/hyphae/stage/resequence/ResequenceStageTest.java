package io.hyphae.stage.resequence;

import io.hyphae.event.LineageHeaders;
import io.hyphae.plan.TopicSpec;
import io.hyphae.route.RouteFileException;
import io.hyphae.route.loader.RouteFileLoader;
import io.hyphae.runtime.RouteDriver;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class ResequenceStageTest {

    static final long T0 = 1_700_000_000_000L;

    static String route(String resequence) {
        return """
                application: fleet
                routes:
                  telemetry:
                    from: telemetry
                    stages:
                      - ordered: { resequence: %s }
                      - after: { filter: { when: "true" } }
                """.formatted(resequence);
    }

    static RouteDriver driver(String resequence) {
        return RouteDriver.of(route(resequence), new Properties(), Instant.ofEpochMilli(T0));
    }

    static void send(RouteDriver route, String key, long seq) {
        route.send("telemetry", key, "{\"seq\": " + seq + "}", T0);
    }

    static List<String> seqs(RouteDriver route, String topic) {
        return route.readValues(topic).stream().map(v -> v.replaceAll("\\{\"seq\": ?(-?\\d+).*", "$1")).toList();
    }

    @Test
    void eventsAreReleasedInConsecutiveOrderPerGroup() {
        try (RouteDriver route = driver("{ by: value.seq, start: 1 }")) {
            send(route, "d1", 3);
            send(route, "d2", 2);
            send(route, "d1", 1);
            send(route, "d2", 1);
            send(route, "d1", 2);
            send(route, "d1", 4);
            var out = route.read("fleet.telemetry.ordered");
            assertThat(out).extracting(r -> RouteDriver.text(r.key()) + ":" + RouteDriver.text(r.value()).replaceAll("\\D", ""))
                    .containsExactly("d1:1", "d2:1", "d2:2", "d1:2", "d1:3", "d1:4");
            assertThat(seqs(route, "fleet.telemetry.after")).containsExactly("1", "1", "2", "2", "3", "4");
            assertThat(out).allSatisfy(r -> assertThat(r.headers().lastHeader(LineageHeaders.RESEQUENCE_GAP)).isNull());
        }
    }

    @Test
    void aGapIsWaitedForAtMostTheTimeoutThenSkippedAndReported() {
        try (RouteDriver route = driver("{ by: value.seq, start: 1, timeout: 30s }")) {
            send(route, "d1", 1);
            send(route, "d1", 4);
            send(route, "d1", 5);
            send(route, "d1", 7);
            assertThat(seqs(route, "fleet.telemetry.ordered")).containsExactly("1");
            route.driver.advanceWallClockTime(Duration.ofSeconds(29));
            assertThat(seqs(route, "fleet.telemetry.ordered")).isEmpty();
            route.driver.advanceWallClockTime(Duration.ofSeconds(2));
            // 2 and 3 are skipped; the wait for 6 starts now.
            List<TestRecord<byte[], byte[]>> released = route.read("fleet.telemetry.ordered");
            assertThat(released).extracting(r -> RouteDriver.text(r.value())).containsExactly("{\"seq\": 4}", "{\"seq\": 5}");
            assertThat(RouteDriver.header(released.get(0), LineageHeaders.RESEQUENCE_GAP)).isEqualTo("2-3");
            assertThat(released.get(1).headers().lastHeader(LineageHeaders.RESEQUENCE_GAP)).isNull();
            route.driver.advanceWallClockTime(Duration.ofSeconds(31));
            released = route.read("fleet.telemetry.ordered");
            assertThat(released).extracting(r -> RouteDriver.text(r.value())).containsExactly("{\"seq\": 7}");
            assertThat(RouteDriver.header(released.get(0), LineageHeaders.RESEQUENCE_GAP)).isEqualTo("6-6");
            assertThat(route.metric("gaps-total", "telemetry.ordered")).isEqualTo(2.0);
            // The gap header travels with the event to the next stage.
            assertThat(route.read("fleet.telemetry.after")).extracting(r -> RouteDriver.header(r, LineageHeaders.RESEQUENCE_GAP))
                    .containsExactly(null, "2-3", null, "6-6");
        }
    }

    @Test
    void anEventBehindWhatWasReleasedIsLateAndHandledAsConfigured() {
        try (RouteDriver route = driver("{ by: value.seq, start: 1, timeout: 1s }")) {
            send(route, "d1", 1);
            send(route, "d1", 3);
            route.driver.advanceWallClockTime(Duration.ofSeconds(2));
            send(route, "d1", 2);
            send(route, "d1", 1);
            assertThat(seqs(route, "fleet.telemetry.ordered")).containsExactly("1", "3");
            var dead = route.read("fleet.telemetry.dlq");
            assertThat(dead).extracting(r -> RouteDriver.header(r, LineageHeaders.ERROR_REASON)).containsExactly(
                    "late: sequence number 2 is not after 3, already released", "late: sequence number 1 is not after 3, already released");
            assertThat(route.metric("late-total", "telemetry.ordered")).isEqualTo(2.0);
        }
        try (RouteDriver route = driver("{ by: value.seq, start: 1, onLate: pass }")) {
            send(route, "d1", 1);
            send(route, "d1", 1);
            assertThat(seqs(route, "fleet.telemetry.ordered")).containsExactly("1", "1");
        }
        try (RouteDriver route = driver("{ by: value.seq, start: 1, onLate: drop }")) {
            send(route, "d1", 1);
            send(route, "d1", 1);
            assertThat(seqs(route, "fleet.telemetry.ordered")).containsExactly("1");
            assertThat(route.metric("dropped-total", "telemetry.ordered")).isEqualTo(1.0);
        }
    }

    @Test
    void withoutAStartAGroupBeginsAtTheLowestNumberHeldOnceItWaitedTheTimeout() {
        try (RouteDriver route = driver("{ by: value.seq, timeout: 10s }")) {
            send(route, "d1", 12);
            send(route, "d1", 11);
            send(route, "d1", 14);
            assertThat(route.read("fleet.telemetry.ordered")).isEmpty();
            route.driver.advanceWallClockTime(Duration.ofSeconds(10));
            assertThat(seqs(route, "fleet.telemetry.ordered")).containsExactly("11", "12");
            send(route, "d1", 13);
            assertThat(seqs(route, "fleet.telemetry.ordered")).containsExactly("13", "14");
            assertThat(route.metric("gaps-total", "telemetry.ordered")).isZero();
        }
    }

    @Test
    void theTimeATaskWasDownIsNotWaitedForAGap() {
        // What a process held when it crashed, as its successor restores it from the changelogs.
        Map<String, List<KeyValue<Bytes, byte[]>>> restored = new HashMap<>();
        try (RouteDriver before = driver("{ by: value.seq, start: 1, timeout: 30s }")) {
            send(before, "d1", 1);
            send(before, "d1", 3);
            assertThat(seqs(before, "fleet.telemetry.ordered")).containsExactly("1");
            for (String store : List.of("telemetry.ordered.held", "telemetry.ordered.groups")) {
                try (KeyValueIterator<Bytes, byte[]> all = before.driver.<Bytes, byte[]>getKeyValueStore(store).all()) {
                    List<KeyValue<Bytes, byte[]>> entries = new ArrayList<>();
                    all.forEachRemaining(entries::add);
                    restored.put(store, entries);
                }
            }
        }
        // The successor's task begins a minute later; 2 is still to come, in what the crashed one had not processed.
        try (RouteDriver after = RouteDriver.of(route("{ by: value.seq, start: 1, timeout: 30s }"), new Properties(),
                Instant.ofEpochMilli(T0).plus(Duration.ofMinutes(1)))) {
            restored.forEach((store, entries) -> after.driver.<Bytes, byte[]>getKeyValueStore(store).putAll(entries));
            after.driver.advanceWallClockTime(Duration.ofSeconds(1));
            assertThat(after.read("fleet.telemetry.ordered")).as("3 still waits for 2").isEmpty();
            send(after, "d1", 2);
            var released = after.read("fleet.telemetry.ordered");
            assertThat(released).extracting(r -> RouteDriver.text(r.value())).containsExactly("{\"seq\": 2}", "{\"seq\": 3}");
            assertThat(released).allSatisfy(r -> assertThat(r.headers().lastHeader(LineageHeaders.RESEQUENCE_GAP)).isNull());
            // A gap the successor waits for is skipped once it waited the timeout itself.
            send(after, "d1", 5);
            after.driver.advanceWallClockTime(Duration.ofSeconds(31));
            released = after.read("fleet.telemetry.ordered");
            assertThat(released).extracting(r -> RouteDriver.header(r, LineageHeaders.RESEQUENCE_GAP)).containsExactly("4-4");
        }
    }

    @Test
    void aFullGroupReleasesItsOldestEarly() {
        try (RouteDriver route = driver("{ by: value.seq, start: 1, capacity: 2 }")) {
            send(route, "d1", 3);
            send(route, "d1", 5);
            assertThat(route.read("fleet.telemetry.ordered")).isEmpty();
            send(route, "d1", 4);
            // Three held, two allowed: 3 goes early (skipping 1-2), and 4 and 5 follow it.
            var out = route.read("fleet.telemetry.ordered");
            assertThat(out).extracting(r -> RouteDriver.text(r.value())).containsExactly("{\"seq\": 3}", "{\"seq\": 4}", "{\"seq\": 5}");
            assertThat(RouteDriver.header(out.get(0), LineageHeaders.RESEQUENCE_GAP)).isEqualTo("1-2");
            assertThat(route.metric("released-early-total", "telemetry.ordered")).isEqualTo(1.0);
        }
    }

    @Test
    void timeModeReleasesInEventTimeOrderAfterTheGrace() {
        try (RouteDriver route = driver("{ mode: time, by: \"timestamp(value.at)\", grace: 10s, onLate: pass }")) {
            route.send("telemetry", "d1", "{\"at\": \"2026-01-01T00:00:05Z\"}", T0);
            route.send("telemetry", "d1", "{\"at\": \"2026-01-01T00:00:03Z\"}", T0);
            route.send("telemetry", "d1", "{\"at\": \"2026-01-01T00:00:04Z\"}", T0);
            route.send("telemetry", "d1", "{\"at\": \"2026-01-01T00:00:14Z\"}", T0);
            // 14s - 10s grace: what is at or before 4s is released.
            assertThat(route.readValues("fleet.telemetry.ordered")).containsExactly(
                    "{\"at\": \"2026-01-01T00:00:03Z\"}", "{\"at\": \"2026-01-01T00:00:04Z\"}");
            // An idle group is flushed once it waited the grace on the wall clock.
            route.driver.advanceWallClockTime(Duration.ofSeconds(10));
            assertThat(route.readValues("fleet.telemetry.ordered")).containsExactly(
                    "{\"at\": \"2026-01-01T00:00:05Z\"}", "{\"at\": \"2026-01-01T00:00:14Z\"}");
            route.send("telemetry", "d1", "{\"at\": \"2026-01-01T00:00:01Z\"}", T0);
            assertThat(route.readValues("fleet.telemetry.ordered")).containsExactly("{\"at\": \"2026-01-01T00:00:01Z\"}");
            assertThat(route.metric("late-total", "telemetry.ordered")).isEqualTo(1.0);
        }
    }

    @Test
    void aSequenceNumberThatIsNotAWholeNumberIsADeadLetter() {
        try (RouteDriver route = driver("{ by: value.seq, start: 1 }")) {
            route.send("telemetry", "d1", "{\"seq\": \"three\"}", T0);
            var dead = route.read("fleet.telemetry.dlq");
            assertThat(dead).hasSize(1);
            assertThat(RouteDriver.header(dead.get(0), LineageHeaders.ERROR_REASON))
                    .isEqualTo("resequence: 'by' (value.seq) must give a whole sequence number but gave three (String)");
        }
    }

    @Test
    void heldEventsAreInTheChangelogOfTheStoreUntilReleased() {
        try (RouteDriver route = driver("{ by: value.seq, start: 1 }")) {
            send(route, "d1", 2);
            send(route, "d1", 1);
            var changes = route.read("fleet-telemetry.ordered.held-changelog");
            // 2 held (its bytes), then deleted (a tombstone) once released after 1.
            assertThat(changes).hasSize(2);
            assertThat(RouteDriver.text(changes.get(0).value())).contains("{\"seq\": 2}");
            assertThat(changes.get(1).value()).isNull();
            assertThat(route.read("fleet-telemetry.ordered.groups-changelog")).isNotEmpty();
        }
    }

    @Test
    void aGroupOtherThanTheRecordKeyRepartitionsTheEvents() {
        try (RouteDriver route = driver("{ by: value.seq, group: value.drone, start: 1 }")) {
            assertThat(route.app.topics()).filteredOn(t -> t.role() == TopicSpec.Role.REPARTITION).extracting(TopicSpec::name, TopicSpec::copartitionWith)
                    .containsExactly(tuple("fleet.telemetry.ordered.repartition", Optional.of("telemetry")));
            route.send("telemetry", "a", "{\"drone\": \"d1\", \"seq\": 2}", T0);
            route.send("telemetry", "b", "{\"drone\": \"d1\", \"seq\": 1}", T0);
            assertThat(route.read("fleet.telemetry.ordered")).extracting(r -> RouteDriver.text(r.key())).containsExactly("b", "a");
        }
    }

    @Test
    void itsFieldsAreCheckedWithPositions() {
        assertThatThrownBy(() -> new RouteFileLoader(n -> null).load("routes.yaml",
                route("{ mode: time, by: value.at, timeout: 5s, capacity: 0, onLate: later }")))
                .isInstanceOfSatisfying(RouteFileException.class, e -> assertThat(e.problems()).extracting(p -> p.format())
                        .anySatisfy(p -> assertThat(p).startsWith("routes.yaml:6:").contains("ordered.resequence.timeout").contains("'timeout' applies to mode: sequence"))
                        .anySatisfy(p -> assertThat(p).contains("ordered.resequence.capacity").contains("must be between 1 and"))
                        .anySatisfy(p -> assertThat(p).contains("ordered.resequence.onLate").contains("not one of drop, dead-letter, pass")));
        assertThatThrownBy(() -> new RouteFileLoader(n -> null).load("routes.yaml", route("{ group: value.drone }")))
                .isInstanceOfSatisfying(RouteFileException.class, e -> assertThat(e.problems()).extracting(p -> p.format())
                        .anySatisfy(p -> assertThat(p).contains("ordered.resequence.by").contains("missing required field 'by'")));
    }
}
