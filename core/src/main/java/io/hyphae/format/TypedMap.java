package io.hyphae.format;

import java.util.Map;

/**
 * A value map that remembers the schema it was read with (or derived from), so a stage that
 * changes a few fields writes a schema that keeps the others' types. JSON values carry none.
 */
public interface TypedMap extends Map<String, Object> {

    Object schemaHint();
}
