package io.hyphae.connect.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.hyphae.connect.webhook.TestWebhookServer.Exchange;
import io.hyphae.connect.webhook.TestWebhookServer.Reply;

@Timeout(60)
class WebhookSinkTaskTest {

    private static final String TOPIC = "orders";
    private static final TopicPartition TP0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition TP1 = new TopicPartition(TOPIC, 1);

    private TestWebhookServer server;
    private WebhookSinkTask task;
    private TestSinkTaskContext context;

    @BeforeEach
    void startServer() throws Exception {
        server = new TestWebhookServer();
    }

    @AfterEach
    void stop() {
        if (task != null) {
            task.stop();
        }
        server.close();
    }

    private Map<String, String> config(String... overrides) {
        Map<String, String> props = new HashMap<>();
        props.put(WebhookSinkConfig.SUBSCRIBER, "billing");
        props.put(WebhookSinkConfig.URL, server.url());
        props.put(WebhookSinkConfig.ALLOW_NETWORKS, "127.0.0.1/32");
        props.put(WebhookSinkConfig.RETRY_INITIAL_BACKOFF_MS, "5");
        props.put(WebhookSinkConfig.RETRY_MAX_BACKOFF_MS, "40");
        props.put(WebhookSinkConfig.RETRY_JITTER, "0");
        props.put(WebhookSinkConfig.TIMEOUT_MS, "5000");
        for (int i = 0; i < overrides.length; i += 2) {
            if (overrides[i + 1] == null) {
                props.remove(overrides[i]);
            } else {
                props.put(overrides[i], overrides[i + 1]);
            }
        }
        return props;
    }

    private void start(boolean withReporter, String... overrides) {
        context = new TestSinkTaskContext(Set.of(TP0, TP1), withReporter);
        task = new WebhookSinkTask();
        task.initialize(context);
        task.start(config(overrides));
    }

    /** Value "key:offset" so the server knows which record it got. */
    private static SinkRecord record(int partition, long offset, String key) {
        return new SinkRecord(TOPIC, partition, Schema.BYTES_SCHEMA, key.getBytes(StandardCharsets.UTF_8),
            Schema.BYTES_SCHEMA, (key + ":" + offset).getBytes(StandardCharsets.UTF_8), offset, 0L,
            TimestampType.CREATE_TIME);
    }

    private static String key(Exchange exchange) {
        return exchange.body().substring(0, exchange.body().indexOf(':'));
    }

    private static long offset(Exchange exchange) {
        return Long.parseLong(exchange.body().substring(exchange.body().indexOf(':') + 1));
    }

    private Map<TopicPartition, OffsetAndMetadata> preCommit() {
        Map<TopicPartition, OffsetAndMetadata> current = new HashMap<>();
        current.put(TP0, new OffsetAndMetadata(0));
        current.put(TP1, new OffsetAndMetadata(0));
        return task.preCommit(current);
    }

    private long committed(TopicPartition partition) {
        OffsetAndMetadata offset = preCommit().get(partition);
        return offset == null ? 0 : offset.offset();
    }

    @Test
    void deliversEveryRecordOncePerKeyInOffsetOrderWithinMaxInFlightDespite503s() {
        // the first attempt of every third record is answered 503; every request takes a little while
        server.behaviour(exchange -> {
            Thread.sleep(2);
            return offset(exchange) % 3 == 0 && exchange.attempt() == 1 ? Reply.status(503, "busy") : Reply.ok();
        });
        start(true, WebhookSinkConfig.MAX_IN_FLIGHT, "4");
        List<SinkRecord> records = new ArrayList<>();
        for (int offset = 0; offset < 300; offset++) {
            records.add(record(0, offset, "k" + (offset % 10)));
        }
        Map<Long, Boolean> seenCommitted = new LinkedHashMap<>();
        for (int from = 0; from < records.size(); from += 50) {
            task.put(records.subList(from, from + 50));
            assertCommitOnlyDelivered(seenCommitted);
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertCommitOnlyDelivered(seenCommitted);
            assertThat(committed(TP0)).isEqualTo(300);
        });

