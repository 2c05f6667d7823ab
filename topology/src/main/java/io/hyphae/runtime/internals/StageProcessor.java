package io.hyphae.runtime.internals;

import io.hyphae.event.LineageHeaders;
import io.hyphae.event.Event;
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
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Runs one stage's logic and does what every stage has in common: the stage topic gets the event
 * (stamped with the stage), the next stage gets it in memory, the dead-letter topic gets failures
 * with their reason, and the outcomes are counted (Kafka Streams sensors for drops and dead letters, and the stage's
 * {@link RouteMetrics.Stage} meters).
 */
public final class StageProcessor implements Processor<byte[], Event, byte[], Event> {

    /** Where a stage's outputs go; null names mean "none". */
    public record Wiring(String route, String stage, String stageSink, String next, String deadLetterSink,
                         List<String> branchSinks, List<String> branchTopics) {
    }

    private final Wiring wiring;
    private final StageLogic logic;
    private final byte[] stageBytes;
    private final byte[][] branchTopicBytes;
    private final RouteMetrics.Stage meters;
    private final boolean timed;
    private ProcessorContext<byte[], Event> context;
    private Sensor dropped;
    private Sensor deadLettered;

    public StageProcessor(Wiring wiring, StageLogic logic, RouteMetrics.Stage meters) {
        this.wiring = wiring;
        this.logic = logic;
        this.meters = meters;
        this.timed = meters.timed();
        this.stageBytes = LineageHeaders.stage(wiring.route(), wiring.stage()).getBytes(StandardCharsets.UTF_8);
        this.branchTopicBytes = wiring.branchTopics().stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
    }

    @Override
    public void init(ProcessorContext<byte[], Event> context) {
        this.context = context;
        this.dropped = counter(context, "dropped");
        this.deadLettered = counter(context, "dead-lettered");
        logic.init(new StageRuntime() {
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
        });
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
        switch (outcome.kind()) {
            case CONTINUE:
                meters.out.increment();
                // The stage topic names the stage: the record goes as it is, its headers shared (they are only read).
                if (wiring.stageSink() != null) {
                    context.forward(record, wiring.stageSink());
                    written(record);
                }
                if (wiring.next() != null) {
                    context.forward(record, wiring.next());
                }
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
