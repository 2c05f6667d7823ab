package io.hyphae.stage.upper;

import io.hyphae.cel.CompiledExpression;
import io.hyphae.format.Values;
import io.hyphae.spec.StageSpec;
import io.hyphae.stage.BuildContext;
import io.hyphae.stage.Outcome;
import io.hyphae.stage.StageBuilder;
import io.hyphae.stage.StageLogic;

import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/** The builder of the test-only {@code upper} stage type. */
public final class UpperBuilder implements StageBuilder<UpperDefinition> {

    @Override
    public StageSpec<UpperDefinition> spec() {
        return UpperSpec.INSTANCE;
    }

    @Override
    public Supplier<StageLogic> build(UpperDefinition definition, BuildContext context) {
        CompiledExpression of = context.expression(definition.of());
        List<String> field = Values.path(definition.field());
        StageLogic logic = event -> {
            event.value(Values.with(event.value(), field, String.valueOf(of.evaluate(event)).toUpperCase(Locale.ROOT)));
            return Outcome.CONTINUE;
        };
        return () -> logic;
    }
}
