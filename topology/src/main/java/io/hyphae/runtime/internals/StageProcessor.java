package io.hyphae.runtime.internals;

import io.hyphae.event.LineageHeaders;
import io.hyphae.event.Event;
import io.hyphae.format.PayloadFormat;
import io.hyphae.route.KeyFormat;
import io.hyphae.runtime.RouteMetrics;
import io.hyphae.stage.Outcome;
import io.hyphae.stage.StageCounter;
import io.hyphae.stage.StageLogic;
import io.hyphae.stage.StageRuntime;
import io.micrometer.core.instrument.Counter;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.Punctuator;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs one stage's logic and does what every stage has in common: the stage topic gets the event
 * (stamped with the stage), the next stage gets it in memory, the dead-letter topic gets failures
 * with their reason, and drops are counted.
 */
public final class StageProcessor implements Processor<byte[], Event, byte[], Event> {

    /**
     * Where a stage's outputs go; null names mean "none". {@code outputSinks} are the sinks of its other outputs by
     * output name, {@code stores} the application names of its stores by their names within the stage.
     */
    public record Wiring(String route, String stage, String stageSink, String next, String deadLetterSink,
                         List<String> branchSinks, List<String> branchTopics, Map<String, String> outputSinks,
                         Map<String, String> stores, PayloadFormat format, KeyFormat keyFormat, String stageTopic) {
    }

    private final Wiring wiring;
    private final StageLogic logic;
    private final byte[] stageBytes;
    private final byte[][] branchTopicBytes;
    private final KeptEvents kept;
    private final RouteMetrics.Stage meters;
    private final boolean timed;
    private ProcessorContext<byte[], Event> context;
    private byte[] recordKey;
    private long recordTimestamp;
    private Sensor dropped;
    private Sensor deadLettered;

    public StageProcessor(Wiring wiring, StageLogic logic, RouteMetrics.Stage meters) {
        this.wiring = wiring;
        this.logic = logic;
        this.meters = meters;
        this.timed = meters.timed();
        this.stageBytes = LineageHeaders.stage(wiring.route(), wiring.stage()).getBytes(StandardCharsets.UTF_8);
        this.branchTopicBytes = wiring.branchTopics().stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
        this.kept = new KeptEvents(wiring.format(), wiring.keyFormat(), wiring.stageTopic());
    }

    @Override
    public void init(ProcessorContext<byte[], Event> context) {
        this.context = context;
        this.dropped = counter(context, "dropped");
        this.deadLettered = counter(context, "dead-lettered");
        logic.init(new Runtime());
    }

    /** The stage's view of its task. */
    private final class Runtime implements StageRuntime {
        @Override
        public ReadOnlyKeyValueStore<Bytes, byte[]> table(String storeName) {
            return context.getStateStore(storeName);
        }

        @Override
        public StageCounter counter(String name) {
            Sensor sensor = StageProcessor.this.counter(context, name);
            Counter counter = meters.counter(name);
            return () -> {
                sensor.record();
                counter.increment();
            };
        }

        @Override
        public <S extends StateStore> S store(String name) {
            String store = wiring.stores().get(name);
            if (store == null) {
                throw new IllegalStateException(wiring.route() + "." + wiring.stage() + ": the spec did not declare store '" + name + "'");
            }
            return context.getStateStore(store);
        }

        @Override
        public Cancellable schedule(Duration interval, PunctuationType type, Punctuator punctuator) {
            return context.schedule(interval, type, punctuator);
        }

        @Override
        public byte[] recordKey() {
            return recordKey;
        }

        @Override
        public long recordTimestamp() {
            return recordTimestamp;
        }

        @Override
        public long streamTime() {
            return context.currentStreamTimeMs();
        }

        @Override
        public long wallClockTime() {
            return context.currentSystemTimeMs();
        }

        @Override
        public void emit(byte[] key, Event event, long timestamp) {
            forward(new Record<>(key, event, timestamp, event.headers()));
        }

        @Override
        public void deadLetter(byte[] key, Event event, long timestamp, String reason) {
            StageProcessor.this.deadLetter(new Record<>(key, event, timestamp, event.headers()), reason, null);
        }

        @Override
        public void output(String name, byte[] key, Event event, long timestamp) {
            String sink = wiring.outputSinks().get(name);
            if (sink == null) {
                throw new IllegalStateException(wiring.route() + "." + wiring.stage() + ": the spec did not declare output '" + name + "'");
            }
            context.forward(new Record<>(key, event, timestamp, event.headers()), sink);
        }

        @Override
        public byte[] keep(byte[] key, Event event, long timestamp) {
            return kept.keep(key, event, timestamp);
        }

        @Override
        public KeptEvent restore(byte[] bytes) {
            return kept.restore(bytes);
        }
    }

    private void forward(Record<byte[], Event> record) {
        meters.out.increment();
        // The stage topic names the stage: the record goes as it is, its headers shared (they are only read).
        if (wiring.stageSink() != null) {
            context.forward(record, wiring.stageSink());
            written(record);
        }
        if (wiring.next() != null) {
            context.forward(record, wiring.next());
        }
    }

    private Sensor counter(ProcessorContext<?, ?> context, String name) {
        return context.metrics().addRateTotalSensor("hyphae-stage", wiring.route() + "." + wiring.stage(), name,
                Sensor.RecordingLevel.INFO);
    }

    @Override
    public void process(Record<byte[], Event> record) {
        Event event = record.value();
        meters.in.increment();
        Outcome outcome;
        Exception failure = null;
        recordKey = record.key();
        recordTimestamp = record.timestamp();
        long start = timed ? System.nanoTime() : 0;
        try {
            outcome = logic.apply(event);
        } catch (RuntimeException e) {
            failure = e;
            outcome = Outcome.deadLetter(DeadLetters.reason(e));
        }
        if (timed) {
            meters.processed(System.nanoTime() - start);
        }
        // A partitioned join's key (carried across its repartition topic) is this stage's only.
        event.joinKey(null);
        switch (outcome.kind()) {
            case CONTINUE:
                forward(record);
                break;
            case HANDLED:
                break;
            case BRANCH: {
                meters.out.increment();
                int branch = outcome.branchIndex();
                if (wiring.stageSink() != null) {
                    context.forward(record.withHeaders(with(record.headers(), LineageHeaders.DESTINATION, branchTopicBytes[branch])),
                            wiring.stageSink());
                    written(record);
                }
                context.forward(record.withHeaders(with(record.headers(), LineageHeaders.STAGE, stageBytes)), wiring.branchSinks().get(branch));
                break;
            }
            case DROP:
                meters.dropped.increment();
                dropped.record();
                break;
            case DEAD_LETTER:
            default:
                deadLetter(record, outcome.reason(), failure);
        }
    }

    private void deadLetter(Record<byte[], Event> record, String reason, Exception failure) {
        meters.deadLettered.increment();
        deadLettered.record();
        DeadLetters.forward(context, record, wiring.route(), wiring.stage(), reason, failure, wiring.deadLetterSink());
    }

    private void written(Record<byte[], Event> record) {
        if (timed) {
            meters.written(record.timestamp(), context.currentSystemTimeMs());
        }
    }

    /** A copy with one header more: the producer makes a record's headers read-only once sent. */
    private static Headers with(Headers base, String name, byte[] value) {
        RecordHeaders headers = new RecordHeaders(base);
        headers.add(name, value);
        return headers;
    }
}
