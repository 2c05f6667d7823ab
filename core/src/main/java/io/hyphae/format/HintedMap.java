package io.hyphae.format;

import java.util.LinkedHashMap;
import java.util.Map;

/** A changed copy of a {@link TypedMap}: mutable during a stage, with the schema of the map it came from. */
public final class HintedMap extends LinkedHashMap<String, Object> implements TypedMap {

    private final Object schemaHint;

    public HintedMap(Map<String, Object> source, Object schemaHint) {
        super(source);
        this.schemaHint = schemaHint;
    }

    @Override
    public Object schemaHint() {
        return schemaHint;
    }
}
