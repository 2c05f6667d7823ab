package io.hyphae.stage.split;

import io.hyphae.event.LineageHeaders;
import io.hyphae.route.RouteFileException;
import io.hyphae.route.loader.RouteFileLoader;
import io.hyphae.runtime.RouteDriver;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SplitStageTest {

    static String route(String split) {
        return """
                application: fleet
                routes:
                  batches:
                    from: batches
                    stages:
                      - readings: { split: %s }
                      - high: { filter: { when: "value.alt > 100" } }
                """.formatted(split);
    }

    @Test
    void eachMapItemBecomesAnEventWithTheKeptParentFieldsItsKeyAndItsIndex() {
        try (RouteDriver route = RouteDriver.of(route("{ items: value.readings, keep: [drone, meta.batch], key: \"value.drone + '-' + string(value.seq)\" }"))) {
            route.send("batches", "b1", """
                    {"drone": "d7", "meta": {"batch": 3, "other": true}, "readings": [{"seq": 1, "alt": 120}, {"seq": 2, "alt": 80}]}""");
            var out = route.read("fleet.batches.readings");
            assertThat(out).extracting(r -> RouteDriver.text(r.value())).containsExactly(
                    "{\"seq\":1,\"alt\":120,\"drone\":\"d7\",\"meta\":{\"batch\":3}}",
                    "{\"seq\":2,\"alt\":80,\"drone\":\"d7\",\"meta\":{\"batch\":3}}");
            assertThat(out).extracting(r -> RouteDriver.text(r.key())).containsExactly("d7-1", "d7-2");
            assertThat(out).extracting(r -> RouteDriver.header(r, LineageHeaders.SPLIT)).containsExactly("1/2", "2/2");
            assertThat(out).allSatisfy(r -> assertThat(RouteDriver.header(r, LineageHeaders.SOURCE)).isEqualTo("batches-0@0"));
            // The children go on through the route as events of their own.
            assertThat(route.read("fleet.batches.high")).extracting(r -> RouteDriver.text(r.key())).containsExactly("d7-1");
            assertThat(route.metric("split-children-total", "batches.readings")).isEqualTo(2.0);
        }
    }

    @Test
    void anItemThatIsNotAMapIsWrappedAndKeepsTheParentsKey() {
        try (RouteDriver route = RouteDriver.of(route("{ items: value.codes }"))) {
            route.send("batches", "b1", "{\"codes\": [\"E1\", 7]}");
            var out = route.read("fleet.batches.readings");
            assertThat(out).extracting(r -> RouteDriver.text(r.value())).containsExactly("{\"item\":\"E1\"}", "{\"item\":7}");
            assertThat(out).extracting(r -> RouteDriver.text(r.key())).containsExactly("b1", "b1");
        }
    }

    @Test
    void anEmptyListEmitsNothingAndIsCounted() {
        try (RouteDriver route = RouteDriver.of(route("{ items: value.readings }"))) {
            route.send("batches", "b1", "{\"readings\": []}");
            assertThat(route.read("fleet.batches.readings")).isEmpty();
            assertThat(route.read("fleet.batches.dlq")).isEmpty();
            assertThat(route.metric("split-empty-total", "batches.readings")).isEqualTo(1.0);
        }
    }

    @Test
    void itemsThatAreNotAListAreADeadLetter() {
        try (RouteDriver route = RouteDriver.of(route("{ items: value.readings }"))) {
            route.send("batches", "b1", "{\"readings\": {\"seq\": 1}}");
            var dead = route.read("fleet.batches.dlq");
            assertThat(dead).hasSize(1);
            assertThat(RouteDriver.header(dead.get(0), LineageHeaders.ERROR_REASON)).startsWith("split: 'items' (value.readings) must give a list but gave");
            assertThat(RouteDriver.text(dead.get(0).value())).isEqualTo("{\"readings\": {\"seq\": 1}}");
        }
    }

    @Test
    void itsFieldsAreCheckedWithPositions() {
        assertThatThrownBy(() -> new RouteFileLoader(n -> null).load("routes.yaml", route("{ keep: [a], each: x }")))
                .isInstanceOfSatisfying(RouteFileException.class, e -> assertThat(e.problems()).extracting(p -> p.format())
                        .anySatisfy(p -> assertThat(p).startsWith("routes.yaml:6:").contains("readings.split.items").contains("missing required field 'items'"))
                        .anySatisfy(p -> assertThat(p).contains("readings.split.each").contains("unknown field 'each'")));
    }
}
