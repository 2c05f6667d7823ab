package io.hyphae.format.avro;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A schema registry in memory, with backward compatibility per subject: what {@code hyphae test} and the TopologyTestDriver tests
 * give Avro routes.
 * The real registry server is the subject of the integration tests.
 */
public final class InMemorySchemaRegistry implements SchemaRegistry {

    private final AtomicInteger nextId = new AtomicInteger(1);
    private final Map<Integer, Schema> byId = new LinkedHashMap<>();
    private final Map<String, List<Integer>> versions = new LinkedHashMap<>();
    public final AtomicInteger calls = new AtomicInteger();

    @Override
    public synchronized int register(String subject, Schema schema) {
        calls.incrementAndGet();
        Optional<Integer> existing = lookup(subject, schema);
        if (existing.isPresent()) {
            return existing.get();
        }
        if (compatible(subject, schema).orElse(true) == Boolean.FALSE) {
            throw new SchemaRegistryException("Schema being registered is incompatible with an earlier schema for subject \"" + subject + "\"", 409, null);
        }
        int id = byId.entrySet().stream().filter(e -> e.getValue().equals(schema)).map(Map.Entry::getKey).findFirst()
                .orElseGet(nextId::getAndIncrement);
        byId.put(id, schema);
        versions.computeIfAbsent(subject, s -> new ArrayList<>()).add(id);
        return id;
    }

    @Override
    public synchronized Optional<Integer> lookup(String subject, Schema schema) {
        return versions.getOrDefault(subject, List.of()).stream().filter(id -> byId.get(id).equals(schema)).findFirst();
    }

    @Override
    public synchronized Schema byId(int id) {
        calls.incrementAndGet();
        Schema schema = byId.get(id);
        if (schema == null) {
            throw new SchemaRegistryException("Schema " + id + " not found", 404, null);
        }
        return schema;
    }

    @Override
    public synchronized Optional<Schema> latest(String subject) {
        List<Integer> ids = versions.get(subject);
        return ids == null || ids.isEmpty() ? Optional.empty() : Optional.of(byId.get(ids.get(ids.size() - 1)));
    }

    @Override
    public synchronized List<String> subjects() {
        return List.copyOf(versions.keySet());
    }

    @Override
    public synchronized Optional<Boolean> compatible(String subject, Schema schema) {
        return Optional.of(latest(subject).map(previous -> SchemaCompatibility.checkReaderWriterCompatibility(schema, previous).getType()
                == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE).orElse(true));
    }
}
