package io.hyphae.stage;

import io.hyphae.event.Event;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.Punctuator;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.time.Duration;

/**
 * What a running stage can reach: its tables, its state stores, its metrics, time and punctuators, and — for a stage
 * that does not decide one outcome per event (it holds events, or emits several for one) — the outputs themselves.
 * One per task; not thread-safe, like the task.
 */
public interface StageRuntime {

    ReadOnlyKeyValueStore<Bytes, byte[]> table(String storeName);

    /**
     * A counter of the stage, reported twice: as the Kafka Streams metrics {@code <name>-total} and {@code <name>-rate}
     * with the tag {@code hyphae-stage-id=<route>.<stage>}, and as the meter {@code hyphae.stage.<name>} (dashes become
     * dots) tagged {@code route} and {@code stage}.
     */
    StageCounter counter(String name);

    /**
     * A state store the stage's spec declared, by its name within the stage: a {@code KeyValueStore<Bytes, byte[]>}
     * or a {@code WindowStore<Bytes, byte[]>}, persistent and changelogged. Under exactly-once its changes commit with
     * the outputs of the same records.
     */
    <S extends StateStore> S store(String name);

    /**
     * Calls {@code punctuator} every {@code interval} of stream time (advanced by the records of the task's partitions;
     * it stalls while they are idle) or of wall-clock time. Outputs it emits go where the stage's outputs go.
     */
    Cancellable schedule(Duration interval, PunctuationType type, Punctuator punctuator);

    /** The key bytes of the record {@link StageLogic#apply} is processing. */
    byte[] recordKey();

    /** The timestamp of the record {@link StageLogic#apply} is processing (its event time). */
    long recordTimestamp();

    /** The task's stream time: the largest record timestamp it has seen. */
    long streamTime();

    /** The wall-clock time as the task sees it (the test driver's mock time in tests). */
    long wallClockTime();

    /** Hands an event on as {@link Outcome#CONTINUE} does: to the stage topic and the next stage. */
    void emit(byte[] key, Event event, long timestamp);

    /** Sends an event to the dead-letter topic with {@code reason}, as {@link Outcome#deadLetter} does. */
    void deadLetter(byte[] key, Event event, long timestamp, String reason);

    /** Writes an event to the stage's output topic {@code name} (declared by its spec). */
    void output(String name, byte[] key, Event event, long timestamp);

    /** The bytes that keep an event in a store: key, value as it is now, headers and timestamp. */
    byte[] keep(byte[] key, Event event, long timestamp);

    /** An event kept with {@link #keep}. */
    KeptEvent restore(byte[] kept);

    /** An event read back from a store, with the key and timestamp it was kept with. */
    record KeptEvent(byte[] key, Event event, long timestamp) {
    }
}
