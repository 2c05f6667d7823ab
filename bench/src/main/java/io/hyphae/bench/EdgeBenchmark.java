package io.hyphae.bench;

import io.hyphae.local.LocalKafka;
import io.hyphae.route.RouteFile;
import io.hyphae.route.loader.RouteFileLoader;
import io.hyphae.runtime.HyphaeApplication;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The edge benchmark, on a fresh local broker: (1) the mirror's apply rate — an edge process (its own JVM with the
 * launcher's defaults, {@code edge/jvm.options} and {@code MALLOC_ARENA_MAX=2}, or {@code --edge-java-opts} and
 * {@code --malloc-arena-max}; the edge jar alone) mirroring N records of K keys from the beginning into a fresh SQLite
 * file — against a plain batched SQLite insert of the same rows in this JVM (prepared {@code INSERT OR REPLACE},
 * {@code executeBatch}, one transaction per 2 000 rows, same pragmas), in rounds of baseline, mirror, ..., baseline
 * ({@code --mirror-rounds}, default 3), each mirror against the baselines just before and after it, the median reported; (2) the publish rate: M rows
 * written while the node is stopped, drained from the outbox once it starts; (3) the peak RSS of the edge processes; (4)
 * the time for a row inserted on node A to be visible on node B through a route (one validate stage, exactly-once, in
 * this JVM) at a fixed rate, from SQLite's clock at the insert on A to SQLite's clock when B's mirror writes it.
 */
public final class EdgeBenchmark {

    record Options(int records, int keys, int publishRows, int rate, int latencySeconds, Path results, Path work, Path edgeJar,
                   List<String> edgeJavaOptions, String mallocArenaMax, List<String> parts, int mirrorRounds, boolean mirrorKeyedByFields) {
        static Options parse(String[] args) {
            Map<String, String> a = new HashMap<>();
            for (int i = 0; i + 1 < args.length; i += 2) {
                a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
            }
            return new Options(Integer.parseInt(a.getOrDefault("records", "200000")), Integer.parseInt(a.getOrDefault("keys", "20000")),
                    Integer.parseInt(a.getOrDefault("publish-rows", "50000")), Integer.parseInt(a.getOrDefault("rate", "50")),
                    Integer.parseInt(a.getOrDefault("latency-seconds", "20")), Path.of(a.getOrDefault("results", "bench/results")),
                    Path.of(a.getOrDefault("work", "bench/target/work")), Path.of(a.getOrDefault("edge-jar", "edge/target/hyphae-edge.jar")),
                    // the launcher's defaults: edge/jvm.options and MALLOC_ARENA_MAX=2
                    a.containsKey("edge-java-opts") ? List.of(a.get("edge-java-opts").trim().split("\\s+"))
                            : List.of("@" + Path.of("edge/jvm.options").toAbsolutePath()),
                    a.getOrDefault("malloc-arena-max", "2"),
                    List.of(a.getOrDefault("parts", "mirror,publish,latency").split(",")),
                    Integer.parseInt(a.getOrDefault("mirror-rounds", "3")), mirrorKey(a.getOrDefault("mirror-key", "fields")));
        }

        /** {@code fields}: the table keyed by its droneId column (the record key in a column of its own, indexed); {@code record}: by the record key. */
        private static boolean mirrorKey(String value) {
            return switch (value) {
                case "fields" -> true;
                case "record" -> false;
                default -> throw new IllegalArgumentException("--mirror-key is fields or record, not " + value);
            };
        }
    }

    private final Options options;
    private final Consumer<String> log;
    private final List<String> lines = new ArrayList<>();
    private String bootstrap;
    private Path work;

    EdgeBenchmark(Options options, Consumer<String> log) {
        this.options = options;
        this.log = log;
    }

    public static void main(String[] args) throws Exception {
        EdgeBenchmark bench = new EdgeBenchmark(Options.parse(args), m -> System.out.println(LocalTime.now().withNano(0) + " " + m));
        bench.run();
    }

