package io.hyphae.stage;

import io.hyphae.event.LineageHeaders;
import io.hyphae.runtime.RouteDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.hyphae.runtime.RouteDriver.header;
import static org.assertj.core.api.Assertions.assertThat;

class RouterStageTest {

    private final RouteDriver route = RouteDriver.of("""
            application: shop
            routes:
              orders:
                from: orders
                stages:
                  - routed:
                      route:
                        - when: "value.total > 1000"
                          to: large-orders
                        - when: "value.country == 'CH'"
                          to: shop.domestic
              large-orders:
                from: shop.large-orders.in
                stages:
                  - flagged: { transform: { set: { review: "true" } } }
            """);

    @AfterEach
    void close() {
        route.close();
    }

    @Test
    void firstMatchingBranchWinsAndRoutesMayFeedOtherRoutes() {
        route.send("orders", "1", "{\"total\": 5000, \"country\": \"CH\"}");
        route.send("orders", "2", "{\"total\": 10, \"country\": \"CH\"}");
        assertThat(route.readValues("shop.domestic")).containsExactly("{\"total\": 10, \"country\": \"CH\"}");
        assertThat(route.readValues("shop.large-orders.flagged")).containsExactly("{\"total\":5000,\"country\":\"CH\",\"review\":true}");
        var routed = route.read("shop.orders.routed");
        assertThat(routed).extracting(r -> header(r, LineageHeaders.DESTINATION)).containsExactly("shop.large-orders.in", "shop.domestic");
    }

    @Test
    void withoutOtherwiseUnmatchedEventsAreDeadLettered() {
        route.send("orders", "3", "{\"total\": 10, \"country\": \"DE\"}");
        var dead = route.read("shop.orders.dlq");
        assertThat(dead).hasSize(1);
        assertThat(header(dead.get(0), LineageHeaders.ERROR_REASON)).isEqualTo("no route branch matched and there is no 'otherwise'");
        assertThat(route.read("shop.orders.routed")).isEmpty();
    }
}
