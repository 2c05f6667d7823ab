package io.hyphae.route;

import java.util.Map;
import java.util.Optional;

/** A whole route file, validated: the application, its connection settings, tables and routes (in file order). */
public record RouteFile(String source, String application, KafkaSettings kafka, RegistrySettings registry, TopicSettings topics,
                        Map<String, TableDefinition> tables, Map<String, RouteDefinition> routes,
                        Map<String, SubscriberDefinition> subscribers, Map<String, BridgeDefinition> bridges) {

    /** Whether any route or table carries Avro, so a schema registry is needed. */
    public boolean usesAvro() {
        return routes.values().stream().anyMatch(r -> r.format() == Format.AVRO)
                || tables.values().stream().anyMatch(t -> t.format() == Format.AVRO);
    }

    public RouteFile withRegistry(RegistrySettings newRegistry) {
        return new RouteFile(source, application, kafka, newRegistry, topics, tables, routes, subscribers, bridges);
    }

    public RouteFile withKafka(KafkaSettings newKafka) {
        return new RouteFile(source, application, newKafka, registry, topics, tables, routes, subscribers, bridges);
    }


    public Optional<RouteDefinition> route(String name) {
        return Optional.ofNullable(routes.get(name));
    }

    /** Whether delivery outside Kafka needs a Kafka Connect worker. */
    public boolean needsConnect() {
        return !subscribers.isEmpty() || !bridges.isEmpty();
    }

    public Optional<TableDefinition> table(String name) {
        return Optional.ofNullable(tables.get(name));
    }
}