    void run() throws Exception {
        work = options.work().resolve("edge-" + System.currentTimeMillis()).toAbsolutePath();
        Files.createDirectories(work);
        LocalKafka kafka = new LocalKafka(work.resolve("kafka"), freePair());
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
        try {
            bootstrap = kafka.start(log);
            if (options.parts().contains("mirror")) {
                mirrorAgainstPlainInsert();
            }
            if (options.parts().contains("publish")) {
                publishRate();
            }
            if (options.parts().contains("latency")) {
                latency();
            }
        } finally {
            kafka.stop(log);
        }
        String loadAfter = Files.readString(Path.of("/proc/loadavg")).trim();
        StringBuilder md = new StringBuilder("# Edge benchmark, " + LocalDate.now() + "\n\n");
        md.append("Command: `bench/edge.sh --records ").append(options.records()).append(" --keys ").append(options.keys())
                .append(" --publish-rows ").append(options.publishRows()).append(" --rate ").append(options.rate())
                .append(" --latency-seconds ").append(options.latencySeconds()).append(" --mirror-rounds ").append(options.mirrorRounds())
                .append(" --mirror-key ").append(options.mirrorKeyedByFields() ? "fields" : "record")
                .append(options.parts().size() < 3 ? " --parts " + String.join(",", options.parts()) : "").append("`. One local broker (own process), ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores; load average before `").append(loadBefore)
                .append("`, after `").append(loadAfter).append("`.\n\n| measure | value |\n|---|---|\n");
        lines.forEach(l -> md.append(l).append('\n'));
        Files.createDirectories(options.results());
        // a second run on the same day writes <date>-edge-2.md, and so on, next to the first
        Path out = options.results().resolve(LocalDate.now() + "-edge.md");
        for (int n = 2; Files.exists(out); n++) {
            out = options.results().resolve(LocalDate.now() + "-edge-" + n + ".md");
        }
        Files.writeString(out, md.toString());
        System.out.println();
        System.out.println(md);
        System.out.println("results: " + out);
    }

    private void row(String measure, String value) {
        lines.add("| " + measure + " | " + value + " |");
        log.accept(measure + ": " + value);
    }

    // (1)
    private void mirrorAgainstPlainInsert() throws Exception {
        String topic = "bench.edge.state";
        createTopic(topic, 3);
        log.accept("producing " + options.records() + " records over " + options.keys() + " keys");
        List<String[]> rows = new ArrayList<>();
        try (KafkaProducer<String, String> producer = producer()) {
            for (int i = 0; i < options.records(); i++) {
                String key = "d" + (i % options.keys());
                double lat = 48 + (i % 1000) / 1000.0;
                double lon = 11 + (i % 777) / 777.0;
                String reportedAt = String.format(Locale.ROOT, "2026-12-02T00:00:%02d.%03dZ", i % 60, i % 1000);
                String value = String.format(Locale.ROOT,
                        "{\"droneId\":\"%s\",\"position\":{\"lat\":%.6f,\"lon\":%.6f},\"battery\":%d,\"reportedAt\":\"%s\"}",
                        key, lat, lon, i % 101, reportedAt);
                producer.send(new ProducerRecord<>(topic, key, value));
                rows.add(new String[] {key, Double.toString(lat), Double.toString(lon), Integer.toString(i % 101), reportedAt});
            }
        }
        // Rounds of baseline, mirror, ..., baseline: each mirror is set against the baselines just before and after it,
        // so that the machine's load, which changes during a run, weighs on both sides of each ratio.
        // Also per CPU second (the edge process's user + system time, all its threads; the baseline thread's), which a
        // loaded machine disturbs far less than the wall-clock rates.
        List<Double> plains = new ArrayList<>();
        List<Double> plainsCpu = new ArrayList<>();
        List<Double> mirrors = new ArrayList<>();
        List<Double> mirrorsCpu = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        List<Double> ratiosCpu = new ArrayList<>();
        long peak = 0;
        long firstCount = 0;
        double[] plain = plainInsert(rows, "plain-0.db");
        plains.add(plain[0]);
        plainsCpu.add(plain[1]);
        for (int round = 1; round <= options.mirrorRounds(); round++) {
            double[] mirrored = mirrorOnce(topic, round);
            double counted = options.records() - mirrored[0];
            firstCount = (long) mirrored[0];
            peak = Math.max(peak, (long) mirrored[3]);
            plain = plainInsert(rows, "plain-" + round + ".db");
            plains.add(plain[0]);
            plainsCpu.add(plain[1]);
            mirrors.add(counted / mirrored[1]);
            mirrorsCpu.add(counted / mirrored[2]);
            ratios.add(counted / mirrored[1] / ((plains.get(round - 1) + plains.get(round)) / 2));
            ratiosCpu.add(counted / mirrored[2] / ((plainsCpu.get(round - 1) + plainsCpu.get(round)) / 2));
        }
        row("plain batched SQLite insert (INSERT OR REPLACE, 2 000 rows per transaction; median, each run)",
                String.format(Locale.ROOT, "%,.0f rows/s (%s)", median(plains), list(plains, "%,.0f")));
        row("mirror apply rate (edge process, from its first applied batch to the last; median, each run)", String.format(Locale.ROOT,
                "%,.0f rows/s (%s; %,d records after the first batch of %,d)", median(mirrors), list(mirrors, "%,.0f"),
                options.records() - firstCount, firstCount));
        row("mirror / plain insert (median of each mirror against the baselines just before and after it)",
                String.format(Locale.ROOT, "%.2f (%s)", median(ratios), list(ratios, "%.2f")));
        row("per CPU second: plain insert, mirror (median, each run)", String.format(Locale.ROOT, "%,.0f rows/CPU-s (%s); %,.0f rows/CPU-s (%s)",
                median(plainsCpu), list(plainsCpu, "%,.0f"), median(mirrorsCpu), list(mirrorsCpu, "%,.0f")));
        row("mirror / plain insert per CPU second (median, each run)",
                String.format(Locale.ROOT, "%.2f (%s)", median(ratiosCpu), list(ratiosCpu, "%.2f")));
        row("edge process peak RSS while mirroring (VmHWM)", peak + " MB");
        row("mirror table keyed by", options.mirrorKeyedByFields()
                ? "its droneId column (`key: [droneId]`; the record key in the hidden column hyphae_key, a second index)"
                : "the record key (column `key`, the table's one index, as the baseline's droneId)");
    }

