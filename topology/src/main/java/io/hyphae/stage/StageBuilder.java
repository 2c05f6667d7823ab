package io.hyphae.stage;

import io.hyphae.route.Location;
import io.hyphae.route.StageDefinition;
import io.hyphae.route.loader.YamlNode;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One stage type: how its definition is read from the route file and how it is built into the
 * per-event logic. To add a stage type, write its definition record and its builder and register the
 * builder in {@link StageTypes}; the loader, the compiler, the JSON Schema test and the docs pick it up.
 */
public interface StageBuilder<D extends StageDefinition> {

    /** The key that selects this type in a route file, e.g. {@code enrich}. */
    String type();

    /** The fields of the type's body (empty when the body is not a mapping, e.g. a router's list). */
    List<String> fields();

    /** Reads the body under the type key; reports problems on the node and returns empty if unusable. */
    Optional<D> define(String stageName, Location location, YamlNode body);

    /**
     * Builds the stage: compiles its expressions once and returns a supplier of its logic, called once
     * per stream task (stateless logic may return the same instance). Semantic problems (bad CEL,
     * unknown tables) are reported through the context.
     */
    Supplier<StageLogic> build(D definition, BuildContext context);
}
