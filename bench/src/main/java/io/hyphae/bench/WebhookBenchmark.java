package io.hyphae.bench;

import io.hyphae.connect.ConnectRestClient;
import io.hyphae.local.LocalConnect;
import io.hyphae.local.LocalKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The webhook delivery benchmark: a fresh local broker and Connect worker (the built webhook plugin on its plugin
 * path) and a {@link WebhookReceiver} answering 204 after a fixed latency, all on loopback. It loads N records over
 * K keys, applies Hyphae's webhook sink connector and measures the delivery rate from the first delivery to the N-th
 * against the physical limit {@code max.in.flight / latency}; then the same connector with {@code max.in.flight} 1,
 * a naive sink that posts one record at a time, as the baseline; then, at a fixed offered rate, the latency a
 * delivery adds (arrival at the receiver − the record's produce time, both on this machine's wall clock); and the
 * worker's CPU per million deliveries. Every run's figures count only after its deliveries are verified: each record
 * exactly once, per-key order kept, never more requests open than {@code max.in.flight}.
 */
public final class WebhookBenchmark {

    static final String CONNECTOR_CLASS = "io.hyphae.connect.webhook.WebhookSinkConnector";
    static final String RENDERER_CLASS = "io.hyphae.connect.webhook.CelRequestRenderer";
    static final String BYTES = "org.apache.kafka.connect.converters.ByteArrayConverter";
    static final String FILTER = "value.type == 'order.created'";
    static final int PARTITIONS = 3;

    /** Settings, from --name value pairs. */
    record Options(int records, int keys, int naiveRecords, int maxInFlight, int latencyMs, int rate, int latencySeconds,
                   int latencyWarmUpSeconds, List<String> latencyOverrides, boolean latency, Path results, Path work, Path plugins) {
        static Options parse(String[] args) {
            Map<String, String> a = new HashMap<>();
            for (int i = 0; i + 1 < args.length; i += 2) {
                a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
            }
            int maxInFlight = Integer.parseInt(a.getOrDefault("max-in-flight", "64"));
            int latencyMs = Integer.parseInt(a.getOrDefault("receiver-latency-ms", "20"));
            int half = maxInFlight * 1000 / latencyMs / 2;
            String overrides = a.getOrDefault("latency-overrides", "");
            return new Options(Integer.parseInt(a.getOrDefault("records", "30000")), Integer.parseInt(a.getOrDefault("keys", "1000")),
                    Integer.parseInt(a.getOrDefault("naive-records", "600")), maxInFlight, latencyMs,
                    Integer.parseInt(a.getOrDefault("rate", Integer.toString(half))), Integer.parseInt(a.getOrDefault("latency-seconds", "20")),
                    Integer.parseInt(a.getOrDefault("latency-warmup-seconds", "5")),
                    overrides.isBlank() ? List.of() : List.of(overrides.split("\\|")),
                    !"false".equals(a.getOrDefault("latency", "true")),
                    Path.of(a.getOrDefault("results", "bench/results")), Path.of(a.getOrDefault("work", "bench/target/work")),
                    Path.of(a.getOrDefault("plugins", LocalConnect.WEBHOOK_PLUGIN)));
        }

        /** The physical limit of the delivery rate: {@code max.in.flight} requests, each open for the receiver's latency. */
        double limit() {
            return maxInFlight * 1000.0 / latencyMs;
        }
    }

    /** A throughput run. */
    record Throughput(String sink, int maxInFlight, int records, double perSecond, double seconds, double cpuSeconds, int maxOpen, long workerRssMb) {
        double cpuPerMillion() {
            return cpuSeconds < 0 ? Double.NaN : cpuSeconds / records * 1e6;
        }
    }

    /** A latency run at a fixed offered rate; percentiles in ms. */
    record Latency(String consumerSettings, int offered, double offeredPerSecond, int counted, double p50, double p99, double p999, double max, int maxOpen) {
    }

