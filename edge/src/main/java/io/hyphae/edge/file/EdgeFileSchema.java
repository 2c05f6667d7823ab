package io.hyphae.edge.file;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyphae.spec.ReferenceDocs;
import io.hyphae.spec.field.SchemaWriter;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON Schema of the edge file and the field tables of {@code docs/edge.md}, written from {@link EdgeFileSpec}. The
 * committed {@code schemas/hyphae-edge.schema.json} is {@link #text()}; a test fails when it is not.
 */
public final class EdgeFileSchema {

    public static final String ID = "https://hyphae.io/schemas/hyphae-edge.schema.json";

    private EdgeFileSchema() {
    }

    public static ObjectNode generate() {
        return SchemaWriter.document(ID, "Hyphae edge file", EdgeFileSpec.FILE);
    }

    /** The schema as committed: two-space indentation, one value per line, a final newline. */
    public static String text() {
        return SchemaWriter.text(generate());
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
