package io.hyphae.route.loader;

import io.hyphae.route.Expression;
import io.hyphae.route.Location;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.math.BigInteger;
import java.time.Duration;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A YAML node with its position and its field path, whose accessors report what is wrong
 * (with file, line, column and path) instead of throwing, so one pass finds every problem.
 */
public final class YamlNode {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h|d)");

    private final Node node;
    private final String path;
    private final LoadContext context;

    YamlNode(Node node, String path, LoadContext context) {
        this.node = node;
        this.path = path;
        this.context = context;
    }

    public String path() {
        return path;
    }

    public Location location() {
        return new Location(context.file(), node.getStartMark().getLine() + 1, node.getStartMark().getColumn() + 1);
    }

    public void problem(String message) {
        context.problems().add(location(), path, message);
    }

    public boolean isNull() {
        return node instanceof ScalarNode && node.getTag().equals(Tag.NULL);
    }

    public boolean isMapping() {
        return node instanceof MappingNode;
    }

    public boolean isSequence() {
        return node instanceof SequenceNode;
    }

    public boolean isScalar() {
        return node instanceof ScalarNode && !isNull();
    }

    /** The entries of a mapping whose keys must all be among {@code allowed}; reports unknown and duplicate keys. */
    public Optional<Mapping> mapping(Collection<String> allowed) {
        if (!(node instanceof MappingNode mapping)) {
            problem("expected a mapping with fields " + quoteAll(allowed) + " but found " + describe());
            return Optional.empty();
        }
        Map<String, YamlNode> entries = new LinkedHashMap<>();
        Map<String, YamlNode> keys = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            Optional<String> key = keyOf(tuple);
            if (key.isEmpty()) {
                continue;
            }
            String name = key.get();
            YamlNode value = new YamlNode(tuple.getValueNode(), childPath(name), context);
            if (allowed != null && !allowed.contains(name)) {
                new YamlNode(tuple.getKeyNode(), childPath(name), context)
                        .problem("unknown field '" + name + "'" + Suggestions.didYouMean(name, allowed) + "; expected one of " + quoteAll(allowed));
                continue;
            }
            if (entries.containsKey(name)) {
                new YamlNode(tuple.getKeyNode(), childPath(name), context).problem("duplicate field '" + name + "'");
                continue;
            }
            entries.put(name, value);
            keys.put(name, new YamlNode(tuple.getKeyNode(), childPath(name), context));
        }
        return Optional.of(new Mapping(this, entries, keys));
    }

    /** A mapping of user-chosen names (routes, tables) to values. */
    public Optional<Mapping> namedEntries() {
        return mapping(null);
    }

    public Optional<List<YamlNode>> sequence() {
        if (!(node instanceof SequenceNode seq)) {
            problem("expected a list but found " + describe());
            return Optional.empty();
        }
        List<YamlNode> items = new ArrayList<>();
        for (int i = 0; i < seq.getValue().size(); i++) {
            items.add(new YamlNode(seq.getValue().get(i), path + "[" + i + "]", context));
        }
        return Optional.of(items);
    }

    /** A scalar as text, with {@code ${ENV:default}} references substituted. */
    public Optional<String> string() {
        if (!isScalar()) {
            problem("expected a text value but found " + describe());
            return Optional.empty();
        }
        EnvSubstitution.Result result = context.env().apply(((ScalarNode) node).getValue());
        if (result.error().isPresent()) {
            problem(result.error().get());
            return Optional.empty();
        }
        return Optional.of(result.value());
    }

    public Optional<String> nonEmptyString() {
        return string().flatMap(s -> {
            if (s.isBlank()) {
                problem("must not be empty");
                return Optional.empty();
            }
            return Optional.of(s);
        });
    }

    public Optional<Expression> expression() {
        return nonEmptyString().map(text -> new Expression(text, expressionLocation(), path));
    }

    /** Where an expression's first character is: after the opening quote of a quoted scalar. */
    private Location expressionLocation() {
        Location start = location();
        ScalarNode scalar = (ScalarNode) node;
        boolean quoted = scalar.getScalarStyle() == org.yaml.snakeyaml.DumperOptions.ScalarStyle.SINGLE_QUOTED
                || scalar.getScalarStyle() == org.yaml.snakeyaml.DumperOptions.ScalarStyle.DOUBLE_QUOTED;
        return quoted ? new Location(start.file(), start.line(), start.column() + 1) : start;
    }

    public Optional<Integer> integer(int min, int max) {
        return string().flatMap(text -> {
            try {
                int value = Integer.parseInt(text.trim());
                if (value < min || value > max) {
                    problem("must be between " + min + " and " + max + " but is " + value);
                    return Optional.empty();
                }
                return Optional.of(value);
            } catch (NumberFormatException e) {
                problem("expected a whole number but found '" + text + "'");
                return Optional.empty();
            }
        });
    }

    /** A number with a fraction allowed, within bounds. */
    public Optional<Double> decimal(double min, double max) {
        return string().flatMap(text -> {
            try {
                double value = Double.parseDouble(text.trim());
                if (!(value >= min && value <= max)) {
                    problem("must be between " + min + " and " + max + " but is " + text.trim());
                    return Optional.empty();
                }
                return Optional.of(value);
            } catch (NumberFormatException e) {
                problem("expected a number but found '" + text + "'");
                return Optional.empty();
            }
        });
    }

    /**
     * A duration written as a whole number and a unit: {@code ms}, {@code s}, {@code m}, {@code h} or {@code d}
     * (e.g. {@code 500ms}, {@code 10s}, {@code 24h}), within bounds.
     */
    public Optional<Duration> duration(Duration min, Duration max) {
        return string().flatMap(text -> {
            Matcher m = DURATION.matcher(text.trim());
            if (!m.matches()) {
                problem("expected a duration such as 500ms, 10s, 5m, 2h or 1d but found '" + text + "'");
                return Optional.empty();
            }
            long amount = Long.parseLong(m.group(1));
            Duration value = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                problem("must be between " + Durations.format(min) + " and " + Durations.format(max) + " but is " + text.trim());
                return Optional.empty();
            }
            return Optional.of(value);
        });
    }

    /** A single string or a list of strings. */
    public List<String> strings() {
        if (isSequence()) {
            List<String> out = new ArrayList<>();
            sequence().ifPresent(items -> items.forEach(i -> i.nonEmptyString().ifPresent(out::add)));
            return out;
        }
        return nonEmptyString().map(List::of).orElse(List.of());
    }

    public Optional<Boolean> bool() {
        return string().flatMap(text -> switch (text.trim()) {
            case "true" -> Optional.of(Boolean.TRUE);
            case "false" -> Optional.of(Boolean.FALSE);
            default -> {
                problem("expected true or false but found '" + text + "'");
                yield Optional.empty();
            }
        });
    }

    public <E extends Enum<E>> Optional<E> enumValue(Class<E> type) {
        String expected = Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT).replace('_', '-'))
                .collect(Collectors.joining(", "));
        return string().flatMap(text -> {
            for (E constant : type.getEnumConstants()) {
                if (constant.name().toLowerCase(Locale.ROOT).replace('_', '-').equals(text.trim())) {
                    return Optional.of(constant);
                }
            }
            problem("'" + text + "' is not one of " + expected);
            return Optional.empty();
        });
    }

    /** A flat mapping of names to text values (client properties, topic configs). */
    public Map<String, String> stringMap() {
        Map<String, String> out = new LinkedHashMap<>();
        namedEntries().ifPresent(m -> m.entries().forEach((k, v) -> v.string().ifPresent(s -> out.put(k, s))));
        return out;
    }

    /**
     * The node as plain data, as a JSON parser would give it: mappings as {@code LinkedHashMap}s, lists, text,
     * {@code Long} or {@code BigInteger} whole numbers, {@code Double}s, booleans and null. No {@code ${ENV}}
     * substitution: the data is taken as written.
     */
    public Object plain() {
        if (node instanceof MappingNode mapping) {
            Map<String, Object> out = new LinkedHashMap<>();
            Map<String, Object> merged = new LinkedHashMap<>();
            for (NodeTuple tuple : mapping.getValue()) {
                if (tuple.getKeyNode().getTag().equals(Tag.MERGE)) {
                    // << : *anchor (or a list of them): the anchors' fields, under the mapping's own
                    Node value = tuple.getValueNode();
                    List<Node> sources = value instanceof SequenceNode seq ? seq.getValue() : List.of(value);
                    for (Node source : sources) {
                        if (new YamlNode(source, path, context).plain() instanceof Map<?, ?> fields) {
                            fields.forEach((k, v) -> merged.putIfAbsent((String) k, v));
                        }
                    }
                    continue;
                }
                keyOf(tuple).ifPresent(k -> out.put(k, new YamlNode(tuple.getValueNode(), childPath(k), context).plain()));
            }
            if (merged.isEmpty()) {
                return out;
            }
            merged.keySet().removeAll(out.keySet());
            merged.putAll(out);
            return merged;
        }
        if (node instanceof SequenceNode seq) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < seq.getValue().size(); i++) {
                out.add(new YamlNode(seq.getValue().get(i), path + "[" + i + "]", context).plain());
            }
            return out;
        }
        if (isNull()) {
            return null;
        }
        ScalarNode scalar = (ScalarNode) node;
        String text = scalar.getValue();
        Tag tag = scalar.getTag();
        try {
            if (tag.equals(Tag.INT)) {
                String digits = text.replace("_", "");
                BigInteger big = new BigInteger(digits);
                return big.bitLength() < 64 ? (Object) big.longValue() : big;
            }
            if (tag.equals(Tag.FLOAT)) {
                return Double.parseDouble(text.replace("_", ""));
            }
        } catch (NumberFormatException e) {
            // a YAML number Java does not read (0x1F, .inf...): kept as text
            return text;
        }
        if (tag.equals(Tag.BOOL)) {
            return text.equalsIgnoreCase("true") || text.equalsIgnoreCase("yes") || text.equalsIgnoreCase("on");
        }
        return text;
    }

    String childPath(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private Optional<String> keyOf(NodeTuple tuple) {
        Node key = tuple.getKeyNode();
        if (!(key instanceof ScalarNode scalar) || key.getTag().equals(Tag.NULL)) {
            new YamlNode(key, path, context).problem("field names must be plain text");
            return Optional.empty();
        }
        return Optional.of(scalar.getValue());
    }

    private String describe() {
        if (isNull()) {
            return "nothing (null)";
        }
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        return "'" + ((ScalarNode) node).getValue() + "'";
    }

    private static String quoteAll(Collection<String> names) {
        return names == null ? "any name" : names.stream().map(n -> "'" + n + "'").collect(Collectors.joining(", "));
    }

    /** Entries of a mapping, keyed by field name, in file order. */
    public record Mapping(YamlNode owner, Map<String, YamlNode> entries, Map<String, YamlNode> keys) {

        /** The node of a field's name, for problems about the name itself. */
        public YamlNode key(String name) {
            return keys.get(name);
        }

        public Optional<YamlNode> get(String key) {
            return Optional.ofNullable(entries.get(key));
        }

        public Optional<YamlNode> require(String key) {
            YamlNode value = entries.get(key);
            if (value == null) {
                owner.context.problems().add(owner.location(), owner.childPath(key), "missing required field '" + key + "'");
            }
            return Optional.ofNullable(value);
        }

        public Optional<String> string(String key) {
            return get(key).flatMap(YamlNode::nonEmptyString);
        }

        public Optional<String> requireString(String key) {
            return require(key).flatMap(YamlNode::nonEmptyString);
        }

        public Optional<Expression> requireExpression(String key) {
            return require(key).flatMap(YamlNode::expression);
        }
    }
}
