package io.hyphae.spec.field;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyphae.route.loader.YamlNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The fields of one mapping of a route file (a section, a table, a stage type's body), with the rules between them.
 * It reads the mapping — unknown fields with did-you-mean hints, missing required fields, each value by its shape —
 * and writes the mapping's JSON Schema; {@code ReferenceDocs} writes its table. Immutable; build it with {@link #of}.
 */
public final class Fields implements Shape<Values> {

    private final String description;
    private final List<Field<?>> fields;
    private final List<Rule> rules;

    private Fields(String description, List<Field<?>> fields, List<Rule> rules) {
        this.description = description;
        this.fields = List.copyOf(fields);
        this.rules = List.copyOf(rules);
        Map<String, Field<?>> byName = new LinkedHashMap<>();
        for (Field<?> f : fields) {
            if (byName.put(f.name(), f) != null) {
                throw new IllegalArgumentException("field '" + f.name() + "' is declared twice");
            }
        }
    }

    public static Fields of(String description, Field<?>... fields) {
        return new Fields(description, List.of(fields), List.of());
    }

    /** Exactly one of the two fields must be written; the problem is {@code message} + ", not both" (or "neither"). */
    public Fields exactlyOne(Field<?> a, Field<?> b, String message) {
        return with(new Rule(Rule.Kind.EXACTLY_ONE, a.name(), b.name(), message));
    }

    /** {@code field} may only be written together with {@code other}. */
    public Fields onlyWith(Field<?> field, Field<?> other, String message) {
        return with(new Rule(Rule.Kind.ONLY_WITH, field.name(), other.name(), message));
    }

    /** At least one of the fields must be written. */
    public Fields atLeastOne(String message) {
        return with(new Rule(Rule.Kind.AT_LEAST_ONE, "", "", message));
    }

    private Fields with(Rule rule) {
        List<Rule> more = new ArrayList<>(rules);
        more.add(rule);
        return new Fields(description, fields, more);
    }

    public String description() {
        return description;
    }

    public List<Field<?>> fields() {
        return fields;
    }

    public List<String> names() {
        return fields.stream().map(Field::name).toList();
    }

    /** Reads the mapping; empty only when the node is not a mapping at all (reported). */
    @Override
    public Optional<Values> read(YamlNode node) {
        return node.mapping(names()).map(mapping -> {
            Map<String, Object> values = new LinkedHashMap<>();
            Map<String, YamlNode> nodes = new LinkedHashMap<>();
            boolean complete = true;
            for (Field<?> field : fields) {
                Optional<YamlNode> value = field.isRequired() ? mapping.require(field.name()) : mapping.get(field.name());
                if (value.isEmpty()) {
                    complete &= !field.isRequired();
                    continue;
                }
                nodes.put(field.name(), value.get());
                Optional<?> read = field.shape().read(value.get());
                if (read.isPresent()) {
                    values.put(field.name(), read.get());
                } else {
                    complete = false;
                }
            }
            for (Rule rule : rules) {
                if (!rule.holds(nodes.keySet())) {
                    rule.node(node, nodes).problem(rule.explain(nodes.keySet()));
                    complete = false;
                }
            }
            return new Values(node, values, nodes, complete);
        });
    }

    @Override
    public ObjectNode schema(SchemaWriter writer) {
        ObjectNode schema = writer.object();
        schema.put("type", "object");
        if (description != null && !description.isEmpty()) {
            schema.put("description", description);
        }
        schema.put("additionalProperties", false);
        List<String> required = fields.stream().filter(Field::isRequired).map(Field::name).toList();
        if (!required.isEmpty()) {
            required.forEach(schema.putArray("required")::add);
        }
        ObjectNode properties = schema.putObject("properties");
        for (Field<?> field : fields) {
            ObjectNode property = field.shape().schema(writer);
            property.put("description", field.description());
            field.defaultValue().ifPresent(d -> {
                if (d instanceof Integer i) {
                    property.put("default", i);
                } else if (d instanceof Double n) {
                    property.put("default", n);
                } else if (d instanceof Boolean b) {
                    property.put("default", b);
                } else {
                    property.put("default", field.defaultShown().orElseThrow());
                }
            });
            field.example().ifPresent(e -> property.putArray("examples").add(e));
            properties.set(field.name(), property);
        }
        ArrayNode oneOf = null;
        for (Rule rule : rules) {
            switch (rule.kind()) {
                case EXACTLY_ONE -> {
                    if (oneOf != null) {
                        throw new IllegalStateException("one exactlyOne rule per mapping");
                    }
                    oneOf = schema.putArray("oneOf");
                    oneOf.addObject().putArray("required").add(rule.a());
                    oneOf.addObject().putArray("required").add(rule.b());
                }
                case ONLY_WITH -> {
                    ObjectNode dependent = schema.has("dependentRequired")
                            ? (ObjectNode) schema.get("dependentRequired") : schema.putObject("dependentRequired");
                    dependent.putArray(rule.a()).add(rule.b());
                }
                case AT_LEAST_ONE -> schema.put("minProperties", 1);
            }
        }
        return schema;
    }

    @Override
    public String typeName() {
        return "mapping";
    }

    @Override
    public Optional<Nested> nested() {
        return Optional.of(new Nested("", this));
    }

    /** A rule between fields of one mapping. */
    private record Rule(Kind kind, String a, String b, String message) {

        enum Kind { EXACTLY_ONE, ONLY_WITH, AT_LEAST_ONE }

        boolean holds(Set<String> written) {
            return switch (kind) {
                case EXACTLY_ONE -> written.contains(a) != written.contains(b);
                case ONLY_WITH -> !written.contains(a) || written.contains(b);
                case AT_LEAST_ONE -> !written.isEmpty();
            };
        }

        String explain(Set<String> written) {
            return kind == Kind.EXACTLY_ONE ? message + ", not " + (written.contains(a) ? "both" : "neither") : message;
        }

        /** Where the problem is reported: on the field that may not be there, else on the mapping. */
        YamlNode node(YamlNode owner, Map<String, YamlNode> nodes) {
            return kind == Kind.ONLY_WITH ? nodes.get(a) : owner;
        }
    }
}
