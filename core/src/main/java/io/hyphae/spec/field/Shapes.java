package io.hyphae.spec.field;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyphae.cel.ResultKind;
import io.hyphae.route.Expression;
import io.hyphae.route.loader.Durations;
import io.hyphae.route.loader.YamlNode;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/** The shapes route-file values take. Every scalar may be written as {@code ${ENV}}, which the schema allows too. */
public final class Shapes {

    /** A JSON Schema pattern alternative that lets {@code ${ENV}} stand for any value. */
    private static final String ENV = ".*\\$\\{.*";

    private Shapes() {
    }

    /** Any text, the empty text included (e.g. {@code ${KAFKA_BOOTSTRAP:}} meaning "not configured"). */
    public static Shape<String> anyText(String typeName) {
        return scalar(YamlNode::string, w -> type(w, "string"), typeName);
    }

    /** Text that is not empty. */
    public static Shape<String> text() {
        return scalar(YamlNode::nonEmptyString, w -> {
            ObjectNode s = type(w, "string");
            s.put("minLength", 1);
            return s;
        }, "text");
    }

    /**
     * Text matching {@code pattern}; {@code what} completes "'x' is not ..." in the problem, {@code hint} says what
     * may be used.
     */
    public static Shape<String> matching(Pattern pattern, String typeName, String what, String hint) {
        return scalar(node -> node.nonEmptyString().flatMap(s -> {
            if (!pattern.matcher(s).matches() || s.equals(".") || s.equals("..")) {
                node.problem("'" + s + "' is not " + what + ": " + hint);
                return Optional.empty();
            }
            return Optional.of(s);
        }), w -> {
            ObjectNode s = type(w, "string");
            s.put("pattern", "^(" + pattern.pattern() + "|" + ENV + ")$");
            return s;
        }, typeName);
    }

    /** A CEL expression; {@code kind} is what it must produce. */
    public static Shape<Expression> expression(ResultKind kind) {
        Shape<Expression> shape = scalar(YamlNode::expression, w -> {
            ObjectNode s = type(w, "string");
            s.put("minLength", 1);
            s.put("description", kind == ResultKind.BOOL
                    ? "A CEL condition (true or false) over value, key, headers and the results of earlier enrich stages."
                    : "A CEL expression over value, key, headers and the results of earlier enrich stages.");
            return s;
        }, kind == ResultKind.BOOL ? "CEL condition" : "CEL expression");
        return shape.named(kind == ResultKind.BOOL ? "condition" : "expression");
    }

    public static Shape<Integer> integer(int min, int max) {
        return scalar(node -> node.integer(min, max), w -> {
            ObjectNode number = type(w, "integer");
            number.put("minimum", min);
            if (max != Integer.MAX_VALUE) {
                number.put("maximum", max);
            }
            return textOr(w, number, "\\s*[0-9]+\\s*");
        }, max == Integer.MAX_VALUE ? "integer ≥ " + min : "integer " + min + "–" + max);
    }

    public static Shape<Double> decimal(double min, double max) {
        return scalar(node -> node.decimal(min, max), w -> {
            ObjectNode number = type(w, "number");
            number.put("minimum", min);
            number.put("maximum", max);
            return textOr(w, number, "\\s*[0-9]+(\\.[0-9]+)?\\s*");
        }, "number " + trim(min) + "–" + trim(max));
    }

    public static Shape<Boolean> bool() {
        return scalar(YamlNode::bool, w -> textOr(w, type(w, "boolean"), "true|false"), "boolean");
    }

    /** A whole number and a unit (ms, s, m, h, d), within bounds. */
    public static Shape<Duration> duration(Duration min, Duration max) {
        return of(node -> node.duration(min, max), w -> w.ref("duration", () -> {
            ObjectNode s = type(w, "string");
            s.put("pattern", "^(\\s*[0-9]+(ms|s|m|h|d)\\s*|" + ENV + ")$");
            s.put("description", "A whole number and a unit: ms, s, m, h or d (e.g. 500ms, 10s).");
            return s;
        }), "duration " + Durations.format(min) + "–" + Durations.format(max), Durations::format, Optional.empty());
    }

