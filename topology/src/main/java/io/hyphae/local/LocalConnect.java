package io.hyphae.local;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A Kafka Connect distributed worker for the local stack and the integration tests: Apache Kafka's own
 * {@code ConnectDistributed} run as a separate JVM from the jars the {@code connect-worker} module copies into
 * {@code connect-worker/target/lib}, its REST API on 127.0.0.1 only, its configs, offsets and status in topics
 * of the {@link LocalKafka local broker} (so connectors survive restarts). Connectors are loaded from the
 * plugin folders given (by default {@code connectors/webhook/target/plugin}, {@code connectors/cdc/target/plugin} and
 * {@code connectors/bridges/target/plugin} of the source tree: the webhook connector, Debezium's PostgreSQL connector
 * and Hyphae's row encoder, the protocol bridges); the worker scans them at start-up only. Like the broker: one worker per folder, a lock guards
 * start and stop, a PID file with the process's start time finds the running one.
 */
public final class LocalConnect {

    public static final int DEFAULT_PORT = 38083;
    static final String MAIN_CLASS = "org.apache.kafka.connect.cli.ConnectDistributed";
    /** A directory of the worker's jars; overrides the search for {@code connect-worker/target/lib}. */
    public static final String LIB_PROPERTY = "hyphae.connect.lib";
    public static final String GROUP_ID = "hyphae-local-connect";
    /** The webhook connector's plugin folder, relative to the source tree. */
    public static final String WEBHOOK_PLUGIN = "connectors/webhook/target/plugin";
    /** The table sources' plugin folders (Debezium's PostgreSQL connector, Hyphae's row encoder), relative to the source tree. */
    public static final String CDC_PLUGIN = "connectors/cdc/target/plugin";
    /** The protocol bridges' plugin folder, relative to the source tree. */
    public static final String BRIDGES_PLUGIN = "connectors/bridges/target/plugin";
    private static final String MODULE = "connect-worker";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    /** The prefixes of the worker settings for its connectors' clients (and the dead letter queues' producers). */
    private static final List<String> CLIENT_PREFIXES = List.of("producer.", "consumer.", "admin.");

    private final Path dir;
    private final int port;
    private final LocalKafka kafka;
    private final List<Path> pluginPath;
    /** Set for a worker on a cluster other than the local broker: its bootstrap servers and client settings. */
    private final Optional<Cluster> cluster;

    /**
     * A cluster of its own for the worker instead of the local broker: its bootstrap servers, and client settings
     * (SASL, TLS) that the worker uses for itself and for its connectors' producers, consumers and admin clients.
     */
    public record Cluster(String bootstrapServers, Map<String, String> clientSettings) {
        public Cluster {
            clientSettings = Map.copyOf(clientSettings);
        }
    }

    /**
     * A worker of {@code dir} on {@code port}, on the broker {@code kafka}, loading connectors from the
     * folders of {@code pluginPath} (folders that do not exist are left out when it starts).
     */
    public LocalConnect(Path dir, int port, LocalKafka kafka, List<Path> pluginPath) {
        this(dir, port, kafka, pluginPath, Optional.empty());
    }

    private LocalConnect(Path dir, int port, LocalKafka kafka, List<Path> pluginPath, Optional<Cluster> cluster) {
        this.dir = dir.toAbsolutePath().normalize();
        this.port = port;
        this.kafka = Objects.requireNonNull(kafka, "kafka");
        this.pluginPath = pluginPath.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        this.cluster = cluster;
    }

    /**
     * A worker of {@code dir} on {@code port} on another cluster than the local broker (a secured one, for instance):
     * the worker neither starts nor needs the local broker.
     */
    public static LocalConnect onCluster(Path dir, int port, Cluster cluster, List<Path> pluginPath) {
        return new LocalConnect(dir, port, new LocalKafka(dir, LocalKafka.DEFAULT_PORT), pluginPath, Optional.of(cluster));
    }

    /** The worker of {@code dir}, on the port it last ran on (else {@link #DEFAULT_PORT}), on that folder's broker, default plugins. */
    public static LocalConnect in(Path dir) {
        return new LocalConnect(dir, LocalProcesses.lastPort(dir.resolve("connect").resolve("port"), DEFAULT_PORT), LocalKafka.in(dir),
                defaultPluginPath());
    }

    public static LocalConnect atDefault() {
        return in(LocalKafka.defaultDirectory());
    }

    /** This worker on other plugin folders. */
    public LocalConnect withPluginPath(List<Path> folders) {
        return new LocalConnect(dir, port, kafka, folders, cluster);
    }

    /**
     * {@code <tree>/connectors/webhook/target/plugin}, {@code <tree>/connectors/cdc/target/plugin} and
     * {@code <tree>/connectors/bridges/target/plugin} of the source tree Hyphae runs from; empty when there is none.
     */
    public static List<Path> defaultPluginPath() {
        return LocalProcesses.sourceTreeWith("connectors")
                .map(tree -> List.of(tree.resolve(WEBHOOK_PLUGIN), tree.resolve(CDC_PLUGIN), tree.resolve(BRIDGES_PLUGIN))).orElse(List.of());
    }

    public Path directory() {
        return dir;
    }

    Path connectDir() {
        return dir.resolve("connect");
    }

    public Path configFile() {
        return connectDir().resolve("worker.properties");
    }

    Path loggingConfigFile() {
        return connectDir().resolve("log4j2.properties");
    }

    public Path logFile() {
        return connectDir().resolve("connect.log");
    }

    Path pidFile() {
        return connectDir().resolve("connect.pid");
    }

    public int port() {
        return port;
    }

    /** The local broker of the worker's folder: the one it runs on, unless it was made {@link #onCluster on another cluster}. */
    public LocalKafka kafka() {
        return kafka;
    }

    public List<Path> pluginPath() {
        return pluginPath;
    }

    /** The base URL of the worker's REST API, e.g. {@code http://127.0.0.1:38083}. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** What a status command prints; {@code pluginPath} is what the worker was started with. */
    public record Status(boolean running, Optional<Long> pid, String url, Path logFile, String pluginPath) {
    }

    public Status status() throws IOException {
        Optional<ProcessHandle> worker = LocalProcesses.running(pidFile());
        return new Status(worker.isPresent(), worker.map(ProcessHandle::pid), url(), logFile(), startedPluginPath().orElse(""));
    }

    /** Starts the local broker unless it runs, then the worker unless it runs; returns the worker's URL once it is ready. */
    public String ensureRunning(Consumer<String> progress) throws IOException, InterruptedException {
        if (cluster.isEmpty()) {
            kafka.start(progress);
        }
        return start(progress);
    }

    /**
     * Starts the worker unless it already runs (the broker must run); returns its URL once {@code GET /},
     * {@code GET /connector-plugins} and {@code GET /connectors} answer 200.
     */
    public String start(Consumer<String> progress) throws IOException, InterruptedException {
        try (LocalProcesses.Lock lock = LocalProcesses.lock(connectDir())) {
            Optional<ProcessHandle> running = LocalProcesses.running(pidFile());
            if (running.isPresent()) {
                progress.accept("local Connect worker already running at " + url() + " (pid " + running.get().pid() + ")");
                String wanted = pluginPathValue();
                startedPluginPath().filter(started -> !started.equals(wanted)).ifPresent(started -> progress.accept(
                        "note: the running worker loads plugins from [" + started + "], not [" + wanted + "]; restart it to change that"
                                + " (hyphae local stop, then start again)"));
                awaitReady(running.get(), progress);
                return url();
            }
            Files.deleteIfExists(pidFile());
            String classpath = workerClasspath();
            if (cluster.isEmpty() && !kafka.status().running()) {
                throw new IOException("the local Connect worker needs the local Kafka broker, which is not running in " + dir
                        + ": start both with `hyphae local start --connect`");
            }
            LocalProcesses.checkPortFree(port, "Connect worker", " (hyphae local start --connect-port N)");
            for (Path folder : pluginPath) {
                if (!Files.isDirectory(folder)) {
                    progress.accept("plugin folder " + folder + " does not exist (yet), left out of the worker's plugin.path");
                }
            }
            writeConfig();
            Files.writeString(connectDir().resolve("port"), Integer.toString(port), StandardCharsets.UTF_8);
            progress.accept("starting local Connect worker at " + url() + " on " + bootstrapServers() + " (plugins: ["
                    + pluginPathValue() + "], log: " + logFile() + ")");
            long started = System.nanoTime();
            Process process = launch(classpath);
            LocalProcesses.writePid(pidFile(), process.toHandle());
            awaitReady(process.toHandle(), progress);
            progress.accept(String.format("local Connect worker ready in %.1f s (pid %d)", (System.nanoTime() - started) / 1e9, process.pid()));
            return url();
        }
    }

    /** Stops the worker (SIGTERM, then SIGKILL after 30 s); true if one was running. Its connectors stay configured. */
    public boolean stop(Consumer<String> progress) throws IOException, InterruptedException {
        try (LocalProcesses.Lock lock = LocalProcesses.lock(connectDir())) {
            return LocalProcesses.stopRecorded(pidFile(), "local Connect worker", STOP_TIMEOUT, progress, () -> { });
        }
    }

    /**
     * The worker's class path, {@code <lib>/*}: the directory named by the system property {@value #LIB_PROPERTY},
     * else {@code connect-worker/target/lib} of the source tree this class was built in.
     */
    public static String workerClasspath() throws IOException {
        return LocalProcesses.moduleClasspath(MODULE, LIB_PROPERTY, "the Connect worker");
    }

    static String classpathAbove(Path source) throws IOException {
        return LocalProcesses.moduleClasspathAbove(source, MODULE, LIB_PROPERTY, "the Connect worker");
    }

    /** The existing plugin folders, comma-separated, as {@code plugin.path} takes them. */
    String pluginPathValue() {
        return pluginPath.stream().filter(Files::isDirectory).map(Path::toString).collect(Collectors.joining(","));
    }

    private Optional<String> startedPluginPath() {
        if (!Files.exists(configFile())) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(configFile(), StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.of(p.getProperty("plugin.path", ""));
    }

    /** The worker's configuration. */
    Properties workerConfig() {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrapServers());
        p.setProperty("group.id", GROUP_ID);
        p.setProperty("listeners", "http://127.0.0.1:" + port);
        p.setProperty("rest.advertised.host.name", "127.0.0.1");
        p.setProperty("rest.advertised.port", Integer.toString(port));
        p.setProperty("rest.advertised.listener", "http");
        p.setProperty("config.storage.topic", GROUP_ID + "-configs");
        p.setProperty("offset.storage.topic", GROUP_ID + "-offsets");
        p.setProperty("status.storage.topic", GROUP_ID + "-status");
        p.setProperty("config.storage.replication.factor", "1");
        p.setProperty("offset.storage.replication.factor", "1");
        p.setProperty("status.storage.replication.factor", "1");
        // one worker: a few partitions are plenty
        p.setProperty("offset.storage.partitions", "3");
        p.setProperty("status.storage.partitions", "1");
        p.setProperty("key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        p.setProperty("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        p.setProperty("header.converter", "org.apache.kafka.connect.storage.SimpleHeaderConverter");
        String plugins = pluginPathValue();
        if (!plugins.isEmpty()) {
            p.setProperty("plugin.path", plugins);
        }
        p.setProperty("plugin.discovery", "hybrid_warn");
        p.setProperty("offset.flush.interval.ms", "1000");
        // a lone worker that restarts should not wait minutes before taking its connectors back
        p.setProperty("scheduled.rebalance.max.delay.ms", "0");
        cluster.ifPresent(c -> c.clientSettings().forEach((key, value) -> {
            // the worker's own clients take the settings as they are; its connectors' clients through the prefixes
            p.setProperty(key, value);
            for (String prefix : CLIENT_PREFIXES) {
                p.setProperty(prefix + key, value);
            }
        }));
        return p;
    }

    private String bootstrapServers() {
        return cluster.map(Cluster::bootstrapServers).orElseGet(kafka::bootstrapServers);
    }

    private void writeConfig() throws IOException {
        try (var out = Files.newBufferedWriter(configFile(), StandardCharsets.UTF_8)) {
            workerConfig().store(out, "Written by hyphae local; edits are overwritten at the next start");
        }
        Files.writeString(loggingConfigFile(), """
                # Written by hyphae local; edits are overwritten at the next start.
                name = hyphae-local-connect
                appender.stdout.type = Console
                appender.stdout.name = STDOUT
                appender.stdout.layout.type = PatternLayout
                appender.stdout.layout.pattern = [%d] %p %X{connector.context}%m (%c:%L)%n
                rootLogger.level = INFO
                rootLogger.appenderRef.stdout.ref = STDOUT
                logger.reflections.name = org.reflections
                logger.reflections.level = ERROR
                """, StandardCharsets.UTF_8);
    }

    private Process launch(String classpath) throws IOException {
        List<String> command = new ArrayList<>(LocalProcesses.detachedJava());
        command.addAll(List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-Djava.awt.headless=true",
                "-Dlog4j2.configurationFile=" + loggingConfigFile().toUri(), "-cp", classpath, MAIN_CLASS, configFile().toString()));
        return LocalProcesses.start(command, logFile());
    }

    private void awaitReady(ProcessHandle worker, Consumer<String> progress) throws InterruptedException, IOException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        List<HttpRequest> probes = List.of("/", "/connector-plugins", "/connectors").stream()
                .map(path -> HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(10)).GET().build())
                .toList();
        LocalProcesses.awaitReady(worker, "the local Connect worker", logFile(), READY_TIMEOUT, Duration.ofMillis(500), () -> {
            for (HttpRequest probe : probes) {
                if (client.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
                    return false;
                }
            }
            return true;
        }, progress);
    }

    @Override
    public String toString() {
        return "LocalConnect[" + url() + ", " + dir + File.separator + "connect]";
    }
}
