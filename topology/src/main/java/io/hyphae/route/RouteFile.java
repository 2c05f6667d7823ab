package io.hyphae.route;

import java.util.Map;
import java.util.Optional;

/** A whole route file, validated: the application, its connection settings, tables and routes (in file order). */
public record RouteFile(String source, String application, KafkaSettings kafka, TopicSettings topics,
                        Map<String, TableDefinition> tables, Map<String, RouteDefinition> routes) {

    public Optional<RouteDefinition> route(String name) {
        return Optional.ofNullable(routes.get(name));
    }

    public Optional<TableDefinition> table(String name) {
        return Optional.ofNullable(tables.get(name));
    }
}
