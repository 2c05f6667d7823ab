package io.hyphae.runtime;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The stage and route meters on the TopologyTestDriver: each count against what the topics got. */
class RouteMetricsTest {

    private static final String SHOP = """
            application: shop
            tables:
              customers: { topic: crm.customers, mode: %s }
            routes:
              orders:
                from: orders
                stages:
                  - checked:
                      validate: { rules: ["value.total > 0"] }
                  - large:
                      filter: { when: "value.total >= 10" }
                  - who:
                      enrich: { table: customers, key: "value.customerId", as: customer, onMiss: dead-letter }
                  - routed:
                      route:
                        - when: "value.total >= 100"
                          to: big-orders
                        - otherwise: other-orders
            """;

    @ParameterizedTest(name = "{0} table")
    @ValueSource(strings = {"global", "partitioned"})
    void everyOutcomeIsCountedOnceAtTheStageThatDecidedIt(String mode) {
        try (RouteDriver route = RouteDriver.of(SHOP.formatted(mode))) {
            route.send("crm.customers", "c1", "{\"name\": \"Ada\"}");
            route.send("orders", "k", "{\"customerId\": \"c1\", \"total\": 150}");   // big
            route.send("orders", "k", "{\"customerId\": \"c1\", \"total\": 20}");    // other
            route.send("orders", "k", "{\"customerId\": \"c1\", \"total\": 30}");    // other
            route.send("orders", "k", "{\"customerId\": \"c2\", \"total\": 40}");    // enrich miss
            route.send("orders", "k", "{\"customerId\": \"c1\", \"total\": 5}");     // filtered
            route.send("orders", "k", "{\"customerId\": \"c1\", \"total\": -1}");    // invalid
            route.send("orders", "k", "not json");                                  // undecodable

            assertThat(route.count(RouteMetrics.ROUTE_IN, "orders")).isEqualTo(7);
            assertThat(route.count(RouteMetrics.ROUTE_UNDECODABLE, "orders")).isEqualTo(1);

            assertThat(route.count(RouteMetrics.STAGE_IN, "orders", "checked")).isEqualTo(6);
            assertThat(route.count(RouteMetrics.STAGE_OUT, "orders", "checked")).isEqualTo(route.read("shop.orders.checked").size()).isEqualTo(5);
            assertThat(route.count(RouteMetrics.STAGE_DEAD_LETTERED, "orders", "checked")).isEqualTo(1);

            assertThat(route.count(RouteMetrics.STAGE_IN, "orders", "large")).isEqualTo(5);
            assertThat(route.count(RouteMetrics.STAGE_DROPPED, "orders", "large")).isEqualTo(1);
            assertThat(route.count(RouteMetrics.STAGE_OUT, "orders", "large")).isEqualTo(route.read("shop.orders.large").size()).isEqualTo(4);

            assertThat(route.count(RouteMetrics.STAGE_IN, "orders", "who")).isEqualTo(4);
            assertThat(route.count(RouteMetrics.STAGE_OUT, "orders", "who")).isEqualTo(route.read("shop.orders.who").size()).isEqualTo(3);
            assertThat(route.count(RouteMetrics.STAGE_DEAD_LETTERED, "orders", "who")).isEqualTo(1);
            assertThat(route.count("hyphae.stage.enrich.miss", "orders", "who")).isEqualTo(1);

            assertThat(route.count(RouteMetrics.STAGE_IN, "orders", "routed")).isEqualTo(3);
            assertThat(route.count(RouteMetrics.STAGE_OUT, "orders", "routed")).isEqualTo(3);
            assertThat(route.read("big-orders")).hasSize(1);
            assertThat(route.read("other-orders")).hasSize(2);

            // Every dead letter is counted where it happened: 1 undecodable + 1 invalid + 1 miss.
            assertThat(route.read("shop.orders.dlq")).hasSize(3);

            Timer processing = route.meters.find(RouteMetrics.STAGE_PROCESSING).tag("stage", "who").timer();
            assertThat(processing.count()).isEqualTo(4);
            Timer latency = route.meters.find(RouteMetrics.STAGE_LATENCY).tag("stage", "who").timer();
            assertThat(latency.count()).as("one per record written to the stage topic").isEqualTo(3);
        }
    }

    @Test
    void aRekeyFailureOfAPartitionedJoinIsTheStagesDeadLetter() {
        try (RouteDriver route = RouteDriver.of("""
                application: shop
                tables:
                  customers: { topic: crm.customers, mode: partitioned }
                routes:
                  orders:
                    from: orders
                    stages:
                      - who:
                          enrich: { table: customers, key: "value.customer.id", as: customer, onMiss: pass }
                """)) {
            route.send("orders", "k", "{\"customer\": {\"id\": \"c1\"}}");
            route.send("orders", "k", "{\"nocustomer\": 1}");
            assertThat(route.count(RouteMetrics.STAGE_IN, "orders", "who")).isEqualTo(2);
            assertThat(route.count(RouteMetrics.STAGE_OUT, "orders", "who")).isEqualTo(1);
            assertThat(route.count(RouteMetrics.STAGE_DEAD_LETTERED, "orders", "who")).isEqualTo(1);
            assertThat(route.read("shop.orders.dlq")).hasSize(1);
        }
    }

    /** Prometheus rejects a name whose series have different label names: every series of a family has the same set. */
    @Test
    void thePrometheusExpositionHasOneLabelSetPerFamily() {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        prometheus.config().commonTags("application", "shop");
        RouteMetrics metrics = RouteMetrics.of(prometheus);
        try (RouteDriver route = RouteDriver.of(SHOP.formatted("global"), metrics)) {
            route.send("crm.customers", "c1", "{\"name\": \"Ada\"}");
            route.send("orders", "k", "{\"customerId\": \"c1\", \"total\": 150}");
            route.send("orders", "k", "{\"customerId\": \"c2\", \"total\": 150}");
            String text = prometheus.scrape();
            assertThat(text).contains("hyphae_stage_in_total{application=\"shop\",route=\"orders\",stage=\"who\"} 2.0");
            assertThat(text).contains("hyphae_stage_enrich_miss_total{application=\"shop\",route=\"orders\",stage=\"who\"} 1.0");
            assertThat(text).contains("hyphae_stage_latency_seconds_bucket{application=\"shop\",route=\"orders\",stage=\"who\",le=\"0.001\"}");
            assertThat(text).contains("hyphae_route_in_total{application=\"shop\",route=\"orders\"} 2.0");
            assertThat(PrometheusText.conflicts(text)).isEmpty();
        }
    }

    /** A small checker of the exposition: the label names of each family's series. */
    static final class PrometheusText {
        private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? \\S+.*$");
        private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"(?:[^\"\\\\]|\\\\.)*\"");

        static Map<String, String> conflicts(String text) {
            Map<String, Set<String>> labels = new HashMap<>();
            Map<String, String> conflicts = new HashMap<>();
            for (String line : text.split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                Matcher m = SAMPLE.matcher(line);
                assertThat(m.matches()).as("a sample line: %s", line).isTrue();
                String family = m.group(1).replaceAll("_(bucket|count|sum|max|total|created)$", "");
                Set<String> names = new TreeSet<>();
                if (m.group(3) != null) {
                    Matcher l = LABEL.matcher(m.group(3));
                    while (l.find()) {
                        names.add(l.group(1));
                    }
                }
                names.remove("le");
                names.remove("quantile");
                Set<String> seen = labels.putIfAbsent(family, names);
                if (seen != null && !seen.equals(names)) {
                    conflicts.put(family, seen + " vs " + names);
                }
            }
            return conflicts;
        }
    }
}
