package io.hyphae.stage.split;

import io.hyphae.cel.CompiledExpression;
import io.hyphae.format.Values;
import io.hyphae.spec.StageSpec;
import io.hyphae.stage.BuildContext;
import io.hyphae.stage.StageBuilder;
import io.hyphae.stage.StageLogic;

import java.util.List;
import java.util.function.Supplier;

/** The builder of the {@code split} stage type. */
public final class SplitBuilder implements StageBuilder<SplitDefinition> {

    @Override
    public StageSpec<SplitDefinition> spec() {
        return SplitSpec.INSTANCE;
    }

    @Override
    public Supplier<StageLogic> build(SplitDefinition definition, BuildContext context) {
        CompiledExpression items = context.expression(definition.items());
        CompiledExpression key = definition.key().map(context::expression).orElse(null);
        List<List<String>> keep = definition.keep().stream().map(Values::path).toList();
        // One instance per task: it holds that task's runtime.
        return () -> new SplitLogic(items, keep, key, context.keyFormat());
    }
}
