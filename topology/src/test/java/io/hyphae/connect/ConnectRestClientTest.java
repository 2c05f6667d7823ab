package io.hyphae.connect;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.hyphae.connect.ConnectRestClient.Applied;
import io.hyphae.connect.ConnectRestClient.ConnectRestException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** ConnectRestClient against a stub of the worker's REST API (LocalConnectIT runs it against a real worker). */
class ConnectRestClientTest {

    private HttpServer server;
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, String> stored = new LinkedHashMap<>();
    private final AtomicInteger conflicts = new AtomicInteger();
    private final AtomicInteger rebalances = new AtomicInteger();
    private ConnectRestClient client;

    @BeforeEach
    void startStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
        client = new ConnectRestClient("http://127.0.0.1:" + server.getAddress().getPort() + "/", Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    @AfterEach
    void stopStub() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        requests.add(method + " " + path);
        if (path.equals("/connectors/a%2Fb%20c/config") && method.equals("GET")) {
            if (rebalances.getAndDecrement() > 0) {
                reply(exchange, 500, "{\"error_code\":500,\"message\":\"Request cannot be completed because a rebalance is expected\"}");
            } else if (stored.isEmpty()) {
                reply(exchange, 404, "{\"error_code\":404,\"message\":\"Connector a/b c not found\"}");
            } else {
                reply(exchange, 200, new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(stored));
            }
        } else if (path.equals("/connectors/a%2Fb%20c/config") && method.equals("PUT")) {
            if (conflicts.getAndDecrement() > 0) {
                reply(exchange, 409, "{\"error_code\":409,\"message\":\"Cannot complete request because of a conflicting operation (e.g. worker rebalance)\"}");
                return;
            }
            boolean created = stored.isEmpty();
            stored.clear();
            stored.putAll(new com.fasterxml.jackson.databind.ObjectMapper().readValue(body,
                    new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() { }));
            stored.put("name", "a/b c");
            reply(exchange, created ? 201 : 200, "{}");
        } else if (path.equals("/connectors/bad/config")) {
            reply(exchange, 400, "{\"error_code\":400,\"message\":\"Connector configuration is invalid and contains the following 1 error(s)\"}");
        } else if (path.equals("/connectors/x/status")) {
            reply(exchange, 200, """
                    {"name":"x","type":"sink","connector":{"state":"RUNNING","worker_id":"127.0.0.1:8083"},
                     "tasks":[{"id":0,"state":"FAILED","worker_id":"127.0.0.1:8083","trace":"boom\\n\\tat here"},
                              {"id":1,"state":"RUNNING","worker_id":"127.0.0.1:8083"}]}""");
        } else if (path.equals("/connectors/gone") && method.equals("DELETE")) {
            reply(exchange, 404, "{\"error_code\":404,\"message\":\"Connector gone not found\"}");
        } else if (path.equals("/connectors/there") && method.equals("DELETE")) {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        } else if (path.equals("/connectors")) {
            reply(exchange, 200, "[\"b\",\"a\"]");
        } else if (path.equals("/connector-plugins")) {
            reply(exchange, 200, "[{\"class\":\"org.example.Sink\",\"type\":\"sink\",\"version\":\"1.0\"}]");
        } else if (path.equals("/")) {
            reply(exchange, 200, "{\"version\":\"4.3.1\",\"commit\":\"abc\",\"kafka_cluster_id\":\"k1\"}");
        } else {
            reply(exchange, 500, "<html>not JSON</html>");
        }
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Test
    void applyCreatesUpdatesAndLeavesAnUnchangedConfigAlone() throws Exception {
        Map<String, String> config = new LinkedHashMap<>(Map.of("connector.class", "org.example.Sink", "topics", "t"));
        assertThat(client.apply("a/b c", config)).isEqualTo(Applied.CREATED);
        assertThat(client.apply("a/b c", config)).as("the worker's added name is not a change").isEqualTo(Applied.UNCHANGED);
        config.put("topics", "t2");
        assertThat(client.apply("a/b c", config)).isEqualTo(Applied.UPDATED);
        assertThat(requests).containsExactly("GET /connectors/a%2Fb%20c/config", "PUT /connectors/a%2Fb%20c/config",
                "GET /connectors/a%2Fb%20c/config", "GET /connectors/a%2Fb%20c/config", "PUT /connectors/a%2Fb%20c/config");
    }

    @Test
    void aRebalancingWorkerIsAskedAgain() throws Exception {
        conflicts.set(2);
        assertThat(client.apply("a/b c", Map.of("connector.class", "org.example.Sink"))).isEqualTo(Applied.CREATED);
        assertThat(requests).filteredOn(r -> r.startsWith("PUT")).hasSize(3);
    }

    @Test
    void aWorkerExpectingARebalanceIsAskedAgainAlsoForReads() throws Exception {
        rebalances.set(2);
        assertThat(client.config("a/b c")).isEmpty();
        assertThat(requests).containsExactly("GET /connectors/a%2Fb%20c/config", "GET /connectors/a%2Fb%20c/config",
                "GET /connectors/a%2Fb%20c/config");
    }

    @Test
    void otherServerErrorsAreNotRetried() {
        assertThat(ConnectRestClient.rebalancing(500, "<html>not JSON</html>")).isFalse();
        assertThat(ConnectRestClient.rebalancing(500, null)).isFalse();
        assertThat(ConnectRestClient.rebalancing(409, "")).isTrue();
    }

    @Test
    void errorsCarryTheStatusAndTheWorkersMessage() {
        assertThatThrownBy(() -> client.apply("bad", Map.of()))
                .isInstanceOfSatisfying(ConnectRestException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.workerMessage()).isEqualTo("Connector configuration is invalid and contains the following 1 error(s)");
                })
                .hasMessage("GET " + client.baseUrl() + "/connectors/bad/config answered HTTP 400: "
                        + "Connector configuration is invalid and contains the following 1 error(s)");
        assertThatThrownBy(() -> client.status("elsewhere")).isInstanceOfSatisfying(ConnectRestException.class,
                e -> assertThat(e.status()).isEqualTo(500)).hasMessageEndingWith("answered HTTP 500: <html>not JSON</html>");
    }

    @Test
    void statusListPluginsInfoAndDelete() throws Exception {
        ConnectRestClient.ConnectorStatus status = client.status("x");
        assertThat(status.type()).isEqualTo("sink");
        assertThat(status.connector().state()).isEqualTo("RUNNING");
        assertThat(status.connector().trace()).isEmpty();
        assertThat(status.tasks()).extracting(ConnectRestClient.TaskState::state).containsExactly("FAILED", "RUNNING");
        assertThat(status.tasks().get(0).trace()).contains("boom\n\tat here");
        assertThat(status.failed()).isTrue();
        assertThat(status.running()).isFalse();

        assertThat(client.list()).containsExactly("a", "b");
        assertThat(client.plugins()).containsExactly(new ConnectRestClient.Plugin("org.example.Sink", "sink", "1.0"));
        assertThat(client.info()).isEqualTo(new ConnectRestClient.WorkerInfo("4.3.1", "abc", "k1"));
        assertThat(client.delete("there")).isTrue();
        assertThat(client.delete("gone")).isFalse();
    }

    @Test
    void aWorkerThatIsNotThereIsNamedWithHowToStartIt() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ConnectRestClient nowhere = new ConnectRestClient("http://127.0.0.1:" + port);
        assertThatThrownBy(nowhere::list).isInstanceOf(IOException.class).isNotInstanceOf(ConnectRestException.class)
                .hasMessageStartingWith("cannot reach the Kafka Connect worker at http://127.0.0.1:" + port)
                .hasMessageContaining("hyphae local start --connect");
    }

    @Test
    void namesArePercentEncodedAsPathSegments() {
        assertThat(ConnectRestClient.segment("a/b c+é")).isEqualTo("a%2Fb%20c%2B%C3%A9");
        assertThat(ConnectRestClient.segment("my-sink_1.v2~")).isEqualTo("my-sink_1.v2~");
    }
}
