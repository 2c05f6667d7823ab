package io.hyphae.format.avro;

import com.google.common.collect.ForwardingList;
import com.google.common.collect.ImmutableList;
import io.hyphae.format.TypedList;
import org.apache.avro.Schema;

import java.util.List;

/** An Avro array as CEL sees it: an immutable list of its items that remembers their schema. */
public final class ArrayItems extends ForwardingList<Object> implements TypedList {

    private final Schema itemSchema;
    private final ImmutableList<Object> items;

    ArrayItems(Schema itemSchema, ImmutableList<Object> items) {
        this.itemSchema = itemSchema;
        this.items = items;
    }

    @Override
    protected List<Object> delegate() {
        return items;
    }

    public Schema itemSchema() {
        return itemSchema;
    }

    @Override
    public Object itemSchemaHint() {
        return itemSchema;
    }
}
