package io.hyphae.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmark on a tiny workload, so it cannot rot: every system, both formats, a latency run, the report. The
 * guarantee is at-least-once, the one every system runs in (Camel has no exactly-once run: see {@link CamelRouteTest}).
 * It asserts what the runner verifies for each run (output counts, read committed) and that figures came out;
 * never speed.
 */
class BenchmarkSmokeTest {

    @Test
    void everySystemProducesExactlyTheExpectedRecords(@TempDir Path dir) throws Exception {
        BenchmarkRunner.Options options = BenchmarkRunner.Options.parse(new String[] {
            "--events", "3000", "--table", "500", "--rate", "500", "--latency-seconds", "2", "--latency-warmup-seconds", "1",
            "--formats", "json,avro", "--guarantees", "at_least_once",
            "--results", dir.resolve("results").toString(), "--work", dir.resolve("work").toString(),
            "--schemas", "../schemas/avro/insurance"});
        List<String> log = new ArrayList<>();
        List<Measurement> results = new BenchmarkRunner(options, log::add, Path.of("target")).run();

        assertThat(results).hasSize(8);
        assertThat(results).extracting(Measurement::system)
                .containsExactly("hyphae", "streams", "raw", "camel", "hyphae", "streams", "raw", "camel");
        assertThat(results).allSatisfy(m -> {
            assertThat(m.events()).isEqualTo(3000);
            assertThat(m.eventsPerSecond()).isPositive();
            assertThat(m.p99Ms()).isNotNaN();
        });
        Path md = new Report(results, options).write();
        assertThat(Files.readString(md)).contains("(a)/(b)").contains("(a)/(d)").contains("| camel | avro | at_least_once |");
        assertThat(md.resolveSibling(md.getFileName().toString().replace(".md", ".png"))).isNotEmptyFile();
    }
}
