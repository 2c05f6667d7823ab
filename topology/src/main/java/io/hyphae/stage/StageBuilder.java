package io.hyphae.stage;

import io.hyphae.route.StageDefinition;
import io.hyphae.spec.StageSpec;

import java.util.function.Supplier;

/**
 * The stream runtime's side of one stage type: turns a checked definition into the per-event logic. The type's
 * {@link StageSpec} (in the core) reads and checks the definition; to add a type, write the spec and the builder
 * and register each in one line ({@code StageSpecs}, {@link StageTypes}).
 */
public interface StageBuilder<D extends StageDefinition> {

    StageSpec<D> spec();

    /**
     * Returns a supplier of the stage's logic, called once per stream task (stateless logic may return the same
     * instance). The definition has passed the checker: its expressions are compiled, its tables exist.
     */
    Supplier<StageLogic> build(D definition, BuildContext context);
}
