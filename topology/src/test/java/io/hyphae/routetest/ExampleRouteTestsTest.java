package io.hyphae.routetest;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every route test the examples ship ({@code examples/*}{@code /*.test.yaml}) passes. */
class ExampleRouteTestsTest {

    @Test
    void everyExamplesTestsPass() throws IOException {
        List<Path> files;
        try (Stream<Path> dirs = Files.list(Path.of("../examples"))) {
            files = dirs.filter(Files::isDirectory).flatMap(ExampleRouteTestsTest::testFiles).sorted().toList();
        }
        assertThat(files).as("the examples ship route tests").isNotEmpty();
        int run = 0;
        for (Path file : files) {
            RouteTestSuite suite = new RouteTestLoader(n -> null).load(file);
            List<RouteTestRunner.TestResult> results = RouteTestRunner.run(suite, Set.of());
            assertThat(results).hasSize(suite.tests().size());
            assertThat(results).as(file.toString()).allSatisfy(r -> assertThat(r.failures()).as(r.suite() + " › " + r.test()).isEmpty());
            run += results.size();
        }
        assertThat(run).isGreaterThanOrEqualTo(5);
    }

    private static Stream<Path> testFiles(Path dir) {
        try {
            return Files.list(dir).filter(p -> p.getFileName().toString().endsWith(RouteTestLoader.SUFFIX)).toList().stream();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
