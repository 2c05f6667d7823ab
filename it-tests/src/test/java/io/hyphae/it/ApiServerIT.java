package io.hyphae.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyphae.api.ApiServer;
import io.hyphae.format.Formats;
import io.hyphae.route.RouteFile;
import io.hyphae.route.loader.RouteFileLoader;
import io.hyphae.runtime.HyphaeApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP API of {@code hyphae serve} on a real broker: events into a route, subscribers kept in their topic. */
@ExtendWith(RealKafkaExtension.class)
class ApiServerIT {

    private static final String TOKEN = "t0ken-for-tests";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private URI base;

    private HttpResponse<String> call(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> authorized(String method, String path, String body, String... more) throws Exception {
        String[] headers = new String[more.length + 2];
        headers[0] = "Authorization";
        headers[1] = "Bearer " + TOKEN;
        System.arraycopy(more, 0, headers, 2, more.length);
        return call(method, path, body, headers);
    }

    @Test
    void eventsGoThroughTheRouteAndSubscribersLiveInTheirTopic(KafkaCluster cluster, @TempDir Path dir) throws Exception {
        String name = Kafka.unique("api");
        Kafka kafka = new Kafka(cluster.bootstrapServers());
        Path file = dir.resolve("routes.yaml");
        Files.writeString(file, """
                application: %1$s
                routes:
                  orders:
                    from: %1$s.orders
                    stages:
                      - checked: { validate: { required: [id] } }
                  readings:
                    from: %1$s.readings
                    format: avro
                    stages:
                      - kept: { filter: { when: "true" } }
                """.formatted(name));
        RouteFile routes = new RouteFileLoader(n -> null).load(file);
        Properties props = new Properties();
        props.put("bootstrap.servers", cluster.bootstrapServers());
        try (HyphaeApplication app = new HyphaeApplication(routes, cluster.bootstrapServers(), m -> { });
             ApiServer server = new ApiServer(routes, new Formats(routes.registry()), props,
                     new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), TOKEN, 4096).start()) {
            app.start();
            app.awaitRunning(Duration.ofSeconds(60));
            base = URI.create("http://127.0.0.1:" + server.address().getPort());
            String events = "/v1/topics/" + name + ".orders/events";

            // No token, or a wrong one: 401, nothing produced.
            assertThat(call("POST", events, "{\"value\": {\"id\": 0}}").statusCode()).isEqualTo(401);
            assertThat(call("POST", events, "{\"value\": {\"id\": 0}}", "Authorization", "Bearer nope").statusCode()).isEqualTo(401);

            HttpResponse<String> one = authorized("POST", events, "{\"key\": \"k1\", \"value\": {\"id\": 1}, \"headers\": {\"tenant\": \"acme\"}}");
            assertThat(one.statusCode()).as(one.body()).isEqualTo(202);
            assertThat(JSON.readTree(one.body()).at("/records/0/offset").isIntegralNumber()).isTrue();
            HttpResponse<String> batch = authorized("POST", events,
                    "[{\"key\": \"k2\", \"value\": {\"id\": 2}}, {\"key\": \"k3\", \"value\": {\"id\": 3}}, {\"key\": \"bad\", \"value\": {\"x\": 1}}]");
            assertThat(batch.statusCode()).as(batch.body()).isEqualTo(202);
            assertThat(JSON.readTree(batch.body()).get("records")).hasSize(3);
            // The same Idempotency-Key twice: one record, the same answer.
            HttpResponse<String> first = authorized("POST", events, "{\"key\": \"k4\", \"value\": {\"id\": 4}}", "Idempotency-Key", "req-4");
            HttpResponse<String> retry = authorized("POST", events, "{\"key\": \"k4\", \"value\": {\"id\": 4}}", "Idempotency-Key", "req-4");
            assertThat(retry.statusCode()).isEqualTo(202);
            assertThat(retry.body()).isEqualTo(first.body());

            HttpResponse<String> notJson = authorized("POST", events, "{\"value\": {\"id\": }");
            assertThat(notJson.statusCode()).isEqualTo(400);
            assertThat(notJson.body()).contains("invalid-json").contains("line 1, column");
            assertThat(authorized("POST", events, "{\"key\": \"x\"}").body()).contains("has no 'value'");
            assertThat(authorized("POST", events, "{\"value\": {}, \"partition\": 3}").body()).contains("unknown field 'partition'");
            assertThat(authorized("POST", "/v1/topics/" + name + ".nowhere/events", "{\"value\": {}}").statusCode()).isEqualTo(404);
            assertThat(authorized("POST", events, "{\"value\": \"" + "x".repeat(5000) + "\"}").statusCode()).isEqualTo(413);
            HttpResponse<String> noSchema = authorized("POST", "/v1/topics/" + name + ".readings/events", "{\"value\": {\"t\": 1}}");
            assertThat(noSchema.statusCode()).isEqualTo(422);
            assertThat(noSchema.body()).contains("declares no 'schema'");

            // Exactly the accepted events reached the input, once each, and passed the route.
            List<Kafka.Text> input = kafka.readCommitted(name + ".orders", 5, Duration.ofSeconds(30));
            assertThat(input).extracting(Kafka.Text::key).containsExactlyInAnyOrder("k1", "k2", "k3", "bad", "k4");
            assertThat(input).filteredOn(r -> r.key().equals("k1")).singleElement()
                    .satisfies(r -> assertThat(r.header("tenant")).isEqualTo("acme"));
            assertThat(input).filteredOn(r -> r.key().equals("k4")).singleElement()
                    .satisfies(r -> assertThat(r.header("hyphae.idempotency-key")).isEqualTo("req-4"));
            assertThat(kafka.readCommitted(name + ".orders.checked", 4, Duration.ofSeconds(30))).extracting(Kafka.Text::key)
                    .containsExactlyInAnyOrder("k1", "k2", "k3", "k4");
            assertThat(kafka.readCommitted(name + ".orders.dlq", 1, Duration.ofSeconds(30))).extracting(Kafka.Text::key).containsExactly("bad");

            // Subscribers: checked like the route file's, kept in <application>.subscribers.
            HttpResponse<String> invalid = authorized("PUT", "/v1/subscribers/audit",
                    "{\"stage\": \"orders.chekced\", \"url\": \"ftp://example.com/h\", \"maxInFlight\": 0, \"headers\": {\"X-Key\": \"'${HOME}'\"}}");
            assertThat(invalid.statusCode()).as(invalid.body()).isEqualTo(422);
            JsonNode problems = JSON.readTree(invalid.body()).get("problems");
            assertThat(problems.findValuesAsText("path")).contains("url", "maxInFlight", "headers.X-Key");
            assertThat(invalid.body()).contains("expected an http:// or https:// URL").contains("environment variable HOME is not set");
            HttpResponse<String> unknownStage = authorized("PUT", "/v1/subscribers/audit",
                    "{\"stage\": \"orders.chekced\", \"url\": \"https://example.com/h\"}");
            assertThat(unknownStage.statusCode()).isEqualTo(422);
            assertThat(unknownStage.body()).contains("\"path\":\"stage\"").contains("did you mean 'checked'");

            // The fan-out connector reads the file's stage topics: another topic is refused.
            HttpResponse<String> otherTopic = authorized("PUT", "/v1/subscribers/audit",
                    "{\"topic\": \"" + name + ".orders\", \"url\": \"https://example.com/h\"}");
            assertThat(otherTopic.statusCode()).as(otherTopic.body()).isEqualTo(422);
            assertThat(otherTopic.body()).contains("\"path\":\"topic\"").contains("is not a stage topic");

            String audit = "{\"stage\": \"orders.checked\", \"url\": \"https://example.com/hooks/orders\", \"filter\": \"value.id > 1\"}";
            HttpResponse<String> written = authorized("PUT", "/v1/subscribers/audit", audit);
            assertThat(written.statusCode()).as(written.body()).isEqualTo(200);
            assertThat(JSON.readTree(written.body()).get("topic").asText()).isEqualTo(name + ".orders.checked");
            assertThat(JSON.readTree(authorized("GET", "/v1/subscribers/audit", null).body())).isEqualTo(JSON.readTree(audit));
            assertThat(JSON.readTree(authorized("GET", "/v1/subscribers", null).body()).has("audit")).isTrue();
            // no fan-out connector runs here: nothing reported yet, every count 0
            JsonNode status = JSON.readTree(authorized("GET", "/v1/subscribers/audit/status", null).body());
            assertThat(status.get("reported").asBoolean()).isFalse();
            assertThat(status.get("delivered").asLong()).isZero();
            assertThat(status.get("deadLetterTopic").asText()).isEqualTo(name + ".subscriber.audit.dlq");
            assertThat(kafka.readCommitted(name + ".subscribers", 1, Duration.ofSeconds(10))).extracting(Kafka.Text::key).containsExactly("audit");
            assertThat(authorized("DELETE", "/v1/subscribers/audit", null).statusCode()).isEqualTo(204);
            assertThat(authorized("GET", "/v1/subscribers/audit", null).statusCode()).isEqualTo(404);
            assertThat(authorized("DELETE", "/v1/subscribers/audit", null).statusCode()).isEqualTo(404);
            assertThat(authorized("GET", "/v1/subscribers/audit/status", null).statusCode()).isEqualTo(404);

            // The document is public; the rest is not.
            HttpResponse<String> openApi = call("GET", "/v1/openapi.json", null);
            assertThat(openApi.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(openApi.body()).get("openapi").asText()).isEqualTo("3.1.0");
            assertThat(call("GET", "/v1/subscribers", null).statusCode()).isEqualTo(401);
        }
    }

    @Test
    void serveRefusesToStartWithoutAToken(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("routes.yaml");
        Files.writeString(file, "application: a\nroutes:\n  r: { from: t, stages: [ { s: { filter: { when: 'true' } } } ] }\n");
        Cli serve = Cli.run("serve", file.toString(), "--token-env", "HYPHAE_TEST_TOKEN_THAT_IS_NOT_SET", "-b", "127.0.0.1:1");
        assertThat(serve.code()).isEqualTo(1);
        assertThat(serve.err()).contains("set the environment variable HYPHAE_TEST_TOKEN_THAT_IS_NOT_SET");
    }
}
