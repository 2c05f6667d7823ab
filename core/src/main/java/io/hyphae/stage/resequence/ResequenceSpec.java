package io.hyphae.stage.resequence;

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
    private static final List<String> FIELDS = List.of("mode", "by", "group", "timeout", "grace", "capacity", "onLate", "start");

    /** Stateless: the instance {@link java.util.ServiceLoader} makes and {@code INSTANCE} are interchangeable. */
    public ResequenceSpec() {
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
    public Optional<ResequenceDefinition> define(String stageName, Location location, YamlNode body) {
        return body.mapping(FIELDS).flatMap(m -> {
            ResequenceMode mode = m.get("mode").flatMap(n -> n.enumValue(ResequenceMode.class)).orElse(ResequenceMode.SEQUENCE);
            Optional<Expression> by = m.requireExpression("by");
            Expression group = m.get("group").flatMap(YamlNode::expression).orElse(new Expression("key", body.location(), body.path() + ".group"));
            Optional<Duration> timeout = m.get("timeout").flatMap(n -> n.duration(MIN_WAIT, MAX_WAIT));
            Optional<Duration> grace = m.get("grace").flatMap(n -> n.duration(MIN_WAIT, MAX_WAIT));
            int capacity = m.get("capacity").flatMap(n -> n.integer(1, MAX_CAPACITY)).orElse(DEFAULT_CAPACITY);
            OnLate onLate = m.get("onLate").flatMap(n -> n.enumValue(OnLate.class)).orElse(OnLate.DEAD_LETTER);
            Optional<Long> start = m.get("start").flatMap(n -> n.integer(Integer.MIN_VALUE, Integer.MAX_VALUE)).map(Integer::longValue);
            Duration hold;
            if (mode == ResequenceMode.SEQUENCE) {
                m.get("grace").ifPresent(n -> n.problem("'grace' applies to mode: time; a sequence waits for a gap at most 'timeout'"));
                hold = timeout.orElse(DEFAULT_TIMEOUT);
            } else {
                m.get("timeout").ifPresent(n -> n.problem("'timeout' applies to mode: sequence; mode: time holds each event for 'grace'"));
                m.get("start").ifPresent(n -> n.problem("'start' applies to mode: sequence"));
                hold = grace.orElse(DEFAULT_GRACE);
            }
            if (by.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new ResequenceDefinition(stageName, location, mode, by.get(), group, hold, capacity, onLate, start));
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
