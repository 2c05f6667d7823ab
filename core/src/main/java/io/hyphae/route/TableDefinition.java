package io.hyphae.route;

import java.util.Optional;

/** A reference table: a compacted topic read as a (Global)KTable and joined by enrich stages. */
public record TableDefinition(String name, String topic, Format format, KeyFormat keyFormat, TableMode mode,
                              Optional<SchemaSource> schema, Location location) {
}
