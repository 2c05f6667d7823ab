package io.hyphae.stage.resequence;

import io.hyphae.cel.CompiledExpression;
import io.hyphae.spec.StageSpec;
import io.hyphae.stage.BuildContext;
import io.hyphae.stage.StageBuilder;
import io.hyphae.stage.StageLogic;

import java.util.function.Supplier;

/** The builder of the {@code resequence} stage type. */
public final class ResequenceBuilder implements StageBuilder<ResequenceDefinition> {

    @Override
    public StageSpec<ResequenceDefinition> spec() {
        return ResequenceSpec.INSTANCE;
    }

    @Override
    public Supplier<StageLogic> build(ResequenceDefinition definition, BuildContext context) {
        CompiledExpression by = context.expression(definition.by());
        CompiledExpression group = context.expression(definition.group());
        // One instance per task: it holds that task's stores.
        return () -> new ResequenceLogic(definition, by, group);
    }
}
