package io.hyphae.cli;

import io.hyphae.connect.ConnectRestClient;
import io.hyphae.connect.SubscriberConnectors;
import io.hyphae.connect.TableConnectors;
import io.hyphae.connect.webhook.FanOutConnectorConfig;
import io.hyphae.local.LocalConnect;
import io.hyphae.local.LocalKafka;
import io.hyphae.plan.CheckedFile;
import io.hyphae.plan.TopicNames;
import io.hyphae.route.RouteFile;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/** Where the cluster is and how to talk to it; shared by the commands that connect to Kafka. */
final class ClientOptions {

    static final String BOOTSTRAP_ENV = "KAFKA_BOOTSTRAP";
    static final String CONNECT_ENV = "HYPHAE_CONNECT_URL";
    static final String LOCAL_ENV = "HYPHAE_LOCAL";

    @Option(names = {"-b", "--bootstrap-server"}, paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers. Default: the route file's kafka.bootstrap, else $" + BOOTSTRAP_ENV
                    + ", else the local broker (started if needed).")
    String bootstrap;

    @Option(names = {"-X", "--property"}, paramLabel = "KEY=VALUE",
            description = "A Kafka client setting (security.protocol, sasl.*, ssl.* ...); repeatable. Applied after the route file's kafka.properties.")
    Map<String, String> properties = new LinkedHashMap<>();

    @Option(names = "--registry-url", paramLabel = "URL",
            description = "Schema registry of Avro routes. Default: the route file's registry.url, else the local registry (started if needed).")
    String registryUrl;

    @Option(names = "--no-local",
            description = "Never start the local broker, registry or Connect worker (also $" + LOCAL_ENV + "=never, as in the Docker image).")
    boolean noLocal;

    @Option(names = "--connect-url", paramLabel = "URL",
            description = "REST URL of the Kafka Connect worker that runs the file's subscribers. Default: $" + CONNECT_ENV
                    + ", else, on the local broker, the local worker (started if needed).")
    String connectUrl;

    boolean localDisabled() {
        return noLocal || "never".equalsIgnoreCase(System.getenv(LOCAL_ENV));
    }

    /**
     * The Connect worker for a file's subscribers: the option, $HYPHAE_CONNECT_URL, else, when the commands use the
     * local broker, the local worker (started if needed). Empty when there is none: a remote cluster without a worker.
     */
    Optional<String> resolveConnect(Optional<RouteFile> file, String bootstrapServers, Consumer<String> progress)
            throws IOException, InterruptedException {
        if (connectUrl != null && !connectUrl.isBlank()) {
            return Optional.of(connectUrl);
        }
        Optional<String> fromEnv = Optional.ofNullable(System.getenv(CONNECT_ENV)).filter(u -> !u.isBlank());
        if (fromEnv.isPresent()) {
            return fromEnv;
        }
        LocalConnect local = LocalConnect.atDefault();
        if (localDisabled() || bootstrap(file).isPresent() && !bootstrapServers.equals(local.kafka().bootstrapServers())) {
            return Optional.empty();
        }
        progress.accept("no Kafka Connect worker configured (--connect-url, $" + CONNECT_ENV + "): using the local worker");
        return Optional.of(local.ensureRunning(progress));
    }

    /**
     * Applies the connectors of the file's table sources, subscribers and bridges to the worker {@link #resolveConnect} finds; says so when there
     * is none (the stream app runs all the same, and {@code hyphae connectors apply} can apply them later).
     * Returns whether they were applied.
     */
    boolean applyConnectors(CheckedFile checked, String bootstrapServers, Consumer<String> progress) throws IOException, InterruptedException {
        Optional<Properties> runtime = runtimeSubscriptions(checked, bootstrapServers);
        if (!SubscriberConnectors.any(checked) && runtime.isEmpty()) {
            return false;
        }
        Optional<String> worker = resolveConnect(Optional.of(checked.file()), bootstrapServers, progress);
        if (worker.isEmpty()) {
            progress.accept("warning: the file has " + describe(checked) + " but no Kafka Connect worker is configured"
                    + " (--connect-url, $" + CONNECT_ENV + "): nothing is delivered to subscribers or bridged and no table follows its database"
                    + " until 'hyphae connectors apply' runs against one");
            return false;
        }
        SubscriberConnectors.apply(checked, new ConnectRestClient(worker.get()), progress, runtime);
        return true;
    }

