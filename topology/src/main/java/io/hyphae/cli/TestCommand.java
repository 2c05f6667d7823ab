package io.hyphae.cli;

import io.hyphae.route.Problem;
import io.hyphae.route.RouteFileException;
import io.hyphae.routetest.JUnitXmlReport;
import io.hyphae.routetest.RouteTestLoader;
import io.hyphae.routetest.RouteTestRunner;
import io.hyphae.routetest.RouteTestSuite;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "test",
        description = {"Run a route file's tests, with no broker.",
            "Runs the tests of a route test file (FILE.test.yaml, beside the route file it names) on Kafka Streams' "
                + "TopologyTestDriver: table rows, then the given records, then what each stage topic, destination and "
                + "dead-letter topic must hold. FILE may be the test file or its route file."},
        footer = {"", "Exit status: 0 when every test passes, 1 when one fails or a file has a problem."},
        mixinStandardHelpOptions = true)
final class TestCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "A route test file (*.test.yaml) or the route file beside it.")
    Path file;

    @Parameters(index = "1..*", paramLabel = "TEST", description = "Run only these tests (by name).")
    List<String> tests = new ArrayList<>();

    @Option(names = "--junit-xml", paramLabel = "FILE", description = "Also write the results as a JUnit XML report.")
    Path junitXml;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path testFile = RouteTestLoader.testFileOf(file);
        RouteTestSuite suite;
        try {
            suite = new RouteTestLoader(System::getenv).load(testFile);
        } catch (RouteFileException e) {
            for (Problem p : e.problems()) {
                err.println(p.format());
            }
            err.printf("%s: %d problem%s%n", testFile, e.problems().size(), e.problems().size() == 1 ? "" : "s");
            return 1;
        }
        Set<String> only = new LinkedHashSet<>(tests);
        List<String> unknown = only.stream().filter(t -> suite.tests().stream().noneMatch(c -> c.name().equals(t))).toList();
        if (!unknown.isEmpty()) {
            err.printf("%s: no test named %s; its tests: %s%n", testFile, String.join(", ", unknown),
                    String.join(", ", suite.tests().stream().map(RouteTestSuite.TestCase::name).toList()));
            return 1;
        }
        out.println(testFile);
        out.flush();
        List<RouteTestRunner.TestResult> results = RouteTestRunner.run(suite, only);
        for (RouteTestRunner.TestResult r : results) {
            out.printf("  %s › %s %s (%d ms)%n", r.suite(), r.test(), r.passed() ? "PASS" : "FAIL", r.time().toMillis());
            for (String failure : r.failures()) {
                failure.lines().forEach(line -> out.println("      " + line));
            }
        }
        long failed = results.stream().filter(r -> !r.passed()).count();
        out.printf("%d test%s: %d passed, %d failed%n", results.size(), results.size() == 1 ? "" : "s", results.size() - failed, failed);
        if (junitXml != null) {
            JUnitXmlReport.write(junitXml, results);
            out.println("wrote " + junitXml);
        }
        out.flush();
        return failed == 0 ? 0 : 1;
    }
}
