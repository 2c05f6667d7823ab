package io.hyphae.stage.enrich;

import io.hyphae.cel.CompiledExpression;
import io.hyphae.cel.ResultKind;
import io.hyphae.route.Expression;
import io.hyphae.route.Location;
import io.hyphae.route.TableDefinition;
import io.hyphae.route.loader.YamlNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.hyphae.spec.StageDeclarations;
import io.hyphae.spec.StageSpec;

/** The route-file spec of the {@code enrich} stage type. */
public final class EnrichSpec implements StageSpec<EnrichDefinition> {

    public static final EnrichSpec INSTANCE = new EnrichSpec();

    public static final String TYPE = "enrich";
    private static final List<String> FIELDS = List.of("table", "key", "as", "onMiss");

    /** Stateless: the instance {@link java.util.ServiceLoader} makes and {@code INSTANCE} are interchangeable. */
    public EnrichSpec() {
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
    public Optional<EnrichDefinition> define(String stageName, Location location, YamlNode body) {
        return body.mapping(FIELDS).flatMap(m -> {
            Optional<YamlNode> table = m.require("table");
            Optional<String> tableName = table.flatMap(YamlNode::nonEmptyString);
            Optional<Expression> key = m.requireExpression("key");
            Optional<YamlNode> as = m.require("as");
            Optional<String> asName = as.flatMap(YamlNode::nonEmptyString);
            OnMiss onMiss = m.get("onMiss").flatMap(n -> n.enumValue(OnMiss.class)).orElse(OnMiss.DEAD_LETTER);
            if (tableName.isEmpty() || key.isEmpty() || asName.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new EnrichDefinition(stageName, location, tableName.get(), table.get().location(),
                    key.get(), asName.get(), as.get().location(), onMiss));
        });
    }

    @Override
    public void declare(EnrichDefinition definition, StageDeclarations declarations) {
        CompiledExpression key = declarations.expression(definition.key(), ResultKind.ANY);
        declarations.declareVariable(definition.as(), definition.asLocation(), "as");
        declarations.table(definition.table(), definition.tableLocation(), "enrich.table").ifPresent(table -> {
            if (key != null) {
                declarations.join(table, key);
            }
        });
    }
}
