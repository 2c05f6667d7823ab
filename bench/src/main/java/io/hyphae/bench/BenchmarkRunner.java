package io.hyphae.bench;

import io.hyphae.format.Formats;
import io.hyphae.format.avro.AvroFormat;
import io.hyphae.local.LocalKafka;
import io.hyphae.local.LocalSchemaRegistry;
import io.hyphae.route.Format;
import io.hyphae.route.RegistrySettings;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
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

    /** Systems measured in at-least-once only (the Camel route commits its consumer offsets outside any Kafka transaction). */
    static final List<String> AT_LEAST_ONCE_ONLY = List.of("camel");

    /** Settings, from --name value pairs. */
    record Options(int events, int tableSize, int rate, int latencySeconds, int latencyWarmUpSeconds, List<String> formats, List<String> guarantees,
                   List<String> systems, Path results, Path work, Path schemas, boolean latency) {
        static Options parse(String[] args) {
            Map<String, String> a = arguments(args);
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

    /** {@code --name value} pairs as a map from name to value. */
    static Map<String, String> arguments(String[] args) {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        return a;
    }

    private final Options options;
    private final Consumer<String> log;
    private final SystemLauncher launcher;
    private BenchKafka broker;
    private String bootstrap;
    private String registryUrl = "-";

    /** @param benchTarget the bench module's target folder: its classes and bench.classpath start the systems */
    BenchmarkRunner(Options options, Consumer<String> log, Path benchTarget) {
        this.options = options;
        this.log = log;
        this.launcher = new SystemLauncher(benchTarget);
    }

    public static void main(String[] args) throws Exception {
        if ("fleet".equals(arguments(args).get("workload"))) {
            FleetBenchmark.main(args);
            return;
        }
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
            broker = new BenchKafka(bootstrap);
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
        broker.createTopics(List.of(table), 3, Map.of("cleanup.policy", "compact"));
        broker.createTopics(List.of(input), 3, Map.of());
        Optional<AvroFormat> avro = format == Format.AVRO ? Optional.of((AvroFormat) new Formats(RegistrySettings.NONE.withUrl(registryUrl))
                .of(Format.AVRO, Optional.empty())) : Optional.empty();
        Schema geo = avro.isPresent() ? new Schema.Parser().parse(options.schemas().resolve("GeoRisk.avsc").toFile()) : null;
        Schema event = avro.isPresent() ? new Schema.Parser().parse(options.schemas().resolve("AddressChanged.avsc").toFile()) : null;
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = broker.producer()) {
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

    // ---- runs

    private Measurement throughput(String system, Format format, String guarantee, String table, String input) throws Exception {
        Workload.Topics topics = new Workload.Topics(system + "-" + format.id() + "-" + guarantee.replace('_', '-') + "-"
                + UUID.randomUUID().toString().substring(0, 6), input, table);
        createOutputs(topics);
        try (SystemLauncher.SystemProcess process = launch(system, format, guarantee, topics)) {
            SystemLauncher.Usage usage = process.measure(() -> broker.awaitConsumed(topics.prefix(), List.of(input), Duration.ofMinutes(30)));
            verify(topics);
            deleteOutputs(topics);
            Measurement m = new Measurement(system, format.id(), guarantee, options.events(), options.events() / usage.seconds(),
                    usage.cpuSecondsPerMillion(options.events()), usage.peakRssMb(), Double.NaN, Double.NaN, Double.NaN);
            log.accept(String.format("%-8s %-5s %-16s %,10.0f events/s  %6.1f CPU s/M events  peak RSS %d MB",
                    system, format.id(), guarantee, m.eventsPerSecond(), m.cpuSecondsPerMillion(), m.peakRssMb()));
            return m;
        }
    }

    /** End-to-end latency at a fixed offered rate: producer timestamp to the record's arrival on the destination topic. */
    private double[] latency(String system, Format format, String guarantee, String table) throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 6);
        Workload.Topics topics = new Workload.Topics("lat-" + system + "-" + format.id() + "-" + guarantee.replace('_', '-') + "-" + id,
                "lat-" + id + ".in", table);
        broker.createTopics(List.of(topics.input()), 3, Map.of());
        createOutputs(topics);
        Optional<AvroFormat> avro = format == Format.AVRO ? Optional.of((AvroFormat) new Formats(RegistrySettings.NONE.withUrl(registryUrl))
                .of(Format.AVRO, Optional.empty())) : Optional.empty();
        Schema event = avro.isPresent() ? new Schema.Parser().parse(options.schemas().resolve("AddressChanged.avsc").toFile()) : null;
        List<Long> latencies = new ArrayList<>();
        try (SystemLauncher.SystemProcess process = launch(system, format, guarantee, topics);
             KafkaConsumer<byte[], byte[]> consumer = broker.readCommitted()) {
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

    private void deleteOutputs(Workload.Topics t) throws Exception {
        broker.deleteTopics(outputs(t));
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
        broker.createTopics(outputs(t), 3, Map.of());
    }

    private static List<String> outputs(Workload.Topics t) {
        return List.of(t.stage("validated"), t.stage("enriched"), t.stage("priced"), t.stage("routed"), t.review(), t.policy(), t.deadLetters());
    }

    private SystemLauncher.SystemProcess launch(String system, Format format, String guarantee, Workload.Topics t) throws Exception {
        Path dir = options.work().resolve(t.prefix());
        List<String> systemArgs = List.of(bootstrap, t.prefix(), t.input(), t.table(), format.id(), registryUrl, guarantee,
                SystemLauncher.readyFile(dir).toString());
        List<String> command = new ArrayList<>();
        switch (system) {
            case "hyphae" -> {
                Files.createDirectories(dir);
                Path routes = dir.resolve("routes.yaml");
                Files.writeString(routes, hyphaeRoute(format, guarantee, t));
                command.addAll(SystemLauncher.hyphaeRun(routes, bootstrap, dir));
                if (format == Format.AVRO) {
                    command.addAll(List.of("--registry-url", registryUrl));
                }
            }
            case "streams" -> command.add(HandWrittenStreams.class.getName());
            case "raw" -> command.add(RawClientLoop.class.getName());
            case "camel" -> command.add(CamelRoute.class.getName());
            default -> throw new IllegalArgumentException("unknown system " + system);
        }
        if (!system.equals("hyphae")) {
            command.addAll(systemArgs);
        }
        return launcher.start(system, dir, command);
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

    /** Output counts, read committed: figures count only for a run that produced exactly what it should. */
    private void verify(Workload.Topics t) {
        int valid = Workload.validEvents(options.events());
        long destinations = broker.count(t.review()) + broker.count(t.policy());
        long dead = broker.count(t.deadLetters());
        long priced = broker.count(t.stage("priced"));
        if (destinations != valid || priced != valid || dead != options.events() - valid) {
            throw new IllegalStateException(String.format("%s produced %d destination, %d priced and %d dead-letter records; expected %d, %d, %d",
                    t.prefix(), destinations, priced, dead, valid, valid, options.events() - valid));
        }
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

    static String today() {
        return LocalDate.now().toString();
    }

    static Map<String, Measurement> index(List<Measurement> results) {
        Map<String, Measurement> out = new LinkedHashMap<>();
        results.forEach(m -> out.put(m.system() + "|" + m.key(), m));
        return out;
    }
}
