package io.hyphae.stage;

import io.hyphae.event.LineageHeaders;
import io.hyphae.runtime.RouteDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.hyphae.runtime.RouteDriver.header;
import static org.assertj.core.api.Assertions.assertThat;

class TransformStageTest {

    private final RouteDriver route = RouteDriver.of("""
            application: shop
            routes:
              orders:
                from: orders
                stages:
                  - shaped:
                      transform:
                        rename: { total: amount, "customer.mail": customer.email }
                        remove: [internal, customer.secret]
                        set:
                          net: "double(value.total) / 1.2"
                          "summary.items": "size(value.items)"
                          "summary.first": "value.items[0]"
                          flag: "null"
            """);

    @AfterEach
    void close() {
        route.close();
    }

    @Test
    void renamesRemovesAndSetsNestedFieldsFromTheIncomingEvent() {
        route.send("orders", "k", "{\"total\": 12, \"internal\": 1, \"customer\": {\"mail\": \"a@b\", \"secret\": \"s\"}, \"items\": [\"x\", \"y\"]}");
        assertThat(route.readValues("shop.orders.shaped")).containsExactly(
                "{\"customer\":{\"email\":\"a@b\"},\"items\":[\"x\",\"y\"],\"amount\":12,\"net\":10.0,\"summary\":{\"items\":2,\"first\":\"x\"},\"flag\":null}");
    }

    @Test
    void aRuntimeErrorSendsTheOriginalBytesToTheDeadLetterTopic() {
        String bad = "{\"total\": 12, \"items\": []}";
        route.send("orders", "k", bad);
        var dead = route.read("shop.orders.dlq");
        assertThat(dead).hasSize(1);
        assertThat(RouteDriver.text(dead.get(0).value())).isEqualTo(bad);
        assertThat(header(dead.get(0), LineageHeaders.ERROR_REASON)).contains("value.items[0]").contains("Index out of bounds");
        assertThat(route.read("shop.orders.shaped")).isEmpty();
    }

    @Test
    void newTopLevelFieldsAfterAnEarlierChangeAreWrittenAsAFullEncodingWouldWriteThem() {
        try (RouteDriver chain = RouteDriver.of("""
                application: shop
                routes:
                  orders:
                    from: orders
                    stages:
                      - first: { transform: { set: { "customer.tier": "2" } } }
                      - second: { transform: { set: { net: "value.total / 2.0", label: "'x' + value.customer.name" } } }
                      - third: { transform: { set: { empty: "{}", none: "null" } } }
                      - fourth: { transform: { set: { total: "value.total * 2.0", more: "true" } } }
                """)) {
            chain.send("orders", "k", "{ \"total\": 3.0, \"customer\": {\"name\": \"Ada\"} }");
            assertThat(chain.readValues("shop.orders.first")).containsExactly(
                    "{\"total\":3.0,\"customer\":{\"name\":\"Ada\",\"tier\":2}}");
            // Appended to the bytes of the stage before: the same bytes as encoding the whole value.
            assertThat(chain.readValues("shop.orders.second")).containsExactly(
                    "{\"total\":3.0,\"customer\":{\"name\":\"Ada\",\"tier\":2},\"net\":1.5,\"label\":\"xAda\"}");
            assertThat(chain.readValues("shop.orders.third")).containsExactly(
                    "{\"total\":3.0,\"customer\":{\"name\":\"Ada\",\"tier\":2},\"net\":1.5,\"label\":\"xAda\",\"empty\":{},\"none\":null}");
            // An existing field changes: encoded whole, in place.
            assertThat(chain.readValues("shop.orders.fourth")).containsExactly(
                    "{\"total\":6.0,\"customer\":{\"name\":\"Ada\",\"tier\":2},\"net\":1.5,\"label\":\"xAda\",\"empty\":{},\"none\":null,\"more\":true}");
        }
    }

    @Test
    void newTopLevelFieldsOnReceivedBytesAreEncodedWhole() {
        try (RouteDriver single = RouteDriver.of("""
                application: shop
                routes:
                  orders:
                    from: orders
                    stages:
                      - added: { transform: { set: { net: "value.total / 2.0" } } }
                """)) {
            // The input's own spacing is not Hyphae's encoding, so nothing is appended to it.
            single.send("orders", "k", "{ \"total\": 3.0 }  ");
            assertThat(single.readValues("shop.orders.added")).containsExactly("{\"total\":3.0,\"net\":1.5}");
        }
    }
}
