package io.hyphae.stage.transform;

import io.hyphae.cel.ResultKind;
import io.hyphae.route.Expression;
import io.hyphae.route.Location;
import io.hyphae.route.loader.YamlNode;
import io.hyphae.spec.StageDeclarations;
import io.hyphae.spec.StageSpec;
import io.hyphae.spec.field.Field;
import io.hyphae.spec.field.Fields;
import io.hyphae.spec.field.Shapes;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The route-file spec of the {@code transform} stage type. */
public final class TransformSpec implements StageSpec<TransformDefinition> {

    public static final TransformSpec INSTANCE = new TransformSpec();

    public static final String TYPE = "transform";

    static final Field<Map<String, String>> RENAME = Field.optional("rename", Shapes.mapOf(Shapes.text(), "mapping of fields to new names"),
            "Fields to rename, old → new; applied first.").example("{ currentPremium: premium }");
    static final Field<List<String>> REMOVE = Field.optional("remove", Shapes.listOf(Shapes.text()),
            "Fields to remove; applied second.").example("[internalNotes]");
    static final Field<Map<String, Expression>> SET = Field.optional("set",
            Shapes.mapOf(Shapes.expression(ResultKind.ANY), "mapping of fields to CEL expressions"),
            "Fields to set, each to the value of a CEL expression; applied last. Every expression sees the event as it entered "
                    + "the stage; dotted names reach into nested objects, created if missing.")
            .example("{ \"pricing.newPremium\": \"double(value.currentPremium) * 1.25\" }");
    static final Fields BODY = Fields.of("Message translator: rename, then remove, then set fields.", SET, RENAME, REMOVE)
            .atLeastOne("a transform stage needs at least one of 'set', 'rename', 'remove'");

    /** Stateless: the instance {@link java.util.ServiceLoader} makes and {@code INSTANCE} are interchangeable. */
    public TransformSpec() {
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
    public Optional<TransformDefinition> define(String stageName, Location location, YamlNode body) {
        return BODY.read(body).map(v -> new TransformDefinition(stageName, location,
                v.get(SET).orElse(Map.of()), v.get(RENAME).orElse(Map.of()), v.get(REMOVE).orElse(List.of())));
    }

    @Override
    public void declare(TransformDefinition definition, StageDeclarations declarations) {
        definition.set().values().forEach(expression -> declarations.expression(expression, ResultKind.ANY));
    }
}
