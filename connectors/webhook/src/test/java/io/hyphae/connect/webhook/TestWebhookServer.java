package io.hyphae.connect.webhook;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/** A subscriber on 127.0.0.1 that answers as its behaviour says and records every request in arrival order. */
final class TestWebhookServer implements AutoCloseable {

    /** One request as the server saw it; {@code attempt} counts the requests with the same webhook-id. */
    record Exchange(String id, int attempt, String body, Headers headers, URI uri, Instant arrived) {
    }

    record Reply(int status, String body, Map<String, String> headers, long delayMs) {
        static Reply ok() {
            return new Reply(200, "", Map.of(), 0);
        }

        static Reply status(int status, String body) {
            return new Reply(status, body, Map.of(), 0);
        }
    }

    interface Behaviour {
        Reply reply(Exchange exchange) throws Exception;
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private volatile Behaviour behaviour = exchange -> Reply.ok();
    private final List<Exchange> received = new ArrayList<>();
    private final List<Exchange> delivered = new ArrayList<>();
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    final AtomicInteger open = new AtomicInteger();
    final AtomicInteger maxOpen = new AtomicInteger();

    TestWebhookServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    TestWebhookServer behaviour(Behaviour behaviour) {
        this.behaviour = behaviour;
        return this;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    synchronized List<Exchange> received() {
        return List.copyOf(received);
    }

    /** The requests answered with 2xx, in the order they were answered. */
    synchronized List<Exchange> delivered() {
        return List.copyOf(delivered);
    }

    private void handle(HttpExchange http) throws IOException {
        int now = open.incrementAndGet();
        maxOpen.accumulateAndGet(now, Math::max);
        boolean counted = true;
        try {
            String body = new String(http.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String id = http.getRequestHeaders().getFirst("webhook-id");
            int attempt = attempts.computeIfAbsent(String.valueOf(id), k -> new AtomicInteger()).incrementAndGet();
            Exchange exchange = new Exchange(id, attempt, body, http.getRequestHeaders(), http.getRequestURI(),
                Instant.now());
            synchronized (this) {
                received.add(exchange);
            }
            Reply reply;
            try {
                reply = behaviour.reply(exchange);
            } catch (Exception e) {
                reply = Reply.status(500, e.toString());
            }
            if (reply.delayMs() > 0) {
                Thread.sleep(reply.delayMs());
            }
            if (reply.status() / 100 == 2) {
                synchronized (this) {
                    delivered.add(exchange);
                }
            }
            reply.headers().forEach((name, value) -> http.getResponseHeaders().add(name, value));
            byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
            // no longer open once the answer starts: the client may only then start its next request
            open.decrementAndGet();
            counted = false;
            http.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = http.getResponseBody()) {
                    out.write(bytes);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (counted) {
                open.decrementAndGet();
            }
            http.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
