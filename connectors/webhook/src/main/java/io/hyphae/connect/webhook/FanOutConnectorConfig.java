package io.hyphae.connect.webhook;

import io.hyphae.route.RegistrySettings;
import io.hyphae.route.RouteFile;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * The Kafka Connect configuration of the fan-out connector of a route file ({@code <application>-subscribers}): it reads
 * every stage topic of the file once and delivers to the subscribers of {@code <application>.subscribers}.
 */
public final class FanOutConnectorConfig {

    private FanOutConnectorConfig() {
    }

    /** Whether the file has stage topics to deliver from. */
    public static boolean applies(RouteFile file) {
        return !StageCatalog.of(file).stages().isEmpty();
    }

    /**
     * The configuration; {@code client} are the Kafka client settings the task's own clients use (the same cluster the
     * worker reads); {@code withSecrets} false masks passwords and JAAS settings, for printing.
     */
    public static Map<String, String> render(RouteFile file, Properties client, boolean withSecrets) {
        StageCatalog stages = StageCatalog.of(file);
        Map<String, String> c = new LinkedHashMap<>();
        c.put("connector.class", FanOutSinkConnector.class.getName());
        c.put("tasks.max", Integer.toString(file.topics().partitions().orElse(1)));
        c.put("topics", stages.stages().stream().map(StageCatalog.Stage::topic).distinct().collect(Collectors.joining(",")));
        c.put("key.converter", SubscriberConnectorConfig.BYTES);
        c.put("value.converter", SubscriberConnectorConfig.BYTES);
        c.put("header.converter", SubscriberConnectorConfig.BYTES);
        c.put("consumer.override.isolation.level", "read_committed");
        c.put(FanOutSinkConfig.APPLICATION, file.application());
        c.put(FanOutSinkConfig.STAGES, stages.json());
        c.put(FanOutSinkConfig.TOPIC_PARTITIONS, Integer.toString(file.topics().partitions().orElse(1)));
        file.topics().replicationFactor().ifPresent(rf -> c.put(FanOutSinkConfig.TOPIC_REPLICATION_FACTOR, rf.toString()));
        client.stringPropertyNames().stream().sorted().forEach(key -> c.put(FanOutSinkConfig.KAFKA_PREFIX + key,
                withSecrets || !secret(key) ? client.getProperty(key) : SubscriberConnectorConfig.MASK));
        RegistrySettings registry = file.registry();
        registry.url().ifPresent(url -> c.put(CelRequestRenderer.REGISTRY_URL, url));
        registry.basicAuth().ifPresent(auth -> c.put(CelRequestRenderer.REGISTRY_BASIC_AUTH, withSecrets ? auth : SubscriberConnectorConfig.MASK));
        registry.properties().forEach((k, v) -> c.put(CelRequestRenderer.REGISTRY_PREFIX + k,
                !withSecrets && k.contains("password") ? SubscriberConnectorConfig.MASK : v));
        return c;
    }

    private static boolean secret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("jaas") || k.contains("secret") || k.contains("token");
    }
}
