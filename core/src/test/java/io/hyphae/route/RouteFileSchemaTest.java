package io.hyphae.route;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.hyphae.route.loader.RouteFileLoader;
import io.hyphae.spec.RouteFileSpec;
import io.hyphae.spec.SubscriberSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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

    /** Kinds of broken file of the loader's tests whose rule a JSON Schema cannot state (references, CEL, YAML itself). */
    private static final Set<String> BEYOND_A_SCHEMA = Set.of("YAML syntax", "duplicate key", "empty file", "missing env var",
            "invalid env reference", "unknown table", "CEL syntax", "CEL type", "CEL overload", "undeclared variable",
            "unknown route target", "router not last", "branch after otherwise", "cycle", "route to itself", "cycle of three",
            "stage topic collides with dead-letter topic", "two routes read one topic", "reserved enrich alias", "enrich alias twice",
            "duplicate stage names", "subscriber of an unknown route", "subscriber of an unknown stage", "subscriber url on loopback",
            "subscriber bad CIDR", "subscriber filter CEL syntax", "subscriber filter not a condition",
            "subscriber sets the signature header", "subscriber sets Host", "composite table key with keyFormat string",
            "source heartbeat too short");

    @Test
    void everyBrokenFileOfTheLoaderTestsIsRejectedByTheSchemaWhereASchemaCanSayWhy() {
        List<String> checked = new ArrayList<>();
        RouteFileLoaderTest.brokenFiles().forEach(arguments -> {
            Object[] args = arguments.get();
            String kind = (String) args[0];
            if (BEYOND_A_SCHEMA.contains(kind)) {
                return;
            }
            try {
                assertThat(validate((String) args[1])).as(kind).isNotEmpty();
            } catch (IOException e) {
                throw new AssertionError(kind, e);
            }
            checked.add(kind);
        });
        assertThat(checked).hasSizeGreaterThan(20);
    }

    @Test
    void schemaBoundsAndEnumsOfSubscribersMatchTheLoader() {
        JsonNode s = schemaTree.at("/$defs/subscriber");
        List<String> required = new ArrayList<>();
        s.get("required").forEach(r -> required.add(r.asText()));
        assertThat(required).containsExactly("url");
        assertThat(s.at("/properties/maxInFlight/anyOf/0/minimum").asInt()).isEqualTo(1);
        assertThat(s.at("/properties/maxInFlight/anyOf/0/maximum").asInt()).isEqualTo(SubscriberSpec.MAX_IN_FLIGHT_LIMIT);
        assertThat(s.at("/properties/retry/properties/maxAttempts/anyOf/0/maximum").asInt()).isEqualTo(SubscriberSpec.MAX_ATTEMPTS_LIMIT);
        Set<String> methods = new TreeSet<>();
        s.at("/properties/method/enum").forEach(m -> methods.add(m.asText().toUpperCase(Locale.ROOT)));
        assertThat(methods).containsExactlyInAnyOrderElementsOf(SubscriberSpec.METHODS);
        assertThat(schemaTree.at("/properties/topics/properties/partitions/anyOf/0/maximum").asInt()).isEqualTo(RouteFileSpec.MAX_PARTITIONS);
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

    @Test
    void theBridgesExampleIsValidForBoth() throws IOException {
        Path example = Path.of("../examples/bridges/bridges.yaml");
        assertThat(validate(Files.readString(example))).isEmpty();
        assertThat(new RouteFileLoader(n -> null).load(example).bridges()).containsOnlyKeys("telemetry-in", "alerts-mqtt", "alerts-rabbitmq");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "    direction: sideways\n    route: r\n    mqtt: { url: tcp://h, topics: [a] }\n",
        "    direction: in\n    route: r\n",
        "    direction: in\n    route: r\n    mqtt: { url: tcp://h, topics: [a] }\n    rabbitmq: { uri: amqp://h, queue: q }\n",
        "    direction: in\n    route: r\n    mqtt: { url: http://h, topics: [a] }\n",
        "    direction: in\n    route: r\n    mqtt: { url: tcp://h, topics: [a], qos: 2 }\n",
        "    direction: out\n    stage: r.s\n    format: json\n    mqtt: { url: tcp://h, topic: \"'a'\" }\n"})
    void brokenBridgesAreRejectedByBoth(String fields) throws IOException {
        String yaml = "application: a\nroutes:\n  r: { from: t, stages: [ { s: { filter: { when: 'true' } } } ] }\nbridges:\n  b:\n" + fields;
        assertThat(validate(yaml)).as(yaml).isNotEmpty();
        assertThatThrownBy(() -> new RouteFileLoader(n -> null).load("broken.yaml", yaml)).as(yaml).isInstanceOf(RouteFileException.class);
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
