package io.hyphae.stage.upper;

import io.hyphae.cel.ResultKind;
import io.hyphae.route.Expression;
import io.hyphae.route.Location;
import io.hyphae.route.loader.YamlNode;
import io.hyphae.spec.StageDeclarations;
import io.hyphae.spec.StageSpec;
import io.hyphae.spec.field.Field;
import io.hyphae.spec.field.Fields;
import io.hyphae.spec.field.Shapes;
import io.hyphae.spec.field.Values;

import java.util.Optional;

/** The spec of the test-only {@code upper} stage type, registered in the tests' META-INF/services. */
public final class UpperSpec implements StageSpec<UpperDefinition> {

    static final String TYPE = "upper";
    static final UpperSpec INSTANCE = new UpperSpec();
    static final Field<String> FIELD = Field.required("field", Shapes.text(), "The field to set.");
    static final Field<Expression> OF = Field.required("of", Shapes.expression(ResultKind.ANY), "Its value, in upper case.");
    static final Fields BODY = Fields.of("Sets a field to a text in upper case.", FIELD, OF);

    public UpperSpec() {
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
    public Optional<UpperDefinition> define(String stageName, Location location, YamlNode body) {
        return BODY.read(body).filter(Values::complete)
                .map(v -> new UpperDefinition(stageName, location, v.value(FIELD), v.value(OF)));
    }

    @Override
    public void declare(UpperDefinition definition, StageDeclarations declarations) {
        declarations.expression(definition.of(), ResultKind.ANY);
    }
}
