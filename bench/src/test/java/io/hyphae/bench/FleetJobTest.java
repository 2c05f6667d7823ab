package io.hyphae.bench;

import io.hyphae.format.Formats;
import io.hyphae.route.loader.RouteFileLoader;
import io.hyphae.runtime.TopologyCompiler;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fleet route (with and without its stateful stages) and the hand-written job on the same small delivery, in a
 * {@link TopologyTestDriver}: each writes what the benchmark's verification expects — the counts the delivery implies,
 * every flight in order on the ordered stage topic — so a benchmark run compares jobs that do the same.
 */
class FleetJobTest {

    private static final String APP = "fleet-test";
    private static final String INPUT = "fleet.telemetry";
    private static final String REGISTRY = "fleet.registry";
    private static final FleetWorkload.Delivery DELIVERY = FleetWorkload.delivery(600, 3);

    @Test
    void theDeliveryHasDuplicatesAndReorderingsAndEveryReading() {
        assertThat(DELIVERY.readings()).isEqualTo(600);
        assertThat(DELIVERY.duplicates()).isBetween(15, 50);
        assertThat(DELIVERY.reordered()).isBetween(30, 90);
        assertThat(DELIVERY.records()).isEqualTo(600 + DELIVERY.duplicates());
        for (int[] drone : DELIVERY.perDrone()) {
            assertThat(Arrays.stream(drone).distinct().sorted().toArray()).hasSize(200).startsWith(0).endsWith(199);
        }
        assertThat(FleetWorkload.delivery(600, 3).perDrone()).isDeepEqualTo(DELIVERY.perDrone());
        assertThat(DELIVERY.alerts(false)).isGreaterThan(DELIVERY.alerts(true)).isPositive();
    }

    @Test
    void theRouteReleasesEveryReadingOnceInOrder(@TempDir Path state) throws Exception {
        Map<String, List<String>> out = run(hyphae(true), state);
        assertStateful(out);
    }

    @Test
    void theHandWrittenJobDoesTheSame(@TempDir Path state) {
        Map<String, List<String>> out = run(FleetStreams.topology(Formats.json(), APP, INPUT, REGISTRY), state);
        assertStateful(out);
    }

    @Test
    void withoutTheStatefulStagesTheRoutePassesEveryRecord(@TempDir Path state) throws Exception {
        Map<String, List<String>> out = run(hyphae(false), state);
        assertThat(out.get(FleetWorkload.stage(APP, "routed"))).hasSize(DELIVERY.records());
        assertThat(out.get(FleetWorkload.alerts(APP))).hasSize((int) DELIVERY.alerts(false));
        assertThat(out).doesNotContainKey(FleetWorkload.stage(APP, "ordered"));
    }

    @Test
    void theStatelessRouteLeavesOutExactlyTheStatefulStages() throws Exception {
        String stateful = FleetBenchmark.route(APP, "exactly_once_v2", INPUT, REGISTRY, true);
        String stateless = FleetBenchmark.route(APP, "exactly_once_v2", INPUT, REGISTRY, false);
        assertThat(stateful).contains("dedupe:", "resequence:", "validate:", "route:").doesNotContain("@");
        assertThat(stateless).doesNotContain("dedupe:", "resequence:", "# stateful").contains("      - checked:", "validate:", "route:");
    }

    @Test
    void fieldReadsTheReadingsLayout() {
        String json = FleetWorkload.reading(7, 123);
        assertThat(FleetBenchmark.field(json, "droneId")).isEqualTo("d00007");
        assertThat(FleetBenchmark.field(json, "flightId")).isEqualTo("f001");
        assertThat(FleetBenchmark.field(json, "seq")).isEqualTo("24");
    }

    private void assertStateful(Map<String, List<String>> out) {
        assertThat(out.get(FleetWorkload.stage(APP, "unique"))).hasSize(600);
        assertThat(out.get(FleetWorkload.duplicates(APP))).hasSize(DELIVERY.duplicates());
        assertThat(out.get(FleetWorkload.stage(APP, "routed"))).hasSize(600);
        assertThat(out.get(FleetWorkload.alerts(APP))).hasSize((int) DELIVERY.alerts(true));
        assertThat(out.get(FleetWorkload.positions(APP))).hasSize(600 - (int) DELIVERY.alerts(true));
        assertThat(out).doesNotContainKey(FleetWorkload.deadLetters(APP));
        Map<String, Integer> last = new HashMap<>();
        for (String value : out.get(FleetWorkload.stage(APP, "ordered"))) {
            String flight = FleetBenchmark.field(value, "droneId") + "/" + FleetBenchmark.field(value, "flightId");
            int seq = Integer.parseInt(FleetBenchmark.field(value, "seq"));
            assertThat(seq).as(flight).isEqualTo(last.getOrDefault(flight, 0) + 1);
            last.put(flight, seq);
        }
        assertThat(last).hasSize(6).allSatisfy((flight, seq) -> assertThat(seq).isEqualTo(FleetWorkload.FLIGHT_LENGTH));
    }

    private static Topology hyphae(boolean stateful) throws Exception {
        String route = FleetBenchmark.route(APP, "exactly_once_v2", INPUT, REGISTRY, stateful);
        return TopologyCompiler.compile(new RouteFileLoader().load("fleet.yaml", route)).topology();
    }

    /** Every record written, by topic (values as text), after the registry and the whole delivery went in. */
    private static Map<String, List<String>> run(Topology topology, Path state) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, APP);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        Map<String, List<String>> out = new HashMap<>();
        try (TopologyTestDriver driver = new TopologyTestDriver(topology, props, Instant.ofEpochMilli(1_700_000_000_000L))) {
            TestInputTopic<String, String> registry = driver.createInputTopic(REGISTRY, new StringSerializer(), new StringSerializer());
            for (int d = 0; d < DELIVERY.perDrone().length; d++) {
                registry.pipeInput(FleetWorkload.droneId(d), FleetWorkload.registryRow(d));
            }
            TestInputTopic<String, String> input = driver.createInputTopic(INPUT, new StringSerializer(), new StringSerializer(),
                    Instant.ofEpochMilli(1_700_000_000_000L), Duration.ofMillis(10));
            DELIVERY.forEach((drone, reading) -> input.pipeInput(FleetWorkload.droneId(drone), FleetWorkload.reading(drone, reading)));
            for (String topic : driver.producedTopicNames()) {
                List<String> values = new ArrayList<>();
                driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer()).readValuesToList()
                        .forEach(v -> values.add(v == null ? null : new String(v, StandardCharsets.UTF_8)));
                out.put(topic, values);
            }
        }
        return out;
    }
}
