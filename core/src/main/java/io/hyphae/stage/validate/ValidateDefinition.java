package io.hyphae.stage.validate;

import io.hyphae.route.Expression;
import io.hyphae.route.Location;
import io.hyphae.route.StageDefinition;

import java.util.List;
import java.util.Optional;

/** Validator: fields that must be present and CEL rules that must hold; failures go to the dead-letter topic. */
public record ValidateDefinition(String name, Location location, List<String> required, List<Rule> rules)
        implements StageDefinition {

    @Override
    public String type() {
        return ValidateSpec.TYPE;
    }

    /** A CEL condition and the reason given when it is false. */
    public record Rule(Expression condition, Optional<String> message) {
    }
}
