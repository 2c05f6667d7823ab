package io.hyphae.connect;

import io.hyphae.connect.bridge.BridgeConnectorConfig;
import io.hyphae.connect.webhook.FanOutConnectorConfig;
import io.hyphae.connect.webhook.SubscriberConnectorConfig;
import io.hyphae.plan.CheckedBridge;
import io.hyphae.plan.CheckedFile;
import io.hyphae.plan.CheckedSubscriber;
import io.hyphae.plan.TopicNames;
import io.hyphae.route.RouteFile;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * The Kafka Connect connectors a route file implies: one per subscriber (webhook delivery), one per bridge (MQTT,
 * RabbitMQ), one per table fed from a database ({@link TableConnectors}), and, when the HTTP API's subscribers are in
 * use, one fan-out connector for all of them; rendered and applied to a worker.
 */
public final class SubscriberConnectors {

    private SubscriberConnectors() {
    }

    /** Connector name to configuration, in file order; {@code withSecrets} false masks secrets, for printing. */
    public static Map<String, Map<String, String>> render(CheckedFile file, boolean withSecrets) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (CheckedSubscriber s : file.subscribers()) {
            out.put(s.connector(), SubscriberConnectorConfig.render(file.file(), s, withSecrets));
        }
        for (CheckedBridge b : file.bridges()) {
            out.put(b.connector(), BridgeConnectorConfig.render(file.file(), b, withSecrets));
        }
        return out;
    }

    /** The table sources' connectors, then the subscribers', in file order. */
    public static Map<String, Map<String, String>> renderAll(CheckedFile file, boolean withSecrets) {
        return renderAll(file, withSecrets, Optional.empty());
    }

    /**
     * The table sources' connectors, the subscribers', then, given the Kafka client settings of its task
     * ({@code runtime}), the fan-out connector that delivers the subscribers of the HTTP API.
     */
    public static Map<String, Map<String, String>> renderAll(CheckedFile file, boolean withSecrets, Optional<Properties> runtime) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>(TableConnectors.render(file.file(), withSecrets));
        out.putAll(render(file, withSecrets));
        runtime.filter(client -> FanOutConnectorConfig.applies(file.file())).ifPresent(client ->
                out.put(TopicNames.fanOutConnector(file.file().application()), FanOutConnectorConfig.render(file.file(), client, withSecrets)));
        return out;
    }

    /** Whether the file implies any connector. */
    public static boolean any(CheckedFile file) {
        return !file.subscribers().isEmpty() || !file.bridges().isEmpty() || !TableConnectors.sourced(file.file()).isEmpty();
    }

    /** Creates or updates every connector of the file (table sources, subscribers, bridges) on the worker (idempotent), reporting each one. */
    public static void apply(CheckedFile file, ConnectRestClient worker, Consumer<String> progress) throws IOException, InterruptedException {
        apply(file, worker, progress, Optional.empty());
    }

    /** {@link #apply(CheckedFile, ConnectRestClient, Consumer)}, and the fan-out connector when {@code runtime} is given. */
    public static void apply(CheckedFile file, ConnectRestClient worker, Consumer<String> progress, Optional<Properties> runtime)
            throws IOException, InterruptedException {
        for (Map.Entry<String, Map<String, String>> c : renderAll(file, true, runtime).entrySet()) {
            ConnectRestClient.Applied applied = worker.apply(c.getKey(), c.getValue());
            progress.accept("connector " + c.getKey() + " " + applied.name().toLowerCase() + " on " + worker.baseUrl());
        }
    }

    /** Creates or updates the fan-out connector of the HTTP API's subscribers on the worker; false when the file has no stage to deliver from. */
    public static boolean applyFanOut(RouteFile file, Properties client, ConnectRestClient worker, Consumer<String> progress)
            throws IOException, InterruptedException {
        if (!FanOutConnectorConfig.applies(file)) {
            return false;
        }
        String name = TopicNames.fanOutConnector(file.application());
        ConnectRestClient.Applied applied = worker.apply(name, FanOutConnectorConfig.render(file, client, true));
        progress.accept("connector " + name + " " + applied.name().toLowerCase() + " on " + worker.baseUrl());
        return true;
    }
}
