package io.hyphae.bench;

import io.hyphae.local.LocalKafka;
import io.hyphae.plan.TopicNames;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The fleet benchmark ({@code bench/run.sh --workload fleet}): the fleet route (dedupe → resequence by flight, through a
 * repartition → validate → enrich → transform → route) on Hyphae, the same route without its two stateful stages, and
 * the same job hand-written with Kafka Streams ({@link FleetStreams}), one after another on the same local broker and the
 * same input ({@link FleetWorkload}); each in its own JVM with the same options, in {@code --rounds} rounds (every other
 * one in the reverse order), of which the report takes each system's best: the machine may be shared. Measures throughput, CPU, peak RSS and
 * the dedupe store's size (its RocksDB folder once the system stopped, its changelog's bytes on the broker); a run's
 * figures count only after its outputs are verified: every count read committed, and every flight's readings on the
 * ordered stage topic consecutive from 1.
 */
final class FleetBenchmark {

    static final List<String> SYSTEMS = List.of("hyphae", "hyphae-stateless", "streams");
    private static final String STATEFUL_BEGIN = "# stateful: begin";
    private static final String STATEFUL_END = "# stateful: end";

    /** Settings, from --name value pairs. */
    record Options(int events, int drones, int rounds, List<String> guarantees, List<String> systems, Path results, Path work) {
        static Options parse(String[] args) {
            Map<String, String> a = BenchmarkRunner.arguments(args);
            return new Options(Integer.parseInt(a.getOrDefault("events", "1000000")), Integer.parseInt(a.getOrDefault("drones", "1000")),
                    Integer.parseInt(a.getOrDefault("rounds", "2")),
                    List.of(a.getOrDefault("guarantees", "exactly_once_v2").split(",")),
                    List.of(a.getOrDefault("systems", String.join(",", SYSTEMS)).split(",")),
                    Path.of(a.getOrDefault("results", "bench/results")), Path.of(a.getOrDefault("work", "bench/target/work")));
        }
    }

    /** One system's figures under one guarantee; the store sizes are -1 for a system without the dedupe. */
    record Result(String system, String guarantee, int round, int records, double eventsPerSecond, double cpuSecondsPerMillion, long peakRssMb,
                  long seenStoreBytes, long seenChangelogBytes, long stateBytes) {
        boolean stateful() {
            return seenStoreBytes >= 0;
        }
    }

    private final Options options;
    private final Consumer<String> log;
    private final SystemLauncher launcher;
    private BenchKafka broker;
    private FleetWorkload.Delivery delivery;
    private String input;
    private String registry;

    FleetBenchmark(Options options, Consumer<String> log, Path benchTarget) {
        this.options = options;
        this.log = log;
        this.launcher = new SystemLauncher(benchTarget);
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        String loadBefore = FleetReport.loadAverage();
        FleetBenchmark benchmark = new FleetBenchmark(options, m -> System.out.println(LocalTime.now().withNano(0) + " " + m), Path.of("bench/target"));
        List<Result> results = benchmark.run();
        FleetReport report = new FleetReport(results, options, benchmark.delivery, loadBefore, FleetReport.loadAverage());
        System.out.println();
        System.out.println(report.table());
        System.out.println("results: " + report.write());
    }

    List<Result> run() throws Exception {
        Path local = options.work().resolve("local-" + System.currentTimeMillis());
        Files.createDirectories(local);
        LocalKafka kafka = new LocalKafka(local, BenchmarkRunner.freePair());
        List<Result> results = new ArrayList<>();
        try {
            broker = new BenchKafka(kafka.start(log));
            load();
            for (String guarantee : options.guarantees()) {
                for (int round = 1; round <= options.rounds(); round++) {
                    // every other round in the reverse order: a system is not always the one that runs while the machine warms up
                    List<String> systems = new ArrayList<>(options.systems());
                    if (round % 2 == 0) {
                        Collections.reverse(systems);
                    }
                    for (String system : systems) {
                        results.add(measure(system, guarantee, round));
                    }
                }
            }
        } finally {
            kafka.stop(log);
            BenchmarkRunner.deleteRecursively(local);
        }
        return results;
    }

