package io.hyphae.bench;

import io.hyphae.format.Formats;
import io.hyphae.format.avro.AvroFormat;
import io.hyphae.local.LocalKafka;
import io.hyphae.local.LocalSchemaRegistry;
import io.hyphae.route.Format;
import io.hyphae.route.RegistrySettings;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Runs the insurance job on Hyphae, hand-written Kafka Streams, a raw client loop and Apache Camel, one after another
 * on the same local broker and the same data, in at-least-once and exactly-once (Camel: at-least-once only), JSON and
 * Avro; measures throughput, CPU, peak RSS and (at a fixed offered rate) end-to-end latency; verifies every run's
 * output counts (read_committed) before its figures count; writes a Markdown report with ratios and a PNG chart.
 */
public final class BenchmarkRunner {

    static final List<String> SYSTEMS = List.of("hyphae", "streams", "raw", "camel");

    /** The JVM options of every system under test: the {@code ./hyphae} launcher's defaults, the same for all. */
    static final List<String> SYSTEM_JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseParallelGC");

    /** Systems measured in at-least-once only (the Camel route commits its consumer offsets outside any Kafka transaction). */
    static final List<String> AT_LEAST_ONCE_ONLY = List.of("camel");

    /** Settings, from --name value pairs. */
    record Options(int events, int tableSize, int rate, int latencySeconds, int latencyWarmUpSeconds, List<String> formats, List<String> guarantees,
                   List<String> systems, Path results, Path work, Path schemas, boolean latency) {
        static Options parse(String[] args) {
            Map<String, String> a = new HashMap<>();
            for (int i = 0; i + 1 < args.length; i += 2) {
                a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
            }
            return new Options(Integer.parseInt(a.getOrDefault("events", "1000000")), Integer.parseInt(a.getOrDefault("table", "100000")),
                    Integer.parseInt(a.getOrDefault("rate", "5000")), Integer.parseInt(a.getOrDefault("latency-seconds", "20")),
                    Integer.parseInt(a.getOrDefault("latency-warmup-seconds", "30")),
                    List.of(a.getOrDefault("formats", "json,avro").split(",")),
                    List.of(a.getOrDefault("guarantees", "at_least_once,exactly_once_v2").split(",")),
                    List.of(a.getOrDefault("systems", String.join(",", SYSTEMS)).split(",")),
                    Path.of(a.getOrDefault("results", "bench/results")), Path.of(a.getOrDefault("work", "bench/target/work")),
                    Path.of(a.getOrDefault("schemas", "schemas/avro/insurance")), !"false".equals(a.getOrDefault("latency", "true")));
        }
    }

    private final Options options;
    private final Consumer<String> log;
    private final Path benchTarget;
    private String bootstrap;
    private String registryUrl = "-";

    /** @param benchTarget the bench module's target folder: its classes and bench.classpath start the systems */
    BenchmarkRunner(Options options, Consumer<String> log, Path benchTarget) {
        this.options = options;
        this.log = log;
        this.benchTarget = benchTarget;
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        List<Measurement> results = new BenchmarkRunner(options, m -> System.out.println(java.time.LocalTime.now().withNano(0) + " " + m),
                Path.of("bench/target")).run();
        Report report = new Report(results, options);
        System.out.println();
        System.out.println(report.table());
        Path md = report.write();
        System.out.println("results: " + md + " and " + md.toString().replace(".md", ".png"));
    }

    List<Measurement> run() throws Exception {
        // A fresh broker and registry each run: the same data for every system, nothing left from before.
        Path local = options.work().resolve("local-" + System.currentTimeMillis());
        Files.createDirectories(local);
        LocalKafka kafka = new LocalKafka(local, freePair());
        LocalSchemaRegistry registry = new LocalSchemaRegistry(local, freePair());
        List<Measurement> results = new ArrayList<>();
        try {
            bootstrap = kafka.start(log);
            if (options.formats().contains("avro")) {
                registryUrl = registry.start(log);
            }
            for (String fmt : options.formats()) {
                Format format = Format.valueOf(fmt.toUpperCase(Locale.ROOT));
                String table = fmt + ".geo";
                String input = fmt + ".events";
                load(format, table, input);
                for (String guarantee : options.guarantees()) {
                    for (String system : systemsFor(options.systems(), guarantee)) {
                        results.add(throughput(system, format, guarantee, table, input));
                    }
                }
            }
            if (options.latency()) {
                List<Measurement> withLatency = new ArrayList<>();
                for (Measurement m : results) {
                    Format format = Format.valueOf(m.format().toUpperCase(Locale.ROOT));
                    double[] p = latency(m.system(), format, m.guarantee(), m.format() + ".geo");
                    withLatency.add(m.withLatency(p[0], p[1], p[2]));
                }
                results = withLatency;
            }
        } finally {
            registry.stop(log);
            kafka.stop(log);
            deleteRecursively(local);
        }
        return results;
    }

