package io.hyphae.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.hyphae.connect.SubscriberStatuses;
import io.hyphae.connect.webhook.SubscriberStatus;
import io.hyphae.format.Formats;
import io.hyphae.plan.CheckedSubscriber;
import io.hyphae.plan.TopicNames;
import io.hyphae.route.Problem;
import io.hyphae.route.RouteFile;
import io.hyphae.route.RouteFileException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP API of {@code hyphae serve}: events into the routes' input topics, subscribers kept in the topic
 * {@code <application>.subscribers}, and their delivery status from {@code <application>.subscribers.status}. Every call but {@code GET /v1/openapi.json} needs the bearer token.
 */
public final class ApiServer implements AutoCloseable {

    /**
     * The JDK's HttpServer writes a response's headers and body in two segments and, by default, without TCP_NODELAY:
     * with the client's delayed acknowledgement, every answer with a body then waits about 40 ms (measured by
     * bench/api.sh: 3 times fewer requests per second). The property is read once per JVM, when its first HttpServer
     * is made, so it is set here, before {@code hyphae serve} makes one, unless it was given.
     */
    static final String NO_DELAY = "sun.net.httpserver.nodelay";

    static {
        if (System.getProperty(NO_DELAY) == null) {
            System.setProperty(NO_DELAY, "true");
        }
    }

    public static final int MAX_BATCH = 1_000;
    public static final int DEFAULT_MAX_BODY = 1 << 20;
    private static final int IDEMPOTENCY_KEYS = 100_000;
    private static final Pattern EVENTS = Pattern.compile("/v1/topics/([^/]+)/events");
    private static final Pattern SUBSCRIBER = Pattern.compile("/v1/subscribers/([^/]+)");
    private static final Pattern SUBSCRIBER_STATUS = Pattern.compile("/v1/subscribers/([^/]+)/status");
    private static final Duration STATUS_TIMEOUT = Duration.ofSeconds(30);

    private final RouteFile file;
    private final Properties clientProperties;
    private final BearerToken token;
    private final int maxBody;
    private final InetSocketAddress listen;
    private final IdempotencyKeys idempotency = new IdempotencyKeys(IDEMPOTENCY_KEYS);
    private final byte[] openApi = OpenApiDocument.text().getBytes(StandardCharsets.UTF_8);
    private final Formats formats;
    private KafkaProducer<byte[], byte[]> producer;
    private EventIngest ingest;
    private Subscriptions subscriptions;
    private HttpServer server;
    private ExecutorService executor;

    public ApiServer(RouteFile file, Formats formats, Properties clientProperties, InetSocketAddress listen, String token, int maxBody) {
        this.file = file;
        this.formats = formats;
        this.clientProperties = clientProperties;
        this.listen = listen;
        this.token = new BearerToken(token);
        this.maxBody = maxBody;
    }

