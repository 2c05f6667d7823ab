package io.hyphae.stage.filter;

import io.hyphae.cel.CompiledExpression;
import io.hyphae.cel.ResultKind;
import io.hyphae.route.Location;
import io.hyphae.route.loader.YamlNode;
import io.hyphae.stage.BuildContext;
import io.hyphae.stage.Event;
import io.hyphae.stage.Outcome;
import io.hyphae.stage.StageBuilder;
import io.hyphae.stage.StageLogic;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

public final class FilterBuilder implements StageBuilder<FilterDefinition> {

    static final String TYPE = "filter";
    private static final List<String> FIELDS = List.of("when");

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<String> fields() {
        return FIELDS;
    }

    @Override
    public Optional<FilterDefinition> define(String stageName, Location location, YamlNode body) {
        return body.mapping(FIELDS).flatMap(m -> m.requireExpression("when"))
                .map(when -> new FilterDefinition(stageName, location, when));
    }

    @Override
    public Supplier<StageLogic> build(FilterDefinition definition, BuildContext context) {
        CompiledExpression when = context.expression(definition.when(), ResultKind.BOOL);
        StageLogic logic = event -> when.test(event) ? Outcome.CONTINUE : Outcome.DROP;
        return () -> logic;
    }
}
