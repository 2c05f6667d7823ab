package io.hyphae.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** System (d), Apache Camel, is measured in at-least-once only: the runner leaves it out of exactly-once runs. */
class CamelRouteTest {

    @Test
    void exactlyOnceRunsLeaveCamelOut() {
        assertThat(BenchmarkRunner.SYSTEMS).containsExactly("hyphae", "streams", "raw", "camel");
        assertThat(BenchmarkRunner.systemsFor(BenchmarkRunner.SYSTEMS, "exactly_once_v2")).containsExactly("hyphae", "streams", "raw");
        assertThat(BenchmarkRunner.systemsFor(BenchmarkRunner.SYSTEMS, "at_least_once")).containsExactly("hyphae", "streams", "raw", "camel");
        assertThat(BenchmarkRunner.systemsFor(List.of("camel"), "exactly_once_v2")).isEmpty();
    }

    @Test
    void theRouteRefusesExactlyOnceWithStatus3(@TempDir Path dir) throws Exception {
        String classpath = Files.readString(Path.of("target", "bench.classpath")).trim() + File.pathSeparator
                + Path.of("target", "classes").toAbsolutePath();
        Path ready = dir.resolve("ready");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classpath,
                CamelRoute.class.getName(), "localhost:1", "camel-test", "json.events", "json.geo", "json", "-", "exactly_once_v2",
                ready.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).isEqualTo(CamelRoute.UNSUPPORTED_GUARANTEE).isEqualTo(3);
        assertThat(output).contains("at-least-once only");
        assertThat(ready).doesNotExist();
    }
}
