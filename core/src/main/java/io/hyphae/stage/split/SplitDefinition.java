package io.hyphae.stage.split;

import io.hyphae.route.Expression;
import io.hyphae.route.Location;
import io.hyphae.route.StageDefinition;

import java.util.List;
import java.util.Optional;

/**
 * Splitter: every item of the list {@code items} computes becomes an event of its own — a map item as it is, any other
 * item as {@code {"item": <value>}} — with the parent's fields named in {@code keep} copied in, keyed by {@code key}
 * (evaluated on the child) or else the parent's key.
 */
public record SplitDefinition(String name, Location location, Expression items, List<String> keep, Optional<Expression> key)
        implements StageDefinition {

    @Override
    public String type() {
        return SplitSpec.TYPE;
    }
}