    /** The systems to run under a guarantee: the at-least-once-only ones are left out of exactly-once runs (no figures). */
    static List<String> systemsFor(List<String> systems, String guarantee) {
        return guarantee.startsWith("exactly") ? systems.stream().filter(s -> !AT_LEAST_ONCE_ONLY.contains(s)).toList() : systems;
    }

    // ---- data

    private void load(Format format, String table, String input) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(table, 3, (short) 1).configs(Map.of("cleanup.policy", "compact")),
                    new NewTopic(input, 3, (short) 1))).all().get();
        }
        Optional<AvroFormat> avro = format == Format.AVRO ? Optional.of((AvroFormat) new Formats(RegistrySettings.NONE.withUrl(registryUrl))
                .of(Format.AVRO, Optional.empty())) : Optional.empty();
        Schema geo = avro.isPresent() ? new Schema.Parser().parse(options.schemas().resolve("GeoRisk.avsc").toFile()) : null;
        Schema event = avro.isPresent() ? new Schema.Parser().parse(options.schemas().resolve("AddressChanged.avsc").toFile()) : null;
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (int i = 0; i < options.tableSize(); i++) {
                producer.send(new ProducerRecord<>(table, Workload.postalCode(i).getBytes(StandardCharsets.UTF_8),
                        encode(avro, table, geo, Workload.tableRow(i))));
            }
            producer.flush();
            log.accept(String.format("loaded %,d table rows (%s) in %.1f s", options.tableSize(), format.id(), (System.nanoTime() - start) / 1e9));
            start = System.nanoTime();
            for (int i = 0; i < options.events(); i++) {
                producer.send(new ProducerRecord<>(input, Workload.customer(i).getBytes(StandardCharsets.UTF_8),
                        encode(avro, input, event, Workload.event(i, options.tableSize()))));
            }
            producer.flush();
        }
        log.accept(String.format("loaded %,d events (%s) in %.1f s (not part of any figure)", options.events(), format.id(), (System.nanoTime() - start) / 1e9));
    }

    private static byte[] encode(Optional<AvroFormat> avro, String topic, Schema schema, String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return avro.isEmpty() ? bytes : avro.get().encode(topic, schema, Formats.json().decode(topic, bytes));
    }

    private KafkaProducer<byte[], byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "131072");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    // ---- runs

    private Measurement throughput(String system, Format format, String guarantee, String table, String input) throws Exception {
        Workload.Topics topics = new Workload.Topics(system + "-" + format.id() + "-" + guarantee.replace('_', '-') + "-"
                + UUID.randomUUID().toString().substring(0, 6), input, table);
        createOutputs(topics);
        try (SystemProcess process = launch(system, format, guarantee, topics)) {
            long t0 = System.nanoTime();
            double cpu0 = ProcessStats.cpuSeconds(process.pid());
            awaitConsumed(topics.prefix(), input, Duration.ofMinutes(30));
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpu = ProcessStats.cpuSeconds(process.pid()) - cpu0;
            long rss = ProcessStats.peakRssMb(process.pid());
            verify(topics);
            deleteOutputs(topics);
            Measurement m = new Measurement(system, format.id(), guarantee, options.events(), options.events() / seconds,
                    cpu / options.events() * 1_000_000, rss, Double.NaN, Double.NaN, Double.NaN);
            log.accept(String.format("%-8s %-5s %-16s %,10.0f events/s  %6.1f CPU s/M events  peak RSS %d MB",
                    system, format.id(), guarantee, m.eventsPerSecond(), m.cpuSecondsPerMillion(), rss));
            return m;
        }
    }

    /** End-to-end latency at a fixed offered rate: producer timestamp to the record's arrival on the destination topic. */
    private double[] latency(String system, Format format, String guarantee, String table) throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 6);
        Workload.Topics topics = new Workload.Topics("lat-" + system + "-" + format.id() + "-" + guarantee.replace('_', '-') + "-" + id,
                "lat-" + id + ".in", table);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topics.input(), 3, (short) 1))).all().get();
        }
        createOutputs(topics);
        Optional<AvroFormat> avro = format == Format.AVRO ? Optional.of((AvroFormat) new Formats(RegistrySettings.NONE.withUrl(registryUrl))
                .of(Format.AVRO, Optional.empty())) : Optional.empty();
        Schema event = avro.isPresent() ? new Schema.Parser().parse(options.schemas().resolve("AddressChanged.avsc").toFile()) : null;
        List<Long> latencies = new ArrayList<>();
        try (SystemProcess process = launch(system, format, guarantee, topics);
             KafkaConsumer<byte[], byte[]> consumer = readCommitted()) {
            consumer.subscribe(List.of(topics.review(), topics.policy()));
            int total = options.rate() * (options.latencyWarmUpSeconds() + options.latencySeconds());
            // The first seconds warm the system up (JIT, class loading, caches) and are not counted: steady state is measured.
            long warmUp = System.currentTimeMillis() + options.latencyWarmUpSeconds() * 1000L;
            Thread producing = new Thread(() -> {
                Properties p = new Properties();
                p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
                p.put(ProducerConfig.LINGER_MS_CONFIG, "1");
                try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
                    long start = System.nanoTime();
                    for (int i = 0; i < total; i++) {
                        // Parked, not spinning: a busy wait would take one of the machine's two cores from the system under test.
                        long wait = start + (long) (i * 1e9 / options.rate()) - System.nanoTime();
                        if (wait > 0) {
                            java.util.concurrent.locks.LockSupport.parkNanos(wait);
                        }
                        int n = i % Workload.BAD_EVERY == 0 ? i + 1 : i;
                        producer.send(new ProducerRecord<>(topics.input(), null, System.currentTimeMillis(),
                                Workload.customer(n).getBytes(StandardCharsets.UTF_8), encode(avro, topics.input(), event, Workload.event(n, options.tableSize()))));
                    }
                }
            }, "latency-producer");
            producing.start();
            long deadline = System.currentTimeMillis() + (options.latencyWarmUpSeconds() + options.latencySeconds()) * 1000L + 60_000;
            int received = 0;
            while (received < total && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                    received++;
                    long now = System.currentTimeMillis();
                    if (r.timestamp() >= warmUp) {
                        latencies.add(now - r.timestamp());
                    }
                }
            }
            producing.join();
        }
        deleteOutputs(topics);
        latencies.sort(Long::compare);
        double[] p = {percentile(latencies, 0.50), percentile(latencies, 0.99), percentile(latencies, 0.999)};
        log.accept(String.format("%-8s %-5s %-16s latency at %,d events/s: p50 %.0f ms, p99 %.0f ms, p99.9 %.0f ms (%,d samples)",
                system, format.id(), guarantee, options.rate(), p[0], p[1], p[2], latencies.size()));
        return p;
    }

    private static double percentile(List<Long> sorted, double q) {
        return sorted.isEmpty() ? Double.NaN : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }

    /** Frees the disk a run's outputs take (a full run writes tens of millions of records). */
    private void deleteOutputs(Workload.Topics t) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.deleteTopics(List.of(t.stage("validated"), t.stage("enriched"), t.stage("priced"), t.stage("routed"), t.review(),
                    t.policy(), t.deadLetters())).all().get();
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private void createOutputs(Workload.Topics t) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            List<NewTopic> topics = new ArrayList<>();
            for (String name : List.of(t.stage("validated"), t.stage("enriched"), t.stage("priced"), t.stage("routed"), t.review(), t.policy(), t.deadLetters())) {
                topics.add(new NewTopic(name, 3, (short) 1));
            }
            admin.createTopics(topics).all().get();
        }
    }

    private SystemProcess launch(String system, Format format, String guarantee, Workload.Topics t) throws Exception {
        Path dir = Files.createDirectories(options.work().resolve(t.prefix()));
        Path ready = dir.resolve("ready");
        String classpath = Files.readString(benchTarget.resolve("bench.classpath")).trim() + java.io.File.pathSeparator
                + benchTarget.resolve("classes").toAbsolutePath();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(SYSTEM_JVM_OPTIONS);
        String extra = System.getenv("BENCH_JVM_OPTS");
        if (extra != null && !extra.isBlank()) {
            // e.g. a JFR recording of the system under test, for profiling
            command.addAll(List.of(extra.replace("{system}", system).trim().split("\\s+")));
        }
        command.addAll(List.of("-cp", classpath));
        List<String> systemArgs = List.of(bootstrap, t.prefix(), t.input(), t.table(), format.id(), registryUrl, guarantee, ready.toString());
        switch (system) {
            case "hyphae" -> {
                Path routes = dir.resolve("routes.yaml");
                Files.writeString(routes, hyphaeRoute(format, guarantee, t));
                command.addAll(List.of("io.hyphae.cli.HyphaeCommand", "run", routes.toString(), "-b", bootstrap, "--state-file", ready.toString(),
                        "-X", "state.dir=" + dir.resolve("state")));
                if (format == Format.AVRO) {
                    command.addAll(List.of("--registry-url", registryUrl));
                }
                String hyphaeArgs = System.getenv("BENCH_HYPHAE_ARGS");
                if (hyphaeArgs != null && !hyphaeArgs.isBlank()) {
                    // e.g. --http 0: the same run with the stage meters on and /metrics served
                    command.addAll(List.of(hyphaeArgs.trim().split("\\s+")));
                }
            }
            case "streams" -> {
                command.add(HandWrittenStreams.class.getName());
                command.addAll(systemArgs);
            }
            case "raw" -> {
                command.add(RawClientLoop.class.getName());
                command.addAll(systemArgs);
            }
            case "camel" -> {
                command.add(CamelRoute.class.getName());
                command.addAll(systemArgs);
            }
            default -> throw new IllegalArgumentException("unknown system " + system);
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile()).start();
        SystemProcess p = new SystemProcess(process, dir.resolve("out.log"));
        long deadline = System.currentTimeMillis() + 180_000;
        while (!(Files.exists(ready) && Files.readString(ready).contains("RUNNING"))) {
            if (!process.isAlive() || System.currentTimeMillis() > deadline) {
                p.close();
                throw new IllegalStateException(system + " did not start; see " + dir.resolve("out.log"));
            }
            Thread.sleep(50);
        }
        return p;
    }

    /** The job as a route file: what a Hyphae user writes. */
    static String hyphaeRoute(Format format, String guarantee, Workload.Topics t) {
        return """
                application: %1$s
                kafka:
                  streams: { processing.guarantee: %2$s }
                tables:
                  geo: { topic: %3$s, format: %4$s }
                routes:
                  changes:
                    from: %5$s
                    format: %4$s
                    stages:
                      - validated: { validate: { required: [newAddress.postalCode], rules: ["size(value.customerId) > 0", "value.currentPremium > 0.0"] } }
                      - enriched: { enrich: { table: geo, key: "value.newAddress.postalCode", as: geo } }
                      - priced:
                          transform:
                            set:
                              riskBand: "geo.accidentsPer1000 > 20.0 ? 'HIGH' : 'LOW'"
                              newPremium: "value.currentPremium * (geo.accidentsPer1000 > 20.0 ? 1.25 : 1.0)"
                      - routed: { route: [ { when: "value.riskBand == 'HIGH'", to: %6$s }, { otherwise: %7$s } ] }
                """.formatted(t.prefix(), guarantee, t.table(), format.id(), t.input(), t.review(), t.policy());
    }

    /** Until the system's group has committed the end of the input. */
    private void awaitConsumed(String group, String topic, Duration timeout) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                    .forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(request).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                if (ends.entrySet().stream().allMatch(e -> committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() >= e.getValue())) {
                    return;
                }
                Thread.sleep(100);
            }
            throw new IllegalStateException(group + " did not finish within " + timeout);
        }
    }

    /** Output counts, read committed: figures count only for a run that produced exactly what it should. */
    private void verify(Workload.Topics t) {
        int valid = Workload.validEvents(options.events());
        long destinations = count(t.review()) + count(t.policy());
        long dead = count(t.deadLetters());
        long priced = count(t.stage("priced"));
        if (destinations != valid || priced != valid || dead != options.events() - valid) {
            throw new IllegalStateException(String.format("%s produced %d destination, %d priced and %d dead-letter records; expected %d, %d, %d",
                    t.prefix(), destinations, priced, dead, valid, valid, options.events() - valid));
        }
    }

    long count(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = readCommitted()) {
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            long n = 0;
            while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                n += consumer.poll(Duration.ofMillis(200)).count();
            }
            return n;
        }
    }

    private KafkaConsumer<byte[], byte[]> readCommitted() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-reader-" + UUID.randomUUID());
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    static int freePair() throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            try (ServerSocket next = new ServerSocket(port + 1, 50, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException e) {
                // taken
            }
        }
        throw new IllegalStateException("no free pair of loopback ports");
    }

    /** A system under test in its own JVM. */
    record SystemProcess(Process process, Path log) implements AutoCloseable {
        long pid() {
            return process.pid();
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    static String today() {
        return LocalDate.now().toString();
    }

    static Map<String, Measurement> index(List<Measurement> results) {
        Map<String, Measurement> out = new LinkedHashMap<>();
        results.forEach(m -> out.put(m.system() + "|" + m.key(), m));
        return out;
    }
}