    /** Creates the subscriptions topic if missing, connects the producer and starts listening. */
    public ApiServer start() throws IOException, InterruptedException {
        String topic = TopicNames.subscriptions(file.application());
        createCompacted(topic);
        createCompacted(TopicNames.subscriberStatus(file.application()));
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "1");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(Math.max(maxBody * 2, 1 << 20)));
        producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        ingest = new EventIngest(file, formats, producer, MAX_BATCH);
        subscriptions = new Subscriptions(file, topic, producer, clientProperties);
        executor = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "hyphae-api");
            t.setDaemon(true);
            return t;
        });
        server = HttpServer.create(listen, 64);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        return this;
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** The input topics events may be sent to. */
    public Set<String> inputs() {
        return ingest.topics();
    }

    private void createCompacted(String topic) throws InterruptedException {
        try (Admin admin = Admin.create(clientProperties)) {
            NewTopic t = new NewTopic(topic, Optional.of(1), file.topics().replicationFactor())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            admin.createTopics(List.of(t)).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create the subscriptions topic " + topic + ": " + e.getCause().getMessage(), e.getCause());
            }
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getRawPath();
            String method = exchange.getRequestMethod();
            if (path.equals("/v1/openapi.json")) {
                if (!method.equals("GET")) {
                    notAllowed(exchange, "GET");
                    return;
                }
                HttpExchanges.send(exchange, 200, "application/json", openApi);
                return;
            }
            if (!token.admits(Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization")))) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
                HttpExchanges.error(exchange, 401, "unauthorized", "send Authorization: Bearer <token>");
                return;
            }
            Matcher events = EVENTS.matcher(path);
            Matcher subscriber = SUBSCRIBER.matcher(path);
            Matcher status = SUBSCRIBER_STATUS.matcher(path);
            if (events.matches()) {
                if (!method.equals("POST")) {
                    notAllowed(exchange, "POST");
                    return;
                }
                sendEvents(exchange, decode(events.group(1)));
            } else if (path.equals("/v1/subscribers")) {
                if (!method.equals("GET")) {
                    notAllowed(exchange, "GET");
                    return;
                }
                ObjectNode all = HttpExchanges.JSON.createObjectNode();
                subscriptions.all().forEach(all::set);
                HttpExchanges.json(exchange, 200, all);
            } else if (status.matches()) {
                if (!method.equals("GET")) {
                    notAllowed(exchange, "GET");
                    return;
                }
                status(exchange, decode(status.group(1)));
            } else if (subscriber.matches()) {
                subscriber(exchange, method, decode(subscriber.group(1)));
            } else {
                HttpExchanges.error(exchange, 404, "not-found", "no such resource: " + path + " (see /v1/openapi.json)");
            }
        } catch (HttpExchanges.TooLarge e) {
            HttpExchanges.error(exchange, 413, "too-large", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            HttpExchanges.error(exchange, 503, "stopping", "the server is stopping");
        } catch (RuntimeException | ExecutionException e) {
            HttpExchanges.error(exchange, 500, "internal", String.valueOf(e.getMessage()));
        } finally {
            exchange.close();
        }
    }

    private void sendEvents(HttpExchange exchange, String topic) throws IOException, HttpExchanges.TooLarge {
        byte[] body = HttpExchanges.body(exchange, maxBody);
        Optional<String> key = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Idempotency-Key")).filter(k -> !k.isBlank());
        IdempotencyKeys.Answer answer = key.isPresent()
                ? idempotency.answer(topic + "\n" + key.get(), () -> produce(topic, body, key))
                : produce(topic, body, key);
        HttpExchanges.send(exchange, answer.status(), "application/json", answer.body());
    }

    private IdempotencyKeys.Answer produce(String topic, byte[] body, Optional<String> key) {
        try {
            return new IdempotencyKeys.Answer(202, ingest.send(topic, body, key));
        } catch (EventIngest.Refused e) {
            return new IdempotencyKeys.Answer(e.status, errorBody(e.error, e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new IdempotencyKeys.Answer(503, errorBody("stopping", "the server is stopping"));
        }
    }

    private void subscriber(HttpExchange exchange, String method, String name)
            throws IOException, HttpExchanges.TooLarge, InterruptedException, ExecutionException {
        switch (method) {
            case "PUT" -> {
                byte[] body = HttpExchanges.body(exchange, maxBody);
                JsonNode fields;
                try {
                    fields = HttpExchanges.JSON.readTree(body);
                } catch (IOException e) {
                    HttpExchanges.error(exchange, 400, "invalid-json", "the body is not JSON: " + e.getMessage());
                    return;
                }
                CheckedSubscriber checked;
                try {
                    checked = subscriptions.check(name, body);
                } catch (RouteFileException e) {
                    HttpExchanges.json(exchange, 422, problems(e));
                    return;
                }
                long writtenMs = subscriptions.put(name, fields);
                ObjectNode written = HttpExchanges.JSON.createObjectNode();
                written.put("name", name);
                written.put("topic", checked.topic());
                written.put("deadLetterTopic", checked.deadLetterTopic());
                written.put("subscriptions", subscriptions.topic());
                written.put("writtenAt", Instant.ofEpochMilli(writtenMs).toString());
                HttpExchanges.json(exchange, 200, written);
            }
            case "GET" -> {
                Optional<JsonNode> found = subscriptions.get(name);
                if (found.isEmpty()) {
                    HttpExchanges.error(exchange, 404, "not-found", "no subscriber '" + name + "'");
                } else {
                    HttpExchanges.json(exchange, 200, found.get());
                }
            }
            case "DELETE" -> {
                if (subscriptions.get(name).isEmpty()) {
                    HttpExchanges.error(exchange, 404, "not-found", "no subscriber '" + name + "'");
                } else {
                    subscriptions.delete(name);
                    HttpExchanges.send(exchange, 204, "application/json", new byte[0]);
                }
            }
            default -> notAllowed(exchange, "PUT, GET, DELETE");
        }
    }

    /** What the fan-out connector's tasks last reported for the subscriber, added up. */
    private void status(HttpExchange exchange, String name) throws IOException {
        if (subscriptions.get(name).isEmpty()) {
            HttpExchanges.error(exchange, 404, "not-found", "no subscriber '" + name + "'");
            return;
        }
        Optional<SubscriberStatus> reported = Optional.ofNullable(
                SubscriberStatuses.read(clientProperties, TopicNames.subscriberStatus(file.application()), STATUS_TIMEOUT).get(name));
        SubscriberStatus s = reported.orElse(SubscriberStatus.sum(name, List.of()));
        ObjectNode body = HttpExchanges.JSON.createObjectNode();
        body.put("name", name);
        body.put("reported", reported.isPresent());
        body.put("delivered", s.delivered());
        body.put("retried", s.retried());
        body.put("deadLettered", s.deadLettered());
        body.put("filtered", s.filtered());
        body.put("pending", s.pending());
        body.put("paused", s.paused().isPresent());
        if (s.paused().isPresent()) {
            body.put("reason", s.paused().get());
        } else {
            body.putNull("reason");
        }
        body.put("behind", s.behind());
        if (reported.isPresent()) {
            body.put("definedAt", Instant.ofEpochMilli(s.definedMs()).toString());
        } else {
            body.putNull("definedAt");
        }
        body.put("deadLetterTopic", TopicNames.subscriberDeadLetter(file.application(), name));
        ObjectNode positions = body.putObject("positions");
        s.positions().forEach(positions::put);
        if (reported.isPresent()) {
            body.put("updated", Instant.ofEpochMilli(s.updatedMs()).toString());
        } else {
            body.putNull("updated");
        }
        HttpExchanges.json(exchange, 200, body);
    }

    private static ObjectNode problems(RouteFileException e) {
        ObjectNode body = HttpExchanges.JSON.createObjectNode();
        body.put("error", "invalid-subscriber");
        ArrayNode list = body.putArray("problems");
        for (Problem p : e.problems()) {
            list.addObject().put("path", p.path()).put("message", p.message())
                    .put("line", p.location().line()).put("column", p.location().column());
        }
        return body;
    }

    private static byte[] errorBody(String error, String message) {
        ObjectNode body = HttpExchanges.JSON.createObjectNode();
        body.put("error", error);
        body.put("message", message);
        try {
            return HttpExchanges.JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void notAllowed(HttpExchange exchange, String allowed) throws IOException {
        exchange.getResponseHeaders().set("Allow", allowed);
        HttpExchanges.error(exchange, 405, "method-not-allowed", "allowed: " + allowed);
    }

    private static String decode(String segment) {
        return URLDecoder.decode(segment, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(1);
        }
        if (executor != null) {
            executor.shutdownNow();
        }
        if (producer != null) {
            producer.close();
        }
    }
}
