package io.hyphae.stage;

import io.hyphae.event.LineageHeaders;
import io.hyphae.runtime.RouteDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.hyphae.runtime.RouteDriver.header;
import static io.hyphae.runtime.RouteDriver.text;
import static org.assertj.core.api.Assertions.assertThat;

class ValidateStageTest {

    private final RouteDriver route = RouteDriver.of("""
            application: shop
            routes:
              orders:
                from: orders
                stages:
                  - checked:
                      validate:
                        required: [id, customer.email]
                        rules:
                          - "value.total >= 0"
                          - { rule: "value.items.all(i, i.qty > 0)", message: every item needs a quantity }
                          - "value.total / value.divisor > 1"
            """);

    @AfterEach
    void close() {
        route.close();
    }

    @Test
    void validEventsPassWithTheirBytesUnchanged() {
        String order = "{ \"id\": \"o1\", \"customer\": {\"email\": \"a@b.c\"}, \"total\": 10, \"divisor\": 2, \"items\": [{\"qty\": 1}] }";
        route.send("orders", "o1", order);
        assertThat(route.readValues("shop.orders.checked")).containsExactly(order);
        assertThat(route.read("shop.orders.dlq")).isEmpty();
    }

    @Test
    void eachFailureGoesToTheDeadLetterTopicWithItsReason() {
        route.send("orders", "k1", "{\"customer\": {\"email\": \"a@b.c\"}, \"total\": 1, \"divisor\": 1, \"items\": []}");
        route.send("orders", "k2", "{\"id\": \"o2\", \"customer\": {\"email\": null}, \"total\": 1, \"divisor\": 1, \"items\": []}");
        route.send("orders", "k3", "{\"id\": \"o3\", \"customer\": {\"email\": \"x\"}, \"total\": -5, \"divisor\": 1, \"items\": []}");
        route.send("orders", "k4", "{\"id\": \"o4\", \"customer\": {\"email\": \"x\"}, \"total\": 5, \"divisor\": 1, \"items\": [{\"qty\": 0}]}");
        route.send("orders", "k5", "{\"id\": \"o5\", \"customer\": {\"email\": \"x\"}, \"total\": 5, \"divisor\": 0, \"items\": []}");
        route.send("orders", "k6", "{\"id\": \"o6\", \"customer\": {\"email\": \"x\"}, \"total\": 5, \"items\": []}");
        var dead = route.read("shop.orders.dlq");
        assertThat(dead).extracting(r -> text(r.key())).containsExactly("k1", "k2", "k3", "k4", "k5", "k6");
        assertThat(dead).extracting(r -> header(r, LineageHeaders.ERROR_REASON)).satisfiesExactly(
                r -> assertThat(r).isEqualTo("validation failed: required field 'id' is missing"),
                r -> assertThat(r).isEqualTo("validation failed: required field 'customer.email' is missing"),
                r -> assertThat(r).isEqualTo("validation failed: rule 'value.total >= 0' is false"),
                r -> assertThat(r).isEqualTo("validation failed: every item needs a quantity"),
                r -> assertThat(r).contains("'value.total / value.divisor > 1' failed").contains("by zero"),
                r -> assertThat(r).contains("'value.total / value.divisor > 1' failed").contains("divisor"));
        assertThat(header(dead.get(4), LineageHeaders.ERROR_EXCEPTION)).isEqualTo("io.hyphae.cel.ExpressionException");
        assertThat(dead).allSatisfy(r -> assertThat(header(r, LineageHeaders.ERROR_STAGE)).endsWith(".checked"));
        assertThat(route.read("shop.orders.checked")).isEmpty();
        assertThat(route.metric("dead-lettered-total", "orders.checked")).isEqualTo(6.0);
    }

    @Test
    void undecodableRecordsAreDeadLetteredAndProcessingContinues() {
        route.sendBytes("orders", null, new byte[] {(byte) 0xff, (byte) 0xfe, '{'});
        route.sendBytes("orders", null, null);
        route.send("orders", null, "[1, 2]");
        route.send("orders", "ok", "{\"id\": \"o\", \"customer\": {\"email\": \"e\"}, \"total\": 5, \"divisor\": 1, \"items\": []}");
        var dead = route.read("shop.orders.dlq");
        assertThat(dead).hasSize(3);
        assertThat(dead.get(0).value()).containsExactly((byte) 0xff, (byte) 0xfe, '{');
        assertThat(dead.get(1).value()).isNull();
        assertThat(header(dead.get(1), LineageHeaders.ERROR_REASON)).contains("tombstone");
        assertThat(header(dead.get(2), LineageHeaders.ERROR_REASON)).contains("expected a JSON object");
        assertThat(dead).allSatisfy(r -> assertThat(header(r, LineageHeaders.ERROR_STAGE)).endsWith(".ingest"));
        assertThat(route.read("shop.orders.checked")).hasSize(1);
    }
}
