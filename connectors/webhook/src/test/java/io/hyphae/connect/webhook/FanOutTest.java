package io.hyphae.connect.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.hyphae.connect.webhook.TestWebhookServer.Reply;
import io.hyphae.route.Format;
import io.hyphae.route.KeyFormat;

@Timeout(60)
class FanOutTest {

    private static final String TOPIC = "shop.orders.priced";
    private static final TopicPartition TP0 = new TopicPartition(TOPIC, 0);
    private static final StageCatalog CATALOG = new StageCatalog(Map.of("orders.priced", new StageCatalog.Stage(TOPIC, Format.JSON, KeyFormat.STRING)));

    private final List<TestWebhookServer> servers = new ArrayList<>();
    private final Map<String, Long> storedPositions = new ConcurrentHashMap<>();
    /** Start offsets by timestamp: the test's records are written at their offset in ms. */
    private final AtomicInteger startLookups = new AtomicInteger();
    private TestSinkTaskContext context;
    private FanOut fanOut;

    /** What the broker says is the end of the committed records, for start offsets (an open transaction holds it back). */
    private long endOfCommitted = Long.MAX_VALUE;

    /** The consumer's position in the partition, as the worker would move it (rewinds included). */
    private long position;

    private void start(int maxBuffered) {
        context = new TestSinkTaskContext(Set.of(TP0), true);
        fanOut = new FanOut(CATALOG, "shop", 0, maxBuffered, Map.of(), context,
                (partition, timestampMs) -> {
                    startLookups.incrementAndGet();
                    return Math.min(timestampMs, endOfCommitted);
                },
                (subscriber, partition) -> storedPositions.containsKey(subscriber)
                        ? OptionalLong.of(storedPositions.get(subscriber)) : OptionalLong.empty(),
                definition -> context.errantRecordReporter());
        fanOut.open(List.of(TP0));
    }

