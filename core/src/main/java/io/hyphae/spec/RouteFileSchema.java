package io.hyphae.spec;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyphae.spec.field.SchemaWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The JSON Schema of the route file, written from the specs ({@link RouteFileSpec}, every registered {@link StageSpec},
 * {@link SubscriberSpec}). The committed {@code schemas/hyphae-route.schema.json} is this text; a test fails when it
 * is not.
 */
public final class RouteFileSchema {

    public static final String ID = "https://hyphae.io/schemas/hyphae-route.schema.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private RouteFileSchema() {
    }

    public static ObjectNode generate() {
        SchemaWriter writer = new SchemaWriter();
        ObjectNode file = RouteFileSpec.FILE.schema(writer);
        ObjectNode schema = JSON.createObjectNode();
        schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        schema.put("$id", ID);
        schema.put("title", "Hyphae route file");
        schema.setAll(file);
        ObjectNode defs = schema.putObject("$defs");
        for (Map.Entry<String, ObjectNode> def : writer.defs().entrySet()) {
            defs.set(def.getKey(), def.getValue());
        }
        return schema;
    }

    /** The schema as committed: two-space indentation, one value per line, a final newline. */
    public static String text() {
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter().withArrayIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE);
        try {
            return JSON.writer(printer).writeValueAsString(generate()).replace("\r\n", "\n") + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
