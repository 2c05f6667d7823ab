package io.hyphae.routetest;

import io.hyphae.cli.HyphaeCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Route tests that must pass, and deliberately wrong ones that must fail, each with a readable reason. */
class RouteTestRunnerTest {

    static final String ROUTES = """
            application: shop
            tables:
              customers: { topic: crm.customers }
            routes:
              orders:
                from: orders
                stages:
                  - checked: { validate: { rules: [ { rule: "value.total > 0", message: total must be positive } ] } }
                  - who: { enrich: { table: customers, key: "value.customerId", as: customer, onMiss: dead-letter } }
                  - routed:
                      route:
                        - when: "value.total >= 100"
                          to: big-orders
                        - otherwise: other-orders
            """;

    static final String HEAD = """
            tables:
              customers:
                - { key: c1, value: { name: Ada, tier: 1 } }
            tests:
            """;

    @TempDir
    Path dir;

    private List<RouteTestRunner.TestResult> run(String tests) throws IOException {
        Files.writeString(dir.resolve("shop.yaml"), ROUTES);
        Path file = dir.resolve("shop.test.yaml");
        Files.writeString(file, HEAD + tests);
        return RouteTestRunner.run(new RouteTestLoader(n -> null).load(file), Set.of());
    }

    private RouteTestRunner.TestResult single(String tests) throws IOException {
        List<RouteTestRunner.TestResult> results = run(tests);
        assertThat(results).hasSize(1);
        return results.get(0);
    }

    @Test
    void matchingExpectationsPass() throws IOException {
        RouteTestRunner.TestResult r = single("""
                  all outcomes:
                    given:
                      - { route: orders, key: o1, value: { customerId: c1, total: 150 }, headers: { trace: t-1 } }
                      - advance: 5m
                      - { route: orders, key: o2, value: { customerId: c1, total: 20.5 } }
                      - { route: orders, key: o3, value: { customerId: c2, total: 20 } }
                      - { route: orders, key: o4, value: { customerId: c1, total: 0 }, timestamp: 1000 }
                    expect:
                      orders.who:
                        - key: o1
                          value: { customerId: c1, total: 150, customer: { name: Ada, tier: 1 } }
                          headers: { trace: t-1 }
                          timestamp: "2026-01-01T00:00:00Z"
                        - contains: { total: 20.5, customer: { name: Ada } }
                          timestamp: "2026-01-01T00:05:00Z"
                      big-orders: [ { key: o1 } ]
                      other-orders: { count: 1 }
                      orders.dlq:
                        - { key: o3, reason: "no row in table 'customers' for key 'c2'", headers: { hyphae.error.stage: orders.who } }
                        - { key: o4, reason: total must be positive, timestamp: 1000 }
                    none: [orders.routed.missing-is-not-a-topic-so-not-here]
                """.replace("    none: [orders.routed.missing-is-not-a-topic-so-not-here]\n", ""));
        assertThat(r.failures()).isEmpty();
    }

    @Test
    void aWrongValueFailsWithTheFieldAndBothValues() throws IOException {
        RouteTestRunner.TestResult r = single("""
                  wrong value:
                    given:
                      - { route: orders, key: o1, value: { customerId: c1, total: 150 } }
                    expect:
                      orders.who:
                        - value: { customerId: c1, total: 151, customer: { name: Ada, tier: 1 } }
                """);
        assertThat(r.passed()).isFalse();
        assertThat(r.failures()).singleElement().asString()
                .startsWith("orders.who[0] (" + dir.resolve("shop.test.yaml") + ":10:11):")
                .contains("value.total: expected 151, got 150")
                .contains("- expected {\"customerId\":\"c1\",\"total\":151,")
                .contains("+ actual   {\"customerId\":\"c1\",\"total\":150,");
    }

    @Test
    void partialMatchesReportMissingAndDifferentFieldsOnly() throws IOException {
        RouteTestRunner.TestResult r = single("""
                  wrong part:
                    given:
                      - { route: orders, key: o1, value: { customerId: c1, total: 150 } }
                    expect:
                      orders.who:
                        - contains: { customer: { name: Bob }, discount: 5 }
                """);
        assertThat(r.failures()).singleElement().asString()
                .contains("value.customer.name: expected \"Bob\", got \"Ada\"")
                .contains("value.discount: expected 5, but the field is missing")
                .doesNotContain("value.total");
    }

