package io.hyphae.route;

import java.util.Map;
import java.util.Optional;

/**
 * Connection settings. {@code properties} go to every Kafka client Hyphae creates (security.protocol,
 * sasl.*, ssl.* ...); {@code streams} only to Kafka Streams (and override Hyphae's defaults).
 */
public record KafkaSettings(Optional<String> bootstrapServers, Map<String, String> properties, Map<String, String> streams) {

    public static final KafkaSettings NONE = new KafkaSettings(Optional.empty(), Map.of(), Map.of());
}
