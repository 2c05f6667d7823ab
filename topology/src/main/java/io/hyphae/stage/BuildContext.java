package io.hyphae.stage;

import io.hyphae.cel.CompiledExpression;
import io.hyphae.cel.ResultKind;
import io.hyphae.route.Expression;
import io.hyphae.route.Location;
import io.hyphae.route.RouteDefinition;
import io.hyphae.route.TableDefinition;

import java.util.Optional;

/** What a {@link StageBuilder} can ask of the compiler while building one stage of one route. */
public interface BuildContext {

    RouteDefinition route();

    String stageName();

    /** Compiles an expression in the stage's scope; on failure reports it and returns null (the file is then rejected, so nothing runs). */
    CompiledExpression expression(Expression expression, ResultKind kind);

    /** The table of that name, or empty after reporting an unknown table at {@code location}. */
    Optional<TableDefinition> table(String name, Location location, String path);

    /**
     * Declares a join with a table: connects its store to this stage and, for a partitioned table,
     * repartitions events by {@code joinKey} first. Returns the store name to read in {@link StageLogic#init}.
     */
    String join(TableDefinition table, CompiledExpression joinKey);

    /**
     * Makes {@code name} a variable of the expressions of every later stage (an enrich stage's {@code as});
     * {@code field} is the stage field that declares it, for error messages.
     */
    void declareVariable(String name, Location location, String field);

    /**
     * Adds an output of a router; {@code to} names a route of the file (its input topic is used) or a topic.
     * Returns the branch index for {@link Outcome#branch(int)}.
     */
    int branch(String to, Location location, String path);

    /** The payload format of a table's rows. */
    io.hyphae.format.PayloadFormat format(TableDefinition table);

    void problem(Location location, String path, String message);
}
