package io.hyphae.bench;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The webhook benchmark's receiver, without Kafka (a run of the whole benchmark needs a broker and a Connect worker,
 * about a minute before the first delivery on a shared machine: too long for {@code mvn verify}). Counts only, never speed.
 */
class WebhookReceiverTest {

    @Test
    void answers204AfterTheLatencyRecordsEveryRequestAndCountsTheOpenOnes() throws Exception {
        int n = 200;
        int maxInFlight = 8;
        try (WebhookReceiver receiver = new WebhookReceiver(20)) {
            WebhookReceiver.Run run = receiver.expect(n);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            Semaphore permits = new Semaphore(maxInFlight);
            ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<Long> millis = new ConcurrentLinkedQueue<>();
            for (int i = 0; i < n; i++) {
                permits.acquire();
                long sent = System.nanoTime();
                http.sendAsync(HttpRequest.newBuilder(URI.create(receiver.url()))
                                .POST(HttpRequest.BodyPublishers.ofByteArray(WebhookBenchmark.value(i, WebhookBenchmark.nowMicros()))).build(),
                        HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                            statuses.add(r == null ? -1 : r.statusCode());
                            millis.add((System.nanoTime() - sent) / 1_000_000);
                            permits.release();
                        });
            }
            assertThat(run.done.await(60, TimeUnit.SECONDS)).isTrue();
            assertThat(permits.tryAcquire(maxInFlight, 30, TimeUnit.SECONDS)).isTrue();

            assertThat(statuses).hasSize(n).containsOnly(204);
            assertThat(millis).allSatisfy(ms -> assertThat(ms).isGreaterThanOrEqualTo(19));
            assertThat(run.count()).isEqualTo(n);
            assertThat(run.unparsed.get()).isZero();
            assertThat(run.maxOpen.get()).isBetween(1, maxInFlight);
            assertThat(run.ids).containsExactlyInAnyOrder(java.util.stream.LongStream.range(0, n).toArray());
            for (int i = 0; i < n; i++) {
                assertThat(run.producedMicros[i]).isPositive();
                assertThat(run.arrivalWallMicros[i]).isGreaterThanOrEqualTo(run.producedMicros[i]);
            }
        }
    }

    @Test
    void readsTheRecordIdAndProduceTimeFromTheBody() {
        byte[] body = WebhookBenchmark.value(1234, 1_700_000_000_123_456L);
        assertThat(body.length).isBetween(170, 230);
        assertThat(WebhookReceiver.longField(body, "\"id\":")).isEqualTo(1234);
        assertThat(WebhookReceiver.longField(body, "\"producedAtMicros\":")).isEqualTo(1_700_000_000_123_456L);
        assertThat(WebhookReceiver.longField(body, "\"missing\":")).isEqualTo(-1);
        assertThat(WebhookBenchmark.parseOverrides("fetch.max.wait.ms=10, max.poll.records=100"))
                .containsExactly(java.util.Map.entry("fetch.max.wait.ms", "10"), java.util.Map.entry("max.poll.records", "100"));
    }
}
