package io.hyphae.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyphae.local.LocalSchemaRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The real schema registry of the local stack (Hortonworks Schema Registry in its own JVM), spoken to over the
 * Confluent REST API exactly as a Confluent-format serde speaks to it. What it lacks is pinned down too, so a
 * client knows what to expect: no look-up-free compatibility check, no /config, extra body fields refused.
 * Ids are never asserted by value: this registry does not number them the way Confluent's does.
 */
class SchemaRegistryIT {

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String ORDER_V1 = """
            {"type": "record", "name": "Order", "namespace": "io.hyphae.it", "fields": [
              {"name": "id", "type": "string"},
              {"name": "amount", "type": "double"}]}""";
    /** Backward compatible: a field added with a default. */
    private static final String ORDER_V2 = """
            {"type": "record", "name": "Order", "namespace": "io.hyphae.it", "fields": [
              {"name": "id", "type": "string"},
              {"name": "amount", "type": "double"},
              {"name": "currency", "type": "string", "default": "EUR"}]}""";
    /** Incompatible with both: id changed from string to int. */
    private static final String ORDER_BROKEN = """
            {"type": "record", "name": "Order", "namespace": "io.hyphae.it", "fields": [
              {"name": "id", "type": "int"},
              {"name": "amount", "type": "double"},
              {"name": "currency", "type": "string", "default": "EUR"}]}""";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String url;

    @Test
    void registersLooksUpEvolvesAndRefusesIncompatibleSchemas(@TempDir Path dir) throws Exception {
        LocalSchemaRegistry registry = new LocalSchemaRegistry(dir, Ports.freePair());
        List<String> progress = new ArrayList<>();
        boolean stopped;
        try {
            url = registry.start(progress::add);
            assertThat(url).isEqualTo(registry.url()).startsWith("http://127.0.0.1:");
            LocalSchemaRegistry.Status status = registry.status();
            assertThat(status.running()).isTrue();
            long pid = status.pid().orElseThrow();
            assertThat(Files.readString(dir.resolve("registry/registry.pid"))).startsWith(pid + " ");
            assertThat(Files.readString(dir.resolve("registry/registry.yaml"))).contains("bindHost: 127.0.0.1");
            System.out.println(progress.get(progress.size() - 1) + ", RSS " + rssKb(pid) / 1024 + " MB");

            // (a) register
            Response registered = post("/subjects/orders-value/versions", schemaBody(ORDER_V1));
            assertThat(registered.status()).as(registered.toString()).isEqualTo(200);
            int v1 = registered.json().get("id").asInt();

            // (b) fetch by id: the same schema
            Response byId = get("/schemas/ids/" + v1);
            assertThat(byId.status()).isEqualTo(200);
            assertThat(JSON.readTree(byId.json().get("schema").asText())).isEqualTo(JSON.readTree(ORDER_V1));

            // (c) registering it again is idempotent
            assertThat(post("/subjects/orders-value/versions", schemaBody(ORDER_V1)).json().get("id").asInt()).isEqualTo(v1);

            // (d) a compatible evolution is a new version with a new id
            Response evolved = post("/subjects/orders-value/versions", schemaBody(ORDER_V2));
            assertThat(evolved.status()).as(evolved.toString()).isEqualTo(200);
            int v2 = evolved.json().get("id").asInt();
            assertThat(v2).isNotEqualTo(v1);

            // (e) an incompatible one is refused: 409 as Confluent does, with this registry's own error code and message
            Response refused = post("/subjects/orders-value/versions", schemaBody(ORDER_BROKEN));
            assertThat(refused.status()).isEqualTo(409);
            assertThat(refused.json()).isEqualTo(JSON.readTree("{\"message\":\"Incompatible Avro schema\",\"error_code\":40901}"));

            // (f) subjects and versions
            assertThat(get("/subjects").json()).isEqualTo(JSON.readTree("[\"orders-value\"]"));
            assertThat(get("/subjects/orders-value/versions").json()).containsExactlyInAnyOrder(
                    JSON.getNodeFactory().numberNode(1), JSON.getNodeFactory().numberNode(2));

            // (g) latest
            Response latest = get("/subjects/orders-value/versions/latest");
            assertThat(latest.status()).isEqualTo(200);
            assertThat(latest.json().get("subject").asText()).isEqualTo("orders-value");
            assertThat(latest.json().get("version").asInt()).isEqualTo(2);
            assertThat(latest.json().get("id").asInt()).isEqualTo(v2);
            assertThat(JSON.readTree(latest.json().get("schema").asText())).isEqualTo(JSON.readTree(ORDER_V2));
            assertThat(get("/subjects/orders-value/versions/1").json().get("id").asInt()).isEqualTo(v1);

            // (h) look a schema up under a subject: supported
            Response lookedUp = post("/subjects/orders-value", schemaBody(ORDER_V1));
            assertThat(lookedUp.status()).isEqualTo(200);
            assertThat(lookedUp.json().get("id").asInt()).isEqualTo(v1);
            assertThat(lookedUp.json().get("version").asInt()).isEqualTo(1);
            assertThat(JSON.readTree(lookedUp.json().get("schema").asText())).isEqualTo(JSON.readTree(ORDER_V1));
            // ... an unregistered schema under a known subject: 404, but in Hortonworks' error format, not Confluent's 40403
            Response unknownSchema = post("/subjects/orders-value", schemaBody("{\"type\": \"string\"}"));
            assertThat(unknownSchema.status()).isEqualTo(404);
            assertThat(unknownSchema.json()).isEqualTo(
                    JSON.readTree("{\"responseCode\":1101,\"responseMessage\":\"Entity with id [orders-value] not found.\"}"));

            // (i) compatibility check: not offered (no such resource; the 404 comes back wrapped in a 500)
            Response compatibility = post("/compatibility/subjects/orders-value/versions/latest", schemaBody(ORDER_V2));
            assertThat(compatibility.status()).isEqualTo(500);
            assertThat(compatibility.json()).isEqualTo(JSON.readTree(
                    "{\"responseMessage\":\"An exception with message [HTTP 404 Not Found] was thrown while processing request.\"}"));

            // Confluent's error codes where a client relies on them
            assertThat(get("/schemas/ids/999999").json())
                    .isEqualTo(JSON.readTree("{\"message\":\"Schema not found\",\"error_code\":40403}"));
            assertThat(get("/subjects/no-such-subject/versions/latest").json())
                    .isEqualTo(JSON.readTree("{\"message\":\"Subject not found\",\"error_code\":40401}"));
            assertThat(get("/schemas/ids/999999").status()).isEqualTo(404);

            // Known limits: no /config, and a body with more than "schema" is a server error
            assertThat(get("/config").status()).isEqualTo(500);
            Response withType = post("/subjects/other-value/versions",
                    JSON.writeValueAsString(Map.of("schema", "{\"type\": \"string\"}", "schemaType", "AVRO")));
            assertThat(withType.status()).isEqualTo(500);
            assertThat(withType.json()).isEqualTo(JSON.readTree("{\"message\":\"Error in the backend data store\",\"error_code\":50001}"));

            System.out.println("local schema registry RSS after the requests: " + rssKb(pid) / 1024 + " MB");

            // A second start finds the running registry instead of starting another.
            registry.start(progress::add);
            assertThat(registry.status().pid()).contains(pid);
            assertThat(progress).anyMatch(m -> m.contains("already running"));
        } finally {
            stopped = registry.stop(progress::add);
        }
        assertThat(stopped).isTrue();
        assertThat(registry.status().running()).isFalse();
        assertThat(dir.resolve("registry/registry.pid")).doesNotExist();
        assertThatThrownBy(() -> get("/subjects")).isInstanceOf(ConnectException.class);
        assertThat(registry.stop(progress::add)).as("stopping a stopped registry is harmless").isFalse();
    }

