package io.hyphae.plan;

import io.hyphae.cel.CompiledExpression;
import io.hyphae.route.Expression;
import io.hyphae.route.RouteDefinition;
import io.hyphae.route.StageDefinition;
import io.hyphae.route.TableDefinition;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One stage as the checker saw it: its compiled expressions, the tables it joins, the topics it writes besides its
 * stage topic, and where its events go next. The wiring builds from this without checking anything again.
 *
 * @param branchTopics      the topics of its outputs, in the order its spec declared them
 * @param partitionedJoin   a join with a partitioned table, which repartitions events by the join key first
 * @param destinations      the next stage's name, or the branch topics of a terminal stage (for describe and docs)
 */
public record CheckedStage(RouteDefinition route, StageDefinition definition, int index, String topic,
                           Map<Expression, CompiledExpression> expressions, List<TableDefinition> joins,
                           List<String> branchTopics, Optional<Join> partitionedJoin, List<String> destinations) {

    /** The field path of the stage in the route file, for messages. */
    public String path() {
        return path(route, definition, index);
    }

    static String path(RouteDefinition route, StageDefinition definition, int index) {
        return "routes." + route.name() + ".stages[" + index + "]." + definition.name() + "." + definition.type();
    }

    /** A lookup of {@code table}'s rows by the value of {@code key}. */
    public record Join(TableDefinition table, CompiledExpression key) {
    }
}
