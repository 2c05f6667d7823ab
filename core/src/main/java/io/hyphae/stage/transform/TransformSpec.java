package io.hyphae.stage.transform;

import io.hyphae.cel.ResultKind;
import io.hyphae.route.Expression;
import io.hyphae.route.Location;
import io.hyphae.route.loader.YamlNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.hyphae.spec.StageDeclarations;
import io.hyphae.spec.StageSpec;

/** The route-file spec of the {@code transform} stage type. */
public final class TransformSpec implements StageSpec<TransformDefinition> {

    public static final TransformSpec INSTANCE = new TransformSpec();

    public static final String TYPE = "transform";
    private static final List<String> FIELDS = List.of("set", "rename", "remove");

    /** Stateless: the instance {@link java.util.ServiceLoader} makes and {@code INSTANCE} are interchangeable. */
    public TransformSpec() {
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
    public Optional<TransformDefinition> define(String stageName, Location location, YamlNode body) {
        return body.mapping(FIELDS).map(m -> {
            Map<String, Expression> set = new LinkedHashMap<>();
            m.get("set").flatMap(YamlNode::namedEntries).ifPresent(s -> s.entries().forEach((field, node) ->
                    node.expression().ifPresent(e -> set.put(field, e))));
            Map<String, String> rename = new LinkedHashMap<>();
            m.get("rename").flatMap(YamlNode::namedEntries).ifPresent(r -> r.entries().forEach((from, node) ->
                    node.nonEmptyString().ifPresent(to -> rename.put(from, to))));
            List<String> remove = new ArrayList<>();
            m.get("remove").flatMap(YamlNode::sequence).ifPresent(items -> items.forEach(i -> i.nonEmptyString().ifPresent(remove::add)));
            if (m.entries().isEmpty()) {
                body.problem("a transform stage needs at least one of 'set', 'rename', 'remove'");
            }
            return new TransformDefinition(stageName, location, set, rename, remove);
        });
    }

    @Override
    public void declare(TransformDefinition definition, StageDeclarations declarations) {
        definition.set().values().forEach(expression -> declarations.expression(expression, ResultKind.ANY));
    }
}