    record Results(Options options, List<Throughput> throughput, List<Latency> latency, double runSeconds, int valueBytes, String loadBefore,
                   String loadAfter) {
        Throughput sink(String name) {
            return throughput.stream().filter(t -> t.sink().equals(name)).findFirst().orElse(null);
        }
    }

    private final Options options;
    private final Consumer<String> log;
    private String bootstrap;
    private ConnectRestClient client;
    private WebhookReceiver receiver;
    private long workerPid;

    WebhookBenchmark(Options options, Consumer<String> log) {
        this.options = options;
        this.log = log;
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Results results = new WebhookBenchmark(options, m -> System.out.println(java.time.LocalTime.now().withNano(0) + " " + m)).run();
        WebhookReport report = new WebhookReport(results);
        System.out.println();
        System.out.println(report.figures());
        System.out.println("results: " + report.write());
    }

    Results run() throws Exception {
        long started = System.nanoTime();
        String loadBefore = loadAverage();
        if (!Files.isDirectory(options.plugins().resolve("hyphae-webhook"))) {
            throw new IllegalStateException("no webhook plugin in " + options.plugins().toAbsolutePath()
                    + ": build it first (mvn -pl connectors/webhook -am package)");
        }
        Path local = options.work().resolve("webhook-" + System.currentTimeMillis());
        Files.createDirectories(local);
        LocalKafka kafka = new LocalKafka(local, BenchmarkRunner.freePair());
        LocalConnect connect = new LocalConnect(local, BenchmarkRunner.freePair(), kafka, List.of(options.plugins()));
        List<Throughput> throughput = new ArrayList<>();
        List<Latency> latency = new ArrayList<>();
        try (WebhookReceiver r = new WebhookReceiver(options.latencyMs())) {
            receiver = r;
            bootstrap = kafka.start(log);
            client = new ConnectRestClient(connect.ensureRunning(log));
            workerPid = connect.status().pid().orElseThrow(() -> new IllegalStateException("no pid of the Connect worker"));
            if (client.plugins().stream().noneMatch(p -> p.className().equals(CONNECTOR_CLASS))) {
                throw new IllegalStateException("the worker did not load " + CONNECTOR_CLASS + " from " + options.plugins());
            }
            log.accept("receiver at " + receiver.url() + ", answering 204 after " + options.latencyMs() + " ms");
            // Hyphae first, on a worker that has delivered nothing yet: whatever the baseline gains from a warm JVM is in its favour.
            throughput.add(throughput("hyphae", options.maxInFlight(), options.records()));
            throughput.add(httpCeiling(options.records()));
            throughput.add(throughput("naive", 1, options.naiveRecords()));
            if (options.latency()) {
                latency.add(latency("defaults", Map.of()));
                for (String overrides : options.latencyOverrides()) {
                    latency.add(latency(overrides, parseOverrides(overrides)));
                }
            }
        } finally {
            connect.stop(log);
            kafka.stop(log);
            BenchmarkRunner.deleteRecursively(local);
        }
        return new Results(options, throughput, latency, (System.nanoTime() - started) / 1e9, value(15_000, nowMicros()).length, loadBefore,
                loadAverage());
    }

