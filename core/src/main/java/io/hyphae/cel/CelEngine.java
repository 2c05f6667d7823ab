package io.hyphae.cel;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import io.hyphae.route.Expression;
import io.hyphae.route.Location;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compiles the CEL expressions of a route file. The variables every expression sees are
 * {@code value} (the event), {@code key} (the record key), {@code headers} (a map of header names to
 * text) and the {@code as} name of every enrich stage before it. Expressions are parsed and type-checked
 * once, at load time; a failure is reported with its position in the route file.
 */
public final class CelEngine {

    /** Bounds comprehensions so a hostile expression cannot stall a stream thread. */
    public static final int MAX_COMPREHENSION_ITERATIONS = 10_000;

    public static final Set<String> RESERVED_VARIABLES = Set.of("value", "key", "headers");

    private static final CelOptions OPTIONS = CelOptions.current()
            .enableHeterogeneousNumericComparisons(true)
            .comprehensionMaxIterations(MAX_COMPREHENSION_ITERATIONS)
            .build();

    private final Map<Set<String>, Cel> environments = new ConcurrentHashMap<>();
    private final boolean directPath;

    /** An engine whose expressions take the {@link DirectEvaluator} fast path where they can. */
    public CelEngine() {
        this(true);
    }

    private CelEngine(boolean directPath) {
        this.directPath = directPath;
    }

    /** An engine that evaluates every expression with the CEL interpreter alone: the reference, for tests and benchmarks. */
    public static CelEngine interpreterOnly() {
        return new CelEngine(false);
    }

    /** The compiled expression, or the problems found (with their route-file positions). */
    public Result compile(Expression expression, Set<String> aliases, ResultKind kind) {
        Cel cel = environments.computeIfAbsent(Set.copyOf(aliases), CelEngine::environment);
        CelValidationResult result = cel.compile(expression.text());
        if (result.hasError()) {
            List<Issue> issues = new ArrayList<>();
            for (CelIssue issue : result.getErrors()) {
                issues.add(new Issue(locate(expression, issue), issue.getMessage()));
            }
            return new Result(null, issues);
        }
        try {
            CelAbstractSyntaxTree ast = result.getAst();
            CelKind resultKind = ast.getResultType().kind();
            if (kind == ResultKind.BOOL && resultKind != CelKind.BOOL && resultKind != CelKind.DYN) {
                return new Result(null, List.of(new Issue(expression.location(),
                        "must be a true/false condition but its type is " + ast.getResultType().name())));
            }
            DirectEvaluator.Node direct = null;
            if (directPath) {
                Set<String> variables = new HashSet<>(RESERVED_VARIABLES);
                variables.addAll(aliases);
                direct = DirectEvaluator.compile(ast.getExpr(), variables).orElse(null);
            }
            return new Result(new CompiledExpression(expression.text(), cel.createProgram(ast), direct), List.of());
        } catch (Exception e) {
            return new Result(null, List.of(new Issue(expression.location(), e.getMessage())));
        }
    }

    /**
     * Checks the syntax alone, for an expression whose scope is unknown (it follows a stage that did not parse, whose
     * variables would be missing); returns the problems found.
     */
    public List<Issue> checkSyntax(Expression expression) {
        Cel cel = environments.computeIfAbsent(Set.of(), CelEngine::environment);
        CelValidationResult result = cel.parse(expression.text());
        List<Issue> issues = new ArrayList<>();
        if (result.hasError()) {
            for (CelIssue issue : result.getErrors()) {
                issues.add(new Issue(locate(expression, issue), issue.getMessage()));
            }
        }
        return issues;
    }

    private static Cel environment(Set<String> aliases) {
        var builder = CelFactory.standardCelBuilder()
                .setOptions(OPTIONS)
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .addVar("value", MapType.create(SimpleType.STRING, SimpleType.DYN))
                .addVar("key", SimpleType.DYN)
                .addVar("headers", MapType.create(SimpleType.STRING, SimpleType.STRING));
        for (String alias : new TreeSet<>(aliases)) {
            builder.addVar(alias, SimpleType.DYN);
        }
        return builder.build();
    }

    /** Maps a position inside the expression to the route file: exact for single-line expressions. */
    private static Location locate(Expression expression, CelIssue issue) {
        Location start = expression.location();
        int line = issue.getSourceLocation().getLine();
        int column = issue.getSourceLocation().getColumn();
        if (line <= 1 && column >= 0 && expression.text().indexOf('\n') < 0) {
            return new Location(start.file(), start.line(), start.column() + column);
        }
        return start;
    }

    public record Issue(Location location, String message) {
    }

    public record Result(CompiledExpression expression, List<Issue> issues) {
        public boolean ok() {
            return expression != null;
        }
    }
}
