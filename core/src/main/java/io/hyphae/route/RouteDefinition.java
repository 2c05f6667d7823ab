package io.hyphae.route;

import java.util.List;
import java.util.Optional;

/** A route: an input topic and the ordered stages every event goes through; {@code schema} is the Avro reader schema. */
public record RouteDefinition(String name, String from, Format format, KeyFormat keyFormat, Optional<SchemaSource> schema,
                              List<StageDefinition> stages, Location location) {
}
