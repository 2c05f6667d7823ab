package io.hyphae.cel;

import dev.cel.common.values.NullValue;
import dev.cel.runtime.CelVariableResolver;
import io.hyphae.route.Expression;
import io.hyphae.route.Location;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fast path must give exactly what the CEL interpreter gives: the same value, or (by handing over to
 * CEL) the same error. Every expression runs against a few thousand generated events whose fields take
 * values of every type, edge values included (NaN, -0.0, infinities, the int limits, 2^53 + 1, empty and
 * non-ASCII strings, missing fields, null).
 */
class DirectEvaluatorTest {

    private static final Set<String> ALIASES = Set.of("geo");
    private static final int EVENTS = 3_000;

    private static final CelEngine DIRECT = new CelEngine();
    private static final CelEngine REFERENCE = CelEngine.interpreterOnly();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "value.a",
            "value.n.x",
            "geo.r",
            "key",
            "value.a > 0.0", "value.a > 0", "value.a < value.b", "value.a <= value.b", "value.a >= value.b",
            "value.a == value.b", "value.a != value.b", "value.a == 'x'", "value.s == 'héllo'", "value.t == true",
            "value.a + value.b", "value.a - value.b", "value.a * value.b", "value.a / value.b",
            "value.s + value.s2", "-value.a", "!value.t",
            "size(value.s) > 0", "value.s.size()", "size(value.l)", "size(value.n)",
            "value.t && value.a > 1", "value.t || value.a > 1", "value.a > 1 && value.t", "value.a > 1 || value.t",
            "geo.r > 20.0 ? 'HIGH' : 'LOW'",
            "value.a * (geo.r > 20.0 ? 1.25 : 1.0)",
            "value.t ? value.a : value.b",
            "value.n.x * 2 + 1",
            "9223372036854775807 + value.a", "value.a * 4611686018427387904", "value.a / 3", "value.a / 0.0", "value.a % 2 == 0 ? 1 : 2",
    })
    void agreesWithTheInterpreter(String text) {
        CompiledExpression direct = compile(DIRECT, text);
        CompiledExpression reference = compile(REFERENCE, text);
        assertThat(direct.direct()).as("has a fast path").isTrue();
        assertThat(reference.direct()).isFalse();
        DirectEvaluator.Node node = DirectEvaluator.compile(astOf(text), variables()).orElseThrow();

        Random random = new Random(text.hashCode());
        int decided = 0;
        for (int i = 0; i < EVENTS; i++) {
            Map<String, Object> vars = event(random);
            CelVariableResolver resolver = name -> Optional.ofNullable(vars.get(name));
            assertThat(outcome(direct, resolver)).as("%s with %s", text, vars).isEqualTo(outcome(reference, resolver));
            if (node.eval(resolver) != DirectEvaluator.UNDECIDED) {
                decided++;
            }
        }
        // The comparison above would pass vacuously if the fast path never answered.
        assertThat(decided).as("events the fast path decided itself").isPositive();
    }

    @Test
    void leavesOtherExpressionsToCel() {
        for (String text : List.of("has(value.a)", "value.l.all(x, x > 0)", "value.s.matches('^h')", "value.a == null",
                "headers['h'] == 'x'", "value.l[0]", "int(value.a)", "value.a in [1, 2]", "{'k': value.a}", "double(value.a) > 1.0")) {
            assertThat(compile(DIRECT, text).direct()).as(text).isFalse();
        }
    }

    private static Object outcome(CompiledExpression expression, CelVariableResolver resolver) {
        try {
            return expression.evaluate(resolver);
        } catch (ExpressionException e) {
            return "error: " + e.getMessage();
        }
    }

    private static CompiledExpression compile(CelEngine engine, String text) {
        CelEngine.Result result = engine.compile(new Expression(text, new Location("test.yaml", 1, 1), "test"), ALIASES, ResultKind.ANY);
        assertThat(result.issues()).as(text).isEmpty();
        return result.expression();
    }

    private static dev.cel.common.ast.CelExpr astOf(String text) {
        try {
            return dev.cel.bundle.CelFactory.standardCelBuilder()
                    .addVar("value", dev.cel.common.types.MapType.create(dev.cel.common.types.SimpleType.STRING, dev.cel.common.types.SimpleType.DYN))
                    .addVar("key", dev.cel.common.types.SimpleType.DYN)
                    .addVar("geo", dev.cel.common.types.SimpleType.DYN)
                    .build().compile(text).getAst().getExpr();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Set<String> variables() {
        Set<String> names = new java.util.HashSet<>(CelEngine.RESERVED_VARIABLES);
        names.addAll(ALIASES);
        return names;
    }

    private static final Object[] SCALARS = {
            0L, 1L, -1L, 2L, 7L, 21L, Long.MAX_VALUE, Long.MIN_VALUE, (1L << 53) + 1, -(1L << 53) - 1, 1L << 62,
            0.0, -0.0, 1.0, 2.5, 20.0, 20.000001, -3.75, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
            9.007199254740993E15, Double.MAX_VALUE, Double.MIN_VALUE,
            "", "x", "héllo", "😀", "a b",
            true, false, NullValue.NULL_VALUE, 3, 2.5f,
    };

    private static Object scalar(Random random) {
        return SCALARS[random.nextInt(SCALARS.length)];
    }

    private static Map<String, Object> event(Random random) {
        Map<String, Object> value = new HashMap<>();
        for (String field : List.of("a", "b", "s", "s2", "t")) {
            if (random.nextInt(10) > 0) {
                value.put(field, field.startsWith("s") && random.nextBoolean() ? SCALARS[24 + random.nextInt(5)] : scalar(random));
            }
        }
        Map<String, Object> nested = new HashMap<>();
        nested.put("x", scalar(random));
        value.put("n", random.nextInt(8) > 0 ? nested : scalar(random));
        List<Object> list = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--) {
            list.add(scalar(random));
        }
        value.put("l", random.nextInt(8) > 0 ? list : scalar(random));
        Map<String, Object> vars = new HashMap<>();
        vars.put("value", value);
        vars.put("key", scalar(random));
        if (random.nextInt(10) > 0) {
            vars.put("geo", random.nextInt(8) > 0 ? new HashMap<>(Map.of("r", scalar(random))) : scalar(random));
        }
        return vars;
    }
}
