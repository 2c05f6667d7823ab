package io.hyphae.stage;

import io.hyphae.runtime.RouteDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FilterStageTest {

    private final RouteDriver route = RouteDriver.of("""
            application: shop
            routes:
              orders:
                from: orders
                stages:
                  - large:
                      filter: { when: "value.total > 100.0 && headers['channel'] == 'web' && key.startsWith('c-')" }
                  - after:
                      transform: { set: { seen: "true" } }
            """);

    @AfterEach
    void close() {
        route.close();
    }

    @Test
    void keepsMatchingEventsAndCountsWhatItDrops() {
        var web = new org.apache.kafka.common.header.internals.RecordHeaders();
        web.add("channel", "web".getBytes());
        route.send("orders", "c-1", "{\"total\": 150}", web);
        route.send("orders", "c-2", "{\"total\": 50}", web);
        route.send("orders", "c-3", "{\"total\": 500}");
        route.send("orders", "x-4", "{\"total\": 500}", web);
        assertThat(route.readValues("shop.orders.large")).containsExactly("{\"total\": 150}");
        assertThat(route.readValues("shop.orders.after")).containsExactly("{\"total\":150,\"seen\":true}");
        assertThat(route.metric("dropped-total", "orders.large")).isEqualTo(2.0);
        // The missing header is a CEL error, not a silent drop.
        assertThat(route.read("shop.orders.dlq")).hasSize(1);
    }
}