    /**
     * Mirrors the topic into a fresh file: {records in the first batch seen, seconds from it to the last, the edge
     * process's CPU seconds in between, peak RSS MB}.
     */
    private double[] mirrorOnce(String topic, int round) throws Exception {
        Path file = work.resolve("mirror-" + round + ".edge.yaml");
        Files.writeString(file, """
                node: bench-mirror-%2$d
                database: mirror-%2$d.db
                mirror:
                  drones:
                    topic: %1$s
                    %3$s
                    columns:
                      droneId: text
                      lat: { path: position.lat, type: real }
                      lon: { path: position.lon, type: real }
                      battery: integer
                      reportedAt: text
                """.formatted(topic, round, options.mirrorKeyedByFields() ? "key: [droneId]" : "# keyed by the record key, which is the droneId"));
        Process node = edge(file, "mirror-" + round);
        Path db = work.resolve("mirror-" + round + ".db");
        long firstAt = 0;
        long firstCount = 0;
        double firstCpu = 0;
        long endAt;
        double endCpu;
        long peak = 0;
        while (true) {
            long applied = scalar(db, "SELECT coalesce(sum(next_offset), 0) FROM hyphae_offsets");
            long now = System.nanoTime();
            double cpu = ProcessStats.cpuSeconds(node.pid());
            peak = Math.max(peak, ProcessStats.peakRssMb(node.pid()));
            if (applied > 0 && firstAt == 0) {
                firstAt = now;
                firstCount = applied;
                firstCpu = cpu;
            }
            if (applied >= options.records()) {
                endAt = now;
                endCpu = cpu;
                break;
            }
            if (!node.isAlive()) {
                throw new IllegalStateException("the edge process ended: see " + work.resolve("mirror-" + round + ".log"));
            }
            Thread.sleep(100); // each look opens a connection: not so often that it competes with the node
        }
        long rows = scalar(db, "SELECT count(*) FROM drones");
        if (rows != options.keys()) {
            throw new IllegalStateException("mirror has " + rows + " rows, expected " + options.keys());
        }
        node.destroy();
        node.waitFor(10, TimeUnit.SECONDS);
        return new double[] {firstCount, (endAt - firstAt) / 1e9, endCpu - firstCpu, peak};
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String list(List<Double> values, String format) {
        return String.join(", ", values.stream().map(v -> String.format(Locale.ROOT, format, v)).toList());
    }

    /** {rows per second, rows per CPU second of this thread}. */
    private double[] plainInsert(List<String[]> rows, String fileName) throws SQLException {
        Path file = work.resolve(fileName);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode = WAL");
            s.execute("PRAGMA synchronous = NORMAL");
            s.execute("CREATE TABLE drones (droneId TEXT PRIMARY KEY, lat REAL, lon REAL, battery INTEGER, reportedAt TEXT)");
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long start = System.nanoTime();
            long startCpu = threads.getCurrentThreadCpuTime();
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement("INSERT OR REPLACE INTO drones VALUES (?, ?, ?, ?, ?)")) {
                int n = 0;
                for (String[] r : rows) {
                    insert.setString(1, r[0]);
                    insert.setDouble(2, Double.parseDouble(r[1]));
                    insert.setDouble(3, Double.parseDouble(r[2]));
                    insert.setLong(4, Long.parseLong(r[3]));
                    insert.setString(5, r[4]);
                    insert.addBatch();
                    if (++n % 2_000 == 0) {
                        insert.executeBatch();
                        c.commit();
                    }
                }
                insert.executeBatch();
                c.commit();
            }
            return new double[] {rows.size() / ((System.nanoTime() - start) / 1e9), rows.size() / ((threads.getCurrentThreadCpuTime() - startCpu) / 1e9)};
        }
    }

    // (2)
    private void publishRate() throws Exception {
        String topic = "bench.edge.reported";
        createTopic(topic, 3);
        Path file = work.resolve("publish.edge.yaml");
        Files.writeString(file, """
                node: bench-publish
                database: publish.db
                publish:
                  my_position:
                    topic: %s
                    key: droneId
                    columns:
                      droneId: text
                      lat: { path: position.lat, type: real }
                      lon: { path: position.lon, type: real }
                      battery: integer
                """.formatted(topic));
        // a first start creates the table and its triggers; the rows are then written with the node stopped
        Process first = edge(file, "publish");
        Path db = work.resolve("publish.db");
        while (scalar(db, "SELECT count(*) FROM sqlite_master WHERE name = 'hyphae_publish_my_position_insert'") == 0) {
            Thread.sleep(50);
        }
        first.destroy();
        first.waitFor(10, TimeUnit.SECONDS);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO my_position VALUES (?, ?, ?, ?)")) {
                for (int i = 0; i < options.publishRows(); i++) {
                    insert.setString(1, "d" + (i % 1000));
                    insert.setDouble(2, 48 + i % 1000 / 1000.0);
                    insert.setDouble(3, 11.5);
                    insert.setLong(4, i % 101);
                    insert.executeUpdate();
                }
            }
            c.commit();
        }
        Process node = edge(file, "publish");
        long firstAt = 0;
        long firstLeft = 0;
        // the timed drain starts at the first acknowledged batch
        long peak = 0;
        while (true) {
            long left = scalar(db, "SELECT count(*) FROM hyphae_outbox");
            peak = Math.max(peak, ProcessStats.peakRssMb(node.pid()));
            if (left < options.publishRows() && firstAt == 0) {
                firstAt = System.nanoTime();
                firstLeft = left;
            }
            if (left == 0) {
                break;
            }
            Thread.sleep(20);
        }
        double rate = firstLeft / ((System.nanoTime() - firstAt) / 1e9);
        row("publish rate (outbox drained by the edge process, from its first acknowledged batch)",
                String.format(Locale.ROOT, "%,.0f events/s (%,d events after the first batch)", rate, firstLeft));
        row("edge process peak RSS while publishing (VmHWM)", peak + " MB");
        node.destroy();
        node.waitFor(10, TimeUnit.SECONDS);
    }

    // (4)
    private void latency() throws Exception {
        String app = "benchfleet";
        createTopic(app + ".reported", 3);
        RouteFile routes = new RouteFileLoader(n -> null).load("fleet.yaml", """
                application: %1$s
                routes:
                  positions:
                    from: %1$s.reported
                    stages:
                      - checked: { validate: { required: [droneId, eventId], rules: ["value.position.lat <= 90.0"] } }
                """.formatted(app));
        for (String node : List.of("a", "b")) {
            Files.writeString(work.resolve(node + ".edge.yaml"), """
                    node: %1$s
                    database: %1$s.db
                    mirror:
                      positions:
                        topic: %2$s.positions.checked
                        key: [droneId]
                        columns:
                          droneId: text
                          lat: { path: position.lat, type: real }
                          seq: integer
                          sentAt: real
                    publish:
                      my_position:
                        topic: %2$s.reported
                        key: droneId
                        columns:
                          droneId: text
                          lat: { path: position.lat, type: real }
                          seq: integer
                          sentAt: real
                    """.formatted(node, app));
        }
        try (HyphaeApplication streams = new HyphaeApplication(routes, bootstrap, log)) {
            streams.start();
            streams.awaitRunning(Duration.ofSeconds(60));
            Process a = edge(work.resolve("a.edge.yaml"), "a");
            Process b = edge(work.resolve("b.edge.yaml"), "b");
            Path dbA = work.resolve("a.db");
            Path dbB = work.resolve("b.db");
            while (scalar(dbA, "SELECT count(*) FROM sqlite_master WHERE name = 'hyphae_publish_my_position_insert'") == 0
                    || scalar(dbB, "SELECT count(*) FROM sqlite_master WHERE name = 'positions'") == 0) {
                Thread.sleep(50);
            }
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dbB); Statement s = c.createStatement()) {
                s.execute("PRAGMA busy_timeout = 10000");
                s.execute("CREATE TABLE seen (seq INTEGER PRIMARY KEY, sentAt REAL, at REAL)");
                s.execute("CREATE TRIGGER seen_insert AFTER INSERT ON positions BEGIN INSERT OR IGNORE INTO seen "
                        + "VALUES (NEW.seq, NEW.sentAt, unixepoch('subsec')); END");
                s.execute("CREATE TRIGGER seen_update AFTER UPDATE ON positions BEGIN INSERT OR IGNORE INTO seen "
                        + "VALUES (NEW.seq, NEW.sentAt, unixepoch('subsec')); END");
            }
            // the pipeline's first record pays for the route's start (transactions, fetch sessions): wait it out first
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dbA); Statement s = c.createStatement()) {
                s.execute("PRAGMA busy_timeout = 10000");
                s.execute("INSERT INTO my_position VALUES ('warm-up', 48.0, -1, unixepoch('subsec'))");
            }
            while (scalar(dbB, "SELECT count(*) FROM seen WHERE seq = -1") == 0) {
                Thread.sleep(100);
            }
            int total = options.rate() * options.latencySeconds();
            int warmUp = options.rate() * 3;
            log.accept("latency: " + total + " inserts on node A at " + options.rate() + "/s (the first " + warmUp + " not counted)");
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dbA); Statement busy = c.createStatement();
                 PreparedStatement insert = c.prepareStatement("INSERT INTO my_position VALUES (?, ?, ?, unixepoch('subsec'))")) {
                busy.execute("PRAGMA busy_timeout = 10000");
                long interval = 1_000_000_000L / options.rate();
                long next = System.nanoTime();
                for (int i = 0; i < total; i++) {
                    insert.setString(1, "d" + (i % 100));
                    insert.setDouble(2, 48.0);
                    insert.setLong(3, i);
                    insert.executeUpdate();
                    next += interval;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
            }
            while (scalar(dbB, "SELECT count(*) FROM seen WHERE seq >= 0") < total) {
                Thread.sleep(100);
            }
            List<Double> ms = new ArrayList<>();
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dbB); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT (at - sentAt) * 1000 FROM seen WHERE seq >= " + warmUp)) {
                while (rs.next()) {
                    ms.add(rs.getDouble(1));
                }
            }
            Collections.sort(ms);
            row("A → route → B visibility at " + options.rate() + " inserts/s (" + ms.size() + " counted)", String.format(Locale.ROOT,
                    "p50 %.0f ms, p99 %.0f ms, max %.0f ms", pct(ms, 0.50), pct(ms, 0.99), ms.get(ms.size() - 1)));
            row("edge processes peak RSS (A, B; mirror + publish + dead letters idle)",
                    ProcessStats.peakRssMb(a.pid()) + " MB, " + ProcessStats.peakRssMb(b.pid()) + " MB");
            a.destroy();
            b.destroy();
            a.waitFor(10, TimeUnit.SECONDS);
            b.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** A free loopback port whose successor is free too (the local broker's controller takes the next one). */
    private static int freePair() throws IOException {
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

    private static double pct(List<Double> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }

    private Process edge(Path file, String name) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(options.edgeJavaOptions());
        command.addAll(List.of("-jar", options.edgeJar().toAbsolutePath().toString(), file.toString(), "-b", bootstrap));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve(name + ".log").toFile()));
        if (options.mallocArenaMax().isEmpty()) {
            builder.environment().remove("MALLOC_ARENA_MAX");
        } else {
            builder.environment().put("MALLOC_ARENA_MAX", options.mallocArenaMax());
        }
        return builder.start();
    }

    private static long scalar(Path db, String sql) throws SQLException {
        if (!Files.exists(db)) {
            return 0;
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = 10000");
            try (ResultSet rs = s.executeQuery(sql)) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        } catch (SQLException e) {
            if (e.getMessage() != null && e.getMessage().contains("no such table")) {
                return 0;
            }
            throw e;
        }
    }

    private void createTopic(String name, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
        }
    }

    private KafkaProducer<String, String> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "131072");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }
}