    @Test
    void aRegistryThatDiesAtStartUpIsReportedWithItsLog(@TempDir Path dir) throws Exception {
        Path lib = Files.createDirectories(dir.resolve("not-a-registry"));
        Files.writeString(lib.resolve("empty.jar"), "");
        String before = System.getProperty(LocalSchemaRegistry.LIB_PROPERTY);
        LocalSchemaRegistry registry = new LocalSchemaRegistry(dir, Ports.freePair());
        try {
            System.setProperty(LocalSchemaRegistry.LIB_PROPERTY, lib.toString());
            assertThatThrownBy(() -> registry.start(m -> { }))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("exited during start-up")
                    .hasMessageContaining("RegistryApplication");
            assertThat(registry.status().running()).isFalse();
        } finally {
            if (before == null) {
                System.clearProperty(LocalSchemaRegistry.LIB_PROPERTY);
            } else {
                System.setProperty(LocalSchemaRegistry.LIB_PROPERTY, before);
            }
            registry.stop(m -> { });
        }
    }

    private record Response(int status, String body) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    private static String schemaBody(String schema) throws IOException {
        return JSON.writeValueAsString(Map.of("schema", schema));
    }

    private Response get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(10))
                .header("Accept", CONTENT_TYPE).GET().build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.body());
    }

    private Response post(String path, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", CONTENT_TYPE).header("Accept", CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.body());
    }

    private static long rssKb(long pid) throws IOException, InterruptedException {
        Process ps = new ProcessBuilder("ps", "-o", "rss=", "-p", Long.toString(pid)).redirectErrorStream(true).start();
        String out = new String(ps.getInputStream().readAllBytes()).trim();
        ps.waitFor();
        return out.isEmpty() ? -1 : Long.parseLong(out);
    }
}
