package io.hyphae.stage.dedupe;

import io.hyphae.cel.CompiledExpression;
import io.hyphae.cel.ResultKind;
import io.hyphae.route.Expression;
import io.hyphae.route.Location;
import io.hyphae.route.loader.YamlNode;
import io.hyphae.spec.StageDeclarations;
import io.hyphae.spec.StageSpec;
import io.hyphae.spec.StoreDeclaration;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The route-file spec of the {@code dedupe} stage type. */
public final class DedupeSpec implements StageSpec<DedupeDefinition> {

    public static final DedupeSpec INSTANCE = new DedupeSpec();

    public static final String TYPE = "dedupe";
    /** The window store of the ids seen, with the source coordinates of the event that had each first. */
    public static final String SEEN_STORE = "seen";
    /** The output that gets the duplicates when {@code audit} is true. */
    public static final String DUPLICATES_OUTPUT = "duplicates";
    static final Duration MIN_WITHIN = Duration.ofSeconds(1);
    static final Duration MAX_WITHIN = Duration.ofDays(365);
    private static final List<String> FIELDS = List.of("id", "within", "onDuplicate", "audit", "partitionBy");

    /** Stateless: the instance {@link java.util.ServiceLoader} makes and {@code INSTANCE} are interchangeable. */
    public DedupeSpec() {
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
    public Optional<DedupeDefinition> define(String stageName, Location location, YamlNode body) {
        return body.mapping(FIELDS).flatMap(m -> {
            Optional<Expression> id = m.requireExpression("id");
            Optional<Duration> within = m.require("within").flatMap(n -> n.duration(MIN_WITHIN, MAX_WITHIN));
            OnDuplicate onDuplicate = m.get("onDuplicate").flatMap(n -> n.enumValue(OnDuplicate.class)).orElse(OnDuplicate.DROP);
            boolean audit = m.get("audit").flatMap(YamlNode::bool).orElse(false);
            Expression partitionBy = m.get("partitionBy").flatMap(YamlNode::expression)
                    .orElse(new Expression("key", body.location(), body.path() + ".partitionBy"));
            if (id.isEmpty() || within.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new DedupeDefinition(stageName, location, id.get(), within.get(), onDuplicate, audit, partitionBy));
        });
    }

    @Override
    public void declare(DedupeDefinition definition, StageDeclarations declarations) {
        declarations.expression(definition.id(), ResultKind.ANY);
        CompiledExpression partitionBy = declarations.expression(definition.partitionBy(), ResultKind.ANY);
        declarations.colocate(definition.partitionBy(), partitionBy);
        declarations.store(StoreDeclaration.window(SEEN_STORE, definition.within()));
        if (definition.audit()) {
            declarations.output(DUPLICATES_OUTPUT, definition.location(), "audit");
        }
    }
}