    private void load() throws Exception {
        delivery = FleetWorkload.delivery(options.events(), options.drones());
        input = "fleet.telemetry";
        registry = "fleet.registry";
        broker.createTopics(List.of(registry), 3, Map.of("cleanup.policy", "compact"));
        broker.createTopics(List.of(input), 3, Map.of());
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = broker.producer()) {
            for (int d = 0; d < options.drones(); d++) {
                producer.send(new ProducerRecord<>(registry, bytes(FleetWorkload.droneId(d)), bytes(FleetWorkload.registryRow(d))));
            }
            delivery.forEach((drone, reading) -> producer.send(new ProducerRecord<>(input, bytes(FleetWorkload.droneId(drone)),
                    bytes(FleetWorkload.reading(drone, reading)))));
            producer.flush();
        }
        log.accept(String.format("loaded %,d records (%,d readings of %,d drones, %,d delivered before their predecessor, %,d duplicates) "
                        + "in %.1f s (not part of any figure)", delivery.records(), delivery.readings(), options.drones(), delivery.reordered(),
                delivery.duplicates(), (System.nanoTime() - start) / 1e9));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private Result measure(String system, String guarantee, int round) throws Exception {
        boolean stateful = !system.equals("hyphae-stateless");
        String app = "fleet-" + system + "-" + guarantee.replace('_', '-') + "-" + UUID.randomUUID().toString().substring(0, 6);
        List<String> outputs = outputs(app, stateful);
        broker.createTopics(outputs, 3, Map.of());
        Path dir = options.work().resolve(app);
        String seenStore = system.equals("streams") ? SeenIdsFilter.STORE : TopicNames.store(FleetWorkload.ROUTE, "unique", "seen");
        List<String> consumed = new ArrayList<>(List.of(input));
        if (stateful) {
            // the resequence stage reads the repartition topic: done once the group has consumed that too
            consumed.add(system.equals("streams") ? app + "-ordered-repartition" : TopicNames.repartition(app, FleetWorkload.ROUTE, "ordered"));
        }
        SystemLauncher.Usage usage;
        try (SystemLauncher.SystemProcess process = launch(system, guarantee, app, dir)) {
            usage = process.measure(() -> broker.awaitConsumed(app, consumed, Duration.ofMinutes(30)));
        }
        verify(app, stateful);
        // After a clean shutdown: the stores are flushed to their RocksDB files.
        Result r = new Result(system, guarantee, round, delivery.records(), delivery.records() / usage.seconds(),
                usage.cpuSecondsPerMillion(delivery.records()), usage.peakRssMb(),
                stateful ? folderBytes(SystemLauncher.stateDir(dir), seenStore) : -1,
                stateful ? broker.topicBytes(TopicNames.changelog(app, seenStore)) : -1, folderBytes(SystemLauncher.stateDir(dir), null));
        broker.deleteTopics(outputs);
        log.accept(String.format("%-16s %-16s %,10.0f records/s  %6.1f CPU s/M records  peak RSS %d MB  dedupe store %s on disk, %s changelog",
                system, guarantee, r.eventsPerSecond(), r.cpuSecondsPerMillion(), r.peakRssMb(), FleetReport.megabytes(r.seenStoreBytes()),
                FleetReport.megabytes(r.seenChangelogBytes())));
        return r;
    }

    private SystemLauncher.SystemProcess launch(String system, String guarantee, String app, Path dir) throws Exception {
        List<String> command = new ArrayList<>();
        if (system.equals("streams")) {
            command.add(FleetStreams.class.getName());
            command.addAll(List.of(broker.bootstrap(), app, input, registry, "json", "-", guarantee, SystemLauncher.readyFile(dir).toString()));
        } else {
            Files.createDirectories(dir);
            Path routes = dir.resolve("fleet.yaml");
            Files.writeString(routes, route(app, guarantee, input, registry, system.equals("hyphae")));
            command.addAll(SystemLauncher.hyphaeRun(routes, broker.bootstrap(), dir));
        }
        return launcher.start(system, dir, command);
    }

    /** The fleet route of the benchmark's resources for one run; without the dedupe and resequence stages unless {@code stateful}. */
    static String route(String app, String guarantee, String input, String registry, boolean stateful) throws IOException {
        String template;
        try (InputStream in = FleetBenchmark.class.getResourceAsStream("/fleet/fleet.yaml")) {
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!stateful) {
            int begin = template.indexOf(STATEFUL_BEGIN);
            int end = template.indexOf('\n', template.indexOf(STATEFUL_END)) + 1;
            template = template.substring(0, template.lastIndexOf('\n', begin) + 1) + template.substring(end);
        }
        return template.replace("@APPLICATION@", app).replace("@GUARANTEE@", guarantee).replace("@INPUT@", input)
                .replace("@REGISTRY@", registry).replace("@ALERTS@", FleetWorkload.alerts(app)).replace("@POSITIONS@", FleetWorkload.positions(app));
    }