    static Map<String, String> parseOverrides(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String pair : text.split(",")) {
            String[] kv = pair.split("=", 2);
            m.put(kv[0].trim(), kv[1].trim());
        }
        return m;
    }

    // ---- data

    /** About 200 bytes of JSON: the record's id and produce time (epoch microseconds) first, for the receiver. */
    static byte[] value(long id, long producedAtMicros) {
        String key = key(id, 1000);
        return String.format(Locale.ROOT, "{\"id\":%d,\"producedAtMicros\":%d,\"type\":\"order.created\",\"customer\":\"%s\","
                        + "\"amount\":%d.%02d,\"currency\":\"EUR\",\"channel\":\"web\",\"note\":\"%s\"}",
                id, producedAtMicros, key, 10 + id % 990, id % 100, "x".repeat(Math.max(0, 40 - Long.toString(id).length())))
                .getBytes(StandardCharsets.UTF_8);
    }

    static String key(long id, int keys) {
        return String.format(Locale.ROOT, "customer-%04d", id % keys);
    }

    static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    private void createTopic(String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
        }
    }

    private KafkaProducer<byte[], byte[]> producer(int lingerMs) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "131072");
        p.put(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(lingerMs));
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private void load(String topic, int n) throws Exception {
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = producer(10)) {
            for (int i = 0; i < n; i++) {
                producer.send(new ProducerRecord<>(topic, key(i, options.keys()).getBytes(StandardCharsets.UTF_8), value(i, nowMicros())));
            }
            producer.flush();
        }
        log.accept(String.format(Locale.ROOT, "loaded %,d records over %,d keys to %s in %.1f s (not part of any figure)", n,
                options.keys(), topic, (System.nanoTime() - start) / 1e9));
    }

    /** The connector's configuration, as {@code SubscriberConnectorConfig.render} writes it for a route file's subscriber. */
    Map<String, String> connectorConfig(String topic, int maxInFlight, Map<String, String> consumerOverrides) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("connector.class", CONNECTOR_CLASS);
        c.put("tasks.max", "1");
        c.put("topics", topic);
        c.put("key.converter", BYTES);
        c.put("value.converter", BYTES);
        c.put("header.converter", BYTES);
        c.put("errors.tolerance", "all");
        c.put("errors.deadletterqueue.topic.name", topic + ".dlq");
        c.put("errors.deadletterqueue.topic.replication.factor", "1");
        c.put("errors.deadletterqueue.context.headers.enable", "true");
        c.put("webhook.subscriber", "bench");
        c.put("webhook.url", receiver.url());
        c.put("webhook.max.in.flight", Integer.toString(maxInFlight));
        c.put("webhook.ordering", "key");
        c.put("webhook.timeout.ms", "10000");
        c.put("webhook.allow.networks", "127.0.0.0/8");
        c.put("webhook.renderer.class", RENDERER_CLASS);
        c.put("webhook.event.format", "json");
        c.put("webhook.filter", FILTER);
        consumerOverrides.forEach((k, v) -> c.put("consumer.override." + k, v));
        return c;
    }

    // ---- runs

    private Throughput throughput(String sink, int maxInFlight, int n) throws Exception {
        String topic = "webhook-" + sink + "-" + UUID.randomUUID().toString().substring(0, 6);
        createTopic(topic);
        load(topic, n);
        WebhookReceiver.Run run = receiver.expect(n);
        String name = "bench-" + sink;
        client.apply(name, connectorConfig(topic, maxInFlight, Map.of()));
        log.accept(sink + ": connector applied (max.in.flight " + maxInFlight + "), waiting for the first delivery");
        await(run.first, name, 180);
        double cpu0 = ProcessStats.cpuSeconds(workerPid);
        double expectedSeconds = n / Math.min(options.limit(), maxInFlight * 1000.0 / options.latencyMs());
        await(run.done, name, (long) (expectedSeconds * 10) + 120);
        double cpu1 = ProcessStats.cpuSeconds(workerPid);
        double seconds = (run.arrivalNanos[n - 1] - run.arrivalNanos[0]) / 1e9;
        Thread.sleep(1000); // anything delivered twice would arrive now
        client.delete(name);
        verify(sink, run, n, maxInFlight, 0);
        double perSecond = n == 1 ? Double.NaN : (n - 1) / seconds;
        double cpu = cpu0 < 0 || cpu1 < 0 ? -1 : cpu1 - cpu0;
        Throughput t = new Throughput(sink, maxInFlight, n, perSecond, seconds, cpu, run.maxOpen.get(), ProcessStats.peakRssMb(workerPid));
        log.accept(String.format(Locale.ROOT, "%s: %,d deliveries in %.2f s: %,.0f/s (%.2f of the limit %,.0f/s), worker CPU %.2f s (%.1f s per M), max open %d",
                sink, n, seconds, perSecond, perSecond / (maxInFlight * 1000.0 / options.latencyMs()), maxInFlight * 1000.0 / options.latencyMs(),
                cpu, t.cpuPerMillion(), t.maxOpen()));
        return t;
    }

    /**
     * What the machine allows over HTTP right now: the JDK's HttpClient (the connector's) in this JVM, POSTing the same
     * bodies to the same receiver with at most {@code max.in.flight} open, no Kafka. A warm-up round, then a measured one.
     */
    private Throughput httpCeiling(int n) throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newCachedThreadPool();
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).executor(pool).build();
        java.net.URI uri = java.net.URI.create(receiver.url());
        try {
            WebhookReceiver.Run run = null;
            java.util.concurrent.atomic.AtomicInteger failed = new java.util.concurrent.atomic.AtomicInteger();
            for (int round = 0; round < 2; round++) {
                run = receiver.expect(n);
                java.util.concurrent.Semaphore permits = new java.util.concurrent.Semaphore(options.maxInFlight());
                for (int i = 0; i < n; i++) {
                    permits.acquire();
                    http.sendAsync(java.net.http.HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                                    .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(value(i, nowMicros()))).build(),
                            java.net.http.HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                                if (e != null || r.statusCode() != 204) {
                                    failed.incrementAndGet();
                                }
                                permits.release();
                            });
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
                while (!run.done.await(1, TimeUnit.SECONDS)) {
                    if (failed.get() > 0 || System.nanoTime() > deadline) {
                        throw new IllegalStateException("http-ceiling: " + failed.get() + " requests failed, " + run.count() + " of " + n + " arrived");
                    }
                }
                permits.acquire(options.maxInFlight());
            }
            if (run.count() != n || run.maxOpen.get() > options.maxInFlight()) {
                throw new IllegalStateException("http-ceiling: " + run.count() + " requests of " + n + ", " + run.maxOpen.get() + " open at most");
            }
            double seconds = (run.arrivalNanos[n - 1] - run.arrivalNanos[0]) / 1e9;
            Throughput t = new Throughput("http-ceiling", options.maxInFlight(), n, (n - 1) / seconds, seconds, -1, run.maxOpen.get(), -1);
            log.accept(String.format(Locale.ROOT, "http-ceiling: %,d requests in %.2f s: %,.0f/s (%.2f of the limit)", n, seconds, t.perSecond(),
                    t.perSecond() / options.limit()));
            return t;
        } finally {
            pool.shutdownNow();
        }
    }

    private Latency latency(String settings, Map<String, String> overrides) throws Exception {
        int rate = options.rate();
        int warmUp = rate * options.latencyWarmUpSeconds();
        int total = warmUp + rate * options.latencySeconds();
        String topic = "webhook-latency-" + UUID.randomUUID().toString().substring(0, 6);
        createTopic(topic);
        WebhookReceiver.Run run = receiver.expect(total);
        String name = "bench-latency";
        client.apply(name, connectorConfig(topic, options.maxInFlight(), overrides));
        awaitTaskRunning(name);
        Thread.sleep(3000); // the task's consumer joins its group and is assigned the partitions
        log.accept(String.format(Locale.ROOT, "latency (%s): offering %,d records/s for %d s of warm-up, then %d s counted",
                settings, rate, options.latencyWarmUpSeconds(), options.latencySeconds()));
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = producer(0)) {
            for (int i = 0; i < total; i++) {
                awaitSlot(start, i, rate);
                producer.send(new ProducerRecord<>(topic, key(i, options.keys()).getBytes(StandardCharsets.UTF_8), value(i, nowMicros())));
            }
            producer.flush();
        }
        double offeredPerSecond = total / ((System.nanoTime() - start) / 1e9);
        await(run.done, name, 120);
        Thread.sleep(1000);
        client.delete(name);
        verify("latency", run, total, options.maxInFlight(), 0);
        long[] micros = new long[total - warmUp];
        int m = 0;
        for (int i = 0; i < total; i++) {
            if (run.ids[i] >= warmUp) {
                micros[m++] = run.arrivalWallMicros[i] - run.producedMicros[i];
            }
        }
        Arrays.sort(micros);
        Latency l = new Latency(settings, total, offeredPerSecond, m, pct(micros, 0.50), pct(micros, 0.99), pct(micros, 0.999),
                micros[m - 1] / 1000.0, run.maxOpen.get());
        log.accept(String.format(Locale.ROOT, "latency (%s): %,d counted at %,.0f/s offered: p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms",
                settings, m, offeredPerSecond, l.p50(), l.p99(), l.p999(), l.max()));
        return l;
    }

    /** Waits for the i-th slot of a fixed rate that started at {@code startNanos}. */
    static void awaitSlot(long startNanos, int i, int rate) {
        long due = startNanos + (long) (i * 1e9 / rate);
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
    }

    /** The q-quantile of sorted microseconds, in ms. */
    static double pct(long[] sortedMicros, double q) {
        return sortedMicros.length == 0 ? Double.NaN
                : sortedMicros[Math.min(sortedMicros.length - 1, (int) Math.ceil(q * sortedMicros.length) - 1)] / 1000.0;
    }

    /** Every record delivered exactly once, the records of a key in their order, never more open than allowed. */
    private void verify(String what, WebhookReceiver.Run run, int n, int maxInFlight, int firstId) {
        List<String> problems = new ArrayList<>();
        if (run.count() != n) {
            problems.add(run.count() + " deliveries, expected " + n);
        }
        if (run.unparsed.get() > 0) {
            problems.add(run.unparsed.get() + " bodies without id or producedAtMicros");
        }
        boolean[] seen = new boolean[n];
        long[] lastOfKey = new long[options.keys()];
        Arrays.fill(lastOfKey, -1);
        int duplicates = 0;
        int outOfOrder = 0;
        int unknown = 0;
        for (int i = 0; i < Math.min(n, run.count()); i++) {
            long id = run.ids[i] - firstId;
            if (id < 0 || id >= n) {
                unknown++;
                continue;
            }
            if (seen[(int) id]) {
                duplicates++;
            }
            seen[(int) id] = true;
            int key = (int) (id % options.keys());
            if (id < lastOfKey[key]) {
                outOfOrder++;
            }
            lastOfKey[key] = id;
        }
        if (duplicates + outOfOrder + unknown > 0) {
            problems.add(duplicates + " duplicates, " + outOfOrder + " out of key order, " + unknown + " unknown ids");
        }
        if (run.maxOpen.get() > maxInFlight) {
            problems.add(run.maxOpen.get() + " requests open at once, more than max.in.flight " + maxInFlight);
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException(what + ": deliveries not as expected: " + String.join("; ", problems));
        }
        log.accept(what + ": verified: " + n + " records delivered once each, in key order, at most " + run.maxOpen.get() + " open");
    }

    private void await(java.util.concurrent.CountDownLatch latch, String connector, long timeoutSeconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (!latch.await(1, TimeUnit.SECONDS)) {
            ConnectRestClient.ConnectorStatus status = client.status(connector);
            if (status.failed()) {
                throw new IllegalStateException(connector + " failed: " + status);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(connector + ": not delivered within " + timeoutSeconds + " s (" + status + ")");
            }
        }
    }

    private void awaitTaskRunning(String connector) throws Exception {
        awaitTaskRunning(client, connector, 60);
    }

    /** Until the connector and its tasks run on the worker; fails if one failed or they do not run within the time. */
    static void awaitTaskRunning(ConnectRestClient client, String connector, int withinSeconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(withinSeconds);
        while (true) {
            try {
                ConnectRestClient.ConnectorStatus status = client.status(connector);
                if (status.failed()) {
                    throw new IllegalStateException(connector + " failed: " + status);
                }
                if (status.running()) {
                    return;
                }
            } catch (ConnectRestClient.ConnectRestException e) {
                // not there yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(connector + " not running within " + withinSeconds + " s");
            }
            Thread.sleep(200);
        }
    }

    /** The 1, 5 and 15 minute load averages (Linux), or "-". */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "-";
        }
    }

    static String today() {
        return BenchmarkRunner.today();
    }

    static Path resultsFile(Options options) throws IOException {
        Files.createDirectories(options.results());
        return options.results().resolve(today() + "-webhook.md");
    }
}
