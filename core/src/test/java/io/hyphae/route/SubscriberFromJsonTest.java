package io.hyphae.route;

import io.hyphae.plan.CheckedSubscriber;
import io.hyphae.route.loader.RouteFileLoader;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** A subscriber sent as JSON (the HTTP API's) is read by the route file's spec and checked against the file. */
class SubscriberFromJsonTest {

    private static final RouteFile FILE = new RouteFileLoader(n -> null).load("routes.yaml", """
            application: shop
            routes:
              orders:
                from: shop.orders
                stages:
                  - checked: { validate: { required: [id] } }
            """);
    private final RouteFileLoader loader = new RouteFileLoader(n -> "leaked");

    @Test
    void aValidSubscriberIsCheckedAgainstTheFile() {
        CheckedSubscriber s = loader.subscriber(FILE, "body", "audit",
                "{\"stage\": \"orders.checked\", \"url\": \"https://example.com/h\", \"filter\": \"value.id > 1\", \"maxInFlight\": 8}");
        assertThat(s.topic()).isEqualTo("shop.orders.checked");
        assertThat(s.definition().maxInFlight()).isEqualTo(8);
        assertThat(s.deadLetterTopic()).isEqualTo("shop.subscriber.audit.dlq");
    }

    @Test
    void everyProblemHasAPathRelativeToTheSubscriber() {
        RouteFileException e = catchThrowableOfType(RouteFileException.class, () -> loader.subscriber(FILE, "body", "audit",
                "{\"stage\": \"orders.checked\", \"url\": \"ftp://example.com/h\", \"maxInFlight\": 0, \"retry\": {\"tries\": 3}}"));
        List<String> paths = e.problems().stream().map(Problem::path).toList();
        assertThat(paths).contains("url", "maxInFlight", "retry.tries");
        RouteFileException semantic = catchThrowableOfType(RouteFileException.class, () -> loader.subscriber(FILE, "body", "audit",
                "{\"stage\": \"orders.chekced\", \"url\": \"https://example.com/h\"}"));
        assertThat(semantic.problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("stage");
            assertThat(p.message()).contains("did you mean 'checked'");
        });
        RouteFileException cel = catchThrowableOfType(RouteFileException.class, () -> loader.subscriber(FILE, "body", "audit",
                "{\"stage\": \"orders.checked\", \"url\": \"https://example.com/h\", \"filter\": \"value.id +\"}"));
        assertThat(cel.problems()).extracting(Problem::path).containsExactly("filter");
    }

    @Test
    void fromIsAnInstantForAnApiSubscriberAndRefusedInARouteFile() {
        CheckedSubscriber s = loader.subscriber(FILE, "body", "audit",
                "{\"stage\": \"orders.checked\", \"url\": \"https://example.com/h\", \"from\": \"2026-12-01T08:00:00+01:00\"}");
        assertThat(s.definition().from()).contains(Instant.parse("2026-12-01T07:00:00Z"));
        RouteFileException bad = catchThrowableOfType(RouteFileException.class, () -> loader.subscriber(FILE, "body", "audit",
                "{\"stage\": \"orders.checked\", \"url\": \"https://example.com/h\", \"from\": \"yesterday\"}"));
        assertThat(bad.problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("from");
            assertThat(p.message()).contains("ISO-8601");
        });
        RouteFileException inFile = catchThrowableOfType(RouteFileException.class, () -> new RouteFileLoader(n -> null).load("routes.yaml", """
                application: shop
                routes:
                  orders:
                    from: shop.orders
                    stages:
                      - checked: { validate: { required: [id] } }
                subscribers:
                  audit: { stage: orders.checked, url: "https://example.com/h", from: "2026-12-01T08:00:00Z" }
                """));
        assertThat(inFile.problems()).extracting(Problem::path).containsExactly("subscribers.audit.from");
    }

    @Test
    void environmentReferencesAreNotExpanded() {
        RouteFileException e = catchThrowableOfType(RouteFileException.class, () -> loader.subscriber(FILE, "body", "audit",
                "{\"stage\": \"orders.checked\", \"url\": \"https://example.com/h\", \"headers\": {\"X-Key\": \"'${SECRET}'\"}}"));
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("headers.X-Key");
            assertThat(p.message()).contains("SECRET is not set");
        });
    }

    @Test
    void notJsonAndBadNamesAreProblemsToo() {
        assertThatThrownBy(() -> loader.subscriber(FILE, "body", "audit", "{\"url\": ")).isInstanceOf(RouteFileException.class)
                .hasMessageContaining("invalid YAML");
        assertThatThrownBy(() -> loader.subscriber(FILE, "body", "a.b", "{}")).isInstanceOf(RouteFileException.class)
                .hasMessageContaining("not a valid subscriber name");
        assertThatThrownBy(() -> loader.subscriber(FILE, "body", "audit", "")).isInstanceOf(RouteFileException.class)
                .hasMessageContaining("the subscriber is empty");
    }
}
