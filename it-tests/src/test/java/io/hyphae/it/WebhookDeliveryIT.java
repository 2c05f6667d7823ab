package io.hyphae.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.hyphae.connect.ConnectRestClient;
import io.hyphae.connect.SubscriberConnectors;
import io.hyphae.local.LocalConnect;
import io.hyphae.local.LocalKafka;
import io.hyphae.plan.CheckedFile;
import io.hyphae.route.loader.RouteFileLoader;
import io.hyphae.runtime.HyphaeApplication;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Route-file subscribers delivered end to end: a broker and a Kafka Connect worker, each its own process, the stream
 * app in-process, and an HTTP subscriber on 127.0.0.1 that fails on purpose (500/503, 429 with Retry-After, answers
 * slower than the subscriber's timeout, 400 for some keys, 410 for a subscriber that is gone).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebhookDeliveryIT {

    static final String SECRET_A = "whsec_" + Base64.getEncoder().encodeToString("hyphae-test-secret-one-0123456789".getBytes(StandardCharsets.UTF_8));
    static final String SECRET_B = "whsec_" + Base64.getEncoder().encodeToString("hyphae-test-secret-two-9876543210".getBytes(StandardCharsets.UTF_8));
    static final String WRONG = "whsec_" + Base64.getEncoder().encodeToString("not-the-secret-of-these-requests".getBytes(StandardCharsets.UTF_8));
    static final int MAX_IN_FLIGHT = 8;
    static final int TIMEOUT_MS = 1000;
    /** Keys the subscriber rejects with 400: their events end in the dead-letter topic. */
    static final Set<String> REJECTED_KEYS = Set.of("k7", "k19");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as the server received it. */
    record Received(String id, String timestamp, String signature, String body, String eventId, String key, int seq) {
    }

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Set<String> delivered = ConcurrentHashMap.newKeySet();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxSeen = new AtomicInteger();
    private final AtomicInteger goneCalls = new AtomicInteger();
    private final Random random = new Random(42);

    private Path dir;
    private LocalKafka kafka;
    private LocalConnect connect;
    private HttpServer server;
    private ExecutorService serverThreads;
    private HyphaeApplication app;
    private Path routeFile;
    private CheckedFile checked;
    private String application;
    private String connectUrl;
    private final List<String> progress = new CopyOnWriteArrayList<>();

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        dir = tmp;
        Path plugin = Path.of("../connectors/webhook/target/plugin").toAbsolutePath().normalize();
        Assumptions.assumeTrue(Files.isDirectory(plugin.resolve("hyphae-webhook")),
                "the webhook plugin folder is not built (mvn -pl it-tests -am verify builds it): " + plugin);
        startServer();
        kafka = new LocalKafka(dir, Ports.freePair());
        connect = new LocalConnect(dir, Ports.freePair(), kafka, List.of(plugin));
        connectUrl = connect.ensureRunning(progress::add);

        application = "hooks";
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        routeFile = dir.resolve("routes.json");
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("application", application);
        file.put("topics", Map.of("replicationFactor", 1));
        file.put("routes", Map.of("orders", Map.of("from", "orders.in", "stages", List.of(
                Map.of("validated", Map.of("validate", Map.of("rules", List.of("value.total > 0")))),
                Map.of("priced", Map.of("transform", Map.of("set", Map.of("band", "value.total >= 100 ? 'HIGH' : 'LOW'"))))))));
        Map<String, Object> retry = Map.of("initialBackoff", "50ms", "maxBackoff", "500ms", "multiplier", 2, "jitter", 0.2, "maxAttempts", 20);
        Map<String, Object> subscribers = new LinkedHashMap<>();
        subscribers.put("hot", Map.of("stage", "orders.priced", "url", base + "/hot", "filter", "value.band == 'HIGH'",
                "timeout", TIMEOUT_MS + "ms", "maxInFlight", MAX_IN_FLIGHT, "retry", retry, "secret", List.of(SECRET_A, SECRET_B),
                "allowNetworks", List.of("127.0.0.1/32")));
        subscribers.put("gone", Map.of("stage", "orders.priced", "url", base + "/gone", "retry", retry, "allowNetworks", List.of("127.0.0.1/32")));
        file.put("subscribers", subscribers);
        Files.writeString(routeFile, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(file));

        checked = new RouteFileLoader(n -> null).loadChecked(routeFile);
        app = new HyphaeApplication(checked.file(), kafka.bootstrapServers(), progress::add);
        app.start();
        app.awaitRunning(Duration.ofSeconds(90));
        SubscriberConnectors.apply(checked, new ConnectRestClient(connectUrl), progress::add);
    }

    private void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        serverThreads = Executors.newFixedThreadPool(48);
        server.setExecutor(serverThreads);
        server.createContext("/hot", this::hot);
        server.createContext("/gone", exchange -> {
            goneCalls.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            respond(exchange, 410);
        });
        server.start();
    }

    private void hot(HttpExchange exchange) throws IOException {
        int now = inFlight.incrementAndGet();
        maxSeen.accumulateAndGet(now, Math::max);
        boolean counted = true;
        try {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            JsonNode event = JSON.readTree(body);
            Received r = new Received(exchange.getRequestHeaders().getFirst("webhook-id"), exchange.getRequestHeaders().getFirst("webhook-timestamp"),
                    exchange.getRequestHeaders().getFirst("webhook-signature"), body, event.path("id").asText(), event.path("key").asText(),
                    event.path("seq").asInt());
            received.add(r);
            if (REJECTED_KEYS.contains(r.key())) {
                respond(exchange, 400);
                return;
            }
            double roll;
            synchronized (random) {
                roll = random.nextDouble();
            }
            if (roll < 0.10) {
                respond(exchange, 500);
            } else if (roll < 0.15) {
                respond(exchange, 503);
            } else if (roll < 0.20) {
                exchange.getResponseHeaders().add("Retry-After", "1");
                respond(exchange, 429);
            } else if (roll < 0.25) {
                // Slower than the subscriber's timeout: the client gives up at TIMEOUT_MS. The request stops counting as in
                // flight just before that, so that a retry or the next request taking its slot is not counted twice.
                Thread.sleep(TIMEOUT_MS - 150);
                inFlight.decrementAndGet();
                counted = false;
                Thread.sleep(600);
                respond(exchange, 200);
            } else {
                delivered.add(r.eventId());
                respond(exchange, 200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client gave up on a slow answer
        } finally {
            if (counted) {
                inFlight.decrementAndGet();
            }
            exchange.close();
        }
    }

    private static void respond(HttpExchange exchange, int status) throws IOException {
        exchange.sendResponseHeaders(status, -1);
    }

    @AfterAll
    void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        if (connect != null) {
            connect.stop(progress::add);
        }
        if (kafka != null) {
            kafka.stop(progress::add);
        }
        if (server != null) {
            server.stop(0);
            serverThreads.shutdownNow();
        }
    }

    /** {@code count} events, keys k0..k(keys-1) in turn; a third of each key's are HIGH. Returns the ids of the HIGH ones by key. */
    private Map<String, List<String>> produce(String prefix, int count, int keys) throws Exception {
        Map<String, List<String>> high = new LinkedHashMap<>();
        Map<String, Integer> seqs = new ConcurrentHashMap<>();
        try (KafkaProducer<String, String> producer = new Kafka(kafka.bootstrapServers()).producer()) {
            for (int n = 0; n < count; n++) {
                String key = "k" + (n % keys);
                int seq = seqs.merge(key, 1, Integer::sum);
                int total = (n / keys + n) % 3 == 0 ? 150 + n : 20 + n % 50; // per key, every third event
                String id = prefix + "-" + n;
                producer.send(new ProducerRecord<>("orders.in", key,
                        "{\"id\":\"" + id + "\",\"key\":\"" + key + "\",\"seq\":" + seq + ",\"total\":" + total + "}"));
                if (total >= 100) {
                    high.computeIfAbsent(key, k -> new ArrayList<>()).add(id);
                }
            }
            producer.flush();
        }
        return high;
    }

    private static Set<String> ids(Map<String, List<String>> byKey, boolean rejected) {
        return byKey.entrySet().stream().filter(e -> REJECTED_KEYS.contains(e.getKey()) == rejected)
                .flatMap(e -> e.getValue().stream()).collect(Collectors.toSet());
    }

    @Test
    @Order(1)
    void deliversEveryMatchingEventInKeyOrderSignedAndDeadLettersRejectedOnes() throws Exception {
        Map<String, List<String>> high = produce("a", 300, 30);
        Set<String> expected = ids(high, false);
        Set<String> rejected = ids(high, true);
        assertThat(expected).hasSizeGreaterThan(50);
        assertThat(rejected).isNotEmpty();

        awaitDelivered(expected, Duration.ofSeconds(120));

        Set<String> allHigh = high.values().stream().flatMap(List::stream).collect(Collectors.toSet());
        assertThat(received).as("only HIGH events are sent").allSatisfy(r -> assertThat(allHigh).contains(r.eventId()));

        // Per key, the first attempts arrive in offset (= seq) order: a key's next event waits for the one before.
        Map<String, List<Integer>> firstSeqs = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (Received r : received) {
            if (seen.add(r.eventId())) {
                firstSeqs.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.seq());
            }
        }
        firstSeqs.forEach((key, seqs) -> assertThat(seqs).as("key " + key).isSorted());

        // The rejected keys' events are dead-lettered with the status the subscriber answered.
        List<Kafka.Text> dlq = new Kafka(kafka.bootstrapServers()).readCommitted(application + ".subscriber.hot.dlq", rejected.size(), Duration.ofSeconds(60));
        assertThat(dlq).extracting(t -> JSON.readTree(t.value()).path("id").asText()).containsExactlyInAnyOrderElementsOf(rejected);
        assertThat(dlq).allSatisfy(t -> {
            assertThat(t.header("hyphae.webhook.status")).isEqualTo("400");
            assertThat(t.header("hyphae.webhook.attempts")).isEqualTo("1");
            assertThat(REJECTED_KEYS).contains(t.key());
        });

        assertThat(maxSeen.get()).as("requests in flight at once").isLessThanOrEqualTo(MAX_IN_FLIGHT).isGreaterThan(1);

        // Every request is signed with both secrets (a rotation): each signature verifies with our own HMAC-SHA256.
        assertThat(received).allSatisfy(r -> {
            List<String> signatures = List.of(r.signature().split(" "));
            assertThat(signatures).hasSize(2).contains(sign(SECRET_A, r), sign(SECRET_B, r)).doesNotContain(sign(WRONG, r));
            assertThat(r.id()).isNotBlank();
        });
        Map<String, Set<String>> idsPerEvent = new LinkedHashMap<>();
        received.forEach(r -> idsPerEvent.computeIfAbsent(r.eventId(), k -> new HashSet<>()).add(r.id()));
        assertThat(idsPerEvent).as("retries of an event keep its webhook-id").allSatisfy((event, webhookIds) -> assertThat(webhookIds).hasSize(1));

        // The subscriber that answers 410 Gone: its task failed, status says so and exits non-zero.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(new ConnectRestClient(connectUrl).status(application + "-subscriber-gone").failed()).isTrue());
        assertThat(goneCalls.get()).isPositive();
        Cli status = Cli.run("connectors", "status", routeFile.toString(), "-b", kafka.bootstrapServers(), "--connect-url", connectUrl);
        assertThat(status.code()).as(status.out() + status.err()).isNotZero();
        assertThat(status.out()).contains("connector " + application + "-subscriber-gone: ").contains("FAILED").contains("410")
                .contains("connector " + application + "-subscriber-hot: RUNNING, tasks 0:RUNNING")
                .contains("to deliver: 0 record(s) of " + application + ".orders.priced; dead-lettered: " + rejected.size()
                        + " in " + application + ".subscriber.hot.dlq");

        verifyWithStandardWebhooks(received.stream().limit(60).toList());
    }

    @Test
    @Order(2)
    void losesNothingWhenTheWorkerIsKilledMidStream() throws Exception {
        long before = delivered.size();
        Map<String, List<String>> high = produce("b", 240, 24);
        Set<String> expected = ids(high, false);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50))
                .until(() -> delivered.size() >= before + 5);
        long pid = connect.status().pid().orElseThrow();
        ProcessHandle worker = ProcessHandle.of(pid).orElseThrow();
        assertThat(worker.destroyForcibly()).isTrue();
        worker.onExit().get(30, TimeUnit.SECONDS);
        long deliveredAtKill = expected.stream().filter(delivered::contains).count();
        assertThat(deliveredAtKill).as("killed mid-stream").isLessThan(expected.size());

        connect.start(progress::add);
        assertThat(connect.status().pid()).isPresent().get().isNotEqualTo(pid);
        awaitDelivered(expected, Duration.ofSeconds(120));
    }

    private void awaitDelivered(Set<String> expected, Duration timeout) throws Exception {
        try {
            await().atMost(timeout).pollInterval(Duration.ofMillis(500)).until(() -> delivered.containsAll(expected));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            Set<String> missing = new java.util.TreeSet<>(expected);
            missing.removeAll(delivered);
            throw new AssertionError(missing.size() + " of " + expected.size() + " not delivered: " + missing + "\n" + diagnostics(), e);
        }
    }

    /** The connectors' states and the worker log's errors, for a failure message. */
    private String diagnostics() {
        StringBuilder out = new StringBuilder();
        try {
            ConnectRestClient client = new ConnectRestClient(connectUrl);
            for (String name : client.list()) {
                out.append(client.status(name)).append('\n');
            }
        } catch (Exception e) {
            out.append("no status: ").append(e).append('\n');
        }
        try (var lines = Files.lines(connect.logFile())) {
            lines.filter(l -> l.contains("ERROR") || l.contains("WARN")).reduce((a, b) -> a + "\n" + b)
                    .map(l -> l.length() > 8000 ? l.substring(l.length() - 8000) : l).ifPresent(out::append);
        } catch (Exception e) {
            out.append("no log: ").append(e);
        }
        return out.toString();
    }

    private static String sign(String secret, Received r) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
        byte[] digest = mac.doFinal((r.id() + "." + r.timestamp() + "." + r.body()).getBytes(StandardCharsets.UTF_8));
        return "v1," + Base64.getEncoder().encodeToString(digest);
    }

    /** The Standard Webhooks reference library (npm standardwebhooks) verifies the captured deliveries, each secret alone. */
    private void verifyWithStandardWebhooks(List<Received> deliveries) throws Exception {
        boolean node = available("node", "--version") && available("npm", "--version");
        Assumptions.assumeTrue(node, "Node and npm are not installed: the check of the signatures with the npm package standardwebhooks is skipped");
        Path js = Files.createDirectories(dir.resolve("standardwebhooks"));
        for (String f : List.of("package.json", "verify-webhooks.js")) {
            Files.copy(Path.of("src/test/node").resolve(f), js.resolve(f));
        }
        run(js, List.of("npm", "install", "--no-audit", "--no-fund", "--loglevel=error"), 300);
        assertThat(Files.isDirectory(js.resolve("node_modules/standardwebhooks"))).isTrue();
        List<Map<String, String>> list = new ArrayList<>();
        deliveries.forEach(d -> list.add(Map.of("id", d.id(), "timestamp", d.timestamp(), "signature", d.signature(), "body", d.body())));
        Path input = js.resolve("deliveries.json");
        JSON.writeValue(input.toFile(), Map.of("secrets", List.of(SECRET_A, SECRET_B), "wrongSecret", WRONG, "deliveries", list));
        String out = run(js, List.of("node", "verify-webhooks.js", input.toString()), 60);
        assertThat(out).contains("verified " + deliveries.size() + " deliveries with 2 secrets");
    }

    private static boolean available(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static String run(Path in, List<String> command, int seconds) throws Exception {
        Process p = new ProcessBuilder(command).directory(in.toFile()).redirectErrorStream(true).start();
        boolean done = p.waitFor(seconds, TimeUnit.SECONDS);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(done && p.exitValue() == 0).as(String.join(" ", command) + ":\n" + out).isTrue();
        return out.trim();
    }
}
