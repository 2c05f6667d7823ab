package io.hyphae.connect.webhook;

/**
 * A circuit breaker on one subscriber's endpoint. After {@link #THRESHOLD} transient failures in a row (a retryable
 * status, a timeout, a connection error) the endpoint is <i>failing</i>: one request at a time, each started at least
 * {@code probeIntervalMs} after the outcome of the one before, until one gets an answer that is not a transient
 * failure; then requests go at the subscriber's full concurrency again. Without it, a subscriber whose endpoint is down
 * retries every waiting record on its own schedule: with a thousand keys in its backlog, a thousand requests per
 * backoff period, for nothing, on the machine the other subscribers are delivered from.
 *
 * <p>The records' own schedules are unchanged: a record is sent no earlier than its retry delay says, and no earlier
 * than the breaker lets a request through. Thread-safe.
 */
final class EndpointBreaker {

    /** Transient failures in a row that make the endpoint failing. */
    static final int THRESHOLD = 5;

    private final long probeIntervalMs;
    private int failuresInARow;
    private long lastOutcomeMs;

    EndpointBreaker(long probeIntervalMs) {
        this.probeIntervalMs = probeIntervalMs;
    }

    /** An answer that is not a transient failure (delivered, or refused for good): the endpoint is up. True if it was failing. */
    synchronized boolean answered(long nowMs) {
        boolean wasFailing = failing();
        failuresInARow = 0;
        lastOutcomeMs = nowMs;
        return wasFailing;
    }

    /** A transient failure. True when this one made the endpoint failing. */
    synchronized boolean failed(long nowMs) {
        failuresInARow++;
        lastOutcomeMs = nowMs;
        return failuresInARow == THRESHOLD;
    }

    synchronized boolean failing() {
        return failuresInARow >= THRESHOLD;
    }

    /**
     * How long the next request must wait before it starts, given the requests open now: 0 while the endpoint is not
     * failing; while it is, until none is open and the probe interval has passed since the last outcome.
     */
    synchronized long waitMs(long nowMs, int open) {
        if (!failing()) {
            return 0;
        }
        if (open > 0) {
            return Math.max(1, Math.min(probeIntervalMs, 100));
        }
        return Math.max(0, lastOutcomeMs + probeIntervalMs - nowMs);
    }

    long probeIntervalMs() {
        return probeIntervalMs;
    }
}
