package io.hyphae.connect;

import io.hyphae.connect.bridge.BridgeConnectorConfig;
import io.hyphae.connect.webhook.SubscriberConnectorConfig;
import io.hyphae.plan.CheckedBridge;
import io.hyphae.plan.CheckedFile;
import io.hyphae.plan.CheckedSubscriber;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The Kafka Connect connectors a route file implies: one per subscriber (webhook delivery), one per bridge (MQTT,
 * RabbitMQ), and one per table fed from a database ({@link TableConnectors}), rendered and applied to a worker.
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
        Map<String, Map<String, String>> out = new LinkedHashMap<>(TableConnectors.render(file.file(), withSecrets));
        out.putAll(render(file, withSecrets));
        return out;
    }

    /** Whether the file implies any connector. */
    public static boolean any(CheckedFile file) {
        return !file.subscribers().isEmpty() || !file.bridges().isEmpty() || !TableConnectors.sourced(file.file()).isEmpty();
    }

    /** Creates or updates every connector of the file (table sources, subscribers, bridges) on the worker (idempotent), reporting each one. */
    public static void apply(CheckedFile file, ConnectRestClient worker, Consumer<String> progress) throws IOException, InterruptedException {
        for (Map.Entry<String, Map<String, String>> c : renderAll(file, true).entrySet()) {
            ConnectRestClient.Applied applied = worker.apply(c.getKey(), c.getValue());
            progress.accept("connector " + c.getKey() + " " + applied.name().toLowerCase() + " on " + worker.baseUrl());
        }
    }
}
