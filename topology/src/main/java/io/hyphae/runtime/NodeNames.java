package io.hyphae.runtime;

import java.util.Optional;

/**
 * The one place that names the processor nodes of a topology, and reads a route back from a node's name (the
 * exception handlers do, to find the route's dead-letter topic). Route and stage names hold no dots, so a route's
 * nodes are {@code <route>.<stage>[.<part>]}; a table's nodes start with {@code ~}, which no route name may hold.
 */
public final class NodeNames {

    private static final String TABLE_PREFIX = "~table.";

    private NodeNames() {
    }

    public static String source(String route) {
        return route + ".source";
    }

    public static String ingest(String route) {
        return route + ".ingest";
    }

    /** The node that runs a stage's logic. */
    public static String stage(String route, String stage) {
        return route + "." + stage;
    }

    /** A part of a stage or ingest node: its sinks ({@code topic}, {@code dlq}, {@code to-<n>}) and its repartition nodes. */
    public static String part(String node, String part) {
        return node + "." + part;
    }

    public static String tableSource(String table) {
        return TABLE_PREFIX + table + ".source";
    }

    public static String tableUpdate(String table) {
        return TABLE_PREFIX + table + ".update";
    }

    /** The route a node belongs to; empty for a table's nodes and for names this class did not give. */
    public static Optional<String> route(String node) {
        if (node == null || node.startsWith(TABLE_PREFIX)) {
            return Optional.empty();
        }
        int dot = node.indexOf('.');
        return dot > 0 ? Optional.of(node.substring(0, dot)) : Optional.empty();
    }
}
