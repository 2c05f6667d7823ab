package io.hyphae.connect.webhook;

import io.hyphae.net.AddressRules;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends records to one subscriber: renders each, orders them per key when asked, keeps at most
 * {@code max.in.flight} requests open, retries on a schedule and dead-letters what can never be delivered.
 * One dispatcher thread starts requests; responses arrive on the HTTP client's threads; retries wait on a
 * scheduler, holding no permit. When the endpoint keeps failing, an {@link EndpointBreaker} lets one request through
 * at a time, one per initial backoff, until it answers again.
 */
final class DeliveryEngine implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DeliveryEngine.class);

    /** Headers the HTTP client or the signature owns; a renderer may not set them. */
    static final Set<String> RESTRICTED_HEADERS = Set.of("host", "content-length", "connection", "expect", "upgrade",
        "transfer-encoding", "te", "trailer", "keep-alive", "content-type", WebhookSigner.ID_HEADER,
        WebhookSigner.TIMESTAMP_HEADER, WebhookSigner.SIGNATURE_HEADER);

    private final String subscriber;
    private final URI url;
    private final String method;
    private final Duration timeout;
    private final boolean ordered;
    private final RequestRenderer renderer;
    private final OffsetTracker tracker;
    private final DeliveryMetrics metrics;
    private final RetrySchedule schedule;
    private final WebhookSigner signer;
    private final AddressRules guard;
    private final KeySequencer sequencer = new KeySequencer();
    private final EndpointBreaker breaker;
    private final DeadLetters deadLetters;
    private final int maxInFlight;
    private final Semaphore permits;
    private final LinkedBlockingQueue<Delivery> ready = new LinkedBlockingQueue<>();
    private final HttpClient client;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService requests;
    private final Thread dispatcher;
    private final AtomicReference<ConnectException> failure = new AtomicReference<>();
    private volatile boolean running = true;

    DeliveryEngine(WebhookSinkConfig config, RequestRenderer renderer, OffsetTracker tracker, DeliveryMetrics metrics,
                   ErrantRecordReporter reporter) {
        this.subscriber = config.subscriber();
        this.url = config.url();
        this.method = config.method();
        this.timeout = Duration.ofMillis(config.timeoutMs());
        this.ordered = config.ordering() == WebhookSinkConfig.Ordering.KEY;
        this.renderer = renderer;
        this.tracker = tracker;
        this.metrics = metrics;
        this.schedule = RetrySchedule.of(config);
        this.breaker = new EndpointBreaker(Math.max(1, config.retryInitialBackoffMs()));
        this.signer = new WebhookSigner(config.signingKeys());
        this.guard = config.allowNetworks();
        this.deadLetters = new DeadLetters(reporter, subscriber,
                DeadLetters.BYTE_ARRAY_CONVERTER.equals(config.originalsStrings().get("header.converter")));
        this.maxInFlight = config.maxInFlight();
        this.permits = new Semaphore(maxInFlight);
        HttpClient.Builder builder = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(timeout);
        // No executor of our own: given one, the JDK client completes every response future through the common
        // ForkJoinPool, which on a machine of two cores (parallelism 1) means a new thread per response.
        if ("http".equalsIgnoreCase(url.getScheme())) {
            builder.version(HttpClient.Version.HTTP_1_1); // no h2c upgrade dance on plain HTTP
        }
        this.client = builder.build();
        this.requests = Executors.newFixedThreadPool(maxInFlight, DeadLetters.daemon(subscriber + "-request"));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(DeadLetters.daemon(subscriber + "-retry"));
        this.dispatcher = DeadLetters.daemon(subscriber + "-dispatch").newThread(this::dispatch);
        this.dispatcher.start();
    }

    /** Takes a record from {@code put}: tracks it, renders it and queues it; never waits for the subscriber. */
    void submit(SinkRecord record) {
        Delivery delivery = new Delivery(record, ordered ? orderingKey(record.key()) : null);
        tracker.add(delivery);
        Optional<WebhookRequest> request;
        try {
            request = renderer.render(record);
        } catch (RuntimeException e) {
            deadLetter(delivery, "render-error", null, "the renderer failed: " + e);
            return;
        }
        if (request.isEmpty()) {
            metrics.filtered.incrementAndGet();
            finish(delivery);
            return;
        }
        String invalid = invalidHeaders(request.get().headers());
        if (invalid != null) {
            deadLetter(delivery, "invalid-request", null, invalid);
            return;
        }
        delivery.request = request.get();
        delivery.sequenced = true;
        if (sequencer.enqueue(delivery)) {
            ready.add(delivery);
        }
    }

    /** The failure that stops the task (410 Gone, or a record that cannot be dead-lettered), or null. */
    ConnectException failure() {
        return failure.get();
    }

    private void dispatch() {
        try {
            while (running) {
                Delivery delivery = ready.poll(100, TimeUnit.MILLISECONDS);
                if (delivery == null || !running) {
                    continue;
                }
                Optional<String> refusal = guard.refusal(url.getHost());
                if (refusal.isPresent()) {
                    deadLetter(delivery, "refused", null, "not sent: " + refusal.get());
                    continue;
                }
                awaitBreaker();
                permits.acquire();
                if (!running) {
                    permits.release();
                    break;
                }
                send(delivery);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            fail(new ConnectException("Subscriber '" + subscriber + "': the delivery thread failed", e));
        }
    }

    /** Waits while the breaker holds requests back (the endpoint failing: one at a time, one per probe interval). */
    private void awaitBreaker() throws InterruptedException {
        long wait;
        while (running && (wait = breaker.waitMs(System.currentTimeMillis(), maxInFlight - permits.availablePermits())) > 0) {
            Thread.sleep(Math.min(wait, 100));
        }
    }

    private void send(Delivery delivery) {
        long now = System.currentTimeMillis();
        delivery.attempts++;
        if (delivery.attempts == 1) {
            delivery.firstAttemptMs = now;
        }
        HttpRequest request;
        try {
            request = buildRequest(delivery, now / 1000);
            // A blocking send on a pool of maxInFlight threads: the JDK client's sendAsync completes every response
            // through the common ForkJoinPool, which on a machine of two cores (parallelism 1) starts a thread per
            // response; send() does not.
            requests.execute(() -> {
                // the permit is released once the outcome is decided: after a 410 nothing else starts
                try {
                    HttpResponse<byte[]> response;
                    try {
                        response = client.send(request, CappedBody.handler());
                    } catch (IOException e) {
                        onResult(delivery, null, e);
                        return;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return; // stopping: the record stays incomplete
                    }
                    onResult(delivery, response, null);
                } catch (Throwable e) {
                    fail(new ConnectException("Subscriber '" + subscriber + "': handling a response failed", e));
                } finally {
                    permits.release();
                }
            });
        } catch (IllegalArgumentException e) {
            permits.release();
            deadLetter(delivery, "invalid-request", null, "the request is invalid: " + e.getMessage());
        }
    }

    HttpRequest buildRequest(Delivery delivery, long timestampSeconds) {
        WebhookRequest webhook = delivery.request;
        HttpRequest.Builder builder = HttpRequest.newBuilder(withQuery(url, webhook.query()))
            .timeout(timeout)
            .method(method, webhook.body().length == 0
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(webhook.body()))
            .header("Content-Type", webhook.contentType())
            .header(WebhookSigner.ID_HEADER, delivery.id)
            .header(WebhookSigner.TIMESTAMP_HEADER, Long.toString(timestampSeconds));
        String signature = signer.signature(delivery.id, timestampSeconds, webhook.body());
        if (signature != null) {
            builder.header(WebhookSigner.SIGNATURE_HEADER, signature);
        }
        webhook.headers().forEach(builder::header);
        return builder.build();
    }

    static URI withQuery(URI url, Map<String, String> query) {
        String base = url.toString();
        int hash = base.indexOf('#');
        if (hash >= 0) {
            base = base.substring(0, hash);
        }
        if (query.isEmpty()) {
            return URI.create(base);
        }
        StringBuilder uri = new StringBuilder(base);
        char separator = url.getRawQuery() == null ? '?' : '&';
        for (Map.Entry<String, String> parameter : new TreeMap<>(query).entrySet()) {
            uri.append(separator)
                .append(URLEncoder.encode(parameter.getKey(), StandardCharsets.UTF_8))
                .append('=')
                .append(URLEncoder.encode(parameter.getValue(), StandardCharsets.UTF_8));
            separator = '&';
        }
        return URI.create(uri.toString());
    }

    static String invalidHeaders(Map<String, String> headers) {
        for (String name : headers.keySet()) {
            if (RESTRICTED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                return "the renderer set the header '" + name + "', which the connector or the HTTP client owns "
                    + "(restricted: " + new TreeSet<>(RESTRICTED_HEADERS) + ")";
            }
        }
        return null;
    }

    private void onResult(Delivery delivery, HttpResponse<byte[]> response, Throwable error) {
        if (!running) {
            return; // stopping: the record stays incomplete and is delivered again after the restart
        }
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof HttpTimeoutException) {
                transientFailure("no response within " + timeout.toMillis() + " ms");
                retry(delivery, "timeout", 0, null, "no response within " + timeout.toMillis() + " ms");
            } else if (cause instanceof IOException) {
                transientFailure("connection error: " + cause);
                retry(delivery, "connection-error", 0, null, "connection error: " + cause);
            } else {
                deadLetter(delivery, "request-error", null, "the request failed: " + cause);
            }
            return;
        }
        int status = response.statusCode();
        if (retryable(status)) {
            transientFailure("HTTP " + status);
        } else if (breaker.answered(System.currentTimeMillis())) {
            log.info("Subscriber '{}' at {}: answering again (HTTP {}); sending at full concurrency", subscriber, url, status);
        }
        if (status >= 200 && status < 300) {
            metrics.delivered.incrementAndGet();
            finish(delivery);
        } else if (status == 410) {
            gone(delivery);
        } else if (retryable(status)) {
            long retryAfter = RetrySchedule.retryAfterMs(response.headers().firstValue("Retry-After").orElse(null),
                Instant.now());
            retry(delivery, Integer.toString(status), retryAfter, response.body(), "HTTP " + status);
        } else {
            String reason = "HTTP " + status + (status >= 300 && status < 400 ? " (redirects are not followed)" : "");
            deadLetter(delivery, Integer.toString(status), response.body(), reason);
        }
    }

    private void transientFailure(String reason) {
        if (breaker.failed(System.currentTimeMillis())) {
            log.warn("Subscriber '{}' at {}: {} transient failures in a row (last: {}); sending one request at a time, one every {} ms, "
                + "until it answers", subscriber, url, EndpointBreaker.THRESHOLD, reason, breaker.probeIntervalMs());
        }
    }

    /** Transient answers: too many requests, request timeout, and the server errors that pass. */
    static boolean retryable(int status) {
        return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
    }

    private void retry(Delivery delivery, String status, long retryAfterMs, byte[] body, String reason) {
        long now = System.currentTimeMillis();
        long delay = schedule.nextDelayMs(delivery.attempts, delivery.firstAttemptMs, now, retryAfterMs);
        if (delay < 0) {
            deadLetter(delivery, status, body, reason + "; gave up after " + delivery.attempts + " attempts in "
                + (now - delivery.firstAttemptMs) + " ms");
            return;
        }
        metrics.retried.incrementAndGet();
        log.debug("Subscriber '{}': record {} attempt {} failed ({}), retrying in {} ms", subscriber, delivery,
            delivery.attempts, reason, delay);
        try {
            scheduler.schedule(() -> {
                ready.add(delivery);
            }, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }

    private void gone(Delivery delivery) {
        ConnectException gone = new ConnectException("Subscriber '" + subscriber + "' at " + url
            + " answered 410 Gone for record " + delivery + " (" + delivery.id + "): the subscriber is stopped and "
            + "no more requests are sent; once the subscription is fixed, restart the task, which resumes at this record");
        if (fail(gone)) {
            log.error(gone.getMessage());
        }
    }

    private boolean fail(ConnectException e) {
        boolean first = failure.compareAndSet(null, e);
        running = false; // nothing more is sent
        return first;
    }

    private void deadLetter(Delivery delivery, String status, byte[] body, String reason) {
        if (!deadLetters.available()) {
            ConnectException e = new ConnectException("Subscriber '" + subscriber + "' at " + url + ": record "
                + delivery + " cannot be delivered (" + status + ": " + reason + ") and there is no dead letter "
                + "queue; set errors.tolerance=all and errors.deadletterqueue.topic.name on the connector");
            if (fail(e)) {
                log.error(e.getMessage());
            }
            return;
        }
        log.warn("Subscriber '{}' at {}: dead-lettering record {} after {} attempt(s): {}", subscriber, url, delivery,
            delivery.attempts, reason);
        deadLetters.report(delivery.record, status, delivery.attempts, body, reason).whenComplete((ignored, error) -> {
            if (error != null) {
                fail(new ConnectException("Subscriber '" + subscriber + "': could not dead-letter record " + delivery,
                    error));
            } else {
                metrics.deadLettered.incrementAndGet();
                finish(delivery);
            }
        });
    }

    private void finish(Delivery delivery) {
        if (!delivery.markComplete()) {
            return;
        }
        tracker.completed();
        if (delivery.sequenced) {
            Delivery next = sequencer.next(delivery);
            if (next != null) {
                ready.add(next);
            }
        }
    }

    static ByteBuffer orderingKey(Object key) {
        if (key == null) {
            return null; // no key, no order to keep
        }
        if (key instanceof byte[] bytes) {
            return ByteBuffer.wrap(bytes);
        }
        if (key instanceof ByteBuffer buffer) {
            return buffer.duplicate();
        }
        return ByteBuffer.wrap(key.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Stops sending, waits briefly for open requests and releases the threads. */
    @Override
    public void close() {
        running = false;
        dispatcher.interrupt();
        scheduler.shutdownNow();
        try {
            dispatcher.join(1_000);
            long waitMs = Math.min(timeout.toMillis(), 5_000);
            if (permits.tryAcquire(maxInFlight, waitMs, TimeUnit.MILLISECONDS)) {
                permits.release(maxInFlight);
            } else {
                log.info("Subscriber '{}': stopping with requests still open; their records are delivered again",
                    subscriber);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        requests.shutdownNow();
        deadLetters.close();
    }
}
