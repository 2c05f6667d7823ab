package io.hyphae.stage.filter;

import io.hyphae.cel.CompiledExpression;
import io.hyphae.cel.ResultKind;
import io.hyphae.route.Location;
import io.hyphae.route.loader.YamlNode;
import io.hyphae.stage.BuildContext;
import io.hyphae.event.Event;
import io.hyphae.stage.Outcome;
import io.hyphae.spec.StageSpec;
import io.hyphae.stage.StageBuilder;
import io.hyphae.stage.StageLogic;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

public final class FilterBuilder implements StageBuilder<FilterDefinition> {

    @Override
    public StageSpec<FilterDefinition> spec() {
        return FilterSpec.INSTANCE;
    }

    @Override
    public Supplier<StageLogic> build(FilterDefinition definition, BuildContext context) {
        CompiledExpression when = context.expression(definition.when());
        StageLogic logic = event -> when.test(event) ? Outcome.CONTINUE : Outcome.DROP;
        return () -> logic;
    }
}
