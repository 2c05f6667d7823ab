package io.hyphae.route;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A webhook subscriber: every event of a stage topic (or any topic) for which {@code filter} holds is delivered to
 * {@code url} as an HTTP request whose body, headers and query parameters may be computed from the event.
 *
 * @param stage     the stage whose topic it reads, or empty when it names a {@code topic}
 * @param topic     the topic it reads when no stage is named
 * @param format    the format of the topic's events: the route's for a stage, as declared for a topic
 * @param body      the request body; empty: the event as JSON
 * @param secrets   Standard Webhooks signing secrets ({@code whsec_...}); several during a rotation
 * @param allowNetworks CIDR blocks of private or loopback addresses the URL may resolve to
 */
public record SubscriberDefinition(String name, Location location, Optional<StageRef> stage, Optional<String> topic,
                                   Format format, KeyFormat keyFormat, URI url, String method, Optional<Expression> filter,
                                   Optional<Expression> body, Map<String, Expression> headers, Map<String, Expression> query,
                                   Duration timeout, int maxInFlight, Ordering ordering, Retry retry, List<Secret> secrets,
                                   List<String> allowNetworks, Optional<Instant> from) {

    /** {@code <route>.<stage>} as written. */
    public record StageRef(String route, String stage, Location location, String path) {
        @Override
        public String toString() {
            return route + "." + stage;
        }
    }

    /** Order of deliveries: per record key strictly in order (parallel across keys), or none at all. */
    public enum Ordering { KEY, NONE }

    /**
     * When a delivery that failed in a way worth retrying is tried again: after {@code initialBackoff}, growing by
     * {@code multiplier} up to {@code maxBackoff}, each wait spread by ±{@code jitter}; at most {@code maxAttempts}
     * attempts in all, and none after {@code maxElapsed} since the first.
     */
    public record Retry(Duration initialBackoff, Duration maxBackoff, double multiplier, double jitter, int maxAttempts,
                        Duration maxElapsed) {

        public static final Retry DEFAULT = new Retry(Duration.ofSeconds(1), Duration.ofHours(1), 2.0, 0.2, 12, Duration.ofHours(24));
    }
}
