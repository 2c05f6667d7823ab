package io.hyphae.observe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyphae.plan.CheckedStage;
import io.hyphae.plan.TopicNames;
import io.hyphae.route.RouteDefinition;
import io.hyphae.route.TableDefinition;
import io.hyphae.runtime.CompiledApplication;
import io.hyphae.runtime.RouteMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.streams.KafkaStreams;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The web console at {@code /}: one page (no CDN, nothing to download) that draws the route graph from
 * {@code /api/graph} and polls {@code /api/stats} for the stage counters, from which it shows rates. Read-only.
 */
final class Console {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final CompiledApplication app;
    private final MeterRegistry registry;
    private final Supplier<KafkaStreams> streams;
    private final String graph;
    private final String page;

    Console(CompiledApplication app, MeterRegistry registry, Supplier<KafkaStreams> streams) {
        this.app = app;
        this.registry = registry;
        this.streams = streams;
        this.graph = write(graph(app));
        this.page = resource("console/index.html");
    }

    String page() {
        return page;
    }

    String graph() {
        return graph;
    }

    private static Map<String, Object> graph(CompiledApplication app) {
        String application = app.file().application();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("application", application);
        List<Object> tables = new ArrayList<>();
        for (TableDefinition t : app.file().tables().values()) {
            tables.add(Map.of("name", t.name(), "topic", t.topic(), "mode", t.mode().name().toLowerCase(Locale.ROOT),
                    "format", t.format().name().toLowerCase(Locale.ROOT)));
        }
        out.put("tables", tables);
        List<Object> routes = new ArrayList<>();
        for (Map.Entry<String, List<CheckedStage>> e : app.checked().routes().entrySet()) {
            RouteDefinition route = app.file().route(e.getKey()).orElseThrow();
            List<Object> stages = new ArrayList<>();
            for (CheckedStage s : e.getValue()) {
                Map<String, Object> stage = new LinkedHashMap<>();
                stage.put("name", s.definition().name());
                stage.put("type", s.definition().type());
                stage.put("topic", s.topic());
                stage.put("tables", s.joins().stream().map(TableDefinition::name).toList());
                stage.put("destinations", s.branchTopics());
                stages.add(stage);
            }
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("name", route.name());
            r.put("from", route.from());
            r.put("format", route.format().name().toLowerCase(Locale.ROOT));
            r.put("deadLetterTopic", TopicNames.deadLetter(application, route.name()));
            r.put("stages", stages);
            routes.add(r);
        }
        out.put("routes", routes);
        return out;
    }

    /** The counters now: the page computes rates from two of these. */
    String stats() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("time", System.currentTimeMillis());
        KafkaStreams s = streams.get();
        out.put("state", s == null ? "CREATED" : s.state().name());
        Map<String, Object> routes = new LinkedHashMap<>();
        Map<String, Object> stages = new LinkedHashMap<>();
        for (Map.Entry<String, List<CheckedStage>> e : app.checked().routes().entrySet()) {
            String route = e.getKey();
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("in", count(RouteMetrics.ROUTE_IN, route, null));
            r.put("undecodable", count(RouteMetrics.ROUTE_UNDECODABLE, route, null));
            double deadLetters = count(RouteMetrics.ROUTE_UNDECODABLE, route, null);
            for (CheckedStage stage : e.getValue()) {
                String name = stage.definition().name();
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("in", count(RouteMetrics.STAGE_IN, route, name));
                m.put("out", count(RouteMetrics.STAGE_OUT, route, name));
                m.put("dropped", count(RouteMetrics.STAGE_DROPPED, route, name));
                double dead = count(RouteMetrics.STAGE_DEAD_LETTERED, route, name);
                m.put("deadLettered", dead);
                deadLetters += dead;
                stages.put(route + "." + name, m);
            }
            r.put("deadLettered", deadLetters);
            routes.put(route, r);
        }
        out.put("routes", routes);
        out.put("stages", stages);
        List<Object> lag = new ArrayList<>();
        List<Gauge> gauges = new ArrayList<>(registry.find(ConsumerLag.NAME).gauges());
        gauges.sort(Comparator.comparing((Gauge g) -> g.getId().getTag("topic"))
                .thenComparing(g -> Integer.parseInt(g.getId().getTag("partition"))));
        for (Gauge g : gauges) {
            lag.add(Map.of("topic", g.getId().getTag("topic"), "partition", g.getId().getTag("partition"), "lag", finite(g.value())));
        }
        out.put("lag", lag);
        return write(out);
    }

    private double count(String meter, String route, String stage) {
        var search = registry.find(meter).tag(RouteMetrics.ROUTE, route);
        if (stage != null) {
            search = search.tag(RouteMetrics.STAGE, stage);
        }
        Counter c = search.counter();
        return c == null ? 0 : c.count();
    }

    private static Object finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String resource(String name) {
        try (InputStream in = Console.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