    private static List<String> outputs(String app, boolean stateful) {
        List<String> topics = new ArrayList<>();
        if (stateful) {
            topics.addAll(List.of(FleetWorkload.stage(app, "unique"), FleetWorkload.duplicates(app), FleetWorkload.stage(app, "ordered")));
        }
        for (String stage : List.of("checked", "registered", "assessed", "routed")) {
            topics.add(FleetWorkload.stage(app, stage));
        }
        topics.addAll(List.of(FleetWorkload.alerts(app), FleetWorkload.positions(app), FleetWorkload.deadLetters(app)));
        return topics;
    }

    /**
     * Counts, read committed: with the stateful stages each reading once (the duplicates on their audit topic) and each
     * flight in order on the ordered stage topic; without them every record delivered, duplicates included.
     */
    private void verify(String app, boolean stateful) throws IOException {
        long expected = stateful ? delivery.readings() : delivery.records();
        Map<String, Long> expectedCounts = new LinkedHashMap<>();
        if (stateful) {
            expectedCounts.put(FleetWorkload.stage(app, "unique"), expected);
            expectedCounts.put(FleetWorkload.duplicates(app), (long) delivery.duplicates());
        }
        for (String stage : List.of("checked", "registered", "assessed", "routed")) {
            expectedCounts.put(FleetWorkload.stage(app, stage), expected);
        }
        long alerts = delivery.alerts(stateful);
        expectedCounts.put(FleetWorkload.alerts(app), alerts);
        expectedCounts.put(FleetWorkload.positions(app), expected - alerts);
        expectedCounts.put(FleetWorkload.deadLetters(app), 0L);
        List<String> wrong = new ArrayList<>();
        expectedCounts.forEach((topic, n) -> {
            long actual = broker.count(topic);
            if (actual != n) {
                wrong.add(topic + ": " + actual + " records, expected " + n);
            }
        });
        if (stateful) {
            wrong.addAll(outOfOrder(FleetWorkload.stage(app, "ordered")));
        }
        if (!wrong.isEmpty()) {
            throw new IllegalStateException(app + " did not produce what it should: " + String.join("; ", wrong));
        }
    }

    /** Every flight's readings on the topic, in their order there: 1, 2, 3, …; the problems found (at most 5). */
    private List<String> outOfOrder(String topic) {
        Map<String, Integer> last = new HashMap<>();
        List<String> problems = new ArrayList<>();
        long n = broker.read(topic, r -> {
            String value = new String(r.value(), StandardCharsets.UTF_8);
            String flight = field(value, "droneId") + "/" + field(value, "flightId");
            int seq = Integer.parseInt(field(value, "seq"));
            int before = last.getOrDefault(flight, 0);
            if (seq != before + 1 && problems.size() < 5) {
                problems.add(topic + ": " + flight + " seq " + seq + " after " + before);
            }
            last.put(flight, seq);
        });
        if (n != delivery.readings()) {
            problems.add(topic + ": " + n + " records, expected " + delivery.readings());
        }
        return problems;
    }

    /** A top-level field's text in a JSON object (a string's without its quotes): enough for the readings' own layout. */
    static String field(String json, String name) {
        int at = json.indexOf("\"" + name + "\":") + name.length() + 3;
        if (json.charAt(at) == '"') {
            return json.substring(at + 1, json.indexOf('"', at + 1));
        }
        int end = at;
        while (end < json.length() && (Character.isDigit(json.charAt(end)) || json.charAt(end) == '-')) {
            end++;
        }
        return json.substring(at, end);
    }

    /** The bytes of the files under {@code root} in folders named {@code name} (any folder if null). */
    static long folderBytes(Path root, String name) throws IOException {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(Files::isRegularFile).filter(p -> name == null || under(root, p, name)).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static boolean under(Path root, Path file, String name) {
        for (Path part : root.relativize(file)) {
            if (part.toString().equals(name)) {
                return true;
            }
        }
        return false;
    }
}
