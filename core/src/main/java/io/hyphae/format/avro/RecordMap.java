package io.hyphae.format.avro;

import com.google.common.collect.ForwardingMap;
import com.google.common.collect.ImmutableMap;
import io.hyphae.format.TypedMap;
import org.apache.avro.Schema;

import java.util.Map;

/** An Avro record as CEL sees it: an immutable map of its fields that remembers its schema. */
public final class RecordMap extends ForwardingMap<String, Object> implements TypedMap {

    private final Schema schema;
    private final ImmutableMap<String, Object> fields;

    RecordMap(Schema schema, ImmutableMap<String, Object> fields) {
        this.schema = schema;
        this.fields = fields;
    }

    @Override
    protected Map<String, Object> delegate() {
        return fields;
    }

    public Schema schema() {
        return schema;
    }

    @Override
    public Object schemaHint() {
        return schema;
    }
}
