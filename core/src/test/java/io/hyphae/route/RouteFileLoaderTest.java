package io.hyphae.route;

import io.hyphae.plan.CheckedFile;
import io.hyphae.plan.TopicSpec;
import io.hyphae.route.loader.RouteFileLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Each class of route-file error is rejected with file:line:column, the field path and what was expected. */
class RouteFileLoaderTest {

    private static final String HEADER = """
            application: shop
            tables:
              customers: { topic: crm.customers }
            routes:
              orders:
                from: shop.orders
                stages:
            """;

    private static final String SUBSCRIBER = """
            application: shop
            routes:
              orders:
                from: shop.orders
                stages:
                  - checked: { validate: { rules: ["value.total > 0"] } }
            subscribers:
              hook:
            """;
    private static final String TO_STAGE = SUBSCRIBER + "    stage: orders.checked\n";

    /** A table fed from PostgreSQL; the test appends the key (and what else it needs) to the postgres mapping. */
    private static final String SOURCE = """
            application: shop
            routes: { r: { from: t, stages: [ { a: { filter: { when: 'true' } } } ] } }
            tables:
              geo:
                topic: geo.risk
                source:
                  postgres:
                    database: insurance
                    user: hyphae
                    table: public.geo_risk
            """;

    private static RouteFile load(String yaml) {
        return new RouteFileLoader(Map.of("HOST", "broker:9092")::get).load("routes.yaml", yaml);
    }

    private static List<Problem> problems(String yaml) {
        try {
            load(yaml);
        } catch (RouteFileException e) {
            return e.problems();
        }
        throw new AssertionError("expected the file to be rejected");
    }

