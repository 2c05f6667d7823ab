package io.hyphae.stage.transform;

import io.hyphae.route.Expression;
import io.hyphae.route.Location;
import io.hyphae.route.StageDefinition;

import java.util.List;
import java.util.Map;

/**
 * Message translator: {@code rename} fields, {@code remove} fields, then {@code set} fields to the
 * results of CEL expressions, all of which see the event as it entered the stage. Dotted names
 * ({@code policy.rate}) reach into nested objects.
 */
public record TransformDefinition(String name, Location location, Map<String, Expression> set,
                                  Map<String, String> rename, List<String> remove) implements StageDefinition {

    @Override
    public String type() {
        return TransformSpec.TYPE;
    }
}
