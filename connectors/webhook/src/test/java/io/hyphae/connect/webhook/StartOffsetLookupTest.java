package io.hyphae.connect.webhook;

import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.MockAdminClient;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.internals.KafkaFutureImpl;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class StartOffsetLookupTest {

    /** A broker's answers to ListOffsets, each request counted by its kind. */
    static final class Offsets extends MockAdminClient {
        final Map<TopicPartition, Long> end = new HashMap<>();
        final Map<TopicPartition, Long> largestTimestamp = new HashMap<>();
        final List<String> asked = new ArrayList<>();
        long atTimestamp = -1;
        boolean maxTimestampUnsupported;

        @Override
        public synchronized ListOffsetsResult listOffsets(Map<TopicPartition, OffsetSpec> specs, ListOffsetsOptions options) {
            Map<TopicPartition, KafkaFuture<ListOffsetsResultInfo>> answers = new HashMap<>();
            specs.forEach((partition, spec) -> {
                KafkaFutureImpl<ListOffsetsResultInfo> answer = new KafkaFutureImpl<>();
                if (spec instanceof OffsetSpec.LatestSpec) {
                    asked.add("latest " + partition + " " + options.isolationLevel());
                    answer.complete(new ListOffsetsResultInfo(end.getOrDefault(partition, 0L), -1, Optional.empty()));
                } else if (spec instanceof OffsetSpec.MaxTimestampSpec) {
                    asked.add("max-timestamp " + partition);
                    if (maxTimestampUnsupported) {
                        answer.completeExceptionally(new UnsupportedVersionException("ListOffsets v7 needed"));
                    } else {
                        Long largest = largestTimestamp.get(partition);
                        answer.complete(largest == null ? new ListOffsetsResultInfo(-1, -1, Optional.empty())
                                : new ListOffsetsResultInfo(end.get(partition) - 1, largest, Optional.empty()));
                    }
                } else {
                    asked.add("timestamp " + partition + " " + options.isolationLevel());
                    answer.complete(new ListOffsetsResultInfo(atTimestamp, -1, Optional.empty()));
                }
                answers.put(partition, answer);
            });
            return new ListOffsetsResult(answers);
        }
    }

    private final Offsets broker = new Offsets();
    private final StartOffsetLookup lookup = new StartOffsetLookup(broker);

    private static TopicPartition p(int partition) {
        return new TopicPartition("shop.orders.priced", partition);
    }

    @Test
    void subscribersStartingAfterEveryRecordStartAtTheEndFromTwoRequestsPerPartition() {
        for (int i = 0; i < 3; i++) {
            broker.end.put(p(i), 100L + i);
            broker.largestTimestamp.put(p(i), 5_000L);
        }
        for (int subscriber = 0; subscriber < 100; subscriber++) {
            for (int i = 0; i < 3; i++) {
                assertThat(lookup.at(p(i), 6_000L + subscriber)).isEqualTo(100L + i);
            }
        }
        assertThat(broker.asked).hasSize(6).allSatisfy(a -> assertThat(a).doesNotStartWith("timestamp"))
                .contains("latest " + p(0) + " read_committed", "max-timestamp " + p(2));
    }

    @Test
    void aStartWithinThePartitionsRecordsIsLookedUpByItsInstant() {
        broker.end.put(p(0), 100L);
        broker.largestTimestamp.put(p(0), 5_000L);
        broker.atTimestamp = 42;
        assertThat(lookup.at(p(0), 5_000L)).isEqualTo(42);
        assertThat(lookup.at(p(0), 1_000L)).isEqualTo(42);
        assertThat(broker.asked).containsExactly("max-timestamp " + p(0), "timestamp " + p(0) + " read_committed",
                "timestamp " + p(0) + " read_committed");

        // no committed record at or after it (they are all in an open transaction): the end
        broker.atTimestamp = -1;
        assertThat(lookup.at(p(0), 4_000L)).isEqualTo(100L);
    }

    @Test
    void anEmptyPartitionStartsEveryoneAtItsEnd() {
        broker.end.put(p(1), 0L);
        assertThat(lookup.at(p(1), 0L)).isZero();
        assertThat(lookup.at(p(1), 1_000L)).isZero();
        assertThat(broker.asked).containsExactly("max-timestamp " + p(1), "latest " + p(1) + " read_committed");
    }

    @Test
    void afterForgetThePartitionsAreLookedUpAgain() {
        broker.end.put(p(0), 100L);
        broker.largestTimestamp.put(p(0), 5_000L);
        assertThat(lookup.at(p(0), 6_000L)).isEqualTo(100L);
        broker.end.put(p(0), 250L);
        broker.largestTimestamp.put(p(0), 7_000L);
        assertThat(lookup.at(p(0), 6_500L)).as("the batch's answer").isEqualTo(100L);
        lookup.forget();
        broker.atTimestamp = 180;
        assertThat(lookup.at(p(0), 6_500L)).as("records written since at or after the instant").isEqualTo(180L);
        assertThat(lookup.at(p(0), 8_000L)).isEqualTo(250L);
    }

    @Test
    void aBrokerWithoutMaxTimestampGetsEveryStartLookedUpByItsInstant() {
        broker.maxTimestampUnsupported = true;
        broker.end.put(p(0), 100L);
        assertThat(lookup.at(p(0), 6_000L)).isEqualTo(100L);
        assertThat(lookup.at(p(0), 7_000L)).isEqualTo(100L);
        assertThat(broker.asked).containsExactly("max-timestamp " + p(0), "timestamp " + p(0) + " read_committed",
                "latest " + p(0) + " read_committed", "timestamp " + p(0) + " read_committed");
    }
}
