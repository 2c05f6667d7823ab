package io.hyphae.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The meters of a route file's routes and stages, in a Micrometer registry. Every meter of one name has the same tag
 * keys ({@code route}, {@code stage} for stage meters; {@code route} for route meters), so a Prometheus exposition of
 * them is consistent. Stream tasks of the same stage share its meters.
 *
 * <p>{@link #NONE} records nothing, and its stages measure no time: what a run without {@code --http} uses.
 */
public final class RouteMetrics {

    public static final String ROUTE = "route";
    public static final String STAGE = "stage";

    /** Names of the meters, as Micrometer names them (Prometheus: dots become underscores, counters end in {@code _total}). */
    public static final String ROUTE_IN = "hyphae.route.in";
    public static final String ROUTE_UNDECODABLE = "hyphae.route.undecodable";
    public static final String STAGE_IN = "hyphae.stage.in";
    public static final String STAGE_OUT = "hyphae.stage.out";
    public static final String STAGE_DROPPED = "hyphae.stage.dropped";
    public static final String STAGE_DEAD_LETTERED = "hyphae.stage.dead.lettered";
    public static final String STAGE_PROCESSING = "hyphae.stage.processing";
    public static final String STAGE_LATENCY = "hyphae.stage.latency";
    /** A stage type's own counters ({@code StageRuntime#counter}): {@code hyphae.stage.<name>}, e.g. {@code hyphae.stage.enrich.miss}. */
    public static final String STAGE_COUNTER_PREFIX = "hyphae.stage.";

    private static final Duration[] PROCESSING_BUCKETS = millis(0.01, 0.05, 0.1, 0.5, 1, 5, 10, 50, 100, 1000);
    private static final Duration[] LATENCY_BUCKETS = millis(1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000);

    public static final RouteMetrics NONE = new RouteMetrics(new CompositeMeterRegistry(), false);

    private final MeterRegistry registry;
    private final boolean enabled;
    private final Map<String, Stage> stages = new ConcurrentHashMap<>();
    private final Map<String, Route> routes = new ConcurrentHashMap<>();

    private RouteMetrics(MeterRegistry registry, boolean enabled) {
        this.registry = registry;
        this.enabled = enabled;
    }

    public static RouteMetrics of(MeterRegistry registry) {
        return new RouteMetrics(registry, true);
    }

    public MeterRegistry registry() {
        return registry;
    }

    public boolean enabled() {
        return enabled;
    }

    public Route route(String route) {
        return routes.computeIfAbsent(route, r -> new Route(registry, r));
    }

    public Stage stage(String route, String stage) {
        return stages.computeIfAbsent(route + "." + stage, k -> new Stage(registry, route, stage, enabled));
    }

    private static Duration[] millis(double... values) {
        Duration[] d = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            d[i] = Duration.ofNanos((long) (values[i] * 1_000_000));
        }
        return d;
    }

    /** The meters of a route's entry. */
    public static final class Route {
        /** Records read from the route's input topic. */
        public final Counter in;
        /** Records whose key or value did not decode, sent to the dead-letter topic. */
        public final Counter undecodable;

        Route(MeterRegistry registry, String route) {
            Tags tags = Tags.of(ROUTE, route);
            in = Counter.builder(ROUTE_IN).description("records read from the route's input topic").tags(tags).register(registry);
            undecodable = Counter.builder(ROUTE_UNDECODABLE).description("input records that did not decode, dead-lettered")
                    .tags(tags).register(registry);
        }
    }

    /** The meters of one stage. */
    public static final class Stage {
        private final MeterRegistry registry;
        private final Tags tags;
        private final boolean timed;
        public final Counter in;
        public final Counter out;
        public final Counter dropped;
        public final Counter deadLettered;
        private final Timer processing;
        private final Timer latency;

        Stage(MeterRegistry registry, String route, String stage, boolean timed) {
            this.registry = registry;
            this.timed = timed;
            this.tags = Tags.of(ROUTE, route, STAGE, stage);
            in = Counter.builder(STAGE_IN).description("events the stage received").tags(tags).register(registry);
            out = Counter.builder(STAGE_OUT).description("events the stage passed on (to its stage topic, the next stage or a destination)")
                    .tags(tags).register(registry);
            dropped = Counter.builder(STAGE_DROPPED).description("events the stage dropped (a filter, an enrich miss with onMiss: drop)")
                    .tags(tags).register(registry);
            deadLettered = Counter.builder(STAGE_DEAD_LETTERED).description("events the stage sent to the dead-letter topic")
                    .tags(tags).register(registry);
            processing = Timer.builder(STAGE_PROCESSING).description("time spent in the stage's logic per event")
                    .tags(tags).serviceLevelObjectives(PROCESSING_BUCKETS).register(registry);
            latency = Timer.builder(STAGE_LATENCY)
                    .description("from the input record's timestamp to the event's write to the stage topic")
                    .tags(tags).serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
        }

        /** Whether to measure time at all (nothing reads it without a registry). */
        public boolean timed() {
            return timed;
        }

        public void processed(long nanos) {
            processing.record(nanos, TimeUnit.NANOSECONDS);
        }

        /** An event written to the stage topic whose input record has this timestamp. */
        public void written(long recordTimestamp, long nowMillis) {
            if (recordTimestamp >= 0) {
                latency.record(Math.max(0, nowMillis - recordTimestamp), TimeUnit.MILLISECONDS);
            }
        }

        /** A stage type's own counter, {@code hyphae.stage.<name>} with the stage's tags. */
        public Counter counter(String name) {
            return Counter.builder(STAGE_COUNTER_PREFIX + name.replace('-', '.')).tags(tags).register(registry);
        }
    }
}
