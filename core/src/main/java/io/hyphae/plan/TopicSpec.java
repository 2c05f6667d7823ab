package io.hyphae.plan;

import java.util.Map;
import java.util.Optional;

/**
 * A topic the application reads or writes, and how to create it when it is missing.
 * {@code copartitionWith} names a topic whose partition count this one must have (repartition topics).
 */
public record TopicSpec(String name, Role role, String owner, Optional<Integer> partitions, Optional<Short> replicationFactor,
                        Map<String, String> config, Optional<String> copartitionWith) {

    /** The largest record Hyphae reads or writes: every topic it creates accepts it, dead-letter topics included. */
    public static final int MAX_RECORD_BYTES = 16 * 1024 * 1024;

    /**
     * What the topic is to the application; a subscriber's and a bridge's dead-letter topic are written by its
     * connector, not the app; {@code BRIDGE} is a topic only a bridge names (written by an inbound one, read by an
     * outbound one). A stage's {@code OUTPUT} is a topic it writes besides its stage topic; a {@code CHANGELOG} is
     * created and written by Kafka Streams itself (as an internal topic of the application), not by the provisioner.
     */
    public enum Role { INPUT, TABLE, STAGE, DEAD_LETTER, DESTINATION, REPARTITION, SUBSCRIBER_DEAD_LETTER, OUTPUT, CHANGELOG, BRIDGE,
        BRIDGE_DEAD_LETTER }
}
