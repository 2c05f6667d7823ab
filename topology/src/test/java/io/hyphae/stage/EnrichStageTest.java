package io.hyphae.stage;

import io.hyphae.event.LineageHeaders;
import io.hyphae.runtime.RouteDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.hyphae.runtime.RouteDriver.header;
import static org.assertj.core.api.Assertions.assertThat;

class EnrichStageTest {

    private static RouteDriver route(String mode, String onMiss, String keyFormat) {
        return RouteDriver.of("""
                application: shop
                tables:
                  customers: { topic: crm.customers, mode: %s, keyFormat: %s }
                routes:
                  orders:
                    from: orders
                    stages:
                      - who:
                          enrich: { table: customers, key: "%s", as: customer, onMiss: %s }
                      - greeted:
                          transform: { set: { greeting: "customer == null ? 'hello stranger' : 'hello ' + customer.name" } }
                """.formatted(mode, keyFormat, keyFormat.equals("json") ? "{'id': value.customerId}" : "value.customerId", onMiss));
    }

    @ParameterizedTest(name = "{0} table")
    @ValueSource(strings = {"global", "partitioned"})
    void joinsTheRowOfTheKeyAndSeesLaterTableUpdates(String mode) {
        try (RouteDriver route = route(mode, "dead-letter", "string")) {
            route.send("crm.customers", "c1", "{\"name\": \"Ada\", \"tier\": 1}");
            route.send("orders", "order-1", "{\"customerId\": \"c1\", \"total\": 3}");
            route.send("crm.customers", "c1", "{\"name\": \"Ada L.\", \"tier\": 2}");
            route.send("orders", "order-2", "{\"customerId\": \"c1\", \"total\": 4}");
            route.send("crm.customers", "c1", null);
            route.send("orders", "order-3", "{\"customerId\": \"c1\", \"total\": 5}");

            var enriched = route.read("shop.orders.who");
            assertThat(enriched).extracting(r -> RouteDriver.text(r.value())).containsExactly(
                    "{\"customerId\":\"c1\",\"total\":3,\"customer\":{\"name\":\"Ada\",\"tier\":1}}",
                    "{\"customerId\":\"c1\",\"total\":4,\"customer\":{\"name\":\"Ada L.\",\"tier\":2}}");
            // The record keeps its own key, even after a repartition by the join key.
            assertThat(enriched).extracting(r -> RouteDriver.text(r.key())).containsExactly("order-1", "order-2");
            assertThat(enriched).allSatisfy(r -> assertThat(r.headers().lastHeader(LineageHeaders.JOIN_KEY)).isNull());
            assertThat(route.readValues("shop.orders.greeted")).extracting(v -> v.replaceAll(".*\"greeting\":\"([^\"]*)\".*", "$1"))
                    .containsExactly("hello Ada", "hello Ada L.");
            var dead = route.read("shop.orders.dlq");
            assertThat(dead).hasSize(1);
            assertThat(header(dead.get(0), LineageHeaders.ERROR_REASON)).isEqualTo("enrich miss: no row in table 'customers' for key 'c1'");
            assertThat(route.metric("enrich-miss-total", "orders.who")).isEqualTo(1.0);
        }
    }

    @Test
    void partitionedTablesRepartitionThroughATopicWithTheJoinKey() {
        try (RouteDriver route = route("partitioned", "dead-letter", "string")) {
            assertThat(route.app.topics()).anySatisfy(t -> {
                assertThat(t.name()).isEqualTo("shop.orders.who.repartition");
                assertThat(t.copartitionWith()).contains("crm.customers");
            });
            assertThat(route.app.topology().describe().subtopologies()).hasSize(2);
        }
    }

