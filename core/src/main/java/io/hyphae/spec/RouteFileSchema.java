package io.hyphae.spec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyphae.spec.field.SchemaWriter;


/**
 * The JSON Schema of the route file, written from the specs ({@link RouteFileSpec}, every registered {@link StageSpec},
 * {@link SubscriberSpec}). The committed {@code schemas/hyphae-route.schema.json} is this text; a test fails when it
 * is not.
 */
public final class RouteFileSchema {

    public static final String ID = "https://hyphae.io/schemas/hyphae-route.schema.json";

    private RouteFileSchema() {
    }

    public static ObjectNode generate() {
        return SchemaWriter.document(ID, "Hyphae route file", RouteFileSpec.FILE);
    }

    /** The schema as committed: two-space indentation, one value per line, a final newline. */
    public static String text() {
        return SchemaWriter.text(generate());
    }
}
