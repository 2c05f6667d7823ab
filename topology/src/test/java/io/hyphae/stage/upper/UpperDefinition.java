package io.hyphae.stage.upper;

import io.hyphae.route.Expression;
import io.hyphae.route.Location;
import io.hyphae.route.StageDefinition;

/** A stage type that exists only in the tests: sets {@code field} to the upper-case text of {@code of}. */
record UpperDefinition(String name, Location location, String field, Expression of) implements StageDefinition {

    @Override
    public String type() {
        return UpperSpec.TYPE;
    }
}
