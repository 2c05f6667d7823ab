package io.hyphae.cel;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelUnknownSet;
import dev.cel.runtime.CelVariableResolver;
import dev.cel.runtime.Program;

/** A CEL program compiled once at start-up and evaluated per record; thread-safe. */
public final class CompiledExpression {

    private final String text;
    private final Program program;
    private final DirectEvaluator.Node direct;

    CompiledExpression(String text, Program program, DirectEvaluator.Node direct) {
        this.text = text;
        this.program = program;
        this.direct = direct;
    }

    /** True when the expression has a fast path that skips the CEL interpreter for well-typed inputs. */
    public boolean direct() {
        return direct != null;
    }

    public String text() {
        return text;
    }

    public Object evaluate(CelVariableResolver variables) {
        if (direct != null) {
            Object result = direct.eval(variables);
            if (result != DirectEvaluator.UNDECIDED) {
                return result;
            }
        }
        Object result;
        try {
            result = program.eval(variables);
        } catch (CelEvaluationException e) {
            throw new ExpressionException("'" + text + "' failed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new ExpressionException("'" + text + "' failed: " + e, e);
        }
        if (result instanceof CelUnknownSet) {
            // An unresolved variable would otherwise flow on as an opaque value.
            throw new ExpressionException("'" + text + "' refers to a value that is not available");
        }
        return result;
    }

    public boolean test(CelVariableResolver variables) {
        Object result = evaluate(variables);
        if (result instanceof Boolean b) {
            return b;
        }
        throw new ExpressionException("'" + text + "' must be true or false but gave " + result
                + (result == null ? "" : " (" + result.getClass().getSimpleName() + ")"));
    }

    @Override
    public String toString() {
        return text;
    }
}