    /**
     * The Kafka client settings of the fan-out connector's task when the HTTP API's subscribers are in use, that is when
     * the topic {@code <application>.subscribers} exists ({@code hyphae serve} creates it); empty otherwise.
     */
    Optional<Properties> runtimeSubscriptions(CheckedFile checked, String bootstrapServers) throws InterruptedException {
        if (!FanOutConnectorConfig.applies(checked.file())) {
            return Optional.empty();
        }
        Properties props = clientProperties(Optional.of(checked.file()), bootstrapServers);
        try (Admin admin = Admin.create(props)) {
            boolean inUse = admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(TopicNames.subscriptions(checked.file().application()));
            return inUse ? Optional.of(props) : Optional.empty();
        } catch (ExecutionException | TimeoutException e) {
            return Optional.empty();
        }
    }

    private static String describe(CheckedFile checked) {
        List<String> parts = new ArrayList<>();
        int tables = TableConnectors.sourced(checked.file()).size();
        if (tables > 0) {
            parts.add(tables + " table source(s)");
        }
        if (!checked.subscribers().isEmpty()) {
            parts.add(checked.subscribers().size() + " subscriber(s)");
        }
        if (!checked.bridges().isEmpty()) {
            parts.add(checked.bridges().size() + " bridge(s)");
        }
        if (parts.isEmpty()) {
            parts.add("subscribers kept by the HTTP API in " + TopicNames.subscriptions(checked.file().application()));
        }
        return String.join(" and ", parts);
    }

    /**
     * The file with its schema registry resolved: the option, the file's registry.url, else (when the file
     * uses Avro) the local registry, started if needed.
     */
    RouteFile resolveRegistry(RouteFile file, Consumer<String> progress) throws IOException, InterruptedException {
        if (registryUrl != null && !registryUrl.isBlank()) {
            return file.withRegistry(file.registry().withUrl(registryUrl));
        }
        if (file.registry().url().isPresent() || !file.usesAvro()) {
            return file;
        }
        if (localDisabled()) {
            throw new IllegalArgumentException("the file uses Avro but no schema registry is configured: give it with --registry-url or the route file's registry.url");
        }
        progress.accept("no schema registry configured (--registry-url, registry.url): using the local registry");
        return file.withRegistry(file.registry().withUrl(localRegistry().start(progress)));
    }

    /** The registry URL for commands without a route file that need one. */
    String resolveRegistryUrl(Optional<RouteFile> file, Consumer<String> progress) throws IOException, InterruptedException {
        if (registryUrl != null && !registryUrl.isBlank()) {
            return registryUrl;
        }
        Optional<String> fromFile = file.flatMap(f -> f.registry().url());
        if (fromFile.isPresent()) {
            return fromFile.get();
        }
        progress.accept("no schema registry configured (--registry-url, registry.url): using the local registry");
        return localRegistry().start(progress);
    }

    static io.hyphae.local.LocalSchemaRegistry localRegistry() {
        return io.hyphae.local.LocalSchemaRegistry.in(LocalKafka.defaultDirectory());
    }

    /** The bootstrap servers in force: option, then route file, then environment. */
    Optional<String> bootstrap(Optional<RouteFile> file) {
        if (bootstrap != null && !bootstrap.isBlank()) {
            return Optional.of(bootstrap);
        }
        Optional<String> fromFile = file.flatMap(f -> f.kafka().bootstrapServers());
        if (fromFile.isPresent()) {
            return fromFile;
        }
        return Optional.ofNullable(System.getenv(BOOTSTRAP_ENV)).filter(s -> !s.isBlank());
    }

    /**
     * The bootstrap servers in force; when none is configured, the local broker (started if needed),
     * so that a first run on a laptop needs nothing installed.
     */
    String resolveBootstrap(Optional<RouteFile> file, Consumer<String> progress) throws IOException, InterruptedException {
        Optional<String> configured = bootstrap(file);
        if (configured.isPresent()) {
            return configured.get();
        }
        if (localDisabled()) {
            throw new IllegalArgumentException("no bootstrap servers: give them with --bootstrap-server, the route file's kafka.bootstrap or $"
                    + BOOTSTRAP_ENV + " (the local broker is off: " + (noLocal ? "--no-local" : "$" + LOCAL_ENV + "=never") + ")");
        }
        progress.accept("no bootstrap servers configured (--bootstrap-server, kafka.bootstrap, $" + BOOTSTRAP_ENV + "): using the local broker");
        return LocalKafka.atDefault().start(progress);
    }

    /** Client settings: the route file's kafka.properties, then -X options. */
    Properties clientProperties(Optional<RouteFile> file, String bootstrapServers) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrapServers);
        file.ifPresent(f -> props.putAll(f.kafka().properties()));
        props.putAll(properties);
        return props;
    }
}
