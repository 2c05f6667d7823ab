package io.hyphae.connect.webhook;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with jitter, bounded by a number of attempts and a total time, honouring Retry-After. */
final class RetrySchedule {

    private final long initialBackoffMs;
    private final long maxBackoffMs;
    private final double multiplier;
    private final double jitter;
    private final int maxAttempts;
    private final long maxElapsedMs;

    RetrySchedule(long initialBackoffMs, long maxBackoffMs, double multiplier, double jitter, int maxAttempts,
                  long maxElapsedMs) {
        this.initialBackoffMs = initialBackoffMs;
        this.maxBackoffMs = maxBackoffMs;
        this.multiplier = multiplier;
        this.jitter = jitter;
        this.maxAttempts = maxAttempts;
        this.maxElapsedMs = maxElapsedMs;
    }

    static RetrySchedule of(WebhookSinkConfig config) {
        return new RetrySchedule(config.retryInitialBackoffMs(), config.retryMaxBackoffMs(), config.retryMultiplier(),
            config.retryJitter(), config.retryMaxAttempts(), config.retryMaxElapsedMs());
    }

    /** The backoff after attempt number {@code attempts} (1 = the first attempt failed), jitter applied. */
    long backoffMs(int attempts) {
        double base = initialBackoffMs * Math.pow(multiplier, Math.max(0, attempts - 1));
        double capped = Math.min(base, maxBackoffMs);
        double spread = jitter == 0 ? 1.0 : 1.0 + jitter * (2 * ThreadLocalRandom.current().nextDouble() - 1);
        return Math.max(0, Math.round(capped * spread));
    }

    /**
     * How long to wait before the next attempt, or -1 when the record has had its last attempt:
     * {@code max(backoff, retryAfter)}.
     */
    long nextDelayMs(int attempts, long firstAttemptMs, long nowMs, long retryAfterMs) {
        if (attempts >= maxAttempts) {
            return -1;
        }
        long delay = Math.max(backoffMs(attempts), retryAfterMs);
        if (nowMs + delay - firstAttemptMs > maxElapsedMs) {
            return -1;
        }
        return delay;
    }

    int maxAttempts() {
        return maxAttempts;
    }

    /** A Retry-After header (delay seconds or an HTTP-date) as milliseconds from {@code now}; 0 when absent or bad. */
    static long retryAfterMs(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        String trimmed = value.trim();
        try {
            return Math.max(0, Math.multiplyExact(Long.parseLong(trimmed), 1000L));
        } catch (NumberFormatException | ArithmeticException e) {
            // not seconds: an HTTP-date
        }
        try {
            Instant at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return Math.max(0, Duration.between(now, at).toMillis());
        } catch (DateTimeParseException e) {
            return 0;
        }
    }
}