    @Test
    void aGlobalJoinAfterAPartitionedOneLooksUpItsOwnKey() {
        try (RouteDriver route = RouteDriver.of("""
                application: shop
                tables:
                  customers: { topic: crm.customers, mode: partitioned }
                  regions: { topic: geo.regions }
                routes:
                  orders:
                    from: orders
                    stages:
                      - who: { enrich: { table: customers, key: value.customerId, as: customer } }
                      - where: { enrich: { table: regions, key: value.region, as: area } }
                """)) {
            route.send("crm.customers", "c1", "{\"name\": \"Ada\"}");
            route.send("geo.regions", "r9", "{\"name\": \"North\"}");
            route.send("orders", "order-1", "{\"customerId\": \"c1\", \"region\": \"r9\"}");
            // The partitioned join's key (c1) ends with its stage: the next join computes its own (r9).
            assertThat(route.readValues("shop.orders.where")).containsExactly(
                    "{\"customerId\":\"c1\",\"region\":\"r9\",\"customer\":{\"name\":\"Ada\"},\"area\":{\"name\":\"North\"}}");
        }
    }

    @ParameterizedTest(name = "{0} table")
    @ValueSource(strings = {"global", "partitioned"})
    void aNullKeyIsAMiss(String mode) {
        try (RouteDriver route = route(mode, "pass", "string")) {
            route.send("orders", "o", "{\"customerId\": null}");
            assertThat(route.readValues("shop.orders.greeted")).containsExactly(
                    "{\"customerId\":null,\"customer\":null,\"greeting\":\"hello stranger\"}");
        }
    }

    @Test
    void onMissPassSetsNullAndDropCounts() {
        try (RouteDriver pass = route("global", "pass", "string"); RouteDriver drop = route("global", "drop", "string")) {
            pass.send("orders", "o", "{\"customerId\": \"nobody\"}");
            assertThat(pass.readValues("shop.orders.greeted")).containsExactly(
                    "{\"customerId\":\"nobody\",\"customer\":null,\"greeting\":\"hello stranger\"}");
            drop.send("orders", "o", "{\"customerId\": \"nobody\"}");
            assertThat(drop.read("shop.orders.who")).isEmpty();
            assertThat(drop.read("shop.orders.dlq")).isEmpty();
            assertThat(drop.metric("dropped-total", "orders.who")).isEqualTo(1.0);
        }
    }

    @Test
    void aRowDecodedOnceIsNotChangedByTheStagesOfAnEarlierEvent() {
        try (RouteDriver route = RouteDriver.of("""
                application: shop
                tables:
                  customers: { topic: crm.customers }
                routes:
                  orders:
                    from: orders
                    stages:
                      - who: { enrich: { table: customers, key: value.customerId, as: customer } }
                      - changed:
                          transform:
                            set: { customer.tier: "value.total", customer.name: "customer.name + '!'" }
                            remove: [customer.vip]
                """)) {
            route.send("crm.customers", "c1", "{\"name\": \"Ada\", \"tier\": 1, \"vip\": true}");
            route.send("orders", "order-1", "{\"customerId\": \"c1\", \"total\": 3}");
            route.send("orders", "order-2", "{\"customerId\": \"c1\", \"total\": 4}");

            assertThat(route.readValues("shop.orders.who")).containsExactly(
                    "{\"customerId\":\"c1\",\"total\":3,\"customer\":{\"name\":\"Ada\",\"tier\":1,\"vip\":true}}",
                    "{\"customerId\":\"c1\",\"total\":4,\"customer\":{\"name\":\"Ada\",\"tier\":1,\"vip\":true}}");
            assertThat(route.readValues("shop.orders.changed")).containsExactly(
                    "{\"customerId\":\"c1\",\"total\":3,\"customer\":{\"name\":\"Ada!\",\"tier\":3}}",
                    "{\"customerId\":\"c1\",\"total\":4,\"customer\":{\"name\":\"Ada!\",\"tier\":4}}");
        }
    }

    @ParameterizedTest(name = "{0} table")
    @ValueSource(strings = {"global", "partitioned"})
    void jsonKeysMatchRowsKeyedAsCdcConnectorsKeyThem(String mode) {
        try (RouteDriver route = route(mode, "dead-letter", "json")) {
            route.send("crm.customers", "{\"id\":\"c9\"}", "{\"name\": \"Grace\"}");
            route.send("orders", "o", "{\"customerId\": \"c9\"}");
            assertThat(route.readValues("shop.orders.greeted")).singleElement().asString().contains("hello Grace");
        }
    }
}
