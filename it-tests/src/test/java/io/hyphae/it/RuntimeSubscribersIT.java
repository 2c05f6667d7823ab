package io.hyphae.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.hyphae.api.ApiServer;
import io.hyphae.connect.ConnectRestClient;
import io.hyphae.connect.SubscriberConnectors;
import io.hyphae.connect.SubscriberStatuses;
import io.hyphae.connect.webhook.FanOutConnectorConfig;
import io.hyphae.connect.webhook.FanOutSinkConfig;
import io.hyphae.format.Formats;
import io.hyphae.local.LocalConnect;
import io.hyphae.local.LocalKafka;
import io.hyphae.plan.TopicNames;
import io.hyphae.route.RouteFile;
import io.hyphae.route.loader.RouteFileLoader;
import io.hyphae.runtime.HyphaeApplication;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
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

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Subscribers added through the HTTP API, delivered by the fan-out connector on a real Kafka Connect worker (its own
 * process, beside a broker of its own): added while events flow, changed, removed and carried over a restart of the worker;
 * 200 subscribers on one stage topic read by one consumer group, one of them answering 503 without holding up the others;
 * and {@code hyphae serve} in its own process, applying the fan-out connector itself, with a subscriber whose {@code from}
 * replays the events written before it was added.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RuntimeSubscribersIT {

    private static final String TOKEN = "fan-out-token";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request a subscriber received. */
    record Received(int n, String key, int seq, int bucket) {
    }

    private final Map<String, List<Received>> received = new ConcurrentHashMap<>();
    /** Subscribers answering something else than 200. */
    private final Map<String, Integer> answers = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<String> progress = new CopyOnWriteArrayList<>();
    private LocalKafka kafka;
    private LocalConnect connect;
    private String connectUrl;
    private HttpServer hooks;
    private ExecutorService hookThreads;
    private Path dir;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        dir = tmp;
        Path plugin = Path.of("../connectors/webhook/target/plugin").toAbsolutePath().normalize();
        Assumptions.assumeTrue(Files.isDirectory(plugin.resolve("hyphae-webhook")),
                "the webhook plugin folder is not built (mvn -pl it-tests -am verify builds it): " + plugin);
        hooks = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
        hookThreads = Executors.newFixedThreadPool(32);
        hooks.setExecutor(hookThreads);
        hooks.createContext("/hooks/", this::hook);
        hooks.start();
        kafka = new LocalKafka(dir, Ports.freePair());
        connect = new LocalConnect(dir, Ports.freePair(), kafka, List.of(plugin));
        connectUrl = connect.ensureRunning(progress::add);
    }

    @AfterAll
    void stop() throws Exception {
        if (connect != null) {
            connect.stop(progress::add);
        }
        if (kafka != null) {
            kafka.stop(progress::add);
        }
        if (hooks != null) {
            hooks.stop(0);
            hookThreads.shutdownNow();
        }
    }

    private void hook(HttpExchange exchange) throws IOException {
        try {
            String name = exchange.getRequestURI().getPath().substring("/hooks/".length());
            JsonNode event = JSON.readTree(exchange.getRequestBody().readAllBytes());
            int status = answers.getOrDefault(name, 200);
            if (status == 200) {
                received.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>()).add(new Received(event.path("n").asInt(),
                        event.path("key").asText(), event.path("seq").asInt(), event.path("bucket").asInt()));
            }
            exchange.sendResponseHeaders(status, -1);
        } finally {
            exchange.close();
        }
    }

    private List<Received> of(String subscriber) {
        return received.getOrDefault(subscriber, List.of());
    }

    private Set<Integer> ns(String subscriber) {
        return of(subscriber).stream().map(Received::n).collect(Collectors.toSet());
    }

    private String hookUrl(String name) {
        return "http://127.0.0.1:" + hooks.getAddress().getPort() + "/hooks/" + name;
    }

    /** The application's route file: one route, {@code orders} → stage {@code priced}, which sets {@code band}. */
    private Path routeFile(String application) throws IOException {
        Path file = dir.resolve(application + ".yaml");
        Files.writeString(file, """
                application: %1$s
                topics: { replicationFactor: 1 }
                routes:
                  orders:
                    from: %1$s.orders
                    stages:
                      - priced: { transform: { set: { band: "value.total >= 100 ? 'HIGH' : 'LOW'" } } }
                """.formatted(application));
        return file;
    }

    /** A running application: the stream app, the API and the fan-out connector (with {@code overrides}). */
    private final class Application implements AutoCloseable {
        final String name;
        final Path file;
        final RouteFile routes;
        final Properties client = new Properties();
        final HyphaeApplication app;
        final ApiServer api;
        final URI base;
        final AtomicInteger next = new AtomicInteger();
        final Map<String, Integer> seqs = new ConcurrentHashMap<>();
        final KafkaProducer<String, String> producer;

        Application(String prefix, Map<String, String> overrides) throws Exception {
            name = Kafka.unique(prefix);
            file = routeFile(name);
            routes = new RouteFileLoader(n -> null).load(file);
            client.put("bootstrap.servers", kafka.bootstrapServers());
            app = new HyphaeApplication(routes, kafka.bootstrapServers(), progress::add);
            app.start();
            app.awaitRunning(Duration.ofSeconds(90));
            api = new ApiServer(routes, new Formats(routes.registry()), client, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    TOKEN, 1 << 20).start();
            base = URI.create("http://127.0.0.1:" + api.address().getPort());
            ConnectRestClient worker = new ConnectRestClient(connectUrl);
            if (overrides.isEmpty()) {
                assertThat(SubscriberConnectors.applyFanOut(routes, client, worker, progress::add)).isTrue();
            } else {
                Map<String, String> config = new LinkedHashMap<>(FanOutConnectorConfig.render(routes, client, true));
                config.putAll(overrides);
                worker.apply(connector(), config);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                try {
                    ConnectRestClient.ConnectorStatus status = worker.status(connector());
                    return status.running() && !status.tasks().isEmpty();
                } catch (ConnectRestClient.ConnectRestException e) {
                    return false;
                }
            });
            producer = new Kafka(kafka.bootstrapServers()).producer();
        }

        String connector() {
            return TopicNames.fanOutConnector(name);
        }

        String stageTopic() {
            return TopicNames.stage(name, "orders", "priced");
        }

        /** One event: n, its key (by {@code keyOf}), its sequence within the key; even n are HIGH. */
        int produce(IntFunction<String> keyOf, int buckets) {
            int n = next.getAndIncrement();
            String key = keyOf.apply(n);
            int seq = seqs.merge(key, 1, Integer::sum);
            int total = n % 2 == 0 ? 150 : 50;
            producer.send(new ProducerRecord<>(name + ".orders", key, "{\"n\":" + n + ",\"key\":\"" + key + "\",\"seq\":" + seq
                    + ",\"total\":" + total + ",\"bucket\":" + (n % buckets) + "}"));
            return n;
        }

        void produce(int count) {
            for (int i = 0; i < count; i++) {
                produce(n -> "k" + (n % 4), 1);
            }
            producer.flush();
        }

        HttpResponse<String> call(String method, String path, String body) throws Exception {
            return RuntimeSubscribersIT.this.call(base, method, path, body);
        }

        /** PUTs the subscriber; returns the record's writtenAt. */
        String put(String subscriber, Map<String, Object> fields) throws Exception {
            return RuntimeSubscribersIT.this.put(base, subscriber, fields);
        }

        JsonNode status(String subscriber) throws Exception {
            HttpResponse<String> status = call("GET", "/v1/subscribers/" + subscriber + "/status", null);
            assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
            return JSON.readTree(status.body());
        }

        /** Waits until every task delivers with the definition written at {@code writtenAt}. */
        void awaitDefinition(String subscriber, String writtenAt) {
            RuntimeSubscribersIT.this.awaitDefinition(base, subscriber, writtenAt);
        }

        @Override
        public void close() throws Exception {
            producer.close();
            api.close();
            app.close();
            new ConnectRestClient(connectUrl).delete(connector());
        }
    }

    @Test
    @Order(1)
    void subscribersAddedChangedAndRemovedThroughTheApiAreDeliveredWithoutARestartAndSurviveOne() throws Exception {
        try (Application a = new Application("fan", Map.of())) {
            a.awaitDefinition("all", a.put("all", Map.of()));

            // Added while events flow: it receives the HIGH events written after it was registered, none from before.
            AtomicBoolean flowing = new AtomicBoolean(true);
            Thread flow = new Thread(() -> {
                while (flowing.get()) {
                    a.produce(1);
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            flow.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> ns("all").size() >= 30);
            int before = a.next.get();
            a.put("hot", Map.of("filter", "value.band == 'HIGH'"));
            int after = a.next.get();
            await().atMost(Duration.ofSeconds(60)).until(() -> ns("hot").containsAll(
                    IntStream.range(after, after + 40).filter(n -> n % 2 == 0).boxed().toList()));
            flowing.set(false);
            flow.join();
            assertThat(of("hot")).allSatisfy(r -> {
                assertThat(r.n()).isGreaterThanOrEqualTo(before);
                assertThat(r.n() % 2).isZero();
            });
            int stopped = a.next.get();
            await().atMost(Duration.ofSeconds(60)).until(() -> ns("all").containsAll(IntStream.range(0, stopped).boxed().toList()));

            // Changed: once every task delivers with the new filter, events follow it.
            a.awaitDefinition("hot", a.put("hot", Map.of("filter", "value.band == 'LOW'")));
            int changed = a.next.get();
            a.produce(40);
            await().atMost(Duration.ofSeconds(60)).until(() -> ns("hot").containsAll(
                    IntStream.range(changed, changed + 40).filter(n -> n % 2 == 1).boxed().toList()));
            assertThat(of("hot").stream().filter(r -> r.n() >= changed)).allSatisfy(r -> assertThat(r.n() % 2).isOne());

            // Removed: once no task reports it any more, nothing more reaches it (the control subscriber gets everything).
            assertThat(a.call("DELETE", "/v1/subscribers/hot", null).statusCode()).isEqualTo(204);
            await().atMost(Duration.ofSeconds(60)).until(() -> !SubscriberStatuses.read(a.client, TopicNames.subscriberStatus(a.name),
                    Duration.ofSeconds(30)).containsKey("hot"));
            assertThat(a.call("GET", "/v1/subscribers/hot/status", null).statusCode()).isEqualTo(404);
            int removed = a.next.get();
            a.produce(20);
            await().atMost(Duration.ofSeconds(60)).until(() -> ns("all").containsAll(IntStream.range(removed, removed + 20).boxed().toList()));
            assertThat(of("hot")).allSatisfy(r -> assertThat(r.n()).isLessThan(removed));

            // The worker restarts: the subscriber is read again from its topic, and what was written meanwhile arrives.
            connect.stop(progress::add);
            int down = a.next.get();
            a.produce(20);
            connect.ensureRunning(progress::add);
            a.produce(10);
            await().atMost(Duration.ofSeconds(90)).until(() -> ns("all").containsAll(IntStream.range(down, down + 30).boxed().toList()));
            assertThat(of("hot")).allSatisfy(r -> assertThat(r.n()).isLessThan(removed));

            JsonNode all = a.status("all");
            assertThat(all.path("reported").asBoolean()).isTrue();
            assertThat(all.path("delivered").asLong()).isGreaterThanOrEqualTo(down + 30);
            assertThat(all.path("deadLettered").asLong()).isZero();
            assertThat(all.path("paused").asBoolean()).isFalse();

            // connectors status finds the fan-out connector (the subscriptions topic exists) and what it reported
            Cli status = Cli.run("connectors", "status", a.file.toString(), "-b", kafka.bootstrapServers(), "--connect-url", connectUrl);
            assertThat(status.code()).as(status.out() + status.err()).isZero();
            assertThat(status.out()).contains("connector " + a.connector() + ": RUNNING").contains("  all: delivered ")
                    .doesNotContain("  hot: ");
        }
    }

    @Test
    @Order(2)
    void twoHundredSubscribersOnOneTopicReadOnceEachGetTheirEventsInKeyOrderAndA503OneHoldsUpNone() throws Exception {
        int subscribers = 200;
        int perBucket = 6;
        // a small backlog bound, so that the subscriber answering 503 falls behind and the others catch up through re-reads
        try (Application a = new Application("scale", Map.of(FanOutSinkConfig.MAX_BUFFERED, "4"))) {
            answers.put("s0", 503);
            Map<String, Object> retry = Map.of("initialBackoff", "200ms", "maxBackoff", "1s", "maxAttempts", 1000, "maxElapsed", "1h");
            List<String> names = IntStream.range(0, subscribers).mapToObj(i -> "s" + i).toList();
            for (int i = 0; i < subscribers; i++) {
                a.put(names.get(i), Map.of("filter", "value.bucket == " + i, "maxInFlight", 2, "retry", retry));
            }
            await().atMost(Duration.ofSeconds(90)).until(() -> SubscriberStatuses.read(a.client, TopicNames.subscriberStatus(a.name),
                    Duration.ofSeconds(30)).keySet().containsAll(names));

            Map<String, List<Integer>> expected = new HashMap<>();
            for (int i = 0; i < subscribers * perBucket; i++) {
                int n = a.produce(m -> "b" + (m % subscribers) + "-k" + (m / subscribers % 2), subscribers);
                expected.computeIfAbsent("s" + (n % subscribers), k -> new ArrayList<>()).add(n);
            }
            a.producer.flush();

            List<String> healthy = names.subList(1, subscribers);
            await().atMost(Duration.ofSeconds(90)).until(() -> healthy.stream().allMatch(s -> of(s).size() >= perBucket));
            for (String s : healthy) {
                List<Received> got = of(s);
                assertThat(got).extracting(Received::n).as(s).containsExactlyInAnyOrderElementsOf(expected.get(s));
                Map<String, List<Integer>> seqsByKey = got.stream().collect(Collectors.groupingBy(Received::key, LinkedHashMap::new,
                        Collectors.mapping(Received::seq, Collectors.toList())));
                seqsByKey.forEach((key, seqs) -> assertThat(seqs).as(s + " " + key).isSorted());
            }
            // the one answering 503 still has its events pending, retried, while every other one is done
            JsonNode stuck = a.status("s0");
            assertThat(stuck.path("pending").asLong()).isPositive();
            assertThat(stuck.path("retried").asLong()).isPositive();
            assertThat(stuck.path("delivered").asLong()).isZero();
            assertThat(of("s0")).isEmpty();
            assertThat(a.status("s1").path("delivered").asLong()).isEqualTo(perBucket);

            // one consumer group reads the stage topic: the fan-out connector's
            try (Admin admin = Admin.create(a.client)) {
                List<String> groups = admin.listConsumerGroups().all().get().stream().map(ConsumerGroupListing::groupId).toList();
                Set<String> readers = new HashSet<>();
                for (ConsumerGroupDescription group : admin.describeConsumerGroups(groups).all().get().values()) {
                    boolean reads = group.members().stream().anyMatch(m -> m.assignment().topicPartitions().stream()
                            .anyMatch(tp -> tp.topic().equals(a.stageTopic())));
                    if (reads) {
                        readers.add(group.groupId());
                    }
                }
                assertThat(readers).containsExactly("connect-" + a.connector());
            }
        } finally {
            answers.remove("s0");
        }
    }

    @Test
    @Order(3)
    void hyphaeServeInItsOwnProcessAppliesTheFanOutConnectorAndASubscriberWithFromReplaysHistory() throws Exception {
        String name = Kafka.unique("serve");
        Path file = routeFile(name);
        RouteFile routes = new RouteFileLoader(n -> null).load(file);
        int port = Ports.freePair();
        URI base = URI.create("http://127.0.0.1:" + port);
        try (HyphaeApplication app = new HyphaeApplication(routes, kafka.bootstrapServers(), progress::add);
             HyphaeProcess serve = HyphaeProcess.start(dir.resolve(name + "-serve.log"), Map.of("HYPHAE_API_TOKEN", TOKEN), "serve",
                     file.toString(), "--listen", "127.0.0.1:" + port, "-b", kafka.bootstrapServers(), "--connect-url", connectUrl)) {
            app.start();
            app.awaitRunning(Duration.ofSeconds(90));
            await().atMost(Duration.ofSeconds(90)).until(() -> serve.output().contains("serving the API of"));
            // serve applied the fan-out connector to the worker itself
            ConnectRestClient worker = new ConnectRestClient(connectUrl);
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                try {
                    ConnectRestClient.ConnectorStatus status = worker.status(TopicNames.fanOutConnector(name));
                    return status.running() && !status.tasks().isEmpty();
                } catch (ConnectRestClient.ConnectRestException e) {
                    return false;
                }
            });
            String witness = name + "-witness";
            awaitDefinition(base, witness, put(base, witness, Map.of()));

            // 20 events through the API, before the other two subscribers exist
            Instant beforeTheFirst = Instant.now();
            HttpResponse<String> first = call(base, "POST", "/v1/topics/" + name + ".orders/events", events(0, 20));
            assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(60)).until(() -> ns(witness).containsAll(IntStream.range(0, 20).boxed().toList()));

            String replay = name + "-replay";
            String late = name + "-late";
            awaitDefinition(base, replay, put(base, replay, Map.of("from", beforeTheFirst.toString())));
            awaitDefinition(base, late, put(base, late, Map.of()));
            HttpResponse<String> second = call(base, "POST", "/v1/topics/" + name + ".orders/events", events(20, 10));
            assertThat(second.statusCode()).as(second.body()).isEqualTo(202);

            await().atMost(Duration.ofSeconds(60)).until(() -> ns(replay).containsAll(IntStream.range(0, 30).boxed().toList())
                    && ns(late).containsAll(IntStream.range(20, 30).boxed().toList()));
            assertThat(of(late)).extracting(Received::n).allSatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(20));
            Map<String, List<Integer>> seqsByKey = of(replay).stream().collect(Collectors.groupingBy(Received::key, LinkedHashMap::new,
                    Collectors.mapping(Received::seq, Collectors.toList())));
            assertThat(seqsByKey).hasSize(4).allSatisfy((key, seqs) -> assertThat(seqs).as(key).isSorted());

            assertThat(serve.stop()).as(serve.output()).isEqualTo(143); // the JVM's code after SIGTERM, once its shutdown hook ran
            assertThat(serve.output()).contains("stopping...").doesNotContain(TOKEN);
        } finally {
            new ConnectRestClient(connectUrl).delete(TopicNames.fanOutConnector(name));
        }
    }

    /** A batch of {@code count} events from {@code n}, four keys, each event's sequence within its key. */
    private static String events(int from, int count) {
        return IntStream.range(from, from + count).mapToObj(n -> "{\"key\": \"k" + n % 4 + "\", \"value\": {\"n\": " + n + ", \"key\": \"k"
                + n % 4 + "\", \"seq\": " + (n / 4) + ", \"total\": 150, \"bucket\": 0}}").collect(Collectors.joining(", ", "[", "]"));
    }

    private HttpResponse<String> call(URI base, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** PUTs the subscriber of {@code orders.priced}; returns the record's writtenAt. */
    private String put(URI base, String subscriber, Map<String, Object> fields) throws Exception {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("stage", "orders.priced");
        all.put("url", hookUrl(subscriber));
        all.put("allowNetworks", List.of("127.0.0.1/32"));
        all.putAll(fields);
        HttpResponse<String> written = call(base, "PUT", "/v1/subscribers/" + subscriber, JSON.writeValueAsString(all));
        assertThat(written.statusCode()).as(written.body()).isEqualTo(200);
        return JSON.readTree(written.body()).get("writtenAt").asText();
    }

    /** Waits until every task delivers with the definition written at {@code writtenAt}. */
    private void awaitDefinition(URI base, String subscriber, String writtenAt) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            HttpResponse<String> status = call(base, "GET", "/v1/subscribers/" + subscriber + "/status", null);
            return status.statusCode() == 200 && writtenAt.equals(JSON.readTree(status.body()).path("definedAt").asText());
        });
    }
}
