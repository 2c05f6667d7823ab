package io.hyphae.format;

import java.util.List;

/**
 * A value list that remembers the schema of its items (an Avro array's element type, a union perhaps), so that a
 * stage that makes events of its items (split) writes them with it instead of one guessed from each item's value.
 * JSON lists carry none.
 */
public interface TypedList extends List<Object> {

    Object itemSchemaHint();
}
