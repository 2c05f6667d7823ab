package io.hyphae.format;

import java.util.Map;

/**
 * The schema hint of a map made by a stage rather than read: for some of its fields, the schema their values were
 * read with (the items of a typed list, say). A format derives the map's schema with those fields' types.
 */
public record FieldHints(Map<String, Object> fields) {

    public FieldHints {
        fields = Map.copyOf(fields);
    }
}
