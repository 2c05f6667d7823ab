package io.hyphae.connect.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyphae.plan.TopicNames;
import io.hyphae.route.Format;
import io.hyphae.route.KeyFormat;
import io.hyphae.route.RouteDefinition;
import io.hyphae.route.RouteFile;
import io.hyphae.route.StageDefinition;

import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The stage topics of a route file, by {@code <route>.<stage>}, with the format of their events: what the fan-out
 * connector reads and how a runtime subscriber's {@code stage} resolves, carried in its configuration as JSON.
 */
public final class StageCatalog {

    /** A stage's topic and the format of its events (its route's). */
    public record Stage(String topic, Format format, KeyFormat keyFormat) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Stage> stages;

    StageCatalog(Map<String, Stage> stages) {
        this.stages = Map.copyOf(stages);
    }

    /** Every stage of every route of the file. */
    public static StageCatalog of(RouteFile file) {
        Map<String, Stage> stages = new LinkedHashMap<>();
        for (RouteDefinition route : file.routes().values()) {
            for (StageDefinition stage : route.stages()) {
                stages.put(route.name() + "." + stage.name(), new Stage(TopicNames.stage(file.application(), route.name(), stage.name()),
                        route.format(), route.keyFormat()));
            }
        }
        return new StageCatalog(stages);
    }

    Optional<Stage> stage(String routeDotStage) {
        return Optional.ofNullable(stages.get(routeDotStage));
    }

    Optional<Stage> byTopic(String topic) {
        return stages.values().stream().filter(s -> s.topic().equals(topic)).findFirst();
    }

    public Collection<Stage> stages() {
        return stages.values();
    }

    public String json() {
        ObjectNode root = JSON.createObjectNode();
        stages.forEach((name, s) -> root.putObject(name).put("topic", s.topic()).put("format", s.format().id())
                .put("keyFormat", s.keyFormat().name().toLowerCase(Locale.ROOT)));
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static StageCatalog parse(String json) {
        Map<String, Stage> stages = new LinkedHashMap<>();
        try {
            JsonNode root = JSON.readTree(json);
            root.fields().forEachRemaining(e -> stages.put(e.getKey(), new Stage(e.getValue().path("topic").asText(),
                    Format.valueOf(e.getValue().path("format").asText("json").toUpperCase(Locale.ROOT)),
                    KeyFormat.valueOf(e.getValue().path("keyFormat").asText("string").toUpperCase(Locale.ROOT)))));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not a stage catalog: " + e.getMessage(), e);
        }
        return new StageCatalog(stages);
    }
}
