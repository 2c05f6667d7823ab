package io.hyphae.route;

/** A reference table: a compacted topic read as a (Global)KTable and joined by enrich stages. */
public record TableDefinition(String name, String topic, Format format, KeyFormat keyFormat, TableMode mode,
                              Location location) {
}
