package io.hyphae.spec.field;

import java.util.Objects;
import java.util.Optional;

/**
 * One field of a mapping in a route file: its name, its {@link Shape}, whether it is required, its default and what it
 * means. A field is plain data; {@link Fields} reads a mapping with it and the schema and the docs are written from it.
 */
public final class Field<T> {

    private final String name;
    private final Shape<T> shape;
    private final boolean required;
    private final T defaultValue;
    private final String defaultText;
    private final String description;
    private final String example;

    private Field(String name, Shape<T> shape, boolean required, T defaultValue, String defaultText, String description,
                  String example) {
        this.name = Objects.requireNonNull(name);
        this.shape = Objects.requireNonNull(shape);
        this.required = required;
        this.defaultValue = defaultValue;
        this.defaultText = defaultText;
        this.description = Objects.requireNonNull(description);
        this.example = example;
    }

    public static <T> Field<T> required(String name, Shape<T> shape, String description) {
        return new Field<>(name, shape, true, null, null, description, null);
    }

    public static <T> Field<T> optional(String name, Shape<T> shape, String description) {
        return new Field<>(name, shape, false, null, null, description, null);
    }

    /** The value an absent field takes. */
    public Field<T> defaultValue(T value) {
        return new Field<>(name, shape, required, value, defaultText, description, example);
    }

    /** What the docs say an absent field means, when it is not a plain value (e.g. "the broker's num.partitions"). */
    public Field<T> defaultText(String text) {
        return new Field<>(name, shape, required, defaultValue, text, description, example);
    }

    /** A value as the route file writes it, for the docs and the schema's {@code examples}. */
    public Field<T> example(String yaml) {
        return new Field<>(name, shape, required, defaultValue, defaultText, description, yaml);
    }

    public String name() {
        return name;
    }

    public Shape<T> shape() {
        return shape;
    }

    public boolean isRequired() {
        return required;
    }

    public Optional<T> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    /** The default as the docs show it, if the field has one. */
    public Optional<String> defaultShown() {
        if (defaultText != null) {
            return Optional.of(defaultText);
        }
        return defaultValue().map(shape::show);
    }

    public String description() {
        return description;
    }

    public Optional<String> example() {
        return Optional.ofNullable(example);
    }
}
