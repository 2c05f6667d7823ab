package io.hyphae.stage.upper;

import io.hyphae.cel.ResultKind;
import io.hyphae.route.Location;
import io.hyphae.route.loader.YamlNode;
import io.hyphae.spec.StageDeclarations;
import io.hyphae.spec.StageSpec;

import java.util.List;
import java.util.Optional;

/** The spec of the test-only {@code upper} stage type, registered in the tests' META-INF/services. */
public final class UpperSpec implements StageSpec<UpperDefinition> {

    static final String TYPE = "upper";
    static final UpperSpec INSTANCE = new UpperSpec();
    private static final List<String> FIELDS = List.of("field", "of");

    public UpperSpec() {
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
    public Optional<UpperDefinition> define(String stageName, Location location, YamlNode body) {
        return body.mapping(FIELDS).flatMap(m -> {
            Optional<String> field = m.requireString("field");
            return m.requireExpression("of").flatMap(of -> field.map(f -> new UpperDefinition(stageName, location, f, of)));
        });
    }

    @Override
    public void declare(UpperDefinition definition, StageDeclarations declarations) {
        declarations.expression(definition.of(), ResultKind.ANY);
    }
}
