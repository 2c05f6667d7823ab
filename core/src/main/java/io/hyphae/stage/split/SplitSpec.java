package io.hyphae.stage.split;

import io.hyphae.cel.ResultKind;
import io.hyphae.route.Expression;
import io.hyphae.route.Location;
import io.hyphae.route.loader.YamlNode;
import io.hyphae.spec.StageDeclarations;
import io.hyphae.spec.StageSpec;

import java.util.List;
import java.util.Optional;

/** The route-file spec of the {@code split} stage type. */
public final class SplitSpec implements StageSpec<SplitDefinition> {

    public static final SplitSpec INSTANCE = new SplitSpec();

    public static final String TYPE = "split";
    /** The field of a child whose item is not a map. */
    public static final String ITEM_FIELD = "item";
    private static final List<String> FIELDS = List.of("items", "keep", "key");

    /** Stateless: the instance {@link java.util.ServiceLoader} makes and {@code INSTANCE} are interchangeable. */
    public SplitSpec() {
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
    public Optional<SplitDefinition> define(String stageName, Location location, YamlNode body) {
        return body.mapping(FIELDS).flatMap(m -> {
            Optional<Expression> items = m.requireExpression("items");
            List<String> keep = m.get("keep").map(YamlNode::strings).orElse(List.of());
            Optional<Expression> key = m.get("key").flatMap(YamlNode::expression);
            return items.map(i -> new SplitDefinition(stageName, location, i, keep, key));
        });
    }

    @Override
    public void declare(SplitDefinition definition, StageDeclarations declarations) {
        declarations.expression(definition.items(), ResultKind.ANY);
        definition.key().ifPresent(k -> declarations.expression(k, ResultKind.ANY));
    }
}
