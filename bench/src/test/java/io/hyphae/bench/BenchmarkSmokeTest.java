package io.hyphae.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmark on a tiny workload, so it cannot rot: every system, both formats, a latency run, the report.
 * It asserts what the runner verifies for each run (output counts, read committed) and that figures came out;
 * never speed.
 */
class BenchmarkSmokeTest {

    @Test
    void everySystemProducesExactlyTheExpectedRecords(@TempDir Path dir) throws Exception {
        BenchmarkRunner.Options options = BenchmarkRunner.Options.parse(new String[] {
            "--events", "3000", "--table", "500", "--rate", "500", "--latency-seconds", "2",
            "--formats", "json,avro", "--guarantees", "exactly_once_v2",
            "--results", dir.resolve("results").toString(), "--work", dir.resolve("work").toString(),
            "--schemas", "../schemas/avro/insurance"});
        List<String> log = new ArrayList<>();
        List<Measurement> results = new BenchmarkRunner(options, log::add, Path.of("target")).run();

        assertThat(results).hasSize(6);
        assertThat(results).extracting(Measurement::system).containsExactly("hyphae", "streams", "raw", "hyphae", "streams", "raw");
        assertThat(results).allSatisfy(m -> {
            assertThat(m.events()).isEqualTo(3000);
            assertThat(m.eventsPerSecond()).isPositive();
            assertThat(m.p99Ms()).isNotNaN();
        });
        Path md = new Report(results, options).write();
        assertThat(Files.readString(md)).contains("(a)/(b)").contains("| hyphae | avro | exactly_once_v2 |");
        assertThat(md.resolveSibling(md.getFileName().toString().replace(".md", ".png"))).isNotEmptyFile();
    }
}
