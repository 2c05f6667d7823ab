package io.hyphae.plan;

import io.hyphae.cel.CompiledExpression;
import io.hyphae.route.Expression;
import io.hyphae.route.KeyFormat;
import io.hyphae.route.RouteDefinition;
import io.hyphae.route.StageDefinition;
import io.hyphae.route.TableDefinition;
import io.hyphae.spec.StoreDeclaration;

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
 * @param stores            the state stores it keeps, in the order its spec declared them
 * @param repartition       how events are repartitioned in front of it: by a partitioned join's key or its co-location key
 * @param outputs           its other output topics by output name
 */
public record CheckedStage(RouteDefinition route, StageDefinition definition, int index, String topic,
                           Map<Expression, CompiledExpression> expressions, List<TableDefinition> joins,
                           List<String> branchTopics, Optional<Join> partitionedJoin, List<String> destinations,
                           List<Store> stores, Optional<Repartition> repartition, Map<String, String> outputs) {

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

    /** A state store of the stage: its name in the application and its changelog topic. */
    public record Store(StoreDeclaration declaration, String name, String changelog) {
    }

    /**
     * Events go through {@code topic}, partitioned by the bytes of {@code key} (encoded as {@code keyFormat}) as the
     * producer's default partitioner would place that key, with as many partitions as {@code copartitionWith}.
     */
    public record Repartition(CompiledExpression key, KeyFormat keyFormat, String topic, String copartitionWith) {
    }
}
