package io.hyphae.stage.validate;

import io.hyphae.cel.ResultKind;
import io.hyphae.route.Expression;
import io.hyphae.route.Location;
import io.hyphae.route.loader.YamlNode;
import io.hyphae.spec.StageDeclarations;
import io.hyphae.spec.StageSpec;
import io.hyphae.spec.field.Field;
import io.hyphae.spec.field.Fields;
import io.hyphae.spec.field.Shape;
import io.hyphae.spec.field.Shapes;
import io.hyphae.spec.field.Values;

import java.util.List;
import java.util.Optional;

/** The route-file spec of the {@code validate} stage type. */
public final class ValidateSpec implements StageSpec<ValidateDefinition> {

    public static final ValidateSpec INSTANCE = new ValidateSpec();

    public static final String TYPE = "validate";

    static final Field<Expression> RULE = Field.required("rule", Shapes.expression(ResultKind.BOOL), "The condition.");
    static final Field<String> MESSAGE = Field.optional("message", Shapes.text(), "The reason given when it is false.")
            .defaultText("`rule '<expr>' is false`");
    static final Fields RULE_WITH_MESSAGE = Fields.of("A rule with the reason given when it fails.", RULE, MESSAGE);
    private static final Shape<ValidateDefinition.Rule> RULE_SHAPE = Shapes.scalarOrMapping(
            Shapes.expression(ResultKind.BOOL).map(e -> new ValidateDefinition.Rule(e, Optional.empty())),
            // a rule whose condition did not read is reported and left out
            Shapes.of(node -> RULE_WITH_MESSAGE.read(node).filter(Values::complete)
                            .map(v -> new ValidateDefinition.Rule(v.value(RULE), v.get(MESSAGE))),
                    RULE_WITH_MESSAGE::schema, RULE_WITH_MESSAGE.typeName(), String::valueOf, RULE_WITH_MESSAGE.nested()));

    static final Field<List<String>> REQUIRED = Field.optional("required", Shapes.listOf(Shapes.text()),
            "(Dotted) fields that must be present and not null.").example("[eventId, customerId, newAddress.postalCode]");
    static final Field<List<ValidateDefinition.Rule>> RULES = Field.optional("rules", Shapes.listOf(RULE_SHAPE),
            "CEL conditions that must be true, each a condition or `{ rule: <condition>, message: <reason> }`.")
            .example("[\"value.currentPremium > 0\"]");
    static final Fields BODY = Fields.of("Validator: required fields and rules; an event that fails goes to the dead-letter topic.",
            REQUIRED, RULES).atLeastOne("a validate stage needs 'required' fields or 'rules'");

    /** Stateless: the instance {@link java.util.ServiceLoader} makes and {@code INSTANCE} are interchangeable. */
    public ValidateSpec() {
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Fields body() {
        return BODY;
    }

    @Override
    public Optional<ValidateDefinition> define(String stageName, Location location, YamlNode body) {
        return BODY.read(body).map(v -> new ValidateDefinition(stageName, location,
                v.get(REQUIRED).orElse(List.of()), v.get(RULES).orElse(List.of())));
    }

    @Override
    public void declare(ValidateDefinition definition, StageDeclarations declarations) {
        definition.rules().forEach(rule -> declarations.expression(rule.condition(), ResultKind.BOOL));
    }
}
