package io.hyphae.edge.file;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyphae.spec.ReferenceDocs;
import io.hyphae.spec.field.SchemaWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON Schema of the edge file and the field tables of {@code docs/edge.md}, written from {@link EdgeFileSpec}. The
 * committed {@code schemas/hyphae-edge.schema.json} is {@link #text()}; a test fails when it is not.
 */
public final class EdgeFileSchema {

    public static final String ID = "https://hyphae.io/schemas/hyphae-edge.schema.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private EdgeFileSchema() {
    }

    public static ObjectNode generate() {
        SchemaWriter writer = new SchemaWriter();
        ObjectNode file = EdgeFileSpec.FILE.schema(writer);
        ObjectNode schema = JSON.createObjectNode();
        schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        schema.put("$id", ID);
        schema.put("title", "Hyphae edge file");
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

    /** The field tables of the edge docs, by ID ({@code <!-- fields: ID -->} markers, see {@link ReferenceDocs}). */
    public static Map<String, ReferenceDocs.Table> tables() {
        Map<String, ReferenceDocs.Table> tables = new LinkedHashMap<>();
        tables.put("edge-file", new ReferenceDocs.Table("", EdgeFileSpec.FILE));
        tables.put("edge-mirror", new ReferenceDocs.Table("mirror.<table>.", EdgeFileSpec.MIRROR));
        tables.put("edge-publish", new ReferenceDocs.Table("publish.<table>.", EdgeFileSpec.PUBLISH));
        return tables;
    }

    /** The edge doc with its field tables written anew. */
    public static String rewriteDocs(String markdown) {
        return ReferenceDocs.rewrite(markdown, tables());
    }
}
