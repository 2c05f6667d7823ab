package io.hyphae.spec.field;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/** Collects the JSON Schema of shapes; named shapes are written once under {@code $defs}. */
public final class SchemaWriter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, ObjectNode> defs = new TreeMap<>();

    public ObjectNode object() {
        return JSON.createObjectNode();
    }

    /** A {@code $ref} to {@code $defs/name}, writing the definition on first use. */
    public ObjectNode ref(String name, Supplier<ObjectNode> definition) {
        if (!defs.containsKey(name)) {
            defs.put(name, null); // a shape may refer to itself while it is written
            defs.put(name, definition.get());
        }
        ObjectNode ref = object();
        ref.put("$ref", "#/$defs/" + name);
        return ref;
    }

    /** The definitions written so far, by name. */
    public Map<String, ObjectNode> defs() {
        return defs;
    }
}
