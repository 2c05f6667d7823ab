package io.hyphae.connect;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A client of a Kafka Connect worker's REST API: connectors applied idempotently from their configuration,
 * their status, deletion, the connector plugins the worker has. An error answer becomes a
 * {@link ConnectRestException} with the HTTP status and the worker's {@code message}; a worker that cannot be
 * reached, an {@link IOException} saying which URL and how to start the local one.
 *
 * <p>Requests the worker could not complete because it is rebalancing are retried for up to {@code conflictRetry}
 * (default 30 s): a 409 (a conflicting operation, or its configuration is momentarily stale) and the 500 that a
 * worker answers while a rebalance it expects has not happened yet (its {@code RebalanceNeededException}).
 */
public final class ConnectRestClient {

    /** What {@link #apply} did. */
    public enum Applied { CREATED, UPDATED, UNCHANGED }

    /** The state of a connector or task, with the worker it runs on and, when it failed, the stack trace. */
    public record State(String state, String workerId, Optional<String> trace) {
    }

    /** A task of a connector. */
    public record TaskState(int id, String state, String workerId, Optional<String> trace) {
    }

    /** {@code GET /connectors/{name}/status}. */
    public record ConnectorStatus(String name, String type, State connector, List<TaskState> tasks) {

        /** The connector and at least one task running, and no task in another state. */
        public boolean running() {
            return "RUNNING".equals(connector.state()) && !tasks.isEmpty() && tasks.stream().allMatch(t -> "RUNNING".equals(t.state()));
        }

        /** The connector or a task has failed. */
        public boolean failed() {
            return "FAILED".equals(connector.state()) || tasks.stream().anyMatch(t -> "FAILED".equals(t.state()));
        }
    }

    /** A connector plugin the worker can run. */
    public record Plugin(String className, String type, String version) {
    }

    /** {@code GET /}: the worker's version and Kafka cluster. */
    public record WorkerInfo(String version, String commit, String kafkaClusterId) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, String>> CONFIG = new TypeReference<>() { };
    private static final TypeReference<LinkedHashMap<String, Object>> OFFSET = new TypeReference<>() { };

    private final String baseUrl;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final Duration conflictRetry;

    public ConnectRestClient(String baseUrl) {
        this(baseUrl, Duration.ofSeconds(30), Duration.ofSeconds(30));
    }

    public ConnectRestClient(String baseUrl, Duration requestTimeout, Duration conflictRetry) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.requestTimeout = requestTimeout;
        this.conflictRetry = conflictRetry;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** {@code GET /}. */
    public WorkerInfo info() throws IOException, InterruptedException {
        JsonNode root = call("GET", "/", null).body();
        return new WorkerInfo(root.path("version").asText(), root.path("commit").asText(), root.path("kafka_cluster_id").asText());
    }

    /**
     * Creates the connector, or updates its configuration if it differs from {@code config}
     * ({@code PUT /connectors/{name}/config}); leaves it alone if it is the same. The worker adds
     * {@code name} to every configuration: it is not compared unless {@code config} sets it.
     */
    public Applied apply(String name, Map<String, String> config) throws IOException, InterruptedException {
        Optional<Map<String, String>> current = config(name);
        if (current.isPresent() && sameConfig(name, current.get(), config)) {
            return Applied.UNCHANGED;
        }
        Response response = call("PUT", "/connectors/" + segment(name) + "/config", JSON.writeValueAsString(config));
        return response.status() == 201 || current.isEmpty() ? Applied.CREATED : Applied.UPDATED;
    }

    static boolean sameConfig(String name, Map<String, String> current, Map<String, String> wanted) {
        Map<String, String> a = new LinkedHashMap<>(current);
        Map<String, String> b = new LinkedHashMap<>(wanted);
        if (!b.containsKey("name")) {
            a.remove("name");
        }
        return a.equals(b);
    }

