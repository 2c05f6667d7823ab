package io.hyphae.stage.enrich;

import io.hyphae.route.Expression;
import io.hyphae.route.Location;
import io.hyphae.route.StageDefinition;

/**
 * Content enricher: looks the row of {@code table} up by the key {@code key} computes and places it
 * under the field {@code as}, which later stages also see as a variable of that name.
 */
public record EnrichDefinition(String name, Location location, String table, Location tableLocation,
                               Expression key, String as, Location asLocation, OnMiss onMiss) implements StageDefinition {

    @Override
    public String type() {
        return EnrichSpec.TYPE;
    }
}