    /**
     * What the worker does: hands over the next two records up to {@code end} (or none), seeks where the task rewinds to,
     * and again, until {@code done}.
     */
    private void consume(long end, BooleanSupplier done) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5)).until(() -> {
            if (position < end) {
                long to = Math.min(end, position + 2);
                fanOut.put(records(position, to));
                position = to;
            } else {
                fanOut.put(List.of());
            }
            List<Map<TopicPartition, Long>> rewinds = context.takeRewinds();
            if (!rewinds.isEmpty()) {
                position = rewinds.get(rewinds.size() - 1).get(TP0);
                rewound.add(position);
            }
            return position >= end && done.getAsBoolean();
        });
    }

    private final List<Long> rewound = new ArrayList<>();

    @AfterEach
    void stop() {
        fanOut.close();
        servers.forEach(TestWebhookServer::close);
    }

    private TestWebhookServer server() throws Exception {
        TestWebhookServer server = new TestWebhookServer();
        servers.add(server);
        return server;
    }

    private static byte[] subscriber(TestWebhookServer server, String filter) {
        String json = "{\"stage\": \"orders.priced\", \"url\": \"" + server.url() + "\", \"allowNetworks\": [\"127.0.0.1/32\"],"
                + " \"maxInFlight\": 2, \"retry\": {\"initialBackoff\": \"5ms\", \"maxBackoff\": \"20ms\", \"jitter\": 0, \"maxAttempts\": 3}"
                + (filter == null ? "" : ", \"filter\": \"" + filter + "\"") + "}";
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static SinkRecord record(long offset, String key, int n) {
        byte[] value = ("{\"n\": " + n + ", \"key\": \"" + key + "\"}").getBytes(StandardCharsets.UTF_8);
        return new SinkRecord(TOPIC, 0, Schema.OPTIONAL_BYTES_SCHEMA, key.getBytes(StandardCharsets.UTF_8), Schema.OPTIONAL_BYTES_SCHEMA,
                value, offset, offset, TimestampType.CREATE_TIME, new ConnectHeaders());
    }

    /** Records {@code from} (inclusive) to {@code to} (exclusive), each its offset as n, keys k0..k2. */
    private static List<SinkRecord> records(long from, long to) {
        List<SinkRecord> out = new ArrayList<>();
        for (long o = from; o < to; o++) {
            out.add(record(o, "k" + (o % 3), (int) o));
        }
        return out;
    }

    private static List<Integer> ns(TestWebhookServer server) {
        return server.delivered().stream().map(e -> Integer.parseInt(e.body().replaceAll(".*\"n\": (\\d+).*", "$1"))).sorted().toList();
    }

    private long committed() {
        return fanOut.committable(Map.of(TP0, new OffsetAndMetadata(position))).get(TP0).offset();
    }

    @Test
    void everySubscriberGetsWhatItsFilterMatchesFromOneRead() throws Exception {
        start(100);
        TestWebhookServer even = server();
        TestWebhookServer odd = server();
        fanOut.upsert("even", subscriber(even, "value.n % 2 == 0"), 0, Optional.empty());
        fanOut.upsert("odd", subscriber(odd, "value.n % 2 == 1"), 0, Optional.empty());
        consume(10, () -> even.delivered().size() == 5 && odd.delivered().size() == 5 && committed() == 10);
        assertThat(ns(even)).containsExactly(0, 2, 4, 6, 8);
        assertThat(ns(odd)).containsExactly(1, 3, 5, 7, 9);
        assertThat(rewound).isEmpty();
        assertThat(fanOut.statuses(1).stream().collect(Collectors.toMap(SubscriberStatus::subscriber, SubscriberStatus::delivered)))
                .containsEntry("even", 5L).containsEntry("odd", 5L);
    }

    @Test
    void aNewSubscriberStartsAtItsRegistrationAndTheTaskRewindsForIt() throws Exception {
        start(100);
        TestWebhookServer first = server();
        fanOut.upsert("first", subscriber(first, null), 0, Optional.empty());
        consume(10, () -> first.delivered().size() == 10);
        // registered when record 6 was written (timestamps are offsets here): it gets 6.. only, through a rewind to 6
        TestWebhookServer late = server();
        fanOut.upsert("late", subscriber(late, null), 6, Optional.empty());
        consume(12, () -> late.delivered().size() == 6 && first.delivered().size() == 12);
        assertThat(rewound).containsExactly(6L);
        assertThat(ns(late)).containsExactly(6, 7, 8, 9, 10, 11);
        assertThat(ns(first)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11); // nothing twice
    }

    @Test
    void aNewSubscriberSkipsTheRecordsWrittenBeforeItWhenTheBrokerCouldOnlyTellTheEndOfWhatIsCommitted() throws Exception {
        start(100);
        TestWebhookServer first = server();
        fanOut.upsert("first", subscriber(first, null), 0, Optional.empty());
        consume(3, () -> first.delivered().size() == 3);
        // registered at 6 while records 3.. were in a transaction still open: the offset lookup answers 3
        endOfCommitted = 3;
        TestWebhookServer late = server();
        fanOut.upsert("late", subscriber(late, null), 6, Optional.empty());
        consume(10, () -> late.delivered().size() == 4 && first.delivered().size() == 10);
        assertThat(ns(late)).containsExactly(6, 7, 8, 9);
        assertThat(rewound).isEmpty();
    }

    @Test
    void aChangedFilterAppliesFromTheSubscribersPositionAndARemovedSubscriberGetsNothingMore() throws Exception {
        start(100);
        TestWebhookServer hooks = server();
        fanOut.upsert("s", subscriber(hooks, "value.n < 3"), 0, Optional.empty());
        consume(5, () -> hooks.delivered().size() == 3 && committed() == 5);
        fanOut.upsert("s", subscriber(hooks, "value.n >= 3"), 0, Optional.empty());
        consume(8, () -> hooks.delivered().size() == 6);
        assertThat(ns(hooks)).containsExactly(0, 1, 2, 5, 6, 7);
        fanOut.remove("s");
        consume(12, () -> true);
        assertThat(committed()).isEqualTo(12); // nobody holds the partition back
        assertThat(fanOut.removed()).containsExactly("s");
        assertThat(ns(hooks)).containsExactly(0, 1, 2, 5, 6, 7);
        assertThat(fanOut.statuses(1)).isEmpty();
    }

    @Test
    void aFailingSubscriberFallsBehindAloneAndCatchesUpThroughARewind() throws Exception {
        start(4);
        TestWebhookServer healthy = server();
        TestWebhookServer broken = server().behaviour(e -> Reply.status(503, "busy"));
        fanOut.upsert("healthy", subscriber(healthy, null), 0, Optional.empty());
        fanOut.upsert("broken", subscriber(broken, null), 0, Optional.empty());
        // the bound is 4 incomplete records: broken stops taking records at 4 (retrying), healthy gets all 20 meanwhile
        AtomicBoolean wasBehind = new AtomicBoolean();
        consume(20, () -> {
            fanOut.statuses(1).stream().filter(s -> s.subscriber().equals("broken") && s.behind()).forEach(s -> wasBehind.set(true));
            return healthy.delivered().size() == 20 && context.reports().stream().anyMatch(r -> r.record().kafkaOffset() == 0);
        });
        assertThat(wasBehind).isTrue();
        assertThat(committed()).isLessThan(20);
        // its records dead-letter after 3 attempts, freeing room; it catches up through re-reads of the partition
        broken.behaviour(e -> Reply.ok());
        consume(20, () -> broken.delivered().size() + context.reports().size() == 20 && committed() == 20);
        assertThat(rewound).isNotEmpty();
        List<Integer> dead = context.reports().stream().map(r -> (int) r.record().kafkaOffset()).toList();
        assertThat(dead).contains(0);
        List<Integer> all = new ArrayList<>(ns(broken));
        all.addAll(dead);
        assertThat(all).containsExactlyInAnyOrderElementsOf(records(0, 20).stream().map(r -> (int) r.kafkaOffset()).toList());
        assertThat(healthy.delivered()).hasSize(20); // the re-reads sent healthy nothing twice
    }

    @Test
    void aGoneSubscriberIsPausedWithoutHoldingTheOthersAndResumesWhereItStopped() throws Exception {
        start(100);
        TestWebhookServer healthy = server();
        TestWebhookServer gone = server().behaviour(e -> Reply.status(410, "gone"));
        fanOut.upsert("healthy", subscriber(healthy, null), 0, Optional.empty());
        fanOut.upsert("gone", subscriber(gone, null), 0, Optional.empty());
        consume(6, () -> healthy.delivered().size() == 6 && fanOut.statuses(1).stream().anyMatch(s -> s.paused().isPresent())
                && committed() == 6);
        SubscriberStatus paused = fanOut.statuses(1).stream().filter(s -> s.subscriber().equals("gone")).findFirst().orElseThrow();
        assertThat(paused.paused().orElseThrow()).contains("410 Gone");
        assertThat(paused.positions()).containsEntry(TOPIC + "-0", 0L);
        // written again: resumed from record 0 through a rewind
        gone.behaviour(e -> Reply.ok());
        fanOut.upsert("gone", subscriber(gone, null), 0, Optional.empty());
        consume(6, () -> gone.delivered().size() == 6);
        assertThat(rewound).containsExactly(0L);
        assertThat(ns(gone)).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(healthy.delivered()).hasSize(6);
    }

    @Test
    void aReassignedPartitionResumesEachSubscriberAtItsStoredPosition() throws Exception {
        start(100);
        TestWebhookServer hooks = server();
        storedPositions.put("s", 7L);
        fanOut.close(List.of(TP0));
        fanOut.upsert("s", subscriber(hooks, null), 0, Optional.empty());
        fanOut.open(List.of(TP0));
        position = 5; // the group's committed offset (another subscriber was behind)
        consume(10, () -> hooks.delivered().size() == 3);
        assertThat(ns(hooks)).containsExactly(7, 8, 9);
        assertThat(startLookups).hasValue(0); // the stored position, not the registration time
        assertThat(rewound).isEmpty();
    }

    @Test
    void aSubscriberThatCannotBeReadIsReportedAndHoldsNothingBack() throws Exception {
        start(100);
        fanOut.upsert("bad", "{\"stage\": \"orders.nope\", \"url\": \"http://127.0.0.1:1/x\"}".getBytes(StandardCharsets.UTF_8), 0,
                Optional.empty());
        consume(3, () -> true);
        assertThat(committed()).isEqualTo(3);
        assertThat(fanOut.statuses(1)).singleElement().satisfies(s -> assertThat(s.paused().orElseThrow()).contains("no stage orders.nope"));
    }
}
