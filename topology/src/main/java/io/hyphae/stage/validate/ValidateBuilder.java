package io.hyphae.stage.validate;

import io.hyphae.cel.CompiledExpression;
import io.hyphae.cel.ResultKind;
import io.hyphae.format.Values;
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

public final class ValidateBuilder implements StageBuilder<ValidateDefinition> {

    @Override
    public StageSpec<ValidateDefinition> spec() {
        return ValidateSpec.INSTANCE;
    }

    @Override
    public Supplier<StageLogic> build(ValidateDefinition definition, BuildContext context) {
        List<List<String>> required = definition.required().stream().map(Values::path).toList();
        List<CompiledExpression> rules = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        for (ValidateDefinition.Rule rule : definition.rules()) {
            rules.add(context.expression(rule.condition()));
            reasons.add("validation failed: " + rule.message().orElse("rule '" + rule.condition().text() + "' is false"));
        }
        StageLogic logic = new ValidateLogic(definition.required(), required, rules, reasons);
        return () -> logic;
    }

    /** Checks required fields first, then rules in order; the first failure is the reason. */
    private record ValidateLogic(List<String> requiredNames, List<List<String>> required,
                                 List<CompiledExpression> rules, List<String> reasons) implements StageLogic {
        @Override
        public Outcome apply(Event event) {
            for (int i = 0; i < required.size(); i++) {
                if (Values.isNull(Values.get(event.value(), required.get(i)))) {
                    return Outcome.deadLetter("validation failed: required field '" + requiredNames.get(i) + "' is missing");
                }
            }
            for (int i = 0; i < rules.size(); i++) {
                if (!rules.get(i).test(event)) {
                    return Outcome.deadLetter(reasons.get(i));
                }
            }
            return Outcome.CONTINUE;
        }
    }
}
