package io.hyphae.cel;

import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.runtime.CelVariableResolver;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A fast path for the expressions routes are mostly made of: field selection, literals, comparisons,
 * arithmetic ({@code + - * / %}), {@code &&}, {@code ||}, {@code !}, {@code ?:} and {@code size}. The checked CEL tree of such an
 * expression is turned once into a tree of small Java nodes, which skip the CEL interpreter's per-call
 * overload dispatch.
 *
 * <p>The CEL program stays the reference. A node answers only when the operand types make the result
 * certain (two doubles, two ints within range, two strings, ...); anything else (a missing field, mixed
 * types, an overflow, a division by zero, a value of another type) gives {@link #UNDECIDED}, and the
 * whole expression is then evaluated by CEL, which produces its own result or error. Expressions are pure,
 * so evaluating again is safe. {@code DirectEvaluatorTest} checks both paths agree on generated inputs.
 */
final class DirectEvaluator {

    /** The answer of a node that leaves the result to CEL. */
    static final Object UNDECIDED = new Object() {
        @Override
        public String toString() {
            return "UNDECIDED";
        }
    };

    /** Doubles represent every integer in this range exactly, so int/double comparisons are exact within it. */
    private static final long EXACT_DOUBLE_INT = 1L << 53;

    @FunctionalInterface
    interface Node {
        Object eval(CelVariableResolver variables);
    }

    private DirectEvaluator() {
    }

    /** The fast path of {@code expr}, or empty when it uses anything beyond the shapes above. */
    static Optional<Node> compile(CelExpr expr, Set<String> variables) {
        Node node = node(expr, variables);
        if (node == null) {
            return Optional.empty();
        }
        // Only scalar results: CEL may adapt maps and lists on their way out, so those are left to it.
        return Optional.of(vars -> {
            Object result = node.eval(vars);
            return result instanceof Boolean || result instanceof Long || result instanceof Double || result instanceof String
                    ? result : UNDECIDED;
        });
    }

    private static Node node(CelExpr expr, Set<String> variables) {
        switch (expr.getKind()) {
            case CONSTANT:
                return constant(expr.constant());
            case IDENT: {
                String name = expr.ident().name();
                if (!variables.contains(name)) {
                    return null;
                }
                return vars -> vars.find(name).orElse(UNDECIDED);
            }
            case SELECT: {
                if (expr.select().testOnly()) {
                    return null;
                }
                Node operand = node(expr.select().operand(), variables);
                if (operand == null) {
                    return null;
                }
                String field = expr.select().field();
                return vars -> {
                    Object target = operand.eval(vars);
                    if (target instanceof Map<?, ?> map) {
                        Object v = map.get(field);
                        return v == null ? UNDECIDED : v;
                    }
                    return UNDECIDED;
                };
            }
            case CALL:
                return call(expr.call(), variables);
            default:
                return null;
        }
    }

    private static Node constant(CelConstant constant) {
        Object value = switch (constant.getKind()) {
            case BOOLEAN_VALUE -> constant.booleanValue();
            case INT64_VALUE -> constant.int64Value();
            case DOUBLE_VALUE -> constant.doubleValue();
            case STRING_VALUE -> constant.stringValue();
            default -> null;
        };
        return value == null ? null : vars -> value;
    }

    private static Node call(CelExpr.CelCall call, Set<String> variables) {
        String function = call.function();
        List<CelExpr> args = call.args();
        if (call.target().isPresent()) {
            // Receiver style: only x.size().
            if (!function.equals("size") || !args.isEmpty()) {
                return null;
            }
            Node target = node(call.target().get(), variables);
            return target == null ? null : size(target);
        }
        Node[] operands = new Node[args.size()];
        for (int i = 0; i < operands.length; i++) {
            operands[i] = node(args.get(i), variables);
            if (operands[i] == null) {
                return null;
            }
        }
        if (operands.length == 1) {
            Node x = operands[0];
            switch (function) {
                case "size":
                    return size(x);
                case "!_":
                    return vars -> x.eval(vars) instanceof Boolean b ? (Object) !b : UNDECIDED;
                case "-_":
                    return vars -> negate(x.eval(vars));
                default:
                    return null;
            }
        }
        if (operands.length == 3 && function.equals("_?_:_")) {
            Node condition = operands[0];
            Node then = operands[1];
            Node otherwise = operands[2];
            return vars -> condition.eval(vars) instanceof Boolean b ? (b ? then.eval(vars) : otherwise.eval(vars)) : UNDECIDED;
        }
        if (operands.length != 2) {
            return null;
        }
        Node l = operands[0];
        Node r = operands[1];
        switch (function) {
            case "_&&_":
                // false on the left decides, as in CEL; an error on the left is CEL's to resolve.
                return vars -> l.eval(vars) instanceof Boolean a ? (a ? bool(r.eval(vars)) : Boolean.FALSE) : UNDECIDED;
            case "_||_":
                return vars -> l.eval(vars) instanceof Boolean a ? (a ? Boolean.TRUE : bool(r.eval(vars))) : UNDECIDED;
            case "_==_":
                return vars -> equal(l.eval(vars), r.eval(vars), false);
            case "_!=_":
                return vars -> equal(l.eval(vars), r.eval(vars), true);
            case "_<_":
                return vars -> compare(l.eval(vars), r.eval(vars), Comparison.LT);
            case "_<=_":
                return vars -> compare(l.eval(vars), r.eval(vars), Comparison.LE);
            case "_>_":
                return vars -> compare(l.eval(vars), r.eval(vars), Comparison.GT);
            case "_>=_":
                return vars -> compare(l.eval(vars), r.eval(vars), Comparison.GE);
            case "_+_":
                return vars -> add(l.eval(vars), r.eval(vars));
            case "_-_":
                return vars -> subtract(l.eval(vars), r.eval(vars));
            case "_*_":
                return vars -> multiply(l.eval(vars), r.eval(vars));
            case "_/_":
                return vars -> divide(l.eval(vars), r.eval(vars));
            case "_%_":
                return vars -> l.eval(vars) instanceof Long x && r.eval(vars) instanceof Long y && y != 0 && y != -1
                        ? (Object) (x % y) : UNDECIDED;
            default:
                return null;
        }
    }

    private static Node size(Node x) {
        return vars -> {
            Object v = x.eval(vars);
            if (v instanceof String s) {
                return (long) s.codePointCount(0, s.length());
            }
            if (v instanceof List<?> list) {
                return (long) list.size();
            }
            if (v instanceof Map<?, ?> map) {
                return (long) map.size();
            }
            return UNDECIDED;
        };
    }

    private static Object bool(Object v) {
        return v instanceof Boolean ? v : UNDECIDED;
    }

    private static Object negate(Object v) {
        if (v instanceof Double d) {
            return -d;
        }
        if (v instanceof Long n && n != Long.MIN_VALUE) {
            return -n;
        }
        return UNDECIDED;
    }

    private static Object equal(Object a, Object b, boolean negate) {
        Boolean eq;
        if (a instanceof String x && b instanceof String y) {
            eq = x.equals(y);
        } else if (a instanceof Boolean x && b instanceof Boolean y) {
            eq = x.booleanValue() == y.booleanValue();
        } else {
            Object c = compare(a, b, Comparison.EQ);
            if (!(c instanceof Boolean)) {
                return UNDECIDED;
            }
            eq = (Boolean) c;
        }
        return negate ? !eq : eq;
    }

    private enum Comparison {
        LT, LE, GT, GE, EQ;

        boolean holds(int order) {
            return switch (this) {
                case LT -> order < 0;
                case LE -> order <= 0;
                case GT -> order > 0;
                case GE -> order >= 0;
                case EQ -> order == 0;
            };
        }
    }

    /**
     * Numbers only: two ints, two doubles, or an int within ±2^53 and a double. CEL orders doubles as
     * {@link Double#compare} does (NaN equals NaN, -0.0 is below 0.0) and IEEE 754 does not, so NaN and
     * -0.0 are left to CEL; for all other doubles the two agree.
     */
    private static Object compare(Object a, Object b, Comparison op) {
        if (a instanceof Long x && b instanceof Long y) {
            return op.holds(Long.compare(x, y));
        }
        double p;
        double q;
        if (a instanceof Double x && b instanceof Double y) {
            p = x;
            q = y;
        } else if (a instanceof Long x && b instanceof Double y && exact(x)) {
            p = x;
            q = y;
        } else if (a instanceof Double x && b instanceof Long y && exact(y)) {
            p = x;
            q = y;
        } else {
            return UNDECIDED;
        }
        return plain(p) && plain(q) ? (Object) op.holds(Double.compare(p, q)) : UNDECIDED;
    }

    /** Neither NaN nor -0.0: where IEEE 754 and {@link Double#compare} agree. */
    private static boolean plain(double d) {
        return d == d && Double.doubleToRawLongBits(d) != Long.MIN_VALUE;
    }

    private static boolean exact(long n) {
        return n > -EXACT_DOUBLE_INT && n < EXACT_DOUBLE_INT;
    }

    // Arithmetic: same-typed operands only, as in CEL (int + double has no overload); overflow is CEL's error.

    private static Object add(Object a, Object b) {
        if (a instanceof Double x && b instanceof Double y) {
            return x + y;
        }
        if (a instanceof Long x && b instanceof Long y) {
            long sum = x + y;
            return ((x ^ sum) & (y ^ sum)) < 0 ? UNDECIDED : (Object) sum;
        }
        if (a instanceof String x && b instanceof String y) {
            return x.concat(y);
        }
        return UNDECIDED;
    }

    private static Object subtract(Object a, Object b) {
        if (a instanceof Double x && b instanceof Double y) {
            return x - y;
        }
        if (a instanceof Long x && b instanceof Long y) {
            long diff = x - y;
            return ((x ^ y) & (x ^ diff)) < 0 ? UNDECIDED : (Object) diff;
        }
        return UNDECIDED;
    }

    private static Object multiply(Object a, Object b) {
        if (a instanceof Double x && b instanceof Double y) {
            return x * y;
        }
        if (a instanceof Long x && b instanceof Long y) {
            long hi = Math.multiplyHigh(x, y);
            long lo = x * y;
            return (hi == 0 && lo >= 0) || (hi == -1 && lo < 0) ? (Object) lo : UNDECIDED;
        }
        return UNDECIDED;
    }

    private static Object divide(Object a, Object b) {
        if (a instanceof Double x && b instanceof Double y) {
            return x / y;
        }
        if (a instanceof Long x && b instanceof Long y && y != 0 && !(x == Long.MIN_VALUE && y == -1)) {
            return x / y;
        }
        return UNDECIDED;
    }
}
