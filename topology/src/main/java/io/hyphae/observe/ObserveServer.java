package io.hyphae.observe;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.hyphae.plan.TopicSpec;
import io.hyphae.runtime.CompiledApplication;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.streams.KafkaStreams;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The HTTP side of {@code hyphae run --http}: {@code /metrics} (the Prometheus text format), {@code /health} (live:
 * the process answers and its stream threads run) and {@code /ready} (ready: the streams are RUNNING, so every table
 * is loaded and every task restored), and the web console at {@code /}. The JDK's own server: no web framework beside
 * Kafka Connect's Jetty.
 */
public final class ObserveServer implements AutoCloseable {

    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final String JSON = "application/json";

    private final HttpServer server;
    private final ExecutorService executor;

    private ObserveServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Starts serving on {@code address}: the endpoints, and the web console of {@code app} at {@code /} (its data under
     * {@code /api/}).
     *
     * @param streams the running streams, null before they are created
     */
    public static ObserveServer start(InetSocketAddress address, PrometheusMeterRegistry registry, Supplier<KafkaStreams> streams,
                                      CompiledApplication app) throws IOException {
        HttpServer server = HttpServer.create(address, 16);
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "hyphae-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        Set<String> read = app.topics().stream()
                .filter(t -> t.role() == TopicSpec.Role.INPUT || t.role() == TopicSpec.Role.TABLE || t.role() == TopicSpec.Role.REPARTITION)
                .map(TopicSpec::name).collect(Collectors.toSet());
        ConsumerLag lag = new ConsumerLag(registry, streams, read);
        server.createContext("/metrics", exchange -> {
            if (allowed(exchange)) {
                lag.refresh();
                send(exchange, 200, PROMETHEUS_TEXT, registry.scrape());
            }
        });
        server.createContext("/health", exchange -> {
            if (allowed(exchange)) {
                Health health = Health.live(streams.get());
                send(exchange, health.ok() ? 200 : 503, JSON, health.json());
            }
        });
        server.createContext("/ready", exchange -> {
            if (allowed(exchange)) {
                Health health = Health.ready(streams.get());
                send(exchange, health.ok() ? 200 : 503, JSON, health.json());
            }
        });
        Console console = new Console(app, registry, streams);
        server.createContext("/api/graph", exchange -> {
            if (allowed(exchange)) {
                send(exchange, 200, JSON, console.graph());
            }
        });
        server.createContext("/api/stats", exchange -> {
            if (allowed(exchange)) {
                lag.refresh();
                send(exchange, 200, JSON, console.stats());
            }
        });
        server.createContext("/", exchange -> {
            if (allowed(exchange)) {
                String path = exchange.getRequestURI().getPath();
                if (path.equals("/") || path.equals("/index.html")) {
                    exchange.getResponseHeaders().set("Content-Security-Policy",
                            "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self'");
                    send(exchange, 200, "text/html; charset=utf-8", console.page());
                } else {
                    send(exchange, 404, "text/plain; charset=utf-8", "not found; try /metrics, /health or /ready\n");
                }
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
