package io.hyphae.bench;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeepAliveHttpClientTest {

    private HttpServer server;
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        server.createContext("/echo", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + exchange.getRequestHeaders().getFirst("Authorization")
                    + " " + new String(body, StandardCharsets.UTF_8));
            clientPorts.add(exchange.getRemoteAddress().getPort());
            byte[] answer = ("{\"length\":" + body.length + "}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(body.length == 0 ? 400 : 202, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        server.createContext("/chunked", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write("streamed".getBytes(StandardCharsets.UTF_8));
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void requestsGoOverOneConnectionAndEachAnswerIsReadWhole() throws IOException {
        try (KeepAliveHttpClient client = new KeepAliveHttpClient(server.getAddress())) {
            for (int i = 0; i < 50; i++) {
                String body = "x".repeat(i * 400);
                KeepAliveHttpClient.Answer answer = client.post("/echo?i=" + i, body.getBytes(StandardCharsets.UTF_8), "Authorization: Bearer t");
                assertThat(answer.status()).isEqualTo(i == 0 ? 400 : 202);
                assertThat(answer.text()).isEqualTo("{\"length\":" + body.length() + "}");
            }
        }
        assertThat(seen).hasSize(50).element(3).isEqualTo("POST /echo?i=3 Bearer t " + "x".repeat(1200));
        assertThat(clientPorts).hasSize(1);
    }

    @Test
    void anAnswerWithoutContentLengthIsRefused() throws IOException {
        try (KeepAliveHttpClient client = new KeepAliveHttpClient(server.getAddress())) {
            assertThatThrownBy(() -> client.post("/chunked", new byte[] {1}))
                    .isInstanceOf(IOException.class).hasMessageContainingAll("Content-Length", "chunked");
        }
    }
}
