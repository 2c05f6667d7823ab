package io.hyphae.route;

import java.util.List;

/** A route: an input topic and the ordered stages every event goes through. */
public record RouteDefinition(String name, String from, Format format, KeyFormat keyFormat,
                              List<StageDefinition> stages, Location location) {
}