    /** {@code GET /connectors/{name}/config}; empty if there is no such connector. */
    public Optional<Map<String, String>> config(String name) throws IOException, InterruptedException {
        try {
            return Optional.of(JSON.convertValue(call("GET", "/connectors/" + segment(name) + "/config", null).body(), CONFIG));
        } catch (ConnectRestException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** {@code GET /connectors/{name}/status}; a {@link ConnectRestException} with status 404 if there is no such connector. */
    public ConnectorStatus status(String name) throws IOException, InterruptedException {
        JsonNode s = call("GET", "/connectors/" + segment(name) + "/status", null).body();
        JsonNode c = s.path("connector");
        List<TaskState> tasks = new ArrayList<>();
        for (JsonNode t : s.path("tasks")) {
            tasks.add(new TaskState(t.path("id").asInt(), t.path("state").asText(), t.path("worker_id").asText(), text(t, "trace")));
        }
        return new ConnectorStatus(s.path("name").asText(name), s.path("type").asText(""),
                new State(c.path("state").asText(), c.path("worker_id").asText(), text(c, "trace")), List.copyOf(tasks));
    }

    /**
     * {@code GET /connectors/{name}/offsets}: a source connector's committed offsets, each its source offset (e.g.
     * Debezium's {@code lsn}, {@code ts_usec}, {@code snapshot}); empty when it has committed none yet.
     */
    public List<Map<String, Object>> offsets(String name) throws IOException, InterruptedException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (JsonNode o : call("GET", "/connectors/" + segment(name) + "/offsets", null).body().path("offsets")) {
            out.add(JSON.convertValue(o.path("offset"), OFFSET));
        }
        return List.copyOf(out);
    }

    /**
     * {@code PUT /connectors/{name}/stop}: stops the connector and its tasks (state {@code STOPPED}), its configuration
     * and offsets kept; {@link #resume} starts it again.
     */
    public void stop(String name) throws IOException, InterruptedException {
        call("PUT", "/connectors/" + segment(name) + "/stop", null);
    }

    /** {@code PUT /connectors/{name}/resume}: starts a stopped (or paused) connector again, from its offsets. */
    public void resume(String name) throws IOException, InterruptedException {
        call("PUT", "/connectors/" + segment(name) + "/resume", null);
    }

    /** {@code DELETE /connectors/{name}}; false if there was no such connector. */
    public boolean delete(String name) throws IOException, InterruptedException {
        try {
            call("DELETE", "/connectors/" + segment(name), null);
            return true;
        } catch (ConnectRestException e) {
            if (e.status() == 404) {
                return false;
            }
            throw e;
        }
    }

    /** {@code GET /connectors}: the names of the connectors, sorted. */
    public List<String> list() throws IOException, InterruptedException {
        List<String> names = new ArrayList<>();
        call("GET", "/connectors", null).body().forEach(n -> names.add(n.asText()));
        names.sort(null);
        return List.copyOf(names);
    }

    /** {@code GET /connector-plugins}: the source and sink connectors the worker can run. */
    public List<Plugin> plugins() throws IOException, InterruptedException {
        List<Plugin> plugins = new ArrayList<>();
        for (JsonNode p : call("GET", "/connector-plugins", null).body()) {
            plugins.add(new Plugin(p.path("class").asText(), p.path("type").asText(), p.path("version").asText()));
        }
        return List.copyOf(plugins);
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asText());
    }

    private record Response(int status, JsonNode body) {
    }

    private Response call(String method, String path, String body) throws IOException, InterruptedException {
        URI uri = URI.create(baseUrl + path);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(requestTimeout)
                .header("Accept", "application/json").header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        long deadline = System.nanoTime() + conflictRetry.toNanos();
        long pause = 250;
        while (true) {
            HttpResponse<String> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (ConnectException | HttpConnectTimeoutException e) {
                throw new IOException("cannot reach the Kafka Connect worker at " + baseUrl + " (" + method + " " + uri + ": "
                        + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + "); start the local one with "
                        + "`hyphae local start --connect`, or check the worker's URL", e);
            }
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                String text = response.body();
                return new Response(status, text == null || text.isBlank() ? JSON.nullNode() : JSON.readTree(text));
            }
            if (rebalancing(status, response.body()) && System.nanoTime() + pause * 1_000_000 < deadline) {
                Thread.sleep(pause);
                pause = Math.min(pause * 2, 2000);
                continue;
            }
            throw ConnectRestException.of(method, uri, status, response.body());
        }
    }

    /** An answer that means the worker could not take the request now and will after its rebalance. */
    static boolean rebalancing(int status, String body) {
        return status == 409 || (status == 500 && body != null && body.contains("rebalance is expected"));
    }

    /** A path segment: everything but the unreserved characters percent-encoded (URLEncoder's '+' for a space is wrong in paths). */
    static String segment(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16))).append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }

    /** An error answer of the worker's REST API. */
    public static final class ConnectRestException extends IOException {
        private static final long serialVersionUID = 1L;
        private final int status;
        private final String workerMessage;

        ConnectRestException(String message, int status, String workerMessage) {
            super(message);
            this.status = status;
            this.workerMessage = workerMessage;
        }

        static ConnectRestException of(String method, URI uri, int status, String body) {
            String message = body == null ? "" : body.strip();
            try {
                JsonNode error = JSON.readTree(body);
                if (error != null && error.hasNonNull("message")) {
                    message = error.get("message").asText();
                }
            } catch (IOException | RuntimeException e) {
                // not JSON (a proxy's page, say): the body as it is
            }
            if (message.length() > 2000) {
                message = message.substring(0, 2000) + "...";
            }
            return new ConnectRestException(method + " " + uri + " answered HTTP " + status + (message.isEmpty() ? "" : ": " + message),
                    status, message);
        }

        /** The HTTP status. */
        public int status() {
            return status;
        }

        /** The worker's {@code message} field (or the body when it has none). */
        public String workerMessage() {
            return workerMessage;
        }
    }
}
