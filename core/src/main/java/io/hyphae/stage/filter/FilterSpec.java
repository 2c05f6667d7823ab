package io.hyphae.stage.filter;

import io.hyphae.cel.ResultKind;
import io.hyphae.route.Location;
import io.hyphae.route.loader.YamlNode;
import java.util.List;
import java.util.Optional;
import io.hyphae.spec.StageDeclarations;
import io.hyphae.spec.StageSpec;

/** The route-file spec of the {@code filter} stage type. */
public final class FilterSpec implements StageSpec<FilterDefinition> {

    public static final FilterSpec INSTANCE = new FilterSpec();

    public static final String TYPE = "filter";
    private static final List<String> FIELDS = List.of("when");

    /** Stateless: the instance {@link java.util.ServiceLoader} makes and {@code INSTANCE} are interchangeable. */
    public FilterSpec() {
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
    public Optional<FilterDefinition> define(String stageName, Location location, YamlNode body) {
        return body.mapping(FIELDS).flatMap(m -> m.requireExpression("when"))
                .map(when -> new FilterDefinition(stageName, location, when));
    }

    @Override
    public void declare(FilterDefinition definition, StageDeclarations declarations) {
        declarations.expression(definition.when(), ResultKind.BOOL);
    }
}
