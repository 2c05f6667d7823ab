package io.hyphae.runtime.internals;

import io.hyphae.event.Event;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

import java.util.Optional;
import java.util.Set;

/**
 * Partitions a repartition topic by the join key, exactly as the producer's default partitioner
 * places that key in the table's topic, while the record keeps its own key.
 */
public final class JoinKeyPartitioner implements StreamPartitioner<byte[], Event> {

    @Override
    public Optional<Set<Integer>> partitions(String topic, byte[] key, Event value, int numPartitions) {
        return Optional.of(Set.of(Utils.toPositive(Utils.murmur2(value.joinKey())) % numPartitions));
    }
}
