package io.hyphae.runtime;

import java.util.Map;
import java.util.Optional;

/**
 * A topic the application reads or writes, and how to create it when it is missing.
 * {@code copartitionWith} names a topic whose partition count this one must have (repartition topics).
 */
public record TopicSpec(String name, Role role, String owner, Optional<Integer> partitions, Optional<Short> replicationFactor,
                        Map<String, String> config, Optional<String> copartitionWith) {

    public enum Role { INPUT, TABLE, STAGE, DEAD_LETTER, DESTINATION, REPARTITION }
}
