package io.hyphae.routetest;

import io.hyphae.route.Problem;
import io.hyphae.route.RouteFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Broken route test files: every problem with its line, column and field path. */
class RouteTestLoaderTest {

    @TempDir
    Path dir;

    private List<String> problems(String tests) throws IOException {
        Files.writeString(dir.resolve("shop.yaml"), RouteTestRunnerTest.ROUTES);
        Path file = dir.resolve("shop.test.yaml");
        Files.writeString(file, tests);
        RouteFileException e = catchThrowableOfType(RouteFileException.class, () -> new RouteTestLoader(n -> null).load(file));
        assertThat(e).as("rejected").isNotNull();
        return e.problems().stream().map(Problem::format).map(s -> s.replace(file.toString(), "shop.test.yaml")).toList();
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', textBlock = """
            tests:\\n  t:\\n    given: []\\n    expct: {}                                  | shop.test.yaml:4:5: tests.t.expct: unknown field 'expct' (did you mean 'expect'?); expected one of 'description', 'tables', 'given', 'expect', 'none'
            tests:\\n  t:\\n    given: []\\n    expect: { orders.chekced: [] }            | shop.test.yaml:4:15: tests.t.expect.orders.chekced: 'orders.chekced' is no stage ('<route>.<stage>'), dead-letter topic ('<route>.dlq') or topic the application writes (did you mean 'orders.checked'?)
            tests:\\n  t:\\n    given: [ { topic: order, value: {} } ]\\n    none: [orders.dlq] | shop.test.yaml:3:23: tests.t.given[0].topic: the application reads no topic 'order' (did you mean 'orders'?)
            tests:\\n  t:\\n    given: [ { route: ordrs, value: {} } ]\\n    none: [orders.dlq] | shop.test.yaml:3:23: tests.t.given[0].route: no route 'ordrs' in the route file (did you mean 'orders'?)
            tests:\\n  t:\\n    given: [ { route: orders, value: {}, raw: x } ]\\n    none: [orders.dlq] | shop.test.yaml:3:42: tests.t.given[0].raw: give 'value' or 'raw', not both
            tests:\\n  t:\\n    given: [ { route: orders } ]\\n    none: [orders.dlq]     | shop.test.yaml:3:14: tests.t.given[0]: missing required field 'value' (or 'raw' for bytes sent as they are)
            tests:\\n  t:\\n    given: [ { advance: soon } ]\\n    none: [orders.dlq]     | shop.test.yaml:3:25: tests.t.given[0].advance: expected a duration such as 500ms, 10s, 5m, 2h or 1d but found 'soon'
            tests:\\n  t:\\n    given: [ { route: orders, value: {}, timestamp: yesterday } ]\\n    none: [orders.dlq] | shop.test.yaml:3:53: tests.t.given[0].timestamp: expected an instant such as 2026-11-02T08:15:00Z or milliseconds since the epoch but found 'yesterday'
            tests:\\n  t:\\n    expect: { orders.dlq: [] }                                 | shop.test.yaml:3:5: tests.t.given: missing required field 'given'
            tests:\\n  t:\\n    given: []                                                  | shop.test.yaml:3:5: tests.t: a test needs 'expect' or 'none'
            tests:\\n  t:\\n    given: []\\n    expect: { orders.dlq: { count: 1, records: [ {key: a}, {key: b} ] } } | shop.test.yaml:4:36: tests.t.expect.orders.dlq.count: count 1 is less than the 2 records listed
            tests:\\n  t:\\n    given: []\\n    expect: { orders.dlq: [ { key: a, value: 1, contains: {} } ] } | shop.test.yaml:4:49: tests.t.expect.orders.dlq[0].contains: give 'value' (the whole value) or 'contains' (a part of it), not both
            tests:\\n  t:\\n    given: []\\n    expect: { orders.dlq: [ { reason: x, stage: y } ] } | shop.test.yaml:4:42: tests.t.expect.orders.dlq[0].stage: unknown field 'stage'; expected one of 'key', 'value', 'contains', 'headers', 'reason', 'timestamp'
            tables:\\n  custmers: []\\ntests:\\n  t:\\n    given: []\\n    none: [orders.dlq] | shop.test.yaml:2:3: tables.custmers: no table 'custmers' in the route file (did you mean 'customers'?)
            tables:\\n  customers: [ { value: {} } ]\\ntests:\\n  t:\\n    given: []\\n    none: [orders.dlq] | shop.test.yaml:2:16: tables.customers[0].key: missing required field 'key'
            tests:\\n  t:\\n    given: []\\n    expect: { orders.dlq: { count: 1 } }\\n    none: [orders.dlq] | shop.test.yaml:5:12: tests.t.none[0]: 'orders.dlq' is also under 'expect'
            tests: {}                                                                 | shop.test.yaml:1:8: tests: expected at least one test
            tests:\\n  t: [                                                           | shop.test.yaml:2:7: invalid YAML: expected the node content, but found '<stream end>' (while parsing a flow node)
            """)
    void aBrokenTestFileIsRejectedWithThePositionAndPath(String yaml, String expected) throws IOException {
        assertThat(problems(yaml.replace("\\n", "\n"))).contains(expected);
    }

    @Test
    void everyProblemIsReportedInOnePass() throws IOException {
        assertThat(problems("""
                tests:
                  a:
                    given: [ { route: nope, value: {} } ]
                    none: [nope.dlq]
                  b:
                    given: [ { advance: 1 } ]
                    expect: { big-ordrs: { count: 1 } }
                """)).hasSize(4);
    }

    @Test
    void aMissingRouteFileIsNamed() throws IOException {
        Path file = dir.resolve("other.test.yaml");
        Files.writeString(file, "tests:\n  t:\n    given: []\n    none: [x]\n");
        RouteFileException e = catchThrowableOfType(RouteFileException.class, () -> new RouteTestLoader(n -> null).load(file));
        assertThat(e.problems()).singleElement().asString().contains("no route file " + dir.resolve("other.yaml") + " beside the test file");
    }

    @Test
    void aRouteFileNamedByRouteFileIsUsedAndTheTestFileOfARouteFileIsBesideIt() throws IOException {
        Files.writeString(dir.resolve("shop.yaml"), RouteTestRunnerTest.ROUTES);
        Path file = dir.resolve("anything.test.yaml");
        Files.writeString(file, "routeFile: shop.yaml\nsuite: orders\ntests:\n  t:\n    given: []\n    none: [big-orders]\n");
        RouteTestSuite suite = new RouteTestLoader(n -> null).load(file);
        assertThat(suite.name()).isEqualTo("orders");
        assertThat(suite.routes().file().application()).isEqualTo("shop");
        assertThat(RouteTestLoader.testFileOf(dir.resolve("shop.yaml"))).isEqualTo(dir.resolve("shop.test.yaml"));
        assertThat(RouteTestLoader.testFileOf(file)).isEqualTo(file);
    }
}
