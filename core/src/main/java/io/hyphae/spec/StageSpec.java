package io.hyphae.spec;

import io.hyphae.route.Location;
import io.hyphae.route.StageDefinition;
import io.hyphae.route.loader.YamlNode;
import io.hyphae.spec.field.Shape;

import java.util.Optional;

/**
 * One stage type as the route file knows it: the single place that reads its body and states its static facts
 * (the expressions it evaluates, the tables it reads, the variables it declares, where it sends events). The
 * loader parses with it and the {@link io.hyphae.plan.RouteChecker} checks with it, without any runtime; the stream runtime's
 * builder of the same type turns the checked definition into per-event logic. Register a new type in
 * {@link StageSpecs}.
 */
public interface StageSpec<D extends StageDefinition> {

    /** The key that selects this type in a route file, e.g. {@code enrich}. */
    String type();

    /**
     * What the body under the type key looks like: usually the type's {@link io.hyphae.spec.field.Fields}. The JSON
     * Schema and the reference docs are written from it, and {@link #define} reads the body with it.
     */
    Shape<?> body();

    /** Reads the body under the type key with {@link #body()}; reports problems on the node and returns empty if unusable. */
    Optional<D> define(String stageName, Location location, YamlNode body);

    /**
     * States the definition's static facts; every expression, table, variable and branch target is checked as it is
     * declared and problems are reported with their positions.
     */
    void declare(D definition, StageDeclarations declarations);
}