    @Test
    void wrongCountsKeysHeadersReasonsAndNoneFail() throws IOException {
        RouteTestRunner.TestResult r = single("""
                  several wrong:
                    given:
                      - { route: orders, key: o1, value: { customerId: c1, total: 150 } }
                      - { route: orders, key: o2, value: { customerId: c9, total: 10 } }
                    expect:
                      big-orders:
                        - { key: o9, headers: { hyphae.stage: orders.nope } }
                      other-orders: { count: 1 }
                      orders.dlq:
                        - { reason: total must be positive }
                    none: [orders.checked]
                """);
        assertThat(r.failures()).hasSize(4);
        assertThat(r.failures().get(0)).contains("big-orders[0]").contains("key: expected \"o9\", got \"o1\"")
                .contains("headers.hyphae.stage: expected \"orders.nope\", got \"orders.routed\"");
        assertThat(r.failures().get(1)).startsWith("other-orders: expected 1 record, got 0");
        assertThat(r.failures().get(2)).contains("reason: expected it to contain \"total must be positive\", got \"enrich miss: no row in table 'customers' for key 'c9'\"");
        assertThat(r.failures().get(3)).startsWith("orders.checked: expected no records, got 2")
                .contains("orders.checked[0]: key o1 value {\"customerId\":\"c1\",\"total\":150}");
    }

    @Test
    void aTestSeesOnlyItsOwnRecordsAndTables() throws IOException {
        List<RouteTestRunner.TestResult> results = run("""
                  first:
                    tables:
                      customers: [ { key: c2, value: { name: Bo } } ]
                    given:
                      - { route: orders, key: o1, value: { customerId: c2, total: 5 } }
                    expect:
                      orders.who: [ { contains: { customer: { name: Bo } } } ]
                  second:
                    given:
                      - { route: orders, key: o2, value: { customerId: c2, total: 5 } }
                    expect:
                      orders.dlq: [ { key: o2, reason: enrich miss } ]
                    none: [orders.who]
                """);
        assertThat(results).allSatisfy(r -> assertThat(r.failures()).as(r.test()).isEmpty());
    }

    @Test
    void theCommandPrintsRunnerLinesExitsOneAndWritesJUnitXml() throws Exception {
        Files.writeString(dir.resolve("shop.yaml"), ROUTES);
        Files.writeString(dir.resolve("shop.test.yaml"), HEAD + """
                  passes:
                    given: [ { route: orders, key: o1, value: { customerId: c1, total: 150 } } ]
                    expect: { big-orders: { count: 1 } }
                  fails:
                    given: [ { route: orders, key: o1, value: { customerId: c1, total: 150 } } ]
                    expect: { big-orders: { count: 2 } }
                """);
        Path xml = dir.resolve("reports/hyphae-test.xml");
        StringWriter out = new StringWriter();
        int status = HyphaeCommand.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(new StringWriter()))
                .execute("test", dir.resolve("shop.yaml").toString(), "--junit-xml", xml.toString());
        assertThat(status).isEqualTo(1);
        assertThat(out.toString()).contains("  shop › passes PASS (").contains("  shop › fails FAIL (")
                .contains("      big-orders: expected 2 records, got 1").contains("2 tests: 1 passed, 1 failed");

        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml.toFile());
        Element suite = (Element) doc.getElementsByTagName("testsuite").item(0);
        assertThat(suite.getAttribute("name")).isEqualTo("shop");
        assertThat(suite.getAttribute("tests")).isEqualTo("2");
        assertThat(suite.getAttribute("failures")).isEqualTo("1");
        assertThat(doc.getElementsByTagName("failure").item(0).getTextContent()).contains("big-orders: expected 2 records, got 1");

        StringWriter only = new StringWriter();
        int passing = HyphaeCommand.commandLine().setOut(new PrintWriter(only)).setErr(new PrintWriter(new StringWriter()))
                .execute("test", dir.resolve("shop.test.yaml").toString(), "passes");
        assertThat(passing).isEqualTo(0);
        assertThat(only.toString()).contains("1 test: 1 passed, 0 failed").doesNotContain("fails");
    }
}
