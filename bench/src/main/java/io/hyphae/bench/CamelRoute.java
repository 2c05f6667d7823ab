package io.hyphae.bench;

import io.hyphae.format.FormatException;
import io.hyphae.format.PayloadFormat;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.support.DefaultMessage;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * (d) The same job as an Apache Camel route, written the EIP way: a Kafka consumer endpoint, a Splitter over the
 * consumed records, then per record a Message Translator (decode), a Content-Based Router on validity (dead letters),
 * a Content Enricher from a HashMap of the table, a Message Translator (price) and a Content-Based Router to the
 * review or policy topic. The same records go to the same topics as {@link RawClientLoop}: validated (the input's
 * bytes), enriched, priced, routed and one destination per valid event, one dead letter per invalid event; keys and
 * record timestamps ({@link KafkaConstants#OVERRIDE_TIMESTAMP}) are the input's.
 *
 * <p>Tuned as a Camel user tunes it (DESIGN.md, "Camel fairness"). Every record goes out through ONE producer
 * endpoint, its topic set per message with {@link KafkaConstants#OVERRIDE_TOPIC}, and never through a synchronous
 * {@code to()} per record waiting for its acknowledgement. The consumer runs in batching mode: one exchange per batch
 * of up to {@code maxPollRecords=1000} records (dispatched early by {@code batchingIntervalMs}), its body the list of
 * the records' exchanges. Each record's outgoing messages are collected into one list (an Aggregator) and the whole
 * batch is handed to the producer endpoint in one {@code to()}: camel-kafka sends every element of an iterable body
 * with its own topic, key and timestamp headers, and returns once all of them are acknowledged. Producer:
 * {@code lingerMs=5}, 128 KB batches, no record metadata; stream caching off.
 *
 * <p>At-least-once, the camel-kafka way: {@code autoCommitEnable=false}, {@code allowManualCommit=true} with the
 * synchronous manual-commit factory, and the route's last step commits through the {@link KafkaManualCommit} header of
 * the last record of each partition in the batch, i.e. only after every output of the batch has been acknowledged. A
 * crash before that re-delivers the batch (duplicates, never loss): the raw loop's flush-then-commit contract. The
 * alternatives commit too early: a wire tap (or any asynchronous send) per record lets the exchange complete, and its
 * offset be committed, before its outputs are acknowledged; batching with auto-commit commits the consumer's position,
 * which already covers records polled but still waiting for the next batch. No exactly-once: the offsets are committed
 * outside any producer transaction. (A failed send fails the batch exchange and nothing is committed for it, but the
 * batching consumer carries on from its position and a later batch's commit covers it: here the runner's output
 * count check would catch that.)
 */
public final class CamelRoute extends RouteBuilder {

    /** Exit status when asked for a guarantee this system is not measured in. */
    static final int UNSUPPORTED_GUARANTEE = 3;

    private static final String OUTBOX = "hyphaeOutbox";
    private static final String RECORDS = "hyphaeRecords";
    private static final String ORIGINAL = "hyphaeOriginal";
    private static final String PRICED_BYTES = "hyphaePricedBytes";
    private static final byte[] ENRICH_MISS = "enrich miss".getBytes(StandardCharsets.UTF_8);

    private final Systems.Args args;
    private final PayloadFormat format;
    private final Map<String, Map<String, Object>> table;

    CamelRoute(Systems.Args args, PayloadFormat format, Map<String, Map<String, Object>> table) {
        this.args = args;
        this.format = format;
        this.table = table;
    }

    public static void main(String[] argv) throws Exception {
        Systems.Args args = Systems.Args.parse(argv);
        if (args.exactlyOnce()) {
            System.err.println("camel: Apache Camel is measured in at-least-once only; " + args.guarantee() + " is not supported");
            System.exit(UNSUPPORTED_GUARANTEE);
        }
        PayloadFormat format = args.payloadFormat();
        Map<String, Map<String, Object>> table = RawClientLoop.loadTable(args, format);

        Main main = new Main();
        main.configure().addRoutesBuilder(new CamelRoute(args, format, table));
        main.configure().withName(args.topics().prefix()).withShutdownTimeout(10)
                // bodies here are byte arrays and maps, never streams: stream caching would only add a check per step
                // (measured: a few % of CPU; the pooled exchange factory and larger batches measured no better)
                .withStreamCachingEnabled(false);
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterStart(BaseMainSupport m) {
                try {
                    args.ready();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        });
        // runs until the JVM is told to stop: camel-main's hang-up interceptor turns SIGTERM into a graceful shutdown
        main.run();
    }

    @Override
    public void configure() {
        Workload.Topics t = args.topics();
        String bytesIn = ByteArrayDeserializer.class.getName();
        String bytesOut = ByteArraySerializer.class.getName();
        String consumer = "kafka:" + t.input() + "?brokers=" + args.bootstrap() + "&groupId=" + t.prefix()
                + "&autoOffsetReset=earliest&isolationLevel=read_committed"
                + "&keyDeserializer=" + bytesIn + "&valueDeserializer=" + bytesIn
                // a batch is up to 1000 records, dispatched early when the next poll comes 10 ms or more after the last one
                + "&batching=true&maxPollRecords=1000&pollTimeoutMs=100&batchingIntervalMs=10"
                + "&autoCommitEnable=false&allowManualCommit=true"
                + "&kafkaManualCommitFactory=#class:org.apache.camel.component.kafka.consumer.DefaultKafkaManualCommitFactory";
        // one producer endpoint for every output topic (OVERRIDE_TOPIC per message); the default topic is never used
        String producer = "kafka:" + t.deadLetters() + "?brokers=" + args.bootstrap()
                + "&keySerializer=" + bytesOut + "&valueSerializer=" + bytesOut
                + "&lingerMs=5&producerBatchSize=131072&recordMetadata=false"
                // the batch is sent by the consumer's thread, which then waits for all its acknowledgements
                + "&synchronous=true";

        // One exchange per batch: split it into records, collect their outputs, send them all, then commit.
        from(consumer).routeId("changes")
                .process(batch -> {
                    List<?> records = batch.getMessage().getBody(List.class);
                    batch.setProperty(RECORDS, records);
                    batch.setProperty(OUTBOX, new ArrayList<Message>(records.size() * 5));
                    // each polled record's message: its body, key, timestamp, partition and manual commit
                    batch.getMessage().setBody(records.stream().map(r -> ((Exchange) r).getMessage()).toList());
                })
                .split(body())
                    .to("direct:record")
                .end()
                .setBody(exchangeProperty(OUTBOX))
                .to(producer)
                .process(CamelRoute::commit);

        // Message Translator: bytes in, a map out; what does not decode or validate is a dead letter (the input's bytes).
        from("direct:record").routeId("record")
                .setProperty(ORIGINAL, body())
                .doTry()
                    .process(e -> e.getMessage().setBody(format.decode(t.input(), e.getMessage().getBody(byte[].class))))
                .doCatch(FormatException.class)
                    .setBody(constant((Object) null))
                .end()
                .choice()
                    .when(e -> e.getMessage().getBody() instanceof Map<?, ?> m && InsuranceLogic.valid(asMap(m)))
                        .to("direct:validated")
                    .otherwise()
                        .process(emit(t.deadLetters(), e -> e.getProperty(ORIGINAL, byte[].class)))
                .end();

        // Content Enricher from the table; a missing postal code is a dead letter.
        from("direct:validated").routeId("validated")
                .process(emit(t.stage("validated"), e -> e.getProperty(ORIGINAL, byte[].class)))
                .process(e -> {
                    Map<String, Object> value = body(e);
                    Map<String, Object> geo = table.get(InsuranceLogic.postalCode(value));
                    e.getMessage().setBody(geo == null ? null : InsuranceLogic.enrich(value, geo));
                })
                .choice()
                    .when(body().isNull())
                        .process(emit(t.deadLetters(), e -> ENRICH_MISS))
                    .otherwise()
                        .to("direct:enriched")
                .end();

        // Price, then a Content-Based Router to review or policy; priced, routed and the destination share one encoding.
        from("direct:enriched").routeId("enriched")
                .process(emit(t.stage("enriched"), e -> format.encode(t.stage("enriched"), body(e))))
                .process(e -> {
                    Map<String, Object> priced = InsuranceLogic.price(body(e));
                    e.getMessage().setBody(priced);
                    e.setProperty(PRICED_BYTES, format.encode(t.stage("priced"), priced));
                })
                .process(emit(t.stage("priced"), e -> e.getProperty(PRICED_BYTES, byte[].class)))
                .process(emit(t.stage("routed"), e -> e.getProperty(PRICED_BYTES, byte[].class)))
                .choice()
                    .when(e -> InsuranceLogic.high(body(e)))
                        .process(emit(t.review(), e -> e.getProperty(PRICED_BYTES, byte[].class)))
                    .otherwise()
                        .process(emit(t.policy(), e -> e.getProperty(PRICED_BYTES, byte[].class)))
                .end();
    }

    /** One outgoing record, collected for the batch's single send: its topic, the input's key and timestamp. */
    private static Processor emit(String topic, Function<Exchange, byte[]> value) {
        return e -> {
            Message in = e.getMessage();
            Message out = new DefaultMessage(e.getContext());
            out.setHeader(KafkaConstants.OVERRIDE_TOPIC, topic);
            out.setHeader(KafkaConstants.KEY, in.getHeader(KafkaConstants.KEY));
            out.setHeader(KafkaConstants.OVERRIDE_TIMESTAMP, in.getHeader(KafkaConstants.TIMESTAMP));
            out.setBody(value.apply(e));
            @SuppressWarnings("unchecked")
            List<Message> outbox = e.getProperty(OUTBOX, List.class);
            outbox.add(out);
        };
    }

    /** After every output of the batch is acknowledged: commit the last record of each partition (sync). */
    private static void commit(Exchange batch) {
        Map<Object, KafkaManualCommit> last = new LinkedHashMap<>();
        for (Object r : batch.getProperty(RECORDS, List.class)) {
            Message m = ((Exchange) r).getMessage();
            last.put(m.getHeader(KafkaConstants.PARTITION), m.getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class));
        }
        last.values().forEach(KafkaManualCommit::commit);
    }

    private static Map<String, Object> body(Exchange e) {
        return asMap(e.getMessage().getBody(Map.class));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }
}
