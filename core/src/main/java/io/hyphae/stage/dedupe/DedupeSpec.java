package io.hyphae.stage.dedupe;

import io.hyphae.cel.CompiledExpression;
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
import io.hyphae.spec.StoreDeclaration;

import java.time.Duration;
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
    static final Field<Expression> ID = Field.required("id", Shapes.expression(ResultKind.ANY),
            "Computes an event's id; a null id is a dead letter.").example("value.eventId");
    static final Field<Duration> WITHIN = Field.required("within", Shapes.duration(MIN_WITHIN, MAX_WITHIN),
            "How long an id is remembered, in event time (before or after an event's own timestamp).").example("1h");
    static final Field<OnDuplicate> ON_DUPLICATE = Field.optional("onDuplicate", Shapes.oneOf(OnDuplicate.class),
            "What happens to a duplicate (always counted in `duplicates-total`): `drop` or `dead-letter`.").defaultValue(OnDuplicate.DROP);
    static final Field<Boolean> AUDIT = Field.optional("audit", Shapes.bool(),
            "Also write every duplicate to `<application>.<route>.<stage>.duplicates`.").defaultValue(false);
    static final Field<Expression> PARTITION_BY = Field.optional("partitionBy", Shapes.expression(ResultKind.ANY),
            "What duplicates share, to bring them to one partition; other than `key`, events are repartitioned by it first.")
            .defaultText("`key` (the record key)").example("value.eventId");
    static final Fields BODY = Fields.of("Idempotent receiver: one event per id per window.", ID, WITHIN, ON_DUPLICATE, AUDIT, PARTITION_BY);

    /** Stateless: the instance {@link java.util.ServiceLoader} makes and {@code INSTANCE} are interchangeable. */
    public DedupeSpec() {
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
    public Optional<DedupeDefinition> define(String stageName, Location location, YamlNode body) {
        return BODY.read(body).filter(Values::complete).map(v -> new DedupeDefinition(stageName, location, v.value(ID), v.value(WITHIN),
                v.value(ON_DUPLICATE), v.value(AUDIT),
                v.get(PARTITION_BY).orElse(new Expression("key", body.location(), body.path() + ".partitionBy"))));
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
