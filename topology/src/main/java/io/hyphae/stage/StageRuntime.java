package io.hyphae.stage;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** What a running stage can reach: its tables and its metrics. */
public interface StageRuntime {

    ReadOnlyKeyValueStore<Bytes, byte[]> table(String storeName);

    /**
     * A counter of the stage, reported twice: as the Kafka Streams metrics {@code <name>-total} and {@code <name>-rate}
     * with the tag {@code hyphae-stage-id=<route>.<stage>}, and as the meter {@code hyphae.stage.<name>} (dashes become
     * dots) tagged {@code route} and {@code stage}.
     */
    StageCounter counter(String name);
}
