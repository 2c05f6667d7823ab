package io.hyphae.route;

import java.util.Optional;

/**
 * A reference table: a compacted topic read as a (Global)KTable and joined by enrich stages; {@code source}, when
 * present, is the database table a change-data-capture connector keeps the topic equal to.
 */
public record TableDefinition(String name, String topic, Format format, KeyFormat keyFormat, TableMode mode,
                              Optional<SchemaSource> schema, Optional<PostgresSource> source, Location location) {
}
