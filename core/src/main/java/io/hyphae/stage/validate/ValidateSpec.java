package io.hyphae.stage.validate;

import io.hyphae.cel.ResultKind;
import io.hyphae.route.Location;
import io.hyphae.route.loader.YamlNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import io.hyphae.spec.StageDeclarations;
import io.hyphae.spec.StageSpec;

/** The route-file spec of the {@code validate} stage type. */
public final class ValidateSpec implements StageSpec<ValidateDefinition> {

    public static final ValidateSpec INSTANCE = new ValidateSpec();

    public static final String TYPE = "validate";
    private static final List<String> FIELDS = List.of("required", "rules");
    public static final List<String> RULE_FIELDS = List.of("rule", "message");

    /** Stateless: the instance {@link java.util.ServiceLoader} makes and {@code INSTANCE} are interchangeable. */
    public ValidateSpec() {
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<String> fields() {
        return FIELDS;
    }

    @Override
    public Optional<ValidateDefinition> define(String stageName, Location location, YamlNode body) {
        return body.mapping(FIELDS).map(m -> {
            List<String> required = new ArrayList<>();
            m.get("required").flatMap(YamlNode::sequence).ifPresent(items -> items.forEach(i -> i.nonEmptyString().ifPresent(required::add)));
            List<ValidateDefinition.Rule> rules = new ArrayList<>();
            m.get("rules").flatMap(YamlNode::sequence).ifPresent(items -> {
                for (YamlNode item : items) {
                    if (item.isMapping()) {
                        item.mapping(RULE_FIELDS).ifPresent(r -> r.requireExpression("rule")
                                .ifPresent(e -> rules.add(new ValidateDefinition.Rule(e, r.string("message")))));
                    } else {
                        item.expression().ifPresent(e -> rules.add(new ValidateDefinition.Rule(e, Optional.empty())));
                    }
                }
            });
            if (required.isEmpty() && rules.isEmpty() && m.entries().keySet().stream().noneMatch(FIELDS::contains)) {
                body.problem("a validate stage needs 'required' fields or 'rules'");
            }
            return new ValidateDefinition(stageName, location, required, rules);
        });
    }

    @Override
    public void declare(ValidateDefinition definition, StageDeclarations declarations) {
        definition.rules().forEach(rule -> declarations.expression(rule.condition(), ResultKind.BOOL));
    }
}
