package io.hyphae.stage.split;

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

import java.util.List;
import java.util.Optional;

/** The route-file spec of the {@code split} stage type. */
public final class SplitSpec implements StageSpec<SplitDefinition> {

    public static final SplitSpec INSTANCE = new SplitSpec();

    public static final String TYPE = "split";
    /** The field of a child whose item is not a map. */
    public static final String ITEM_FIELD = "item";
    static final Field<Expression> ITEMS = Field.required("items", Shapes.expression(ResultKind.ANY),
            "Computes the list whose items become events of their own; not a list: the parent is a dead letter.")
            .example("value.readings");
    static final Field<List<String>> KEEP = Field.optional("keep", Shapes.oneOrMore(Shapes.text()),
            "Fields of the parent (dotted names allowed) copied into every child.").example("[droneId, flightId]");
    static final Field<Expression> KEY = Field.optional("key", Shapes.expression(ResultKind.ANY),
            "The children's record key, evaluated on the child (`value` is the child, `key` the parent's key).")
            .defaultText("the parent's key").example("value.droneId");
    static final Fields BODY = Fields.of("Splitter: every item of a list becomes an event.", ITEMS, KEEP, KEY);

    /** Stateless: the instance {@link java.util.ServiceLoader} makes and {@code INSTANCE} are interchangeable. */
    public SplitSpec() {
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
    public Optional<SplitDefinition> define(String stageName, Location location, YamlNode body) {
        return BODY.read(body).filter(Values::complete).map(v -> new SplitDefinition(stageName, location, v.value(ITEMS),
                v.get(KEEP).orElse(List.of()), v.get(KEY)));
    }

    @Override
    public void declare(SplitDefinition definition, StageDeclarations declarations) {
        declarations.expression(definition.items(), ResultKind.ANY);
        definition.key().ifPresent(k -> declarations.expression(k, ResultKind.ANY));
    }
}
