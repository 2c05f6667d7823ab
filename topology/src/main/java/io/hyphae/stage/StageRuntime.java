package io.hyphae.stage;

import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** What a running stage can reach: its tables and its metrics. */
public interface StageRuntime {

    ReadOnlyKeyValueStore<Bytes, byte[]> table(String storeName);

    /** A counter reported as {@code <name>-total} and {@code <name>-rate} with the tag {@code hyphae-stage-id=<route>.<stage>}. */
    Sensor counter(String name);
}