    /** An ISO-8601 instant with its offset, e.g. {@code 2026-12-01T08:00:00Z}. */
    public static Shape<Instant> timestamp() {
        return scalar(node -> node.nonEmptyString().flatMap(text -> {
            try {
                return Optional.of(OffsetDateTime.parse(text.trim()).toInstant());
            } catch (DateTimeParseException e) {
                node.problem("expected an ISO-8601 timestamp with its offset (e.g. 2026-12-01T08:00:00Z) but found '" + text + "'");
                return Optional.empty();
            }
        }), w -> {
            ObjectNode s = type(w, "string");
            s.put("format", "date-time");
            return s;
        }, "ISO-8601 timestamp");
    }

    /** One of an enum's constants, written in lower case with {@code -} for {@code _}. */
    public static <E extends Enum<E>> Shape<E> oneOf(Class<E> type) {
        List<String> names = Arrays.stream(type.getEnumConstants()).map(Shapes::written).toList();
        return of(node -> node.enumValue(type), w -> enumSchema(w, names), String.join(" | ", names), Shapes::written, Optional.empty());
    }

    /** One of a few words, in any letter case; read in upper case (HTTP methods). */
    public static Shape<String> word(List<String> upperCase) {
        List<String> both = new ArrayList<>(upperCase);
        upperCase.forEach(w -> both.add(w.toLowerCase(Locale.ROOT)));
        return scalar(node -> node.nonEmptyString().flatMap(text -> {
            String upper = text.trim().toUpperCase(Locale.ROOT);
            if (!upperCase.contains(upper)) {
                node.problem("'" + text + "' is not one of " + upperCase);
                return Optional.empty();
            }
            return Optional.of(upper);
        }), w -> enumSchema(w, both), String.join(" | ", upperCase));
    }

    /** A list of items; {@code minItems} of them at least. Items that do not read are reported and left out. */
    public static <T> Shape<List<T>> listOf(Shape<T> item, int minItems, String tooFew) {
        return of(node -> node.sequence().flatMap(items -> {
            if (items.size() < minItems) {
                node.problem(tooFew);
                return Optional.empty();
            }
            List<T> out = new ArrayList<>();
            items.forEach(i -> item.read(i).ifPresent(out::add));
            return Optional.of(out);
        }), w -> {
            ObjectNode s = type(w, "array");
            if (minItems > 0) {
                s.put("minItems", minItems);
            }
            s.set("items", item.schema(w));
            return s;
        }, "list of " + item.typeName(), String::valueOf, item.nested().map(n -> new Shape.Nested("[]" + n.suffix(), n.fields())));
    }

    public static <T> Shape<List<T>> listOf(Shape<T> item) {
        return listOf(item, 0, "");
    }

    /** One item, or a list of them. */
    public static <T> Shape<List<T>> oneOrMore(Shape<T> item) {
        Shape<List<T>> list = listOf(item, 1, "the list is empty");
        return scalar(node -> node.isSequence() ? list.read(node) : item.read(node).map(List::of),
                w -> alternatives(w, "oneOf", item.schema(w), list.schema(w)), item.typeName() + ", or a list of them");
    }

    /**
     * A mapping of names the user chooses to values of one shape; {@code names}, if not null, constrains them in the
     * schema. Entries that do not read are reported and left out.
     */
    public static <T> Shape<Map<String, T>> mapOf(Shape<String> names, Shape<T> value, String typeName) {
        return of(node -> node.namedEntries().map(m -> {
            Map<String, T> out = new LinkedHashMap<>();
            m.entries().forEach((name, v) -> value.read(v).ifPresent(x -> out.put(name, x)));
            return out;
        }), w -> {
            ObjectNode s = type(w, "object");
            if (names != null) {
                s.set("propertyNames", names.schema(w));
            }
            s.set("additionalProperties", value.schema(w));
            return s;
        }, typeName, String::valueOf, value.nested().map(n -> new Shape.Nested(".<name>" + n.suffix(), n.fields())));
    }

