package io.hyphae.route;

import java.util.Map;
import java.util.Optional;

/**
 * How Hyphae creates the topics it needs (inputs, stage topics, dead-letter topics, destinations).
 * Empty partitions / replication factor mean "the broker's default".
 */
public record TopicSettings(Optional<Integer> partitions, Optional<Short> replicationFactor, Map<String, String> config) {

    public static final TopicSettings BROKER_DEFAULTS = new TopicSettings(Optional.empty(), Optional.empty(), Map.of());
}
