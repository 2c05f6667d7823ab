package io.hyphae.observe;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.hyphae.plan.TopicSpec;
import io.hyphae.plan.TopicNames;
import io.hyphae.runtime.CompiledApplication;
import io.hyphae.runtime.HyphaeApplication;
import io.hyphae.runtime.StreamsConfigFactory;
import org.apache.kafka.streams.StreamsConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.streams.KafkaStreams;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.util.HashMap;
import java.util.Map;
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
    private final DeadLetterList deadLetters;

    private ObserveServer(HttpServer server, ExecutorService executor, DeadLetterList deadLetters) {
        this.server = server;
        this.executor = executor;
        this.deadLetters = deadLetters;
    }

    /**
     * Starts serving on {@code address}: the endpoints, and the web console of {@code app} at {@code /} (its data under
     * {@code /api/}).
     *
     */
    public static ObserveServer start(InetSocketAddress address, PrometheusMeterRegistry registry, HyphaeApplication application)
            throws IOException {
        CompiledApplication app = application.compiled();
        Supplier<KafkaStreams> streams = application::streams;
        HttpServer server = HttpServer.create(address, 16);
        // Two threads: a scrape does not wait for the console's read of a dead-letter topic.
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
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
        DeadLetterList deadLetters = new DeadLetterList(app.file(),
                StreamsConfigFactory.clientProperties(app.file(), application.config().getProperty(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG)));
        Map<String, String> deadLetterTopics = new HashMap<>();
        app.file().routes().keySet().forEach(r -> deadLetterTopics.put(r, TopicNames.deadLetter(app.file().application(), r)));
        server.createContext("/api/dead-letters", exchange -> {
            if (allowed(exchange)) {
                String query = exchange.getRequestURI().getQuery();
                String route = query != null && query.startsWith("route=")
                        ? URLDecoder.decode(query.substring("route=".length()), StandardCharsets.UTF_8) : "";
                String topic = deadLetterTopics.get(route);
                if (topic == null) {
                    send(exchange, 404, "text/plain; charset=utf-8", "no route '" + route + "'; ask /api/dead-letters?route=<route>\n");
                    return;
                }
                try {
                    send(exchange, 200, JSON, Console.write(deadLetters.latest(topic)));
                } catch (RuntimeException e) {
                    send(exchange, 503, "text/plain; charset=utf-8", "cannot read " + topic + ": " + e.getMessage() + "\n");
                }
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
        return new ObserveServer(server, executor, deadLetters);
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
        deadLetters.close();
    }
}
