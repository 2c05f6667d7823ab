package io.hyphae.spec.field;

import io.hyphae.route.Location;
import io.hyphae.route.loader.YamlNode;

import java.util.Map;
import java.util.Optional;

/** What {@link Fields#read} found in one mapping: the values that read well, and the nodes they were read from. */
public final class Values {

    private final YamlNode owner;
    private final Map<String, Object> values;
    private final Map<String, YamlNode> nodes;
    private final boolean complete;

    Values(YamlNode owner, Map<String, Object> values, Map<String, YamlNode> nodes, boolean complete) {
        this.owner = owner;
        this.values = values;
        this.nodes = nodes;
        this.complete = complete;
    }

    /** The value written for the field, if it is there and read well. */
    @SuppressWarnings("unchecked")
    public <T> Optional<T> get(Field<T> field) {
        return Optional.ofNullable((T) values.get(field.name()));
    }

    /** The value written for the field, else its default; null for an absent field without a default. */
    public <T> T value(Field<T> field) {
        return get(field).or(field::defaultValue).orElse(null);
    }

    /** Whether the field is written (whether or not its value read well). */
    public boolean has(Field<?> field) {
        return nodes.containsKey(field.name());
    }

    /** The node the field was read from. */
    public Optional<YamlNode> node(Field<?> field) {
        return Optional.ofNullable(nodes.get(field.name()));
    }

    /** Where the field is written, else where the mapping is. */
    public Location location(Field<?> field) {
        return node(field).orElse(owner).location();
    }

    /** The mapping itself. */
    public YamlNode owner() {
        return owner;
    }

    /** True when every required field is there and every field written read well. */
    public boolean complete() {
        return complete;
    }
}
