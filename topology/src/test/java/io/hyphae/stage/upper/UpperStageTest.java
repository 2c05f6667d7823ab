package io.hyphae.stage.upper;

import io.hyphae.route.RouteFileException;
import io.hyphae.route.loader.RouteFileLoader;
import io.hyphae.runtime.RouteDriver;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A stage type added from outside the engine: a spec, a builder and one line each in META-INF/services (this
 * package and src/test/resources only). The loader, the checker and the wiring pick it up.
 */
class UpperStageTest {

    @Test
    void aStageTypeRegisteredInATestRunsLikeTheBuiltInOnes() {
        try (RouteDriver route = RouteDriver.of("""
                application: shop
                routes:
                  orders:
                    from: orders
                    stages:
                      - shouted: { upper: { field: name, of: "value.name + '!'" } }
                      - large: { filter: { when: "value.total > 100.0" } }
                """)) {
            route.send("orders", "c-1", "{\"name\": \"ada\", \"total\": 150}");
            route.send("orders", "c-2", "{\"name\": \"bob\", \"total\": 50}");
            assertThat(route.readValues("shop.orders.shouted")).containsExactly(
                    "{\"name\":\"ADA!\",\"total\":150}", "{\"name\":\"BOB!\",\"total\":50}");
            assertThat(route.readValues("shop.orders.large")).containsExactly("{\"name\":\"ADA!\",\"total\":150}");
        }
    }

    @Test
    void itsFieldsAndExpressionsAreCheckedWithPositions() {
        assertThatThrownBy(() -> new RouteFileLoader(n -> null).load("routes.yaml", """
                application: shop
                routes:
                  orders:
                    from: orders
                    stages:
                      - shouted: { upper: { field: name, of: "value.name +", colour: red } }
                """)).isInstanceOfSatisfying(RouteFileException.class, e -> assertThat(e.problems()).extracting(p -> p.format())
                .anySatisfy(p -> assertThat(p).startsWith("routes.yaml:6:").contains("routes.orders.stages[0].shouted.upper.colour").contains("unknown field 'colour'"))
                .anySatisfy(p -> assertThat(p).contains("routes.orders.stages[0].shouted.upper.of").contains("invalid CEL")));
    }
}
