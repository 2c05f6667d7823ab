package io.hyphae.stage.resequence;

import io.hyphae.runtime.RouteDriver;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Dedupe then resequence, on random per-key sequences delivered with random duplicates and reorderings: within the
 * capacity, each key's output is its sequence, sorted, each number once; beyond it (and with numbers lost), every
 * distinct event is either released once, in increasing order per key, or a late dead letter — never lost.
 */
class DedupeResequenceProperties {

    static final long T0 = 1_700_000_000_000L;

    static String route(int capacity) {
        return """
                application: fleet
                routes:
                  telemetry:
                    from: telemetry
                    stages:
                      - unique: { dedupe: { id: "key + '-' + string(value.seq)", within: 1h } }
                      - ordered: { resequence: { by: value.seq, start: 1, timeout: 10s, capacity: %d, onLate: dead-letter } }
                """.formatted(capacity);
    }

    /** A delivery: the keys' sequences 1..n, some numbers delivered twice (or dropped), shuffled by a seed. */
    record Delivery(List<String> keys, List<Long> seqs, long seed) {
    }

    @Provide
    Arbitrary<Map<String, Integer>> lengths() {
        return Arbitraries.maps(Arbitraries.of("d1", "d2", "d3", "d4"), Arbitraries.integers().between(1, 25)).ofMinSize(1).ofMaxSize(4);
    }

    static Delivery deliver(Map<String, Integer> lengths, long seed, double duplicates, double losses) {
        Random random = new Random(seed);
        List<String> keys = new ArrayList<>();
        List<Long> seqs = new ArrayList<>();
        lengths.forEach((key, n) -> {
            for (long s = 1; s <= n; s++) {
                if (random.nextDouble() < losses) {
                    continue;
                }
                int copies = random.nextDouble() < duplicates ? 2 + random.nextInt(2) : 1;
                for (int c = 0; c < copies; c++) {
                    keys.add(key);
                    seqs.add(s);
                }
            }
        });
        // Shuffle both lists alike.
        for (int i = keys.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            String k = keys.get(i);
            keys.set(i, keys.get(j));
            keys.set(j, k);
            Long s = seqs.get(i);
            seqs.set(i, seqs.get(j));
            seqs.set(j, s);
        }
        return new Delivery(keys, seqs, seed);
    }

    static Map<String, List<Long>> perKey(RouteDriver route, String topic) {
        Map<String, List<Long>> out = new HashMap<>();
        route.read(topic).forEach(r -> out.computeIfAbsent(RouteDriver.text(r.key()), k -> new ArrayList<>())
                .add(Long.parseLong(RouteDriver.text(r.value()).replaceAll("\\D", ""))));
        return out;
    }

    @Property(tries = 15)
    void withinTheCapacityEachKeysOutputIsItsSequenceSortedAndDeduplicated(@ForAll("lengths") Map<String, Integer> lengths,
                                                                           @ForAll long seed) {
        Delivery delivery = deliver(lengths, seed, 0.3, 0.0);
        try (RouteDriver route = RouteDriver.of(route(1_000), new Properties(), Instant.ofEpochMilli(T0))) {
            for (int i = 0; i < delivery.keys().size(); i++) {
                route.send("telemetry", delivery.keys().get(i), "{\"seq\": " + delivery.seqs().get(i) + "}", T0 + i);
            }
            Map<String, List<Long>> released = perKey(route, "fleet.telemetry.ordered");
            lengths.forEach((key, n) -> assertThat(released.get(key)).as(key).isEqualTo(LongStream.rangeClosed(1, n).boxed().toList()));
            assertThat(route.read("fleet.telemetry.dlq")).isEmpty();
        }
    }

    @Property(tries = 15)
    void beyondTheCapacityEveryDistinctEventIsReleasedOnceInOrderOrALateDeadLetter(
            @ForAll("lengths") Map<String, Integer> lengths, @ForAll long seed,
            @ForAll("capacities") int capacity) {
        Delivery delivery = deliver(lengths, seed, 0.3, 0.15);
        Set<String> distinct = new HashSet<>();
        for (int i = 0; i < delivery.keys().size(); i++) {
            distinct.add(delivery.keys().get(i) + "/" + delivery.seqs().get(i));
        }
        try (RouteDriver route = RouteDriver.of(route(capacity), new Properties(), Instant.ofEpochMilli(T0))) {
            for (int i = 0; i < delivery.keys().size(); i++) {
                route.send("telemetry", delivery.keys().get(i), "{\"seq\": " + delivery.seqs().get(i) + "}", T0 + i);
            }
            // Every gap waited for and skipped, until nothing stays held.
            Map<String, List<Long>> released = new HashMap<>();
            Map<String, List<Long>> late = new HashMap<>();
            for (int i = 0; i < 30 && count(released) + count(late) < distinct.size(); i++) {
                if (i > 0) {
                    route.driver.advanceWallClockTime(Duration.ofSeconds(11));
                }
                perKey(route, "fleet.telemetry.ordered").forEach((k, v) -> released.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
                perKey(route, "fleet.telemetry.dlq").forEach((k, v) -> late.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
            }
            Set<String> seen = new HashSet<>();
            released.forEach((key, seqs) -> {
                assertThat(seqs).as("released in increasing order: " + key).isSorted().doesNotHaveDuplicates();
                seqs.forEach(s -> assertThat(seen.add(key + "/" + s)).as("released once: " + key + "/" + s).isTrue());
            });
            late.forEach((key, seqs) -> seqs.forEach(s -> assertThat(seen.add(key + "/" + s)).as("released or late, not both: " + key + "/" + s).isTrue()));
            assertThat(seen).as("every distinct event released or dead-lettered").isEqualTo(distinct);
        }
    }

    private static int count(Map<String, List<Long>> perKey) {
        return perKey.values().stream().mapToInt(List::size).sum();
    }

    @Provide
    Arbitrary<Integer> capacities() {
        return Arbitraries.integers().between(1, 5);
    }
}
