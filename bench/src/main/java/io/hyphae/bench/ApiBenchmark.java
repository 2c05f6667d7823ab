package io.hyphae.bench;

import io.hyphae.api.ApiServer;
import io.hyphae.connect.ConnectRestClient;
import io.hyphae.connect.webhook.FanOutConnectorConfig;
import io.hyphae.connect.webhook.FanOutSinkConfig;
import io.hyphae.format.Formats;
import io.hyphae.local.LocalConnect;
import io.hyphae.local.LocalKafka;
import io.hyphae.plan.TopicNames;
import io.hyphae.route.RouteFile;
import io.hyphae.route.loader.RouteFileLoader;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The HTTP API benchmark, on a fresh local broker and Connect worker, all on loopback:
 * <ul>
 *   <li><b>fan-out</b>: the deliveries per second of the fan-out connector with one subscriber of a stage topic, then
 *   with 100 subscribers of the same topic with disjoint filters (each 1% of the records), the same records and the same
 *   number of deliveries; the ratio is the cost of offering each record to 100 subscribers instead of one. Every
 *   delivery is checked: each record exactly once, at its subscriber.</li>
 *   <li><b>isolation</b>: the 100 subscribers' delivery latency (producer to receiver, p50/p99) at a fixed rate, then
 *   the same with one more subscriber that matches every record and answers 503; the ratio of the p99s says how much a
 *   broken subscriber slows the others.</li>
 *   <li><b>ingest</b>: events per second into a route's input topic through {@code POST /v1/topics/{topic}/events}
 *   (the API in this JVM), single events and batches of 100, against a plain KafkaProducer doing the same (acks=all,
 *   idempotent, each request's events awaited), with the same number of concurrent clients.</li>
 * </ul>
 */
public final class ApiBenchmark {

    static final String TOKEN = "bench-token";
    static final int PARTITIONS = 3;

    record Options(int records, int subscribers, int maxInFlight, int latencyMs, List<Integer> clients, int singleRequests, int batchRequests,
                   boolean fanOut, boolean isolation, int isolationRate, int isolationWarmUpSeconds, int isolationSeconds, boolean jdkHttpClient,
                   Path results, Path work, Path plugins) {
        static Options parse(String[] args) {
            Map<String, String> a = new HashMap<>();
            for (int i = 0; i + 1 < args.length; i += 2) {
                a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
            }
            return new Options(Integer.parseInt(a.getOrDefault("records", "20000")), Integer.parseInt(a.getOrDefault("subscribers", "100")),
                    Integer.parseInt(a.getOrDefault("max-in-flight", "16")), Integer.parseInt(a.getOrDefault("receiver-latency-ms", "1")),
                    Arrays.stream(a.getOrDefault("clients", "1,8").split(",")).map(String::trim).map(Integer::valueOf).toList(), Integer.parseInt(a.getOrDefault("single-requests", "40000")),
                    Integer.parseInt(a.getOrDefault("batch-requests", "20000")), !"false".equals(a.getOrDefault("fan-out", "true")),
                    !"false".equals(a.getOrDefault("isolation", "true")), Integer.parseInt(a.getOrDefault("isolation-rate", "400")),
                    Integer.parseInt(a.getOrDefault("isolation-warmup-seconds", "15")), Integer.parseInt(a.getOrDefault("isolation-seconds", "20")),
                    httpClient(a.getOrDefault("http-client", "keep-alive")), Path.of(a.getOrDefault("results", "bench/results")),
                    Path.of(a.getOrDefault("work", "bench/target/work")), Path.of(a.getOrDefault("plugins", LocalConnect.WEBHOOK_PLUGIN)));
        }
    }

    /** {@code jdk}: the ingest clients use the JDK's HttpClient; {@code keep-alive}: {@link KeepAliveHttpClient}. */
    private static boolean httpClient(String name) {
        return switch (name) {
            case "jdk" -> true;
            case "keep-alive" -> false;
            default -> throw new IllegalArgumentException("--http-client is keep-alive or jdk, not " + name);
        };
    }

    record Delivery(int subscribers, int records, double seconds, double perSecond) {
    }

    /**
     * One way of ingesting: its rate, and the CPU it took per event, in this JVM (clients, API, producer) and in the
     * broker, with this JVM's share by thread group.
     */
    record Ingest(String way, int clients, int batch, int requests, double seconds, double eventsPerSecond, double requestsPerSecond,
                  double jvmCpuMicrosPerEvent, double brokerCpuMicrosPerEvent, Map<String, Double> threadCpuMicrosPerEvent) {
    }

    /** The healthy subscribers' delivery latency at a fixed rate (ms), with or without a subscriber answering 503. */
    record Isolation(boolean withUnavailable, int counted, double offeredPerSecond, double p50, double p99, double max, long unavailableAnswers) {
    }

    private final Options options;
    private final Consumer<String> log;
    private String bootstrap;
    private ConnectRestClient connect;
    private WebhookReceiver receiver;
    private LocalKafka kafka;
    private Path dir;

    ApiBenchmark(Options options, Consumer<String> log) {
        this.options = options;
        this.log = log;
    }

    public static void main(String[] args) throws Exception {
        // What ApiServer sets for hyphae serve; the receiver's HttpServer is made first here, which fixes it for the JVM.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        ApiBenchmark bench = new ApiBenchmark(Options.parse(args), m -> System.out.println(LocalTime.now().withNano(0) + " " + m));
        bench.run();
    }

    void run() throws Exception {
        if (!Files.isDirectory(options.plugins().resolve("hyphae-webhook"))) {
            throw new IllegalStateException("no webhook plugin in " + options.plugins().toAbsolutePath() + ": build it first");
        }
        long started = System.nanoTime();
        dir = options.work().resolve("api-" + System.currentTimeMillis());
        Files.createDirectories(dir);
        kafka = new LocalKafka(dir, BenchmarkRunner.freePair());
        LocalConnect worker = new LocalConnect(dir, BenchmarkRunner.freePair(), kafka, List.of(options.plugins()));
        List<Delivery> deliveries = new ArrayList<>();
        List<Ingest> ingests = new ArrayList<>();
        List<Isolation> isolations = new ArrayList<>();
        String loadBefore = loadAverage();
        try (WebhookReceiver r = new WebhookReceiver(options.latencyMs())) {
            receiver = r;
            bootstrap = kafka.start(log);
            connect = new ConnectRestClient(worker.ensureRunning(log));
            // one subscriber first, on a worker that has delivered nothing yet: a warm JVM is in the 100 subscribers' favour
            if (options.fanOut()) {
                deliveries.add(fanOut(1));
                deliveries.add(fanOut(options.subscribers()));
            }
            if (options.isolation()) {
                isolation(false); // a warm-up run of the same, not counted: the first at a fixed rate on this worker
                isolations.add(isolation(false));
                isolations.add(isolation(true));
            }
            ingests.addAll(ingest());
        } finally {
            worker.stop(log);
            kafka.stop(log);
            BenchmarkRunner.deleteRecursively(dir);
        }
        String report = report(deliveries, isolations, ingests, (System.nanoTime() - started) / 1e9, loadBefore, loadAverage());
        System.out.println();
        System.out.println(report);
        Files.createDirectories(options.results());
        Path file = options.results().resolve(LocalDate.now() + "-api.md");
        Files.writeString(file, report);
        System.out.println("results: " + file);
    }

    // ---- fan-out

    private RouteFile routes(String application) throws Exception {
        Path file = dir.resolve(application + ".yaml");
        Files.writeString(file, """
                application: %1$s
                topics: { partitions: %2$d, replicationFactor: 1 }
                routes:
                  orders:
                    from: %1$s.orders
                    stages:
                      - priced: { filter: { when: "true" } }
                """.formatted(application, PARTITIONS));
        return new RouteFileLoader(n -> null).load(file);
    }

    /** The stage topic, the subscriptions and status topics; returns the stage topic. */
    private String createTopics(String application) throws Exception {
        String stage = TopicNames.stage(application, "orders", "priced");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            Map<String, String> compacted = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
            admin.createTopics(List.of(new NewTopic(stage, PARTITIONS, (short) 1),
                    new NewTopic(TopicNames.subscriptions(application), 1, (short) 1).configs(compacted),
                    new NewTopic(TopicNames.subscriberStatus(application), 1, (short) 1).configs(compacted))).all().get();
        }
        return stage;
    }

    /** A subscriber of the stage topic written to the subscriptions topic; {@code more}: further JSON fields, each after a comma. */
    private void subscribe(KafkaProducer<byte[], byte[]> producer, String application, String name, String url, String filter, String more) {
        String json = "{\"stage\":\"orders.priced\",\"url\":\"" + url + "\",\"allowNetworks\":[\"127.0.0.0/8\"],"
                + "\"maxInFlight\":" + options.maxInFlight() + ",\"filter\":\"" + filter + "\"" + more + "}";
        producer.send(new ProducerRecord<>(TopicNames.subscriptions(application), name.getBytes(StandardCharsets.UTF_8),
                json.getBytes(StandardCharsets.UTF_8)));
    }

    /** The fan-out connector of the application, one task; returns its name. */
    private String applyFanOut(RouteFile routes, String application) throws Exception {
        Properties client = new Properties();
        client.put("bootstrap.servers", bootstrap);
        Map<String, String> config = new LinkedHashMap<>(FanOutConnectorConfig.render(routes, client, true));
        config.put("tasks.max", "1");
        config.put(FanOutSinkConfig.STATUS_INTERVAL_MS, "1000");
        String name = TopicNames.fanOutConnector(application);
        connect.apply(name, config);
        return name;
    }

    /** N records on the stage topic, bucket = id % subscribers, delivered to {@code subscribers} subscribers with disjoint filters. */
    private Delivery fanOut(int subscribers) throws Exception {
        String application = "fan" + subscribers + "x" + System.currentTimeMillis() % 100_000;
        RouteFile routes = routes(application);
        String stage = createTopics(application);
        int n = options.records();
        try (KafkaProducer<byte[], byte[]> producer = producer(10)) {
            // the subscribers first: a subscriber receives what is written after it
            for (int s = 0; s < subscribers; s++) {
                subscribe(producer, application, "s" + s, receiver.url() + "?s=" + s, subscribers == 1 ? "value.bucket >= 0" : "value.bucket == " + s, "");
            }
            producer.flush();
            Thread.sleep(50);
            for (int i = 0; i < n; i++) {
                String value = String.format(Locale.ROOT, "{\"id\":%d,\"producedAtMicros\":%d,\"bucket\":%d,\"type\":\"order.created\","
                        + "\"customer\":\"customer-%04d\",\"amount\":%d.%02d}", i, WebhookBenchmark.nowMicros(), i % subscribers, i % 1000,
                        10 + i % 990, i % 100);
                producer.send(new ProducerRecord<>(stage, ("customer-" + i % 1000).getBytes(StandardCharsets.UTF_8),
                        value.getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
        WebhookReceiver.Run run = receiver.expect(n);
        String name = applyFanOut(routes, application);
        log.accept(subscribers + " subscriber(s): connector applied, " + n + " records waiting");
        if (!run.first.await(180, TimeUnit.SECONDS) || !run.done.await(600, TimeUnit.SECONDS)) {
            throw new IllegalStateException(subscribers + " subscriber(s): " + run.count() + " of " + n + " delivered in time");
        }
        double seconds = (run.arrivalNanos[n - 1] - run.arrivalNanos[0]) / 1e9;
        Thread.sleep(1000); // anything delivered twice would arrive now
        connect.delete(name);
        Set<Long> ids = new HashSet<>();
        for (int i = 0; i < n; i++) {
            ids.add(run.ids[i]);
        }
        if (run.count() != n || ids.size() != n) {
            throw new IllegalStateException(subscribers + " subscriber(s): " + run.count() + " requests, " + ids.size() + " distinct records of " + n);
        }
        Delivery d = new Delivery(subscribers, n, seconds, (n - 1) / seconds);
        log.accept(String.format(Locale.ROOT, "%d subscriber(s): %,d deliveries in %.2f s: %,.0f/s", subscribers, n, seconds, d.perSecond()));
        return d;
    }

    // ---- isolation

    /**
     * {@code --subscribers} subscribers with disjoint filters receive records offered at a fixed rate
     * ({@code --isolation-rate} for {@code --isolation-warmup-seconds} of warm-up, then {@code --isolation-seconds} counted); with
     * {@code withUnavailable}, one more subscriber matches every record and answers each 503 (retried: 200 ms to 1 s
     * backoff, never given up during the run). The healthy subscribers' latency, produce to arrival.
     */
    private Isolation isolation(boolean withUnavailable) throws Exception {
        int subscribers = options.subscribers();
        String application = (withUnavailable ? "iso503x" : "iso") + System.currentTimeMillis() % 100_000;
        RouteFile routes = routes(application);
        String stage = createTopics(application);
        int rate = options.isolationRate();
        int warmUp = rate * options.isolationWarmUpSeconds();
        int total = warmUp + rate * options.isolationSeconds();
        try (KafkaProducer<byte[], byte[]> producer = producer(0)) {
            for (int s = 0; s < subscribers; s++) {
                subscribe(producer, application, "s" + s, receiver.url() + "?s=" + s, "value.bucket == " + s, "");
            }
            if (withUnavailable) {
                subscribe(producer, application, "down", receiver.unavailableUrl(), "true",
                        ",\"retry\":{\"initialBackoff\":\"200ms\",\"maxBackoff\":\"1s\",\"maxAttempts\":1000,\"maxElapsed\":\"1h\"}");
            }
            producer.flush();
        }
        WebhookReceiver.Run run = receiver.expect(total);
        String name = applyFanOut(routes, application);
        WebhookBenchmark.awaitTaskRunning(connect, name, 120);
        Thread.sleep(3000); // the task's consumer joins its group and reads the subscriptions
        String label = withUnavailable ? "with a subscriber answering 503" : "without";
        log.accept(String.format(Locale.ROOT, "isolation (%s): %d subscribers, offering %,d records/s for %d s of warm-up, then %d s counted",
                label, subscribers, rate, options.isolationWarmUpSeconds(), options.isolationSeconds()));
        long unavailableBefore = receiver.unavailableAnswers();
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = producer(0)) {
            for (int i = 0; i < total; i++) {
                WebhookBenchmark.awaitSlot(start, i, rate);
                String value = "{\"id\":" + i + ",\"producedAtMicros\":" + WebhookBenchmark.nowMicros() + ",\"bucket\":" + i % subscribers
                        + ",\"type\":\"order.created\"}";
                producer.send(new ProducerRecord<>(stage, ("customer-" + i % 1000).getBytes(StandardCharsets.UTF_8),
                        value.getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
        double offeredPerSecond = total / ((System.nanoTime() - start) / 1e9);
        if (!run.done.await(180, TimeUnit.SECONDS)) {
            throw new IllegalStateException("isolation (" + label + "): " + run.count() + " of " + total + " delivered in time");
        }
        long unavailableAnswers = receiver.unavailableAnswers() - unavailableBefore;
        if (withUnavailable && unavailableAnswers == 0) {
            throw new IllegalStateException("isolation: the subscriber answering 503 was never called (was its definition refused? see "
                    + TopicNames.subscriberStatus(application) + ")");
        }
        Thread.sleep(1000); // anything delivered twice would arrive now
        connect.delete(name);
        Set<Long> ids = new HashSet<>();
        long[] micros = new long[total - warmUp];
        int m = 0;
        for (int i = 0; i < total; i++) {
            ids.add(run.ids[i]);
            if (run.ids[i] >= warmUp) {
                micros[m++] = run.arrivalWallMicros[i] - run.producedMicros[i];
            }
        }
        if (run.count() != total || ids.size() != total) {
            throw new IllegalStateException("isolation (" + label + "): " + run.count() + " requests, " + ids.size() + " distinct records of " + total);
        }
        logSlowSeconds(label, run, total);
        Arrays.sort(micros); // every record arrived once (checked above): one latency per counted record
        Isolation result = new Isolation(withUnavailable, m, offeredPerSecond, WebhookBenchmark.pct(micros, 0.50),
                WebhookBenchmark.pct(micros, 0.99), micros[m - 1] / 1000.0, unavailableAnswers);
        log.accept(String.format(Locale.ROOT, "isolation (%s): %,d counted at %,.0f/s offered: p50 %.1f ms, p99 %.1f ms, max %.1f ms; %,d answers 503",
                label, m, offeredPerSecond, result.p50(), result.p99(), result.max(), unavailableAnswers));
        return result;
    }

    /** Each second of the run (by produce time) whose slowest delivery took over a second: when the stalls were. */
    private void logSlowSeconds(String label, WebhookReceiver.Run run, int total) {
        long first = Long.MAX_VALUE;
        for (int i = 0; i < total; i++) {
            first = Math.min(first, run.producedMicros[i]);
        }
        Map<Long, Long> worst = new TreeMap<>();
        for (int i = 0; i < total; i++) {
            worst.merge((run.producedMicros[i] - first) / 1_000_000, run.arrivalWallMicros[i] - run.producedMicros[i], Math::max);
        }
        StringBuilder slow = new StringBuilder();
        worst.forEach((second, micros) -> {
            if (micros > 1_000_000) {
                slow.append(String.format(Locale.ROOT, " s%d: %.1f s;", second, micros / 1e6));
            }
        });
        log.accept("isolation (" + label + "): seconds whose slowest delivery took over 1 s:" + (slow.length() == 0 ? " none" : slow));
    }

    // ---- ingest

    private List<Ingest> ingest() throws Exception {
        String application = "ingest" + System.currentTimeMillis() % 100_000;
        RouteFile routes = routes(application);
        String input = application + ".orders";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(input, PARTITIONS, (short) 1))).all().get();
        }
        Properties client = new Properties();
        client.put("bootstrap.servers", bootstrap);
        List<Ingest> out = new ArrayList<>();
        HttpClient jdkHttp = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<KeepAliveHttpClient> connections = new CopyOnWriteArrayList<>();
        try (ApiServer api = new ApiServer(routes, new Formats(routes.registry()), client,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), TOKEN, 1 << 20).start();
             KafkaProducer<byte[], byte[]> producer = producer(1)) {
            String path = "/v1/topics/" + input + "/events";
            URI events = URI.create("http://127.0.0.1:" + api.address().getPort() + path);
            ThreadLocal<KeepAliveHttpClient> connection = ThreadLocal.withInitial(() -> {
                try {
                    KeepAliveHttpClient c = new KeepAliveHttpClient(api.address());
                    connections.add(c);
                    return c;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            int most = options.clients().stream().mapToInt(Integer::intValue).max().orElseThrow();
            List<Integer> rounds = new ArrayList<>(List.of(most)); // a warm-up round with the most clients, then one per count
            rounds.addAll(options.clients());
            for (int round = 0; round < rounds.size(); round++) {
                boolean measured = round > 0;
                int clients = rounds.get(round);
                for (int batch : new int[] {1, 100}) {
                    // fewer clients, fewer requests: each run takes about as long
                    int requests = Math.max(1, (batch == 1 ? options.singleRequests() : options.batchRequests()) * clients / most);
                    Request send = options.jdkHttpClient() ? i -> {
                        HttpResponse<String> response = jdkHttp.send(HttpRequest.newBuilder(events).header("Authorization", "Bearer " + TOKEN)
                                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body(i, batch))).build(),
                                HttpResponse.BodyHandlers.ofString());
                        accepted(response.statusCode(), response::body);
                    } : i -> {
                        KeepAliveHttpClient.Answer response = connection.get().post(path, body(i, batch).getBytes(StandardCharsets.UTF_8),
                                "Authorization: Bearer " + TOKEN, "Content-Type: application/json");
                        accepted(response.status(), response::text);
                    };
                    Ingest viaApi = measure("api", clients, batch, requests, send);
                    Ingest viaProducer = measure("kafka-producer", clients, batch, requests, i -> {
                        List<Future<RecordMetadata>> sent = new ArrayList<>(batch);
                        for (int e = 0; e < batch; e++) {
                            sent.add(producer.send(new ProducerRecord<>(input, ("k" + (i * batch + e) % 1000).getBytes(StandardCharsets.UTF_8),
                                    value(i * batch + e).getBytes(StandardCharsets.UTF_8))));
                        }
                        for (Future<RecordMetadata> f : sent) {
                            f.get();
                        }
                    });
                    if (measured) {
                        out.add(viaApi);
                        out.add(viaProducer);
                        log.accept(String.format(Locale.ROOT, "ingest, %d client(s), batches of %d: API %,.0f events/s (%,.0f requests/s, CPU µs/event %.2f + broker %.2f, %s), "
                                        + "producer %,.0f events/s (CPU µs/event %.2f + broker %.2f, %s)", clients, batch, viaApi.eventsPerSecond(), viaApi.requestsPerSecond(),
                                viaApi.jvmCpuMicrosPerEvent(), viaApi.brokerCpuMicrosPerEvent(), viaApi.threadCpuMicrosPerEvent(), viaProducer.eventsPerSecond(),
                                viaProducer.jvmCpuMicrosPerEvent(), viaProducer.brokerCpuMicrosPerEvent(), viaProducer.threadCpuMicrosPerEvent()));
                    }
                }
            }
        } finally {
            for (KeepAliveHttpClient c : connections) {
                c.close();
            }
        }
        return out;
    }

    /** Fails unless the API answered 202; the answer is read only then. */
    private static void accepted(int status, Supplier<String> answer) {
        if (status != 202) {
            throw new IllegalStateException("HTTP " + status + ": " + answer.get());
        }
    }

    interface Request {
        void send(int index) throws Exception;
    }

    /** {@code requests} requests from {@code clients} threads, each waiting for its answer before the next. */
    private Ingest measure(String way, int clients, int batch, int requests, Request request) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients, r -> new Thread(r, "bench-client"));
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> workers = new ArrayList<>();
        long broker = kafka.status().pid().orElse(-1L);
        double brokerCpuBefore = ProcessStats.cpuSeconds(broker);
        double jvmCpuBefore = ProcessStats.cpuSeconds(ProcessHandle.current().pid());
        Map<Thread, Long> threadsBefore = threadCpuNanos();
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            workers.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
                    request.send(i);
                }
                return null;
            }));
        }
        for (Future<?> w : workers) {
            w.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double events = requests * (double) batch;
        double jvmCpu = ProcessStats.cpuSeconds(ProcessHandle.current().pid()) - jvmCpuBefore;
        double brokerCpu = ProcessStats.cpuSeconds(broker) - brokerCpuBefore;
        Map<String, Double> byGroup = new TreeMap<>();
        threadCpuNanos().forEach((thread, nanos) -> {
            double used = nanos - threadsBefore.getOrDefault(thread, 0L);
            if (used > 0) {
                byGroup.merge(threadGroup(thread.getName()), used / 1e3 / events, Double::sum);
            }
        });
        pool.shutdown();
        return new Ingest(way, clients, batch, requests, seconds, events / seconds, requests / seconds, jvmCpu * 1e6 / events, brokerCpu * 1e6 / events, byGroup);
    }

    /** CPU nanoseconds of each live thread of this JVM (a thread that ended in between is not counted). */
    private static Map<Thread, Long> threadCpuNanos() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<Thread, Long> out = new HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            long nanos = mx.getThreadCpuTime(t.getId());
            if (nanos >= 0) {
                out.put(t, nanos);
            }
        }
        return out;
    }

    /** Threads by what they do: the benchmark's clients, the JDK HTTP client, the API's handlers, the producer's sender. */
    static String threadGroup(String name) {
        if (name.startsWith("bench-client")) {
            return "clients";
        }
        if (name.startsWith("HttpClient")) {
            return "http client";
        }
        if (name.startsWith("hyphae-api") || name.startsWith("HTTP-Dispatcher")) {
            return "api";
        }
        if (name.startsWith("kafka-producer-network-thread")) {
            return "producer sender";
        }
        return "other";
    }

    /**
     * The i-th event, {@code {"id":i,"customer":"customer-0042","amount":52.42,"currency":"EUR"}}; built without a
     * Formatter, whose cost (the same for both ways) was most of the clients' CPU and blurred the comparison.
     */
    static String value(int i) {
        int customer = i % 1000;
        int cents = i % 100;
        return "{\"id\":" + i + ",\"customer\":\"customer-" + (customer < 10 ? "000" : customer < 100 ? "00" : "0") + customer
                + "\",\"amount\":" + (10 + i % 990) + "." + (cents < 10 ? "0" : "") + cents + ",\"currency\":\"EUR\"}";
    }

    private static String body(int request, int batch) {
        if (batch == 1) {
            return "{\"key\":\"k" + request % 1000 + "\",\"value\":" + value(request) + "}";
        }
        StringBuilder b = new StringBuilder("[");
        for (int e = 0; e < batch; e++) {
            int i = request * batch + e;
            b.append(e == 0 ? "" : ",").append("{\"key\":\"k").append(i % 1000).append("\",\"value\":").append(value(i)).append('}');
        }
        return b.append(']').toString();
    }

    private KafkaProducer<byte[], byte[]> producer(int lingerMs) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(lingerMs));
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "unknown";
        }
    }

    // ---- report

    private String report(List<Delivery> deliveries, List<Isolation> isolations, List<Ingest> ingests, double runSeconds, String loadBefore, String loadAfter) {
        StringBuilder r = new StringBuilder();
        r.append("# HTTP API benchmark, ").append(LocalDate.now()).append("\n\n");
        r.append(String.format(Locale.ROOT, "Run: `bench/api.sh`, %.0f s in all; %d cores; load average before `%s`, after `%s`.%n%n",
                runSeconds, Runtime.getRuntime().availableProcessors(), loadBefore, loadAfter));
        if (!deliveries.isEmpty()) {
            r.append("## Fan-out delivery\n\n");
            r.append(String.format(Locale.ROOT, "A fresh local broker and Connect worker; %,d records on a stage topic of %d partitions; the fan-out "
                    + "connector with one task; a receiver on loopback answering 204 after %d ms; `maxInFlight` %d per subscriber. One "
                    + "subscriber whose filter matches every record, then %d subscribers with disjoint filters (`value.bucket == i`, 1%% each): "
                    + "the same %,d deliveries. From the first delivery to the last; each record checked to arrive exactly once.%n%n",
                    options.records(), PARTITIONS, options.latencyMs(), options.maxInFlight(), options.subscribers(), options.records()));
            r.append("| subscribers | deliveries | seconds | deliveries/s |\n|---|---|---|---|\n");
            for (Delivery d : deliveries) {
                r.append(String.format(Locale.ROOT, "| %d | %,d | %.2f | %,.0f |%n", d.subscribers(), d.records(), d.seconds(), d.perSecond()));
            }
            if (deliveries.size() == 2) {
                r.append(String.format(Locale.ROOT, "%n**Ratio** %d subscribers / 1 subscriber: **%.2f**%n", options.subscribers(),
                        deliveries.get(1).perSecond() / deliveries.get(0).perSecond()));
            }
        }
        if (!isolations.isEmpty()) {
            r.append("\n## A subscriber answering 503 beside the others\n\n");
            r.append(String.format(Locale.ROOT, "%d subscribers with disjoint filters, records offered at %,d/s (%d s of warm-up, then %d s counted), "
                    + "the fan-out connector with one task, the receiver answering 204 after %d ms; then the same with one more subscriber "
                    + "whose filter matches every record and whose URL answers 503 at once (retried, backoff 200 ms to 1 s, never given up "
                    + "during the run); a first run without it, not counted, warms the worker up. Latency of the healthy subscribers' "
                    + "deliveries, from the producer to the receiver; each checked to arrive exactly once.%n%n", options.subscribers(), options.isolationRate(), options.isolationWarmUpSeconds(), options.isolationSeconds(),
                    options.latencyMs()));
            r.append("| run | deliveries counted | offered/s | p50 ms | p99 ms | max ms | 503 answers |\n|---|---|---|---|---|---|---|\n");
            for (Isolation i : isolations) {
                r.append(String.format(Locale.ROOT, "| %s | %,d | %,.0f | %.1f | %.1f | %.1f | %,d |%n",
                        i.withUnavailable() ? "with a subscriber answering 503" : "without", i.counted(), i.offeredPerSecond(), i.p50(), i.p99(),
                        i.max(), i.unavailableAnswers()));
            }
            if (isolations.size() == 2) {
                r.append(String.format(Locale.ROOT, "%n**Ratio** p99 with / without the subscriber answering 503: **%.2f** (target ≤ 2)%n",
                        isolations.get(1).p99() / isolations.get(0).p99()));
            }
        }
        if (ingests.isEmpty()) {
            return r.toString();
        }
        r.append("\n## Ingest\n\n");
        r.append(String.format(Locale.ROOT, "`POST /v1/topics/{topic}/events` of an `ApiServer` in the benchmark's JVM against a KafkaProducer "
                + "(acks=all, idempotent, linger 1 ms, as the API's own) in the same JVM, each with %s client thread(s) that wait for each "
                + "request's events to be acknowledged before sending the next (fewer requests with fewer clients); a warm-up round first. "
                + "The API's clients: %s. CPU: this JVM's (clients, API, producer) and the broker's, per event.%n%n",
                options.clients().stream().map(String::valueOf).collect(Collectors.joining(" or ")),
                options.jdkHttpClient() ? "the JDK's HttpClient (`--http-client jdk`)"
                        : "one kept-alive HTTP/1.1 connection each, every request written in one piece (`KeepAliveHttpClient`; "
                        + "`--http-client jdk` for the JDK's HttpClient)"));
        r.append("| way | clients | events per request | requests | seconds | events/s | requests/s | CPU µs/event, this JVM | CPU µs/event, broker |\n"
                + "|---|---|---|---|---|---|---|---|---|\n");
        for (Ingest i : ingests) {
            r.append(String.format(Locale.ROOT, "| %s | %d | %d | %,d | %.2f | %,.0f | %,.0f | %.2f | %.2f |%n", i.way(), i.clients(), i.batch(), i.requests(),
                    i.seconds(), i.eventsPerSecond(), i.requestsPerSecond(), i.jvmCpuMicrosPerEvent(), i.brokerCpuMicrosPerEvent()));
        }
        r.append("\nThis JVM's CPU µs per event by thread: `clients` the benchmark's client threads (building each request or record, "
                + "and the producer's send in the caller's thread), `http client` the JDK HTTP client's own threads, `api` the API's "
                + "handlers and dispatcher, `producer sender` the producer's network thread.\n\n");
        List<String> groups = ingests.stream().flatMap(i -> i.threadCpuMicrosPerEvent().keySet().stream()).distinct().sorted().toList();
        r.append("| way | clients | events per request | ").append(String.join(" | ", groups)).append(" |\n|---|---|---|")
                .append("---|".repeat(groups.size())).append('\n');
        for (Ingest i : ingests) {
            r.append("| ").append(i.way()).append(" | ").append(i.clients()).append(" | ").append(i.batch()).append(" |");
            for (String g : groups) {
                r.append(String.format(Locale.ROOT, " %.2f |", i.threadCpuMicrosPerEvent().getOrDefault(g, 0.0)));
            }
            r.append('\n');
        }
        r.append('\n');
        for (int b = 0; b + 1 < ingests.size(); b += 2) {
            Ingest api = ingests.get(b);
            Ingest producer = ingests.get(b + 1);
            r.append(String.format(Locale.ROOT, "**Ratio** API / producer, %d client(s), %d event(s) per request: **%.2f** "
                            + "(CPU per event, producer / API, broker included: %.2f)%n%n", api.clients(), api.batch(),
                    api.eventsPerSecond() / producer.eventsPerSecond(),
                    (producer.jvmCpuMicrosPerEvent() + producer.brokerCpuMicrosPerEvent()) / (api.jvmCpuMicrosPerEvent() + api.brokerCpuMicrosPerEvent())));
        }
        return r.toString();
    }
}
