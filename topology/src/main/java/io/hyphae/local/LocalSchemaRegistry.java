package io.hyphae.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A real, Confluent-compatible schema registry for the local stack and the integration tests: Hortonworks
 * Schema Registry (in-memory storage) run as a separate JVM from the jars the {@code registry-server} module
 * copies into {@code registry-server/target/lib}. Its Jackson, Guava and Avro versions clash with ours, so it
 * never shares a class path with Hyphae. It listens on 127.0.0.1 only: the Confluent API at the root of
 * {@link #url()} (its admin port is the next one). Like {@link LocalKafka}: one registry per folder, a lock
 * guards start and stop, a PID file with the process's start time finds the running one.
 *
 * <p>What the Confluent API offers here: {@code POST /subjects/{s}/versions} (a body of {@code {"schema": ...}}
 * only), {@code POST /subjects/{s}} (look-up), {@code GET /subjects}, {@code GET /subjects/{s}/versions[/{v}|/latest]},
 * {@code GET /schemas/ids/{id}}. Not offered: {@code /config}, {@code /compatibility}, deletes. Ids are not
 * shared across subjects the way Confluent's are. The storage is in memory: schemas are gone after a restart.
 */
public final class LocalSchemaRegistry {

    public static final int DEFAULT_PORT = 38081;
    static final String MAIN_CLASS = "com.hortonworks.registries.webservice.RegistryApplication";
    /** A directory of the registry's jars; overrides the search for {@code registry-server/target/lib}. */
    public static final String LIB_PROPERTY = "hyphae.registry.lib";
    private static final String MODULE = "registry-server";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Path dir;
    private final int port;

    public LocalSchemaRegistry(Path dir, int port) {
        this.dir = dir.toAbsolutePath().normalize();
        this.port = port;
    }

    /** The local registry of {@code dir}, on the port it last ran on (else {@link #DEFAULT_PORT}). */
    public static LocalSchemaRegistry in(Path dir) {
        return new LocalSchemaRegistry(dir, LocalProcesses.lastPort(dir.resolve("registry").resolve("port"), DEFAULT_PORT));
    }

    public Path directory() {
        return dir;
    }

    Path registryDir() {
        return dir.resolve("registry");
    }

    public Path configFile() {
        return registryDir().resolve("registry.yaml");
    }

    public Path logFile() {
        return registryDir().resolve("registry.log");
    }

    Path pidFile() {
        return registryDir().resolve("registry.pid");
    }

    public int port() {
        return port;
    }

    /** The base URL of the Confluent-compatible API, e.g. {@code http://127.0.0.1:38081}. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** What a status command prints. */
    public record Status(boolean running, Optional<Long> pid, String url, Path logFile) {
    }

    public Status status() throws IOException {
        Optional<ProcessHandle> registry = LocalProcesses.running(pidFile());
        return new Status(registry.isPresent(), registry.map(ProcessHandle::pid), url(), logFile());
    }

    /** Starts the registry unless it already runs; returns its URL once {@code GET /subjects} answers 200. */
    public String start(Consumer<String> progress) throws IOException, InterruptedException {
        try (LocalProcesses.Lock lock = LocalProcesses.lock(registryDir())) {
            Optional<ProcessHandle> running = LocalProcesses.running(pidFile());
            if (running.isPresent()) {
                progress.accept("local schema registry already running at " + url() + " (pid " + running.get().pid() + ")");
                awaitReady(running.get(), progress);
                return url();
            }
            Files.deleteIfExists(pidFile());
            String classpath = registryClasspath();
            LocalProcesses.checkPortFree(port, "schema registry", " (hyphae local start --registry-port N)");
            LocalProcesses.checkPortFree(port + 1, "schema registry", " (hyphae local start --registry-port N)");
            writeConfig();
            Files.writeString(registryDir().resolve("port"), Integer.toString(port), StandardCharsets.UTF_8);
            progress.accept("starting local schema registry at " + url() + " (log: " + logFile() + ")");
            long started = System.nanoTime();
            Process process = launch(classpath);
            LocalProcesses.writePid(pidFile(), process.toHandle());
            awaitReady(process.toHandle(), progress);
            progress.accept(String.format("local schema registry ready in %.1f s (pid %d)", (System.nanoTime() - started) / 1e9, process.pid()));
            replayJournal(progress);
            return url();
        }
    }

    /** Stops the registry (SIGTERM, then SIGKILL after 30 s); true if one was running. */
    public boolean stop(Consumer<String> progress) throws IOException, InterruptedException {
        try (LocalProcesses.Lock lock = LocalProcesses.lock(registryDir())) {
            return LocalProcesses.stopRecorded(pidFile(), "local schema registry", STOP_TIMEOUT, progress, () -> saveJournal(progress));
        }
    }

    /** The registry keeps schemas in memory: {@code stop} saves them here and {@code start} registers them again. */
    public Path journalFile() {
        return registryDir().resolve("schemas.jsonl");
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private com.fasterxml.jackson.databind.JsonNode call(String method, String path, String body) throws IOException, InterruptedException {
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url() + path))
                .timeout(java.time.Duration.ofSeconds(10)).header("Content-Type", "application/vnd.schemaregistry.v1+json");
        request.method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody() : java.net.http.HttpRequest.BodyPublishers.ofString(body));
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(request.build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** Every registered schema with its subject and id, oldest id first, one JSON object per line. */
    private void saveJournal(Consumer<String> progress) {
        try {
            java.util.List<com.fasterxml.jackson.databind.node.ObjectNode> entries = new java.util.ArrayList<>();
            for (com.fasterxml.jackson.databind.JsonNode subject : call("GET", "/subjects", null)) {
                String name = subject.asText();
                String encoded = java.net.URLEncoder.encode(name, StandardCharsets.UTF_8);
                for (com.fasterxml.jackson.databind.JsonNode version : call("GET", "/subjects/" + encoded + "/versions", null)) {
                    com.fasterxml.jackson.databind.JsonNode v = call("GET", "/subjects/" + encoded + "/versions/" + version.asText(), null);
                    entries.add(JSON.createObjectNode().put("id", v.get("id").asInt()).put("subject", name).put("schema", v.get("schema").asText()));
                }
            }
            entries.sort(java.util.Comparator.comparingInt(e -> e.get("id").asInt()));
            StringBuilder out = new StringBuilder();
            entries.forEach(e -> out.append(e).append('\n'));
            Files.writeString(journalFile(), out.toString(), StandardCharsets.UTF_8);
            progress.accept("saved " + entries.size() + " registered schema" + (entries.size() == 1 ? "" : "s") + " to " + journalFile());
        } catch (IOException e) {
            progress.accept("could not save the registered schemas (" + e.getMessage() + "); they are lost with this stop");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Registers the saved schemas again, in their original order, so they get their former ids back and
     * records already on disk stay readable; says so loudly if an id comes back different.
     */
    private void replayJournal(Consumer<String> progress) throws IOException, InterruptedException {
        if (!Files.exists(journalFile())) {
            return;
        }
        int restored = 0;
        java.util.List<String> moved = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(journalFile(), StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            com.fasterxml.jackson.databind.JsonNode entry = JSON.readTree(line);
            String subject = java.net.URLEncoder.encode(entry.get("subject").asText(), StandardCharsets.UTF_8);
            int id = call("POST", "/subjects/" + subject + "/versions",
                    JSON.createObjectNode().put("schema", entry.get("schema").asText()).toString()).get("id").asInt();
            if (id != entry.get("id").asInt()) {
                moved.add(entry.get("subject").asText() + " id " + entry.get("id").asInt() + " -> " + id);
            }
            restored++;
        }
        progress.accept("restored " + restored + " registered schema" + (restored == 1 ? "" : "s") + " from " + journalFile());
        if (!moved.isEmpty()) {
            progress.accept("WARNING: schema ids changed on restore, older records with these ids cannot be read: " + moved);
        }
    }

    /**
     * The registry's class path, {@code <lib>/*}: the directory named by the system property
     * {@value #LIB_PROPERTY}, else {@code registry-server/target/lib} of the source tree this class was built in
     * (found by walking up from {@code topology/target/classes} or {@code topology/target/hyphae.jar}).
     */
    public static String registryClasspath() throws IOException {
        return LocalProcesses.moduleClasspath(MODULE, LIB_PROPERTY, "the schema registry");
    }

    /** {@code <tree>/registry-server/target/lib/*} of the nearest folder above {@code source} that has a {@code registry-server/}. */
    static String classpathAbove(Path source) throws IOException {
        return LocalProcesses.moduleClasspathAbove(source, MODULE, LIB_PROPERTY, "the schema registry");
    }

    private void writeConfig() throws IOException {
        String yaml = """
                # Written by Hyphae's LocalSchemaRegistry; edits are overwritten at the next start.
                modules:
                  - name: schema-registry
                    className: com.hortonworks.registries.schemaregistry.webservice.SchemaRegistryModule
                    config:
                      schemaProviders:
                        - providerClass: "com.hortonworks.registries.schemaregistry.avro.AvroSchemaProvider"
                          defaultSerializerClass: "com.hortonworks.registries.schemaregistry.serdes.avro.AvroSnapshotSerializer"
                          defaultDeserializerClass: "com.hortonworks.registries.schemaregistry.serdes.avro.AvroSnapshotDeserializer"
                      schemaCacheSize: 10000
                      schemaCacheExpiryInterval: 3600

                # The Confluent-compatible API (/api/v1/confluent) served at the root, as Confluent clients expect it.
                servletFilters:
                  - className: "com.hortonworks.registries.schemaregistry.webservice.RewriteUriFilter"
                    params:
                      forwardPaths: "/api/v1/confluent,/subjects/*,/schemas/ids/*"
                      redirectPaths: "/ui/,/"

                fileStorageConfiguration:
                  className: "com.hortonworks.registries.common.util.LocalFileSystemStorage"
                  properties:
                    directory: %s

                storageProviderConfiguration:
                  providerClass: "com.hortonworks.registries.storage.impl.memory.InMemoryStorageManager"

                swagger:
                  resourcePackage: com.hortonworks.registries.schemaregistry.webservice

                enableCors: false

                server:
                  applicationConnectors:
                    - type: http
                      bindHost: 127.0.0.1
                      port: %d
                  adminConnectors:
                    - type: http
                      bindHost: 127.0.0.1
                      port: %d

                logging:
                  level: INFO
                """.formatted(yamlString(registryDir().resolve("jars").toString()), port, port + 1);
        Files.writeString(configFile(), yaml, StandardCharsets.UTF_8);
    }

    /** A YAML double-quoted scalar. */
    static String yamlString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private Process launch(String classpath) throws IOException {
        List<String> command = LocalProcesses.detachedJava();
        command.addAll(List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true",
                "-cp", classpath, MAIN_CLASS, "server", configFile().toString()));
        return LocalProcesses.start(command, logFile());
    }

    private void awaitReady(ProcessHandle registry, Consumer<String> progress) throws InterruptedException, IOException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url() + "/subjects")).timeout(Duration.ofSeconds(5)).GET().build();
        LocalProcesses.awaitReady(registry, "the local schema registry", logFile(), READY_TIMEOUT, Duration.ofMillis(200),
                () -> client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200, progress);
    }

}
