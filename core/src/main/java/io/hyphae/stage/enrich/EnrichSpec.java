package io.hyphae.stage.enrich;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyphae.cel.CompiledExpression;
import io.hyphae.cel.ResultKind;
import io.hyphae.route.Expression;
import io.hyphae.route.Location;
import io.hyphae.route.loader.YamlNode;
import io.hyphae.spec.CommonShapes;
import io.hyphae.spec.StageDeclarations;
import io.hyphae.spec.StageSpec;
import io.hyphae.spec.field.Field;
import io.hyphae.spec.field.Fields;
import io.hyphae.spec.field.Shape;
import io.hyphae.spec.field.Shapes;

import java.util.Optional;

/** The route-file spec of the {@code enrich} stage type. */
public final class EnrichSpec implements StageSpec<EnrichDefinition> {

    public static final EnrichSpec INSTANCE = new EnrichSpec();

    public static final String TYPE = "enrich";

    static final Field<String> TABLE = Field.required("table", CommonShapes.NAME, "The table (of `tables`) to look the row up in.")
            .example("geo-risk");
    static final Field<Expression> KEY = Field.required("key", Shapes.expression(ResultKind.ANY),
            "Computes the lookup key, encoded as the table's `keyFormat`. A null key is a miss.").example("value.newAddress.postalCode");
    /** The checker tells why a name cannot be a CEL variable; the schema states the rule for editors. */
    private static final Shape<String> IDENTIFIER = Shapes.custom(YamlNode::nonEmptyString, w -> {
        ObjectNode s = w.object();
        s.put("type", "string");
        s.put("pattern", "^[A-Za-z_][A-Za-z0-9_]*$");
        return s;
    }, "CEL identifier");
    static final Field<String> AS = Field.required("as", IDENTIFIER,
            "The field the row is placed under; later stages also see it as a CEL variable of that name.").example("geo");
    static final Field<OnMiss> ON_MISS = Field.optional("onMiss", Shapes.oneOf(OnMiss.class),
            "When the table has no row: `dead-letter`, `drop` (counted), or `pass` (continue with `as` set to null).")
            .defaultValue(OnMiss.DEAD_LETTER);
    static final Fields BODY = Fields.of("Content enricher: a table join.", TABLE, KEY, AS, ON_MISS);

    /** Stateless: the instance {@link java.util.ServiceLoader} makes and {@code INSTANCE} are interchangeable. */
    public EnrichSpec() {
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
    public Optional<EnrichDefinition> define(String stageName, Location location, YamlNode body) {
        return BODY.read(body).filter(v -> v.complete()).map(v -> new EnrichDefinition(stageName, location,
                v.value(TABLE), v.location(TABLE), v.value(KEY), v.value(AS), v.location(AS), v.value(ON_MISS)));
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
