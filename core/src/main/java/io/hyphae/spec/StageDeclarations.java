package io.hyphae.spec;

import io.hyphae.cel.CompiledExpression;
import io.hyphae.cel.ResultKind;
import io.hyphae.route.Expression;
import io.hyphae.route.Location;
import io.hyphae.route.TableDefinition;

import java.util.Optional;

/** What a {@link StageSpec} tells the route checker about one stage of one route. */
public interface StageDeclarations {

    /**
     * An expression the stage evaluates, compiled and type-checked in the stage's scope (the built-in variables and
     * the names earlier stages declared); on failure it is reported and null is returned.
     */
    CompiledExpression expression(Expression expression, ResultKind kind);

    /** The table of that name, or empty after reporting an unknown table at {@code location}. */
    Optional<TableDefinition> table(String name, Location location, String path);

    /**
     * The stage looks up rows of {@code table} by {@code key}. A partitioned table needs events co-located with its
     * rows: they are repartitioned by the key through a topic of the plan first.
     */
    void join(TableDefinition table, CompiledExpression key);

    /**
     * Makes {@code name} a variable of the expressions of every later stage (an enrich stage's {@code as});
     * {@code field} is the stage field that declares it, for error messages.
     */
    void declareVariable(String name, Location location, String field);

    /**
     * An output of the stage besides the next stage; {@code to} names a route of the file (its input topic is used)
     * or a topic. Outputs are numbered in the order they are declared.
     */
    void branch(String to, Location location, String path);

    /**
     * The stage keeps state in {@code store} (a name unique within the stage). The plan gets its changelog topic; the
     * wiring creates the store and connects it to the stage.
     */
    void store(StoreDeclaration store);

    /**
     * The stage needs every event with the same value of {@code key} on the same partition (e.g. a group it orders).
     * When the expression is not the record key itself ({@code key}), events are repartitioned by its value through
     * the topic {@code <application>.<route>.<stage>.repartition} first, as for a join with a partitioned table.
     */
    void colocate(Expression expression, CompiledExpression key);

    /**
     * A topic the stage writes besides its stage topic and the dead-letter topic, named
     * {@code <application>.<route>.<stage>.<name>}; the wiring gives the stage a sink of that name.
     */
    void output(String name, Location location, String path);

    /** The stage sends every event elsewhere, so it must be the last stage of its route. */
    void terminal();

    void problem(Location location, String path, String message);
}