        List<Exchange> delivered = server.delivered();
        assertThat(delivered.stream().map(TestWebhookServer.Exchange::body).collect(Collectors.toSet())).hasSize(300);
        Map<String, List<Long>> perKey = new HashMap<>();
        for (Exchange exchange : server.received()) {
            perKey.computeIfAbsent(key(exchange), k -> new ArrayList<>()).add(offset(exchange));
        }
        // every request of a key (retries included) in offset order: the next one only after the previous completed
        perKey.values().forEach(offsets -> assertThat(offsets).isSorted());
        assertThat(server.maxOpen.get()).isBetween(2, 4);
        assertThat(task.metrics().retried.get()).isEqualTo(100);
        assertThat(task.metrics().delivered.get()).isEqualTo(300);
        assertThat(context.reports()).isEmpty();
    }

    /** The committed offset never passes a record the server has not answered with 2xx. */
    private void assertCommitOnlyDelivered(Map<Long, Boolean> seen) {
        long committed = committed(TP0);
        Set<Long> delivered = server.delivered().stream().map(WebhookSinkTaskTest::offset).collect(Collectors.toSet());
        for (long offset = 0; offset < committed; offset++) {
            assertThat(delivered).as("offset %d is committed (up to %d)", offset, committed).contains(offset);
        }
        seen.put(committed, true);
    }

    @Test
    void orderingNoneSendsRecordsOfOneKeyInParallelButNeverMoreThanMaxInFlight() {
        server.behaviour(exchange -> new Reply(200, "", Map.of(), 20));
        start(true, WebhookSinkConfig.MAX_IN_FLIGHT, "5", WebhookSinkConfig.ORDERING, "none");
        List<SinkRecord> records = new ArrayList<>();
        for (int offset = 0; offset < 60; offset++) {
            records.add(record(1, offset, "same"));
        }
        task.put(records);
        await().atMost(Duration.ofSeconds(30)).until(() -> committed(TP1) == 60);
        assertThat(server.maxOpen.get()).isBetween(2, 5);
        assertThat(server.delivered()).hasSize(60);
    }

    @Test
    void deadLettersPermanentFailuresWithStatusAndCommitsThemOnlyOnceWritten() {
        server.behaviour(exchange -> key(exchange).startsWith("bad") ? Reply.status(400, "nope: bad field")
            : Reply.ok());
        start(true);
        context.holdReports = true;
        task.put(List.of(record(0, 0, "good1"), record(0, 1, "bad1"), record(0, 2, "good2"), record(0, 3, "bad2")));
        await().atMost(Duration.ofSeconds(10)).until(() -> context.reports().size() == 2 && server.delivered().size() == 2);
        // reported, but not yet written: the first dead letter holds the commit
        assertThat(committed(TP0)).isEqualTo(1);

        context.completeReports();
        await().atMost(Duration.ofSeconds(10)).until(() -> committed(TP0) == 4);
        for (TestSinkTaskContext.Report report : context.reports()) {
            assertThat(report.header(DeadLetters.STATUS)).isEqualTo("400");
            assertThat(report.header(DeadLetters.ATTEMPTS)).isEqualTo("1");
            assertThat(report.header(DeadLetters.RESPONSE)).isEqualTo("nope: bad field");
            assertThat(report.header(DeadLetters.REASON)).contains("HTTP 400");
            assertThat(report.record().topic()).isEqualTo(TOPIC);
            assertThat(new String((byte[]) report.record().key(), StandardCharsets.UTF_8)).startsWith("bad");
        }
        assertThat(task.metrics().deadLettered.get()).isEqualTo(2);
    }

    @Test
    void exhaustedRetriesAreDeadLetteredWithTheLastStatus() {
        server.behaviour(exchange -> Reply.status(503, "down"));
        start(true, WebhookSinkConfig.RETRY_MAX_ATTEMPTS, "3");
        task.put(List.of(record(0, 0, "k")));
        await().atMost(Duration.ofSeconds(10)).until(() -> committed(TP0) == 1);
        assertThat(server.received()).hasSize(3);
        TestSinkTaskContext.Report report = context.reports().get(0);
        assertThat(report.header(DeadLetters.STATUS)).isEqualTo("503");
        assertThat(report.header(DeadLetters.ATTEMPTS)).isEqualTo("3");
        assertThat(report.header(DeadLetters.REASON)).contains("gave up after 3 attempts");
    }

    @Test
    void anEndpointThatKeepsFailingGetsOneRequestAtATimeUntilItAnswersAgain() {
        AtomicBoolean down = new AtomicBoolean(true);
        server.behaviour(exchange -> {
            Thread.sleep(2);
            return down.get() ? Reply.status(503, "down") : Reply.ok();
        });
        start(true, WebhookSinkConfig.MAX_IN_FLIGHT, "8", WebhookSinkConfig.RETRY_INITIAL_BACKOFF_MS, "50",
            WebhookSinkConfig.RETRY_MAX_BACKOFF_MS, "50", WebhookSinkConfig.RETRY_MAX_ATTEMPTS, "1000");
        List<SinkRecord> records = new ArrayList<>();
        for (int offset = 0; offset < 100; offset++) {
            records.add(record(0, offset, "k" + offset)); // a key each: nothing waits for its key
        }
        task.put(records);
        // past the failures that open the breaker and the requests that were open then
        await().atMost(Duration.ofSeconds(10)).until(() -> server.received().size() >= EndpointBreaker.THRESHOLD + 8);
        server.maxOpen.set(server.open.get());
        int from = server.received().size() + 1;
        await().atMost(Duration.ofSeconds(10)).until(() -> server.received().size() >= from + 6);
        List<Exchange> failing = server.received().subList(from, from + 6);
        assertThat(server.maxOpen.get()).as("one request at a time while failing").isLessThanOrEqualTo(1);
        for (int i = 1; i < failing.size(); i++) {
            // each starts at least the probe interval (the initial backoff) after the outcome of the one before
            assertThat(Duration.between(failing.get(i - 1).arrived(), failing.get(i).arrived())).isGreaterThanOrEqualTo(Duration.ofMillis(50));
        }
        assertThat(server.delivered()).isEmpty();

        server.maxOpen.set(0);
        down.set(false);
        await().atMost(Duration.ofSeconds(30)).until(() -> committed(TP0) == 100);
        assertThat(server.delivered().stream().map(Exchange::body).collect(Collectors.toSet())).hasSize(100);
        assertThat(server.maxOpen.get()).as("full concurrency once it answers").isGreaterThan(1);
        assertThat(context.reports()).isEmpty();
    }

    @Test
    void retryAfterIsHonoured() {
        // an HTTP-date at least one second ahead
        Instant retryAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(2);
        String httpDate = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.ofInstant(retryAt, ZoneOffset.UTC));
        server.behaviour(exchange -> exchange.attempt() == 1
            ? new Reply(429, "slow down", Map.of("Retry-After", httpDate), 0) : Reply.ok());
        start(true);
        task.put(List.of(record(0, 0, "k")));
        await().atMost(Duration.ofSeconds(10)).until(() -> committed(TP0) == 1);
        List<Exchange> received = server.received();
        assertThat(received).hasSize(2);
        assertThat(received.get(1).arrived()).isAfterOrEqualTo(retryAt);
    }

    @Test
    void timeoutsAreRetried() {
        server.behaviour(exchange -> exchange.attempt() == 1 ? new Reply(200, "", Map.of(), 1_000) : Reply.ok());
        start(true, WebhookSinkConfig.TIMEOUT_MS, "100");
        task.put(List.of(record(0, 0, "k")));
        await().atMost(Duration.ofSeconds(10)).until(() -> committed(TP0) == 1);
        assertThat(server.received()).hasSizeGreaterThanOrEqualTo(2);
        assertThat(task.metrics().retried.get()).isGreaterThanOrEqualTo(1);
        assertThat(context.reports()).isEmpty();
    }

    @Test
    void goneStopsTheSubscriberAndFailsTheTaskWithoutCommittingTheRecord() {
        CountDownLatch goneAnswered = new CountDownLatch(1);
        server.behaviour(exchange -> {
            if (offset(exchange) == 5) {
                goneAnswered.countDown();
                return Reply.status(410, "unsubscribed");
            }
            return offset(exchange) > 5 ? new Reply(200, "", Map.of(), 200) : Reply.ok();
        });
        start(true, WebhookSinkConfig.MAX_IN_FLIGHT, "1");
        List<SinkRecord> records = new ArrayList<>();
        for (int offset = 0; offset < 10; offset++) {
            records.add(record(0, offset, "k" + offset));
        }
        task.put(records);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
            assertThatThrownBy(() -> task.put(List.of()))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("billing")
                .hasMessageContaining(server.url())
                .hasMessageContaining("410 Gone"));
        int requests = server.received().size();
        assertThat(committed(TP0)).isEqualTo(5);
        assertThat(server.received()).hasSize(requests);
        assertThat(server.received().stream().map(WebhookSinkTaskTest::offset)).doesNotContain(6L, 7L, 8L, 9L);
    }

    @Test
    void withoutADeadLetterQueueARecordThatWouldBeDeadLetteredFailsTheTask() {
        server.behaviour(exchange -> Reply.status(422, "invalid"));
        start(false);
        task.put(List.of(record(0, 0, "k")));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
            assertThatThrownBy(() -> task.put(List.of()))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("errors.tolerance=all")
                .hasMessageContaining("422"));
        assertThat(committed(TP0)).isZero();
    }

    @Test
    void signsEveryRequestWithEverySecretAndKeepsTheIdAcrossRetries() throws Exception {
        byte[] key1 = "first secret key".getBytes(StandardCharsets.UTF_8);
        byte[] key2 = "second secret key".getBytes(StandardCharsets.UTF_8);
        String secrets = "whsec_" + Base64.getEncoder().encodeToString(key1) + ", whsec_"
            + Base64.getEncoder().encodeToString(key2);
        server.behaviour(exchange -> exchange.attempt() == 1 ? Reply.status(502, "") : Reply.ok());
        start(true, WebhookSinkConfig.SECRETS, secrets);
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString(WebhookSigner.SOURCE_HEADER, "payments-3@99");
        SinkRecord derived = new SinkRecord(TOPIC, 0, null, "d".getBytes(StandardCharsets.UTF_8), null,
            "d:8".getBytes(StandardCharsets.UTF_8), 8, 0L, TimestampType.CREATE_TIME, headers);
        task.put(List.of(record(0, 7, "plain"), derived));
        await().atMost(Duration.ofSeconds(10)).until(() -> committed(TP0) == 9);

        List<Exchange> received = server.received();
        assertThat(received).hasSize(4);
        Map<String, Set<String>> idsByBody = new HashMap<>();
        for (Exchange exchange : received) {
            idsByBody.computeIfAbsent(exchange.body(), b -> new HashSet<>()).add(exchange.id());
            String timestamp = exchange.headers().getFirst("webhook-timestamp");
            String[] signatures = exchange.headers().getFirst("webhook-signature").split(" ");
            assertThat(signatures).containsExactly(
                "v1," + hmac(key1, exchange.id() + "." + timestamp + "." + exchange.body()),
                "v1," + hmac(key2, exchange.id() + "." + timestamp + "." + exchange.body()));
            assertThat(Long.parseLong(timestamp)).isCloseTo(Instant.now().getEpochSecond(),
                org.assertj.core.data.Offset.offset(60L));
        }
        assertThat(idsByBody.get("plain:7")).containsExactly(expectedId("orders-0@7"));
        assertThat(idsByBody.get("d:8")).containsExactly(expectedId("payments-3@99"));
        assertThat(expectedId("orders-0@7")).matches("msg_[A-Za-z0-9_-]{24}");
    }

    private static String hmac(byte[] key, String content) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return Base64.getEncoder().encodeToString(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
    }

    private static String expectedId(String source) throws Exception {
        byte[] hash = java.security.MessageDigest.getInstance("SHA-256").digest(source.getBytes(StandardCharsets.UTF_8));
        return "msg_" + Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(hash, 18));
    }

    @Test
    void unsignedWithoutSecrets() {
        start(true);
        task.put(List.of(record(0, 0, "k")));
        await().atMost(Duration.ofSeconds(10)).until(() -> committed(TP0) == 1);
        assertThat(server.received().get(0).headers().getFirst("webhook-signature")).isNull();
        assertThat(server.received().get(0).headers().getFirst("webhook-id")).startsWith("msg_");
        assertThat(server.received().get(0).headers().getFirst("Content-Type")).isEqualTo("application/json");
    }

    @Test
    void refusesLoopbackUnlessAllowedAndSendsNothing() {
        start(true, WebhookSinkConfig.ALLOW_NETWORKS, null);
        task.put(List.of(record(0, 0, "k")));
        await().atMost(Duration.ofSeconds(10)).until(() -> committed(TP0) == 1);
        assertThat(server.received()).isEmpty();
        TestSinkTaskContext.Report report = context.reports().get(0);
        assertThat(report.header(DeadLetters.STATUS)).isEqualTo("refused");
        assertThat(report.header(DeadLetters.REASON)).contains("127.0.0.1").contains("loopback")
            .contains("allowNetworks");
        task.stop();

        start(true, WebhookSinkConfig.ALLOW_NETWORKS, "10.0.0.0/8, 127.0.0.1/32");
        task.put(List.of(record(0, 0, "k")));
        await().atMost(Duration.ofSeconds(10)).until(() -> committed(TP0) == 1);
        assertThat(server.delivered()).hasSize(1);
        assertThat(context.reports()).isEmpty();
    }

    @Test
    void pausesWhenTooManyRecordsAreIncompleteAndResumesBelowHalf() {
        CountDownLatch release = new CountDownLatch(1);
        server.behaviour(exchange -> {
            release.await(20, TimeUnit.SECONDS);
            return Reply.ok();
        });
        start(true, WebhookSinkConfig.MAX_BUFFERED_RECORDS, "10", WebhookSinkConfig.MAX_IN_FLIGHT, "2");
        List<SinkRecord> records = new ArrayList<>();
        for (int offset = 0; offset < 30; offset++) {
            records.add(record(0, offset, "k" + offset));
        }
        task.put(records);
        assertThat(task.paused()).isTrue();
        assertThat(context.paused).containsExactlyInAnyOrder(TP0, TP1);

        release.countDown();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            task.put(List.of());
            assertThat(task.paused()).isFalse();
        });
        assertThat(context.paused).isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> committed(TP0) == 30);
    }

    /** Filters records whose value starts with "skip"; adds a query and headers, or a restricted header for "host". */
    public static class TestRenderer implements RequestRenderer {
        private String tenant;

        @Override
        public void configure(Map<String, ?> configs) {
            tenant = (String) configs.get("test.tenant");
        }

        @Override
        public Optional<WebhookRequest> render(SinkRecord record) {
            String value = new String((byte[]) record.value(), StandardCharsets.UTF_8);
            if (value.startsWith("skip")) {
                return Optional.empty();
            }
            Map<String, String> headers = value.startsWith("host") ? Map.of("Host", "evil.example")
                : Map.of("X-Tenant", tenant);
            return Optional.of(new WebhookRequest(record.value() instanceof byte[] b ? b : null, "text/plain",
                headers, Map.of("tenant id", tenant, "q", "a&b=c")));
        }
    }

    @Test
    void rendererFiltersAddsQueryAndHeadersAndRestrictedHeadersAreDeadLettered() {
        start(true, WebhookSinkConfig.RENDERER_CLASS, TestRenderer.class.getName(), "test.tenant", "acme corp");
        task.put(List.of(record(0, 0, "skip"), record(0, 1, "send"), record(0, 2, "host")));
        await().atMost(Duration.ofSeconds(10)).until(() -> committed(TP0) == 3);
        assertThat(server.received()).hasSize(1);
        Exchange exchange = server.received().get(0);
        assertThat(exchange.uri().getRawQuery()).isEqualTo("q=a%26b%3Dc&tenant+id=acme+corp");
        assertThat(exchange.headers().getFirst("X-Tenant")).isEqualTo("acme corp");
        assertThat(exchange.headers().getFirst("Content-Type")).isEqualTo("text/plain");
        assertThat(task.metrics().filtered.get()).isEqualTo(1);
        TestSinkTaskContext.Report report = context.reports().get(0);
        assertThat(report.header(DeadLetters.STATUS)).isEqualTo("invalid-request");
        assertThat(report.header(DeadLetters.REASON)).contains("'Host'");
    }

    @Test
    void redirectsAreNotFollowedButDeadLettered() {
        server.behaviour(exchange -> new Reply(302, "", Map.of("Location", "http://169.254.169.254/"), 0));
        start(true);
        task.put(List.of(record(0, 0, "k")));
        await().atMost(Duration.ofSeconds(10)).until(() -> committed(TP0) == 1);
        assertThat(server.received()).hasSize(1);
        assertThat(context.reports().get(0).header(DeadLetters.STATUS)).isEqualTo("302");
        assertThat(context.reports().get(0).header(DeadLetters.REASON)).contains("redirects are not followed");
    }
}