    static Stream<Arguments> brokenFiles() {
        return Stream.of(
                arguments("YAML syntax", HEADER + "      - a: { filter: { when: \"true\" }\n", "routes.yaml:9:1", "", "invalid YAML"),
                arguments("unknown top-level field", "application: shop\nroute: {}\n", "routes.yaml:2:1", "route", "unknown field 'route' (did you mean 'routes'?)"),
                arguments("missing routes", "application: shop\n", "routes.yaml:1:1", "routes", "missing required field 'routes'"),
                arguments("missing application", "routes:\n  r: { from: t, stages: [ { a: { filter: { when: 'true' } } } ] }\n",
                        "routes.yaml:1:1", "application", "missing required field 'application'"),
                arguments("unknown stage type", HEADER + "      - a: { filtr: { when: \"true\" } }\n", "routes.yaml:8:14",
                        "routes.orders.stages[0].a.filtr", "unknown stage type 'filtr' (did you mean 'filter'?)"),
                arguments("two types in one stage", HEADER + "      - a: { filter: { when: \"true\" }, validate: { rules: [\"true\"] } }\n",
                        "routes.yaml:8:12", "routes.orders.stages[0].a", "exactly one type"),
                arguments("unknown field of a stage", HEADER + "      - a: { filter: { when: \"true\", unless: \"false\" } }\n",
                        "routes.yaml:8:38", "routes.orders.stages[0].a.filter.unless", "unknown field 'unless'; expected one of 'when'"),
                arguments("duplicate stage names", HEADER + "      - a: { filter: { when: \"true\" } }\n      - a: { filter: { when: \"true\" } }\n",
                        "routes.yaml:9:12", "routes.orders.stages[1].a", "duplicate stage name 'a'"),
                arguments("duplicate key", "application: shop\napplication: shop2\nroutes: {}\n", "routes.yaml:2:1", "application", "duplicate field 'application'"),
                arguments("missing from", "application: shop\nroutes:\n  r:\n    stages: [ { a: { filter: { when: 'true' } } } ]\n",
                        "routes.yaml:4:5", "routes.r.from", "missing required field 'from'"),
                arguments("invalid route name", "application: shop\nroutes:\n  r.x: { from: t, stages: [ { a: { filter: { when: 'true' } } } ] }\n",
                        "routes.yaml:3:8", "routes.r.x", "not a valid route name"),
                arguments("invalid topic name", "application: shop\nroutes:\n  r: { from: 'bad topic', stages: [ { a: { filter: { when: 'true' } } } ] }\n",
                        "routes.yaml:3:14", "routes.r.from", "'bad topic' is not a topic name"),
                arguments("unknown table", HEADER + "      - e: { enrich: { table: customer, key: \"value.id\", as: c } }\n",
                        "routes.yaml:8:31", "routes.orders.stages[0].e.enrich", "unknown table 'customer' (did you mean 'customers'?)"),
                arguments("CEL syntax", HEADER + "      - a: { filter: { when: \"value.total >\" } }\n",
                        "routes.yaml:8:44", "routes.orders.stages[0].a.filter.when", "invalid CEL: mismatched input"),
                arguments("CEL type", HEADER + "      - a: { filter: { when: \"value.total + 1\" } }\n",
                        "routes.yaml:8:31", "routes.orders.stages[0].a.filter.when", "must be a true/false condition but its type is"),
                arguments("CEL overload", HEADER + "      - a: { filter: { when: \"size(1) > 0\" } }\n",
                        "routes.yaml:8:35", "routes.orders.stages[0].a.filter.when", "found no matching overload for 'size'"),
                arguments("undeclared variable", HEADER + "      - a: { transform: { set: { x: \"geo.volume\" } } }\n",
                        "routes.yaml:8:38", "routes.orders.stages[0].a.transform.set.x", "undeclared reference to 'geo'"),
                arguments("unknown route target", HEADER + "      - r: { route: [ { when: \"true\", to: invoice } ] }\n  invoices:\n    from: shop.invoices\n    stages: [ { a: { filter: { when: 'true' } } } ]\n",
                        "routes.yaml:8:43", "routes.orders.stages[0].r.route[0].to", "'invoice' is not a route of this file (did you mean 'invoices'?)"),
                arguments("router not last", HEADER + "      - r: { route: [ { otherwise: out } ] }\n      - a: { filter: { when: \"true\" } }\n",
                        "routes.yaml:8:12", "routes.orders.stages[0].r.route", "must be the last stage"),
                arguments("branch after otherwise", HEADER + "      - r: { route: [ { otherwise: out }, { when: \"true\", to: x } ] }\n",
                        "routes.yaml:8:43", "routes.orders.stages[0].r.route[1]", "no branch may follow 'otherwise'"),
                arguments("cycle", "application: shop\nroutes:\n  a: { from: ta, stages: [ { r: { route: [ { otherwise: b } ] } } ] }\n"
                        + "  b: { from: tb, stages: [ { r: { route: [ { otherwise: a } ] } } ] }\n",
                        "routes.yaml:3:6", "routes.a", "routes form a cycle: a -> b -> a"),
                arguments("stage topic collides with dead-letter topic", HEADER + "      - dlq: { filter: { when: \"true\" } }\n",
                        "routes.yaml:8:14", "", "topic 'shop.orders.dlq' would be both the dead-letter topic of route orders and the topic of stage orders.dlq"),
                arguments("two routes read one topic", HEADER + "      - a: { filter: { when: \"true\" } }\n  again:\n    from: shop.orders\n    stages: [ { a: { filter: { when: 'true' } } } ]\n",
                        "routes.yaml:10:5", "routes.again.from", "already the input of route 'orders'"),
                arguments("reserved enrich alias", HEADER + "      - e: { enrich: { table: customers, key: \"value.id\", as: value } }\n",
                        "routes.yaml:8:63", "routes.orders.stages[0].e.enrich.as", "'value' is a built-in variable"),
                arguments("bad enum", HEADER + "      - e: { enrich: { table: customers, key: \"value.id\", as: c, onMiss: skip } }\n",
                        "routes.yaml:8:74", "routes.orders.stages[0].e.enrich.onMiss", "'skip' is not one of pass, drop, dead-letter"),
                arguments("missing env var", "application: ${APP}\nroutes: {}\n", "routes.yaml:1:14", "application",
                        "environment variable APP is not set and has no default"),
                arguments("bad partitions", "application: shop\ntopics: { partitions: many }\nroutes: {}\n", "routes.yaml:2:23", "topics.partitions",
                        "expected a whole number but found 'many'"),
                arguments("stage is not a mapping", HEADER + "      - just-a-name\n", "routes.yaml:8:9", "routes.orders.stages[0]", "expected a mapping"),
                arguments("empty file", "", "routes.yaml:1:1", "", "the file is empty"),
                arguments("invalid env reference", "application: ${1BAD}\nroutes: {}\n", "routes.yaml:1:14", "application",
                        "'${1BAD}' is not a valid environment reference"),
                arguments("bad application id", "application: my app\nroutes: {}\n", "routes.yaml:1:14", "application", "'my app' is not an application id"),
                arguments("replication factor zero", "application: a\ntopics: { replicationFactor: 0 }\nroutes: {}\n", "routes.yaml:2:30",
                        "topics.replicationFactor", "must be between 1 and 32767 but is 0"),
                arguments("zero partitions", "application: a\ntopics: { partitions: 0 }\nroutes: {}\n", "routes.yaml:2:23",
                        "topics.partitions", "must be between 1 and 10000 but is 0"),
                arguments("unknown kafka field", "application: a\nkafka: { servers: x }\nroutes: {}\n", "routes.yaml:2:10", "kafka.servers",
                        "unknown field 'servers'; expected one of 'bootstrap', 'properties', 'streams'"),
                arguments("routes is a list", "application: a\nroutes: [a, b]\n", "routes.yaml:2:9", "routes", "expected a mapping"),
                arguments("validate rule without its condition", HEADER + "      - a: { validate: { rules: [ { message: m } ] } }\n",
                        "routes.yaml:8:35", "routes.orders.stages[0].a.validate.rules[0].rule", "missing required field 'rule'"),
                arguments("filter without when", HEADER + "      - a: { filter: {} }\n", "routes.yaml:8:22", "routes.orders.stages[0].a.filter.when",
                        "missing required field 'when'"),
                arguments("enrich alias twice", HEADER + "      - e1: { enrich: { table: customers, key: \"value.id\", as: c } }\n"
                        + "      - e2: { enrich: { table: customers, key: \"value.id\", as: c } }\n",
                        "routes.yaml:9:64", "routes.orders.stages[1].e2.enrich.as", "'c' is already declared by an earlier enrich stage"),
                arguments("enrich alias not an identifier", HEADER + "      - e: { enrich: { table: customers, key: \"value.id\", as: the-customer } }\n",
                        "routes.yaml:8:63", "routes.orders.stages[0].e.enrich.as", "cannot be a CEL variable"),
                arguments("route to itself", "application: a\nroutes:\n  a: { from: ta, stages: [ { r: { route: [ { otherwise: a } ] } } ] }\n",
                        "routes.yaml:3:6", "routes.a", "routes form a cycle: a -> a"),
                arguments("cycle of three", "application: a\nroutes:\n  a: { from: ta, stages: [ { r: { route: [ { otherwise: b } ] } } ] }\n"
                        + "  b: { from: tb, stages: [ { r: { route: [ { otherwise: c } ] } } ] }\n"
                        + "  c: { from: tc, stages: [ { r: { route: [ { when: 'true', to: a }, { otherwise: out } ] } } ] }\n",
                        "routes.yaml:3:6", "routes.a", "routes form a cycle: a -> b -> c -> a"),
                arguments("composite table key with keyFormat string", SOURCE + "        key: [region, postal_code]\n",
                        "routes.yaml:11:14", "tables.geo.source.postgres.key", "a key of 2 columns [region, postal_code] is written as a JSON object"),
                arguments("source table not a name", SOURCE.replace("public.geo_risk", "public.geo-risk") + "        key: id\n",
                        "routes.yaml:10:16", "tables.geo.source.postgres.table", "'public.geo-risk' is not a table name"),
                arguments("source key column not a name", SOURCE + "        key: \"postal code\"\n",
                        "routes.yaml:11:14", "tables.geo.source.postgres.key", "'postal code' is not a column name"),
                arguments("source without key", SOURCE,
                        "routes.yaml:8:9", "tables.geo.source.postgres.key", "missing required field 'key'"),
                arguments("unknown source kind", SOURCE.replace("postgres:", "mysql:") + "        key: id\n",
                        "routes.yaml:7:7", "tables.geo.source.mysql", "unknown field 'mysql'; expected one of 'postgres'"),
                arguments("source heartbeat too short", SOURCE + "        key: id\n        heartbeat: 10ms\n",
                        "routes.yaml:12:20", "tables.geo.source.postgres.heartbeat", "must be between 1s and 1h"),
                arguments("table without topic", "application: a\ntables:\n  t: { format: json }\nroutes: {}\n", "routes.yaml:3:6", "tables.t.topic",
                        "missing required field 'topic'"),
                arguments("subscriber of an unknown route", SUBSCRIBER + "    stage: order.checked\n    url: https://example.com/h\n",
                        "routes.yaml:9:12", "subscribers.hook.stage", "unknown route 'order' (did you mean 'orders'?)"),
                arguments("subscriber of an unknown stage", SUBSCRIBER + "    stage: orders.checkd\n    url: https://example.com/h\n",
                        "routes.yaml:9:12", "subscribers.hook.stage", "route 'orders' has no stage 'checkd' (did you mean 'checked'?)"),
                arguments("subscriber with stage and topic", TO_STAGE + "    topic: shop.other\n    url: https://example.com/h\n",
                        "routes.yaml:9:5", "subscribers.hook", "not both"),
                arguments("subscriber with neither stage nor topic", SUBSCRIBER + "    url: https://example.com/h\n",
                        "routes.yaml:9:5", "subscribers.hook", "not neither"),
                arguments("subscriber without url", TO_STAGE,
                        "routes.yaml:9:5", "subscribers.hook.url", "missing required field 'url'"),
                arguments("subscriber url not http", TO_STAGE + "    url: ftp://example.com/h\n",
                        "routes.yaml:10:10", "subscribers.hook.url", "expected an http:// or https:// URL but found 'ftp://example.com/h'"),
                arguments("subscriber url on loopback", TO_STAGE + "    url: http://127.0.0.1:8080/h\n",
                        "routes.yaml:9:5", "subscribers.hook.url", "unless 'allowNetworks' covers them (e.g. allowNetworks: [127.0.0.1/32])"),
                arguments("subscriber bad CIDR", TO_STAGE + "    url: http://127.0.0.1:8080/h\n    allowNetworks: [127.0.0.1/33]\n",
                        "routes.yaml:9:5", "subscribers.hook.allowNetworks", "'127.0.0.1/33' has a prefix length outside 0..32"),
                arguments("subscriber filter CEL syntax", TO_STAGE + "    url: https://example.com/h\n    filter: \"value.total >\"\n",
                        "routes.yaml:11:27", "subscribers.hook.filter", "invalid CEL: mismatched input"),
                arguments("subscriber filter not a condition", TO_STAGE + "    url: https://example.com/h\n    filter: \"value.total + 1\"\n",
                        "routes.yaml:11:14", "subscribers.hook.filter", "must be a true/false condition"),
                arguments("subscriber sets the signature header", TO_STAGE + "    url: https://example.com/h\n    headers: { webhook-signature: \"'x'\" }\n",
                        "routes.yaml:9:5", "subscribers.hook.headers.webhook-signature", "cannot be a subscriber header"),
                arguments("subscriber sets Host", TO_STAGE + "    url: https://example.com/h\n    headers: { Host: \"'evil'\" }\n",
                        "routes.yaml:9:5", "subscribers.hook.headers.Host", "'Host' is set by the HTTP client or the signature"),
                arguments("subscriber secret without whsec_", TO_STAGE + "    url: https://example.com/h\n    secret: hunter2\n",
                        "routes.yaml:11:13", "subscribers.hook.secret", "does not start with whsec_"),
                arguments("subscriber maxInFlight zero", TO_STAGE + "    url: https://example.com/h\n    maxInFlight: 0\n",
                        "routes.yaml:11:18", "subscribers.hook.maxInFlight", "must be between 1 and 10000 but is 0"),
                arguments("subscriber unknown field", TO_STAGE + "    url: https://example.com/h\n    retries: 3\n",
                        "routes.yaml:11:5", "subscribers.hook.retries", "unknown field 'retries'; expected one of 'stage', 'topic'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenFiles")
    void rejectsWithPositionFieldAndExpectation(String kind, String yaml, String location, String path, String message) {
        List<Problem> problems = problems(yaml);
        assertThat(problems).as(kind + ": " + problems).anySatisfy(p -> {
            assertThat(p.location().toString()).isEqualTo(location);
            assertThat(p.path()).isEqualTo(path);
            assertThat(p.message()).contains(message);
        });
    }

    @Test
    void reportsEveryProblemOfAFileAtOnceInFileOrder() {
        List<Problem> problems = problems(HEADER + """
                      - a: { filtr: { when: "true" } }
                      - b: { filter: { when: "value.x +" } }
                      - c: { enrich: { table: nope, key: "value.id", as: n } }
                """);
        assertThat(problems).extracting(p -> p.location().line()).containsExactly(8, 9, 10);
        assertThat(problems.get(0).format()).startsWith("routes.yaml:8:14: routes.orders.stages[0].a.filtr: unknown stage type 'filtr'");
    }

    @Test
    void substitutesEnvironmentVariablesWithDefaults() {
        RouteFile file = load("""
                application: ${APP_ID:shop}
                kafka:
                  bootstrap: ${HOST}
                  properties: { security.protocol: "${PROTO:SASL_SSL}", literal: "$${NOT_A_VAR}" }
                routes:
                  r: { from: t, stages: [ { a: { filter: { when: "true" } } } ] }
                """);
        assertThat(file.application()).isEqualTo("shop");
        assertThat(file.kafka().bootstrapServers()).contains("broker:9092");
        assertThat(file.kafka().properties()).containsEntry("security.protocol", "SASL_SSL").containsEntry("literal", "${NOT_A_VAR}");
    }

    @Test
    void emptyBootstrapMeansNotConfigured() {
        RouteFile file = load("application: a\nkafka: { bootstrap: \"${NOT_SET:}\" }\nroutes:\n  r: { from: t, stages: [ { a: { filter: { when: 'true' } } } ] }\n");
        assertThat(file.kafka().bootstrapServers()).isEmpty();
    }

    @Test
    void readsATableSourceWithItsDefaults() {
        RouteFile file = new RouteFileLoader(Map.of("PGPASSWORD", "s3cret")::get).load("routes.yaml", SOURCE.replace("table: public.geo_risk", "table: geo_risk")
                .replace("topic: geo.risk", "topic: geo.risk\n    keyFormat: json")
                + "        password: ${PGPASSWORD}\n        key: [region, postal_code]\n        columns: [risk]\n");
        PostgresSource pg = file.tables().get("geo").source().orElseThrow();
        assertThat(pg.host()).isEqualTo("127.0.0.1");
        assertThat(pg.port()).isEqualTo(5432);
        assertThat(pg.qualifiedTable()).isEqualTo("public.geo_risk");
        assertThat(pg.key()).containsExactly("region", "postal_code");
        assertThat(pg.keptColumns()).containsExactly("region", "postal_code", "risk");
        assertThat(pg.password().orElseThrow().value()).isEqualTo("s3cret");
        assertThat(pg.password().orElseThrow().toString()).doesNotContain("s3cret");
        assertThat(pg.heartbeat()).isEqualTo(PostgresSource.DEFAULT_HEARTBEAT);
    }

    @Test
    void readsTheFullModel() {
        RouteFile file = load(HEADER + """
                      - checked: { validate: { required: [id], rules: [ "value.total > 0", { rule: "size(value.id) > 2", message: "short id" } ] } }
                      - who: { enrich: { table: customers, key: "value.customerId", as: customer, onMiss: pass } }
                      - shaped: { transform: { set: { name: "customer.name" }, rename: { total: amount }, remove: [internal] } }
                      - big: { filter: { when: "value.amount > 100" } }
                      - sent: { route: [ { when: "value.amount > 1000", to: shop.large }, { otherwise: shop.normal } ] }
                topics: { partitions: 6, replicationFactor: 3, config: { retention.ms: "86400000" } }
                """);
        assertThat(file.routes().get("orders").stages()).extracting(StageDefinition::type)
                .containsExactly("validate", "enrich", "transform", "filter", "route");
        assertThat(file.topics().partitions()).contains(6);
        assertThat(file.topics().replicationFactor()).contains((short) 3);
        assertThat(file.topics().config()).containsEntry("retention.ms", "86400000");
        assertThat(file.tables().get("customers").mode()).isEqualTo(TableMode.GLOBAL);
    }

    @Test
    void readsASubscriberWithItsDefaults() {
        CheckedFile checked = new RouteFileLoader(n -> null).loadChecked("routes.yaml", TO_STAGE + "    url: https://example.com/hook\n");
        assertThat(checked.subscribers()).singleElement().satisfies(s -> {
            assertThat(s.topic()).isEqualTo("shop.orders.checked");
            assertThat(s.connector()).isEqualTo("shop-subscriber-hook");
            assertThat(s.deadLetterTopic()).isEqualTo("shop.subscriber.hook.dlq");
            SubscriberDefinition d = s.definition();
            assertThat(d.url()).hasToString("https://example.com/hook");
            assertThat(d.method()).isEqualTo("POST");
            assertThat(d.timeout()).isEqualTo(Duration.ofSeconds(10));
            assertThat(d.maxInFlight()).isEqualTo(64);
            assertThat(d.ordering()).isEqualTo(SubscriberDefinition.Ordering.KEY);
            assertThat(d.retry()).isEqualTo(SubscriberDefinition.Retry.DEFAULT);
            assertThat(d.retry().maxAttempts()).isEqualTo(12);
            assertThat(d.retry().initialBackoff()).isEqualTo(Duration.ofSeconds(1));
            assertThat(d.filter()).isEmpty();
            assertThat(d.body()).isEmpty();
            assertThat(d.secrets()).isEmpty();
            assertThat(d.allowNetworks()).isEmpty();
        });
        assertThat(checked.topics()).extracting(TopicSpec::name).contains("shop.subscriber.hook.dlq");
    }

    @Test
    void readsEverySubscriberField() {
        RouteFile file = new RouteFileLoader(n -> null).load("routes.yaml", TO_STAGE + """
                    url: http://127.0.0.1:9000/hook
                    method: put
                    filter: "value.total > 10"
                    body: "{'id': value.id}"
                    headers: { X-Tenant: "'acme'" }
                    query: { k: "key" }
                    timeout: 2s
                    maxInFlight: 8
                    ordering: none
                    retry: { initialBackoff: 50ms, maxBackoff: 500ms, multiplier: 1.5, jitter: 0, maxAttempts: 20, maxElapsed: 1m }
                    secret: [ whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw, whsec_dGVzdA== ]
                    allowNetworks: [ 127.0.0.1/32 ]
                """);
        SubscriberDefinition d = file.subscribers().get("hook");
        assertThat(d.method()).isEqualTo("PUT");
        assertThat(d.filter()).isPresent();
        assertThat(d.body()).isPresent();
        assertThat(d.headers()).containsOnlyKeys("X-Tenant");
        assertThat(d.query()).containsOnlyKeys("k");
        assertThat(d.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(d.maxInFlight()).isEqualTo(8);
        assertThat(d.ordering()).isEqualTo(SubscriberDefinition.Ordering.NONE);
        assertThat(d.retry()).isEqualTo(new SubscriberDefinition.Retry(Duration.ofMillis(50), Duration.ofMillis(500), 1.5, 0.0, 20, Duration.ofMinutes(1)));
        assertThat(d.secrets()).extracting(Secret::value).containsExactly("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_dGVzdA==");
        assertThat(d.secrets().get(0)).hasToString("[secret]");
        assertThat(d.allowNetworks()).containsExactly("127.0.0.1/32");
    }

    @Test
    void missingFileIsAProblemToo() {
        assertThatThrownBy(() -> new RouteFileLoader().load(java.nio.file.Path.of("does/not/exist.yaml")))
                .isInstanceOf(RouteFileException.class).hasMessageContaining("does/not/exist.yaml:0:0: no such file");
    }
}
