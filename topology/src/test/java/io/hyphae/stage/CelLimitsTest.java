package io.hyphae.stage;

import io.hyphae.event.LineageHeaders;
import io.hyphae.runtime.RouteDriver;
import org.junit.jupiter.api.Test;

import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.hyphae.runtime.RouteDriver.header;
import static org.assertj.core.api.Assertions.assertThat;

/** A hostile expression cannot stall a stream thread: comprehensions are bounded, regexes run in linear time. */
class CelLimitsTest {

    @Test
    void nestedComprehensionsBeyondTheLimitFailTheRecordNotTheThread() {
        try (RouteDriver route = RouteDriver.of("""
                application: a
                routes:
                  r:
                    from: in
                    stages:
                      - hostile: { filter: { when: "value.items.all(i, value.items.all(j, value.items.all(k, true)))" } }
                """)) {
            String items = IntStream.range(0, 100).mapToObj(Integer::toString).collect(Collectors.joining(","));
            route.send("in", "big", "{\"items\": [" + items + "]}");
            route.send("in", "small", "{\"items\": [1, 2, 3]}");
            var dead = route.read("a.r.dlq");
            assertThat(dead).singleElement().satisfies(r -> assertThat(header(r, LineageHeaders.ERROR_REASON)).contains("Iteration budget exceeded: 10000"));
            assertThat(route.read("a.r.hostile")).singleElement().satisfies(r -> assertThat(RouteDriver.text(r.key())).isEqualTo("small"));
        }
    }

    @Test
    void catastrophicBacktrackingPatternsRunInLinearTime() {
        try (RouteDriver route = RouteDriver.of("""
                application: a
                routes:
                  r:
                    from: in
                    stages:
                      - pattern: { filter: { when: "value.s.matches('^(a+)+$')" } }
                """)) {
            route.send("in", "k", "{\"s\": \"" + "a".repeat(5_000) + "!\"}");
            assertThat(route.read("a.r.pattern")).isEmpty();
            assertThat(route.metric("dropped-total", "r.pattern")).isEqualTo(1.0);
        }
    }
}
