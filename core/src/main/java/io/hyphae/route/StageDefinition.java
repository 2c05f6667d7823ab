package io.hyphae.route;

/**
 * A stage as parsed from the route file. Each stage type has its own definition record; the
 * matching {@code StageSpec} reads and checks it, and the stream runtime's {@code StageBuilder} turns it into a processor.
 */
public interface StageDefinition {

    /** The stage's name, unique within its route; part of its topic name. */
    String name();

    /** The stage type, e.g. {@code enrich}. */
    String type();

    Location location();
}
