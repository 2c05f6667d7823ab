package io.hyphae.stage.filter;

import io.hyphae.cel.ResultKind;
import io.hyphae.route.Expression;
import io.hyphae.route.Location;
import io.hyphae.route.loader.YamlNode;
import io.hyphae.spec.StageDeclarations;
import io.hyphae.spec.StageSpec;
import io.hyphae.spec.field.Field;
import io.hyphae.spec.field.Fields;
import io.hyphae.spec.field.Shapes;

import java.util.Optional;

/** The route-file spec of the {@code filter} stage type. */
public final class FilterSpec implements StageSpec<FilterDefinition> {

    public static final FilterSpec INSTANCE = new FilterSpec();

    public static final String TYPE = "filter";

    static final Field<Expression> WHEN = Field.required("when", Shapes.expression(ResultKind.BOOL),
            "The condition an event must meet to pass; the others are dropped and counted.").example("value.total > 100.0");
    static final Fields BODY = Fields.of("Message filter: passes the events for which `when` holds.", WHEN);

    /** Stateless: the instance {@link java.util.ServiceLoader} makes and {@code INSTANCE} are interchangeable. */
    public FilterSpec() {
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
    public Optional<FilterDefinition> define(String stageName, Location location, YamlNode body) {
        return BODY.read(body).filter(v -> v.complete())
                .map(v -> new FilterDefinition(stageName, location, v.value(WHEN)));
    }

    @Override
    public void declare(FilterDefinition definition, StageDeclarations declarations) {
        declarations.expression(definition.when(), ResultKind.BOOL);
    }
}
