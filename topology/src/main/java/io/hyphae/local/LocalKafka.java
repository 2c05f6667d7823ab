package io.hyphae.local;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The embedded default: Apache Kafka's own broker (KRaft, combined broker and controller, one node)
 * run as a separate JVM from the jars Hyphae ships with, listening on 127.0.0.1 only, its data in a
 * folder that survives restarts. One broker per folder: a lock guards start and stop, a PID file
 * finds the running broker, and a stale PID file (process gone or reused) is cleared.
 */
public final class LocalKafka {

    public static final int DEFAULT_PORT = 39092;
    static final String MAIN_CLASS = "kafka.Kafka";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private final Path dir;
    private final int port;

    public LocalKafka(Path dir, int port) {
        this.dir = dir.toAbsolutePath().normalize();
        this.port = port;
    }

    /** {@code $HYPHAE_LOCAL_DIR}, else {@code ~/.hyphae/local}. */
    public static Path defaultDirectory() {
        String env = System.getenv("HYPHAE_LOCAL_DIR");
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".hyphae", "local");
    }

    /** The local broker of {@code dir}, on the port it last ran on (else {@link #DEFAULT_PORT}). */
    public static LocalKafka in(Path dir) {
        return new LocalKafka(dir, LocalProcesses.lastPort(dir.resolve("kafka").resolve("port"), DEFAULT_PORT));
    }

    public static LocalKafka atDefault() {
        return in(defaultDirectory());
    }

    public Path directory() {
        return dir;
    }

    Path kafkaDir() {
        return dir.resolve("kafka");
    }

    public Path dataDir() {
        return kafkaDir().resolve("data");
    }

    public Path logFile() {
        return kafkaDir().resolve("broker.log");
    }

    Path pidFile() {
        return kafkaDir().resolve("broker.pid");
    }

    Path configFile() {
        return kafkaDir().resolve("server.properties");
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** What {@code hyphae local status} prints. */
    public record Status(boolean running, Optional<Long> pid, String bootstrapServers, Path dataDir, Path logFile) {
    }

    public Status status() throws IOException {
        Optional<ProcessHandle> broker = LocalProcesses.running(pidFile());
        return new Status(broker.isPresent(), broker.map(ProcessHandle::pid), bootstrapServers(), dataDir(), logFile());
    }

    /** Starts the broker unless it already runs; returns once it accepts requests. */
    public String start(Consumer<String> progress) throws IOException, InterruptedException {
        try (LocalProcesses.Lock lock = LocalProcesses.lock(kafkaDir())) {
            Optional<ProcessHandle> running = LocalProcesses.running(pidFile());
            if (running.isPresent()) {
                progress.accept("local Kafka broker already running at " + bootstrapServers() + " (pid " + running.get().pid() + ")");
                awaitReady(running.get(), progress);
                return bootstrapServers();
            }
            Files.deleteIfExists(pidFile());
            String hint = " (hyphae local start --port N, and KAFKA_BOOTSTRAP=127.0.0.1:N for the route)";
            LocalProcesses.checkPortFree(port, "broker", hint);
            LocalProcesses.checkPortFree(port + 1, "broker", hint);
            writeConfig();
            Files.writeString(kafkaDir().resolve("port"), Integer.toString(port), StandardCharsets.UTF_8);
            formatIfNew(progress);
            progress.accept("starting local Kafka broker at " + bootstrapServers() + " (data: " + dataDir() + ", log: " + logFile() + ")");
            long started = System.nanoTime();
            Process process = launch(List.of(MAIN_CLASS, configFile().toString()), logFile());
            LocalProcesses.writePid(pidFile(), process.toHandle());
            awaitReady(process.toHandle(), progress);
            progress.accept(String.format("local Kafka broker ready in %.1f s (pid %d)", (System.nanoTime() - started) / 1e9, process.pid()));
            return bootstrapServers();
        }
    }

    /** Stops the broker (SIGTERM, then SIGKILL after 30 s); true if one was running. */
    public boolean stop(Consumer<String> progress) throws IOException, InterruptedException {
        try (LocalProcesses.Lock lock = LocalProcesses.lock(kafkaDir())) {
            return LocalProcesses.stopRecorded(pidFile(), "local Kafka broker", Duration.ofSeconds(30), progress, () -> { });
        }
    }

    private void writeConfig() throws IOException {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.bootstrap.servers", "127.0.0.1:" + (port + 1));
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + (port + 1));
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", dataDir().toString());
        p.setProperty("num.partitions", "3");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("log.retention.hours", "168");
        try (var out = Files.newBufferedWriter(configFile(), StandardCharsets.UTF_8)) {
            p.store(out, "Written by hyphae local; edits are overwritten at the next start");
        }
    }

    private void formatIfNew(Consumer<String> progress) throws IOException, InterruptedException {
        if (Files.exists(dataDir().resolve("meta.properties"))) {
            return;
        }
        progress.accept("formatting the local broker's storage in " + dataDir());
        Process format = launch(List.of("kafka.tools.StorageTool", "format", "--standalone", "-t", Uuid.randomUuid().toString(),
                "-c", configFile().toString()), kafkaDir().resolve("format.log"));
        if (!format.waitFor(120, TimeUnit.SECONDS) || format.exitValue() != 0) {
            format.destroyForcibly();
            throw new IOException("formatting the broker's storage failed; see " + kafkaDir().resolve("format.log") + ":\n"
                    + LocalProcesses.tail(kafkaDir().resolve("format.log"), 15));
        }
    }

    private Process launch(List<String> mainAndArgs, Path log) throws IOException {
        List<String> command = LocalProcesses.detachedJava();
        command.addAll(List.of("-Xms128m", "-Xmx512m", "-XX:+UseG1GC", "-Djava.awt.headless=true",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info", "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-Dorg.slf4j.simpleLogger.logFile=System.out", "-cp", brokerClasspath()));
        command.addAll(mainAndArgs);
        return LocalProcesses.start(command, log);
    }

    /** The jars beside hyphae.jar (lib/), or this JVM's class path when running from classes (tests, IDE). */
    static String brokerClasspath() {
        try {
            Path source = Paths.get(LocalKafka.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(source)) {
                Path lib = source.getParent().resolve("lib");
                if (Files.isDirectory(lib)) {
                    return lib.toAbsolutePath() + File.separator + "*";
                }
            }
        } catch (URISyntaxException | SecurityException e) {
            // fall through to the JVM's own class path
        }
        return System.getProperty("java.class.path");
    }

    private void awaitReady(ProcessHandle broker, Consumer<String> progress) throws InterruptedException, IOException {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        try (Admin admin = Admin.create(props)) {
            LocalProcesses.awaitReady(broker, "the local Kafka broker", logFile(), READY_TIMEOUT, Duration.ofMillis(250), () -> {
                admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                return true;
            }, progress);
        }
    }

}
