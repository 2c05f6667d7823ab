package io.hyphae.spec.field;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyphae.route.loader.YamlNode;

import java.util.Optional;
import java.util.function.Function;

/**
 * What one value of a route file must look like. The same shape reads the value (reporting what is wrong on the node,
 * with its position), describes itself in the JSON Schema of the file and names its type in the reference docs, so the
 * three cannot disagree. Make shapes with {@link Shapes}.
 */
public interface Shape<T> {

    /** Reads the value; reports problems on the node and returns empty when it is unusable. */
    Optional<T> read(YamlNode node);

    /** The JSON Schema of the value; named parts go to {@code $defs} through the writer. */
    ObjectNode schema(SchemaWriter writer);

    /** The type as the reference docs name it, e.g. {@code duration (1ms–10m)}. */
    String typeName();

    /** A value as a route file would write it, for defaults in the docs. */
    default String show(T value) {
        return String.valueOf(value);
    }

    /** The fields of a mapping this shape holds (itself, or its items or entries), for the docs' nested rows. */
    default Optional<Nested> nested() {
        return Optional.empty();
    }

    /** The same shape, its value converted once read. */
    default <R> Shape<R> map(Function<T, R> convert) {
        return Shapes.of(node -> read(node).map(convert), this::schema, typeName(), String::valueOf, nested());
    }

    /** The same shape, written once under {@code $defs/name} in the JSON Schema and referred to from every use. */
    default Shape<T> named(String name) {
        return Shapes.of(this::read, writer -> writer.ref(name, () -> schema(writer)), typeName(), this::show, nested());
    }

    /**
     * Fields held under a field: {@code suffix} is what the docs append to the field's path before the nested names
     * ({@code ""} for a mapping, {@code ".<name>"} for a mapping of named entries, {@code "[]"} for a list).
     */
    record Nested(String suffix, Fields fields) {
    }
}