    public static <T> Shape<Map<String, T>> mapOf(Shape<T> value, String typeName) {
        return mapOf(null, value, typeName);
    }

    /** Client properties and topic configs: names to text (numbers and booleans are written as text). */
    public static Shape<Map<String, String>> properties() {
        return scalar(node -> Optional.of(node.stringMap()), w -> w.ref("stringMap", () -> {
            ObjectNode s = type(w, "object");
            s.putObject("additionalProperties").putArray("type").add("string").add("number").add("boolean");
            return s;
        }), "mapping of names to values");
    }

    /** A scalar or a mapping, read by the shape that fits the node (a validate rule: a condition, or one with a message). */
    public static <T> Shape<T> scalarOrMapping(Shape<T> scalar, Shape<T> mapping) {
        return of(node -> node.isMapping() ? mapping.read(node) : scalar.read(node),
                w -> alternatives(w, "oneOf", scalar.schema(w), mapping.schema(w)), scalar.typeName() + ", or a mapping",
                String::valueOf, mapping.nested());
    }

    /** A shape read by hand, for the few values whose reading no general shape covers (stage entries). */
    public static <T> Shape<T> custom(Function<YamlNode, Optional<T>> read, Function<SchemaWriter, ObjectNode> schema, String typeName) {
        return scalar(read, schema, typeName);
    }

    /** The name by which the route file writes an enum constant. */
    public static String written(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static <T> Shape<T> scalar(Function<YamlNode, Optional<T>> read, Function<SchemaWriter, ObjectNode> schema, String typeName) {
        return of(read, schema, typeName, String::valueOf, Optional.empty());
    }

    /** A shape from its parts. */
    public static <T> Shape<T> of(Function<YamlNode, Optional<T>> read, Function<SchemaWriter, ObjectNode> schema, String typeName,
                                  Function<T, String> show, Optional<Shape.Nested> nested) {
        return new Simple<>(read, schema, typeName, show, nested);
    }

    /**
     * A section its reader reads itself (it needs more than the node, or reads entries one by one): the shape hands
     * over the node and states the schema and the fields of {@code shape}.
     */
    public static Shape<YamlNode> node(Shape<?> shape) {
        return of(Optional::of, shape::schema, shape.typeName(), String::valueOf, shape.nested());
    }

    private record Simple<T>(Function<YamlNode, Optional<T>> reader, Function<SchemaWriter, ObjectNode> schemaOf, String typeName,
                             Function<T, String> shower, Optional<Shape.Nested> nestedFields) implements Shape<T> {

        @Override
        public Optional<T> read(YamlNode node) {
            return reader.apply(node);
        }

        @Override
        public ObjectNode schema(SchemaWriter writer) {
            return schemaOf.apply(writer);
        }

        @Override
        public String show(T value) {
            return shower.apply(value);
        }

        @Override
        public Optional<Shape.Nested> nested() {
            return nestedFields;
        }
    }

    private static ObjectNode enumSchema(SchemaWriter writer, List<String> names) {
        ObjectNode s = writer.object();
        ArrayNode values = s.putArray("enum");
        names.forEach(values::add);
        return s;
    }

    private static ObjectNode alternatives(SchemaWriter writer, String keyword, ObjectNode... schemas) {
        ObjectNode s = writer.object();
        ArrayNode list = s.putArray(keyword);
        for (ObjectNode schema : schemas) {
            list.add(schema);
        }
        return s;
    }

    /** A typed value, or the same written as text (quoted, or from {@code ${ENV}}). */
    private static ObjectNode textOr(SchemaWriter writer, ObjectNode typed, String textPattern) {
        ObjectNode text = type(writer, "string");
        text.put("pattern", "^(" + textPattern + "|" + ENV + ")$");
        return alternatives(writer, "anyOf", typed, text);
    }

    private static ObjectNode type(SchemaWriter writer, String type) {
        ObjectNode s = writer.object();
        s.put("type", type);
        return s;
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
