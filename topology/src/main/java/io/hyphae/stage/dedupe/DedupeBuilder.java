package io.hyphae.stage.dedupe;

import io.hyphae.cel.CompiledExpression;
import io.hyphae.spec.StageSpec;
import io.hyphae.stage.BuildContext;
import io.hyphae.stage.StageBuilder;
import io.hyphae.stage.StageLogic;

import java.util.function.Supplier;

/** The builder of the {@code dedupe} stage type. */
public final class DedupeBuilder implements StageBuilder<DedupeDefinition> {

    @Override
    public StageSpec<DedupeDefinition> spec() {
        return DedupeSpec.INSTANCE;
    }

    @Override
    public Supplier<StageLogic> build(DedupeDefinition definition, BuildContext context) {
        CompiledExpression id = context.expression(definition.id());
        // One instance per task: it holds that task's store.
        return () -> new DedupeLogic(id, definition.within(), definition.onDuplicate(), definition.audit());
    }
}
