package io.hyphae.route;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.hyphae.route.loader.RouteFileLoader;
import io.hyphae.spec.StageSpec;
import io.hyphae.spec.SubscriberSpec;
import io.hyphae.spec.StageSpecs;
import io.hyphae.stage.router.RouterSpec;
import io.hyphae.stage.validate.ValidateSpec;
import org.junit.jupiter.api.Test;
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

/** The published JSON Schema (for editors) and the loader accept and reject the same files and know the same fields. */
class RouteFileSchemaTest {

    static final Path SCHEMA = Path.of("../schemas/hyphae-route.schema.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode schemaTree = read(SCHEMA);
    private final JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schemaTree);

    private static JsonNode read(Path path) {
        try {
            return JSON.readTree(path.toFile());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Set<ValidationMessage> validate(String yaml) throws IOException {
        return schema.validate(new YAMLMapper().readTree(yaml));
    }

    private Set<String> properties(String pointer) {
        JsonNode node = schemaTree.at(pointer);
        assertThat(node.isObject()).as(pointer).isTrue();
        return new TreeSet<>(iterable(node.fieldNames()));
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    void schemaKnowsExactlyTheLoadersFields() {
        assertThat(properties("/properties")).containsExactlyInAnyOrderElementsOf(RouteFileLoader.TOP_LEVEL_FIELDS);
        assertThat(properties("/properties/kafka/properties")).containsExactlyInAnyOrderElementsOf(RouteFileLoader.KAFKA_FIELDS);
        assertThat(properties("/properties/topics/properties")).containsExactlyInAnyOrderElementsOf(RouteFileLoader.TOPICS_FIELDS);
        assertThat(properties("/properties/registry/properties")).containsExactlyInAnyOrderElementsOf(RouteFileLoader.REGISTRY_FIELDS);
        assertThat(properties("/$defs/table/properties")).containsExactlyInAnyOrderElementsOf(RouteFileLoader.TABLE_FIELDS);
        assertThat(properties("/$defs/route/properties")).containsExactlyInAnyOrderElementsOf(RouteFileLoader.ROUTE_FIELDS);
        assertThat(properties("/$defs/stage/properties")).containsExactlyInAnyOrderElementsOf(StageSpecs.names());
        for (StageSpec<?> builder : StageSpecs.all()) {
            String ref = schemaTree.at("/$defs/stage/properties/" + builder.type() + "/$ref").asText();
            JsonNode def = schemaTree.at(ref.substring(1));
            if (builder.fields().isEmpty()) {
                assertThat(def.get("type").asText()).as(builder.type() + " takes a list").isEqualTo("array");
            } else {
                assertThat(new TreeSet<>(iterable(def.get("properties").fieldNames()))).as(builder.type())
                        .containsExactlyInAnyOrderElementsOf(builder.fields());
            }
        }
        Set<String> branchFields = new TreeSet<>();
        schemaTree.at("/$defs/route-stage/items/oneOf").forEach(b -> branchFields.addAll(iterable(b.get("properties").fieldNames())));
        assertThat(branchFields).containsExactlyInAnyOrderElementsOf(RouterSpec.BRANCH_FIELDS);
        assertThat(properties("/$defs/validate/properties/rules/items/oneOf/1/properties"))
                .containsExactlyInAnyOrderElementsOf(ValidateSpec.RULE_FIELDS);
        assertThat(properties("/$defs/subscriber/properties")).containsExactlyInAnyOrderElementsOf(SubscriberSpec.FIELDS);
        assertThat(properties("/$defs/subscriber/properties/retry/properties")).containsExactlyInAnyOrderElementsOf(SubscriberSpec.RETRY_FIELDS);
    }

    @Test
    void schemaBoundsAndEnumsOfSubscribersMatchTheLoader() {
        JsonNode s = schemaTree.at("/$defs/subscriber");
        List<String> required = new ArrayList<>();
        s.get("required").forEach(r -> required.add(r.asText()));
        assertThat(required).containsExactly("url");
        assertThat(s.at("/properties/maxInFlight/minimum").asInt()).isEqualTo(1);
        assertThat(s.at("/properties/maxInFlight/maximum").asInt()).isEqualTo(SubscriberSpec.MAX_IN_FLIGHT_LIMIT);
        assertThat(s.at("/properties/retry/properties/maxAttempts/maximum").asInt()).isEqualTo(SubscriberSpec.MAX_ATTEMPTS_LIMIT);
        Set<String> methods = new TreeSet<>();
        s.at("/properties/method/enum").forEach(m -> methods.add(m.asText().toUpperCase(java.util.Locale.ROOT)));
        assertThat(methods).containsExactlyInAnyOrderElementsOf(SubscriberSpec.METHODS);
        Set<String> orderings = new TreeSet<>();
        s.at("/properties/ordering/enum").forEach(m -> orderings.add(m.asText()));
        assertThat(orderings).containsExactlyInAnyOrder("key", "none");
    }

    private static final String SUBSCRIBED = "application: a\nroutes:\n  r: { from: t, stages: [ { s: { filter: { when: 'true' } } } ] }\n"
            + "subscribers:\n  h:\n";

    @Test
    void aFullSubscriberIsValidForBoth() throws IOException {
        String yaml = SUBSCRIBED + """
                    stage: r.s
                    url: http://127.0.0.1:9000/hook
                    method: PUT
                    filter: "value.total > 10"
                    body: "{'id': value.id}"
                    headers: { X-Tenant: "'acme'" }
                    query: { k: "key" }
                    timeout: 2s
                    maxInFlight: 8
                    ordering: none
                    retry: { initialBackoff: 50ms, maxBackoff: 500ms, multiplier: 1.5, jitter: 0.1, maxAttempts: 20, maxElapsed: 1m }
                    secret: [ whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw, whsec_dGVzdA== ]
                    allowNetworks: [ 127.0.0.1/32 ]
                """;
        assertThat(validate(yaml)).isEmpty();
        assertThat(new RouteFileLoader(n -> null).load("ok.yaml", yaml).subscribers()).containsKey("h");
        String onTopic = SUBSCRIBED + "    topic: other.topic\n    format: json\n    keyFormat: json\n    url: https://example.com/h\n";
        assertThat(validate(onTopic)).isEmpty();
        assertThat(new RouteFileLoader(n -> null).load("ok.yaml", onTopic).subscribers()).containsKey("h");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "    url: https://example.com/h\n",
        "    stage: r.s\n    topic: x\n    url: https://example.com/h\n",
        "    stage: r.s\n",
        "    stage: r.s\n    url: ftp://example.com/h\n",
        "    stage: r.s\n    url: https://example.com/h\n    maxInFlight: 0\n",
        "    stage: r.s\n    url: https://example.com/h\n    maxInFlight: 10001\n",
        "    stage: r.s\n    url: https://example.com/h\n    ordering: random\n",
        "    stage: r.s\n    url: https://example.com/h\n    method: TRACE\n",
        "    stage: r.s\n    url: https://example.com/h\n    timeout: soon\n",
        "    stage: r.s\n    url: https://example.com/h\n    retry: { maxAttempts: 0 }\n",
        "    stage: r.s\n    url: https://example.com/h\n    retry: { tries: 3 }\n",
        "    stage: r.s\n    url: https://example.com/h\n    retry: { jitter: 2 }\n",
        "    stage: r.s\n    url: https://example.com/h\n    secret: [ hunter2 ]\n",
        "    stage: r.s\n    format: avro\n    url: https://example.com/h\n",
        "    stage: r.s\n    url: https://example.com/h\n    retries: 3\n"})
    void brokenSubscribersAreRejectedByBoth(String fields) throws IOException {
        String yaml = SUBSCRIBED + fields;
        assertThat(validate(yaml)).as(yaml).isNotEmpty();
        assertThatThrownBy(() -> new RouteFileLoader(n -> null).load("broken.yaml", yaml)).as(yaml).isInstanceOf(RouteFileException.class);
    }

    @Test
    void theExampleIsValidForBoth() throws IOException {
        Path example = Path.of("../examples/insurance/insurance.yaml");
        assertThat(validate(Files.readString(example))).isEmpty();
        assertThat(new RouteFileLoader(n -> null).load(example).routes()).isNotEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "application: a\nroute: {}\n",
        "application: a\nroutes:\n  r: { stages: [ { s: { filter: { when: 'true' } } } ] }\n",
        "application: a\nroutes:\n  r: { from: t, stages: [ { s: { filtr: { when: 'true' } } } ] }\n",
        "application: a\nroutes:\n  r: { from: t, stages: [ { s: { filter: { when: 'true', x: 1 } } } ] }\n",
        "application: a\nroutes:\n  r: { from: t, stages: [ { s: { enrich: { table: t, key: k } } } ] }\n",
        "application: a\nroutes:\n  r: { from: t, stages: [ { s: { route: [ { when: 'true' } ] } } ] }\n",
        "application: a\ntables:\n  t: { topic: x, mode: local }\nroutes:\n  r: { from: t, stages: [ { s: { filter: { when: 'true' } } } ] }\n",
        "application: a\nroutes:\n  r.dot: { from: t, stages: [ { s: { filter: { when: 'true' } } } ] }\n"})
    void structurallyBrokenFilesAreRejectedByBoth(String yaml) throws IOException {
        assertThat(validate(yaml)).isNotEmpty();
        assertThatThrownBy(() -> new RouteFileLoader(n -> null).load("broken.yaml", yaml)).isInstanceOf(RouteFileException.class);
    }
}
