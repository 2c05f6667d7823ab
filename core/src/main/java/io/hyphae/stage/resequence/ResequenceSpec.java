package io.hyphae.stage.resequence;

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

/** The route-file spec of the {@code resequence} stage type. */
public final class ResequenceSpec implements StageSpec<ResequenceDefinition> {

    public static final ResequenceSpec INSTANCE = new ResequenceSpec();

    public static final String TYPE = "resequence";
    /** The events held, keyed by group and position. */
    public static final String HELD_STORE = "held";
    /** Per group: what was released last, how many are held and since when the group waits. */
    public static final String GROUPS_STORE = "groups";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);
    public static final int DEFAULT_CAPACITY = 1_000;
    public static final int MAX_CAPACITY = 1_000_000;
    private static final Duration MIN_WAIT = Duration.ofMillis(1);
    private static final Duration MAX_WAIT = Duration.ofDays(7);
    static final Field<ResequenceMode> MODE = Field.optional("mode", Shapes.oneOf(ResequenceMode.class),
            "`sequence`: `by` is a whole sequence number, released in consecutive order; `time`: `by` is a timestamp.")
            .defaultValue(ResequenceMode.SEQUENCE);
    static final Field<Expression> BY = Field.required("by", Shapes.expression(ResultKind.ANY),
            "The sequence number, or (mode `time`) the timestamp: a CEL timestamp, an RFC 3339 string or epoch milliseconds.")
            .example("value.seq");
    static final Field<Expression> GROUP = Field.optional("group", Shapes.expression(ResultKind.ANY),
            "The group whose events are ordered; other than `key`, events are repartitioned by it first.")
            .defaultText("`key` (the record key)").example("value.droneId + '/' + value.flightId");
    static final Field<Duration> TIMEOUT = Field.optional("timeout", Shapes.duration(MIN_WAIT, MAX_WAIT),
            "Mode `sequence`: how long a gap is waited for (wall-clock time without a release), then skipped and reported.")
            .defaultValue(DEFAULT_TIMEOUT);
    static final Field<Duration> GRACE = Field.optional("grace", Shapes.duration(MIN_WAIT, MAX_WAIT),
            "Mode `time`: how long each event is held, in event time.").defaultValue(DEFAULT_GRACE);
    static final Field<Integer> CAPACITY = Field.optional("capacity", Shapes.integer(1, MAX_CAPACITY),
            "Events held per group at most; beyond, the lowest is released early.").defaultValue(DEFAULT_CAPACITY);
    static final Field<OnLate> ON_LATE = Field.optional("onLate", Shapes.oneOf(OnLate.class),
            "An event behind what its group released: `dead-letter`, `drop` or `pass` (at once, out of order).")
            .defaultValue(OnLate.DEAD_LETTER);
    static final Field<Integer> START = Field.optional("start", Shapes.integer(Integer.MIN_VALUE, Integer.MAX_VALUE),
            "Mode `sequence`: every group's first number.").defaultText("the lowest a new group holds once it waited `timeout`")
            .example("1");
    static final Fields BODY = Fields.of("Resequencer: the events of each group in order.", MODE, BY, GROUP, TIMEOUT, GRACE, CAPACITY,
            ON_LATE, START);

    /** Stateless: the instance {@link java.util.ServiceLoader} makes and {@code INSTANCE} are interchangeable. */
    public ResequenceSpec() {
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
    public Optional<ResequenceDefinition> define(String stageName, Location location, YamlNode body) {
        return BODY.read(body).flatMap(v -> {
            ResequenceMode mode = v.value(MODE);
            Duration hold;
            if (mode == ResequenceMode.SEQUENCE) {
                v.node(GRACE).ifPresent(n -> n.problem("'grace' applies to mode: time; a sequence waits for a gap at most 'timeout'"));
                hold = v.value(TIMEOUT);
            } else {
                v.node(TIMEOUT).ifPresent(n -> n.problem("'timeout' applies to mode: sequence; mode: time holds each event for 'grace'"));
                v.node(START).ifPresent(n -> n.problem("'start' applies to mode: sequence"));
                hold = v.value(GRACE);
            }
            if (!v.complete()) {
                return Optional.empty();
            }
            Expression group = v.get(GROUP).orElse(new Expression("key", body.location(), body.path() + ".group"));
            return Optional.of(new ResequenceDefinition(stageName, location, mode, v.value(BY), group, hold, v.value(CAPACITY),
                    v.value(ON_LATE), v.get(START).map(Integer::longValue)));
        });
    }

    @Override
    public void declare(ResequenceDefinition definition, StageDeclarations declarations) {
        declarations.expression(definition.by(), ResultKind.ANY);
        CompiledExpression group = declarations.expression(definition.group(), ResultKind.ANY);
        declarations.colocate(definition.group(), group);
        declarations.store(StoreDeclaration.keyValue(HELD_STORE));
        declarations.store(StoreDeclaration.keyValue(GROUPS_STORE));
    }
}
