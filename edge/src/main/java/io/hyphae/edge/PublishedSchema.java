package io.hyphae.edge;

import io.hyphae.edge.file.ColumnDefinition;
import io.hyphae.edge.file.PublishDefinition;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Avro schema of a publication's events, built from its columns rather than from each event's values: every column
 * at its path (nested records for dotted paths) and the event id at {@code idField}, each nullable with default null.
 * One schema for inserts, updates and deletes (whose columns other than the key are null) alike, so the subject holds
 * one schema whatever the rows hold. A {@code json} column is published as its JSON text.
 */
final class PublishedSchema {

    private static final String NAMESPACE = "io.hyphae.edge";

    private PublishedSchema() {
    }

    static Schema of(PublishDefinition publish) {
        Map<String, Object> tree = new LinkedHashMap<>();
        for (ColumnDefinition c : publish.columns()) {
            put(tree, c.path(), type(c));
        }
        put(tree, List.of(publish.idField().split("\\.")), Schema.create(Schema.Type.STRING));
        return record(publish.topic().replaceAll("[^A-Za-z0-9_]", "_"), tree);
    }

    private static Schema type(ColumnDefinition column) {
        return switch (column.type()) {
            case TEXT, JSON -> Schema.create(Schema.Type.STRING);
            case INTEGER -> Schema.create(Schema.Type.LONG);
            case REAL -> Schema.create(Schema.Type.DOUBLE);
            case BOOLEAN -> Schema.create(Schema.Type.BOOLEAN);
        };
    }

    @SuppressWarnings("unchecked")
    private static void put(Map<String, Object> tree, List<String> path, Schema leaf) {
        Map<String, Object> current = tree;
        for (int i = 0; i < path.size() - 1; i++) {
            current = (Map<String, Object>) current.computeIfAbsent(path.get(i), k -> new LinkedHashMap<String, Object>());
        }
        current.put(path.get(path.size() - 1), leaf);
    }

    @SuppressWarnings("unchecked")
    private static Schema record(String name, Map<String, Object> tree) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Map.Entry<String, Object> e : tree.entrySet()) {
            Schema type = e.getValue() instanceof Schema s ? s : record(name + "_" + e.getKey(), (Map<String, Object>) e.getValue());
            fields.add(new Schema.Field(e.getKey(), Schema.createUnion(Schema.create(Schema.Type.NULL), type), null, JsonProperties.NULL_VALUE));
        }
        return Schema.createRecord(name, null, NAMESPACE, false, fields);
    }
}
