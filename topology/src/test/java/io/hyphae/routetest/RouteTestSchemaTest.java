package io.hyphae.routetest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.hyphae.route.RouteFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The route test file's JSON Schema (for editors) and its loader know the same fields and accept and reject the same files. */
class RouteTestSchemaTest {

    private static final Path SCHEMA = Path.of("../schemas/hyphae-test.schema.json");

    private final JsonNode tree = read();
    private final JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(tree);

    @TempDir
    Path dir;

    private static JsonNode read() {
        try {
            return new ObjectMapper().readTree(SCHEMA.toFile());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Set<String> properties(String pointer) {
        List<String> names = new ArrayList<>();
        tree.at(pointer).fieldNames().forEachRemaining(names::add);
        assertThat(names).as(pointer).isNotEmpty();
        return new TreeSet<>(names);
    }

    private Set<ValidationMessage> validate(String yaml) throws IOException {
        return schema.validate(new YAMLMapper().readTree(yaml));
    }

    private void load(String yaml) throws IOException {
        Files.writeString(dir.resolve("shop.yaml"), RouteTestRunnerTest.ROUTES);
        Path file = dir.resolve("shop.test.yaml");
        Files.writeString(file, yaml);
        new RouteTestLoader(n -> null).load(file);
    }

    @Test
    void theSchemaKnowsExactlyTheLoadersFields() {
        assertThat(properties("/properties")).containsExactlyInAnyOrderElementsOf(RouteTestLoader.TOP_FIELDS);
        assertThat(properties("/$defs/test/properties")).containsExactlyInAnyOrderElementsOf(RouteTestLoader.TEST_FIELDS);
        assertThat(properties("/$defs/tables/additionalProperties/items/properties")).containsExactlyInAnyOrderElementsOf(RouteTestLoader.ROW_FIELDS);
        assertThat(properties("/$defs/input/properties")).containsExactlyInAnyOrderElementsOf(RouteTestLoader.INPUT_FIELDS);
        assertThat(properties("/$defs/advance/properties")).containsExactlyInAnyOrderElementsOf(RouteTestLoader.ADVANCE_FIELDS);
        assertThat(properties("/$defs/test/properties/expect/additionalProperties/oneOf/1/properties"))
                .containsExactlyInAnyOrderElementsOf(RouteTestLoader.EXPECTATION_FIELDS);
        assertThat(properties("/$defs/record/properties")).containsExactlyInAnyOrderElementsOf(RouteTestLoader.MATCHER_FIELDS);
    }

    @Test
    void theExamplesTestFileIsValidForBoth() throws IOException {
        Path example = Path.of("../examples/insurance/insurance.test.yaml");
        assertThat(validate(Files.readString(example))).isEmpty();
        assertThat(new RouteTestLoader(n -> null).load(example).tests()).hasSizeGreaterThanOrEqualTo(5);
    }

    @Test
    void aFullTestFileIsValidForBoth() throws IOException {
        String yaml = """
                routeFile: shop.yaml
                suite: orders
                tables:
                  customers: [ { key: c1, value: { name: Ada } }, { key: c2, value: null } ]
                tests:
                  everything:
                    description: every field once
                    tables: { customers: [ { key: c3, value: { name: Bo } } ] }
                    given:
                      - { route: orders, key: o1, value: { customerId: c1, total: 3 }, headers: { trace: t1 }, timestamp: 2026-11-02T08:15:00Z }
                      - { topic: orders, raw: "not json", timestamp: 1000 }
                      - { advance: 5m }
                      - { advanceWallClock: 10s }
                      - { topic: crm.customers, key: c4, value: null }
                    expect:
                      orders.checked: [ { key: o1, value: { customerId: c1, total: 3 }, headers: { trace: t1 }, timestamp: 2026-11-02T08:15:00Z } ]
                      orders.who: { count: 1, records: [ { contains: { customer: { name: Ada } } } ] }
                      orders.dlq: [ { reason: cannot decode } ]
                    none: [big-orders, other-orders]
                """;
        assertThat(validate(yaml)).isEmpty();
        load(yaml);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "tests: {}\n",
        "test: { t: { given: [], none: [x] } }\n",
        "tests:\n  t: { given: [] }\n",
        "tests:\n  t: { none: [orders.dlq] }\n",
        "tests:\n  t: { given: [], none: [orders.dlq], expected: {} }\n",
        "tests:\n  t: { given: [ { route: orders } ], none: [orders.dlq] }\n",
        "tests:\n  t: { given: [ { route: orders, topic: orders, value: 1 } ], none: [orders.dlq] }\n",
        "tests:\n  t: { given: [ { route: orders, value: 1, raw: x } ], none: [orders.dlq] }\n",
        "tests:\n  t: { given: [ { advance: soon } ], none: [orders.dlq] }\n",
        "tests:\n  t: { given: [ { advance: 1m, route: orders } ], none: [orders.dlq] }\n",
        "tests:\n  t: { given: [], expect: { orders.dlq: { size: 1 } } }\n",
        "tests:\n  t: { given: [], expect: { orders.dlq: { count: -1 } } }\n",
        "tests:\n  t: { given: [], expect: { orders.dlq: [ {} ] } }\n",
        "tests:\n  t: { given: [], expect: { orders.dlq: [ { value: 1, contains: { a: 1 } } ] } }\n",
        "tests:\n  t: { given: [], expect: { orders.dlq: [ { contains: 1 } ] } }\n",
        "tables: { customers: [ { value: 1 } ] }\ntests:\n  t: { given: [], none: [orders.dlq] }\n",
        "tables: { customers: [ { key: null, value: 1 } ] }\ntests:\n  t: { given: [], none: [orders.dlq] }\n"})
    void brokenFilesAreRejectedByBoth(String yaml) throws IOException {
        assertThat(validate(yaml)).as(yaml).isNotEmpty();
        assertThatThrownBy(() -> load(yaml)).as(yaml).isInstanceOf(RouteFileException.class);
    }
}
