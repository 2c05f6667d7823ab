package io.hyphae.stage.router;

import io.hyphae.cel.CompiledExpression;
import io.hyphae.cel.ResultKind;
import io.hyphae.route.Expression;
import io.hyphae.route.Location;
import io.hyphae.route.loader.YamlNode;
import io.hyphae.stage.BuildContext;
import io.hyphae.event.Event;
import io.hyphae.stage.Outcome;
import io.hyphae.spec.StageSpec;
import io.hyphae.stage.StageBuilder;
import io.hyphae.stage.StageLogic;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

public final class RouterBuilder implements StageBuilder<RouterDefinition> {

    @Override
    public StageSpec<RouterDefinition> spec() {
        return RouterSpec.INSTANCE;
    }

    @Override
    public Supplier<StageLogic> build(RouterDefinition definition, BuildContext context) {
        List<CompiledExpression> conditions = new ArrayList<>();
        int otherwise = -1;
        // Output i is branch i of the definition, in the order the spec declared them.
        for (int index = 0; index < definition.branches().size(); index++) {
            RouterDefinition.Branch branch = definition.branches().get(index);
            if (branch.when().isPresent()) {
                conditions.add(context.expression(branch.when().get()));
            } else {
                otherwise = index;
            }
        }
        StageLogic logic = new RouterLogic(conditions, otherwise);
        return () -> logic;
    }

    /** Branch i of the definition is output i; the conditions come first, otherwise last. */
    private record RouterLogic(List<CompiledExpression> conditions, int otherwise) implements StageLogic {
        @Override
        public Outcome apply(Event event) {
            for (int i = 0; i < conditions.size(); i++) {
                if (conditions.get(i).test(event)) {
                    return Outcome.branch(i);
                }
            }
            return otherwise >= 0 ? Outcome.branch(otherwise) : Outcome.deadLetter("no route branch matched and there is no 'otherwise'");
        }
    }
}
