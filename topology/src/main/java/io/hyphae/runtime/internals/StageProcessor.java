package io.hyphae.runtime.internals;

import io.hyphae.event.LineageHeaders;
import io.hyphae.event.Event;
import io.hyphae.stage.Outcome;
import io.hyphae.stage.StageLogic;
import io.hyphae.stage.StageRuntime;
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
 * with their reason, and drops are counted.
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
    private ProcessorContext<byte[], Event> context;
    private Sensor dropped;
    private Sensor deadLettered;

    public StageProcessor(Wiring wiring, StageLogic logic) {
        this.wiring = wiring;
        this.logic = logic;
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
            public Sensor counter(String name) {
                return StageProcessor.this.counter(context, name);
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
        Outcome outcome;
        Exception failure = null;
        try {
            outcome = logic.apply(event);
        } catch (RuntimeException e) {
            failure = e;
            outcome = Outcome.deadLetter(DeadLetters.reason(e));
        }
        switch (outcome.kind()) {
            case CONTINUE:
                // The stage topic names the stage: the record goes as it is, its headers shared (they are only read).
                if (wiring.stageSink() != null) {
                    context.forward(record, wiring.stageSink());
                }
                if (wiring.next() != null) {
                    context.forward(record, wiring.next());
                }
                break;
            case BRANCH: {
                int branch = outcome.branchIndex();
                if (wiring.stageSink() != null) {
                    context.forward(record.withHeaders(with(record.headers(), LineageHeaders.DESTINATION, branchTopicBytes[branch])),
                            wiring.stageSink());
                }
                context.forward(record.withHeaders(with(record.headers(), LineageHeaders.STAGE, stageBytes)), wiring.branchSinks().get(branch));
                break;
            }
            case DROP:
                dropped.record();
                break;
            case DEAD_LETTER:
            default:
                deadLetter(record, outcome.reason(), failure);
        }
    }

    private void deadLetter(Record<byte[], Event> record, String reason, Exception failure) {
        deadLettered.record();
        DeadLetters.forward(context, record, wiring.route(), wiring.stage(), reason, failure, wiring.deadLetterSink());
    }

    /** A copy with one header more: the producer makes a record's headers read-only once sent. */
    private static Headers with(Headers base, String name, byte[] value) {
        RecordHeaders headers = new RecordHeaders(base);
        headers.add(name, value);
        return headers;
    }
}
