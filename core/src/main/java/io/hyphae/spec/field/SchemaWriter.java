package io.hyphae.spec.field;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
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

    /** A whole JSON Schema document: {@code fields} at the top, every named shape under {@code $defs}. */
    public static ObjectNode document(String id, String title, Fields fields) {
        SchemaWriter writer = new SchemaWriter();
        ObjectNode top = fields.schema(writer);
        ObjectNode schema = JSON.createObjectNode();
        schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        schema.put("$id", id);
        schema.put("title", title);
        schema.setAll(top);
        ObjectNode defs = schema.putObject("$defs");
        writer.defs().forEach(defs::set);
        return schema;
    }

    /** A generated document as it is committed: two-space indentation, one value per line, a final newline. */
    public static String text(JsonNode document) {
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter().withArrayIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE);
        try {
            return JSON.writer(printer).writeValueAsString(document).replace("\r\n", "\n") + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The definitions written so far, by name. */
    public Map<String, ObjectNode> defs() {
        return defs;
    }
}
