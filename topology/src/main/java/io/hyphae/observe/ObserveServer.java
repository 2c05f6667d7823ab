package io.hyphae.observe;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.streams.KafkaStreams;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The HTTP side of {@code hyphae run --http}: {@code /metrics} (the Prometheus text format), {@code /health} (live:
 * the process answers and its stream threads run) and {@code /ready} (ready: the streams are RUNNING, so every table
 * is loaded and every task restored). The JDK's own server: no web framework beside Kafka Connect's Jetty.
 */
public final class ObserveServer implements AutoCloseable {

    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;

    private ObserveServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Starts serving on {@code address}.
     *
     * @param streams the running streams, null before they are created
     */
    public static ObserveServer start(InetSocketAddress address, PrometheusMeterRegistry registry, Supplier<KafkaStreams> streams)
            throws IOException {
        HttpServer server = HttpServer.create(address, 16);
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "hyphae-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        ConsumerLag lag = new ConsumerLag(registry, streams);
        server.createContext("/metrics", exchange -> {
            if (allowed(exchange)) {
                lag.refresh();
                send(exchange, 200, PROMETHEUS_TEXT, registry.scrape());
            }
        });
        server.createContext("/health", exchange -> {
            if (allowed(exchange)) {
                Health health = Health.live(streams.get());
                send(exchange, health.ok() ? 200 : 503, "application/json", health.json());
            }
        });
        server.createContext("/ready", exchange -> {
            if (allowed(exchange)) {
                Health health = Health.ready(streams.get());
                send(exchange, health.ok() ? 200 : 503, "application/json", health.json());
            }
        });
        server.createContext("/", exchange -> {
            if (allowed(exchange)) {
                send(exchange, 404, "text/plain; charset=utf-8", "not found; try /metrics, /health or /ready\n");
            }
        });
        server.start();
        return new ObserveServer(server, executor);
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    private static boolean allowed(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        if (method.equals("GET") || method.equals("HEAD")) {
            return true;
        }
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        send(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n");
        return false;
    }

    static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
