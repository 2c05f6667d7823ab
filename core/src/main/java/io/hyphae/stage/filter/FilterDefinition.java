package io.hyphae.stage.filter;

import io.hyphae.route.Expression;
import io.hyphae.route.Location;
import io.hyphae.route.StageDefinition;

/** Message filter: events for which {@code when} is false are dropped and counted. */
public record FilterDefinition(String name, Location location, Expression when) implements StageDefinition {

    @Override
    public String type() {
        return FilterSpec.TYPE;
    }
}
