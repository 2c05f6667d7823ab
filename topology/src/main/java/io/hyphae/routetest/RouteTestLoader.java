package io.hyphae.routetest;

import io.hyphae.plan.CheckedFile;
import io.hyphae.plan.StageInfo;
import io.hyphae.plan.TopicNames;
import io.hyphae.plan.TopicSpec;
import io.hyphae.route.Location;
import io.hyphae.route.Problem;
import io.hyphae.route.RouteDefinition;
import io.hyphae.route.RouteFileException;
import io.hyphae.route.loader.Problems;
import io.hyphae.route.loader.RouteFileLoader;
import io.hyphae.route.loader.Suggestions;
import io.hyphae.route.loader.YamlDocument;
import io.hyphae.route.loader.YamlNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads a route test file ({@code *.test.yaml}) with the route file's YAML walker: every problem with its
 * {@code file:line:column: field.path: message}, names checked against the route file (with did-you-mean).
 */
public final class RouteTestLoader {

    public static final List<String> TOP_FIELDS = List.of("routeFile", "suite", "tables", "tests");
    public static final List<String> TEST_FIELDS = List.of("description", "tables", "given", "expect", "none");
    public static final List<String> ROW_FIELDS = List.of("key", "value");
    public static final List<String> INPUT_FIELDS = List.of("topic", "route", "key", "value", "raw", "headers", "timestamp");
    public static final List<String> ADVANCE_FIELDS = List.of("advance", "advanceWallClock");
    public static final List<String> EXPECTATION_FIELDS = List.of("count", "records");
    public static final List<String> MATCHER_FIELDS = List.of("key", "value", "contains", "headers", "reason", "timestamp");
    /** The suffix of a test file beside its route file: {@code insurance.yaml} → {@code insurance.test.yaml}. */
    public static final String SUFFIX = ".test.yaml";

    private static final Duration MAX_ADVANCE = Duration.ofDays(3650);

    private final Function<String, String> environment;

    public RouteTestLoader(Function<String, String> environment) {
        this.environment = environment;
    }

    /** The test file of a route file, or the file itself if it is a test file. */
    public static Path testFileOf(Path file) {
        String name = file.getFileName().toString();
        if (name.endsWith(SUFFIX)) {
            return file;
        }
        String base = name.endsWith(".yaml") ? name.substring(0, name.length() - 5) : name.endsWith(".yml") ? name.substring(0, name.length() - 4) : name;
        return file.resolveSibling(base + SUFFIX);
    }

    public RouteTestSuite load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new RouteFileException(List.of(new Problem(new Location(file.toString(), 0, 0), "", "no such file")));
        } catch (IOException e) {
            throw new RouteFileException(List.of(new Problem(new Location(file.toString(), 0, 0), "", "cannot read: " + e.getMessage())));
        }
        return load(file, text);
    }

    public RouteTestSuite load(Path file, String text) {
        Problems problems = new Problems();
        Optional<YamlNode> root = YamlDocument.parse(file.toString(), text, environment, problems, "the file is empty; expected 'tests'");
        Optional<YamlNode.Mapping> top = root.flatMap(r -> r.mapping(TOP_FIELDS));
        if (top.isEmpty()) {
            problems.throwIfAny();
            throw new IllegalStateException("no problem reported");
        }
        YamlNode.Mapping m = top.get();
        String fileName = file.getFileName().toString();
        String defaultRoutes = fileName.endsWith(SUFFIX) ? fileName.substring(0, fileName.length() - SUFFIX.length()) + ".yaml" : null;
        Optional<String> routeFileName = m.string("routeFile").or(() -> Optional.ofNullable(defaultRoutes));
        if (routeFileName.isEmpty()) {
            m.require("routeFile");
            problems.throwIfAny();
        }
        Path parent = file.toAbsolutePath().getParent();
        Path routeFile = parent.resolve(routeFileName.get()).normalize();
        if (!Files.isRegularFile(routeFile)) {
            YamlNode where = m.get("routeFile").orElse(m.owner());
            where.problem("no route file " + routeFile + (m.get("routeFile").isEmpty() ? " beside the test file; name it with 'routeFile'" : ""));
            problems.throwIfAny();
        }
        // A route file with problems reports them with its own positions.
        CheckedFile routes = new RouteFileLoader(environment).loadChecked(routeFile);
        Resolver resolver = new Resolver(routes);
        String suite = m.string("suite").orElse(fileName.endsWith(SUFFIX) ? fileName.substring(0, fileName.length() - SUFFIX.length()) : fileName);
        Map<String, List<RouteTestSuite.Row>> tables = m.get("tables").map(t -> tables(t, resolver)).orElse(Map.of());
        List<RouteTestSuite.TestCase> tests = new ArrayList<>();
        m.require("tests").flatMap(YamlNode::namedEntries).ifPresent(t -> {
            if (t.entries().isEmpty()) {
                t.owner().problem("expected at least one test");
            }
            t.entries().forEach((name, node) -> test(name, node, resolver).ifPresent(tests::add));
        });
        problems.throwIfAny();
        return new RouteTestSuite(suite, file, routes, tables, tests);
    }

    private Optional<RouteTestSuite.TestCase> test(String name, YamlNode node, Resolver resolver) {
        Optional<YamlNode.Mapping> mapping = node.mapping(TEST_FIELDS);
        if (mapping.isEmpty()) {
            return Optional.empty();
        }
        YamlNode.Mapping m = mapping.get();
        m.get("description").ifPresent(YamlNode::string);
        Map<String, List<RouteTestSuite.Row>> tables = m.get("tables").map(t -> tables(t, resolver)).orElse(Map.of());
        List<RouteTestSuite.Step> given = new ArrayList<>();
        m.require("given").flatMap(YamlNode::sequence).ifPresent(items -> items.forEach(i -> step(i, resolver).ifPresent(given::add)));
        List<RouteTestSuite.Expectation> expect = new ArrayList<>();
        Set<String> expected = new LinkedHashSet<>();
        m.get("expect").flatMap(YamlNode::namedEntries).ifPresent(e -> e.entries().forEach((label, value) ->
                resolver.output(e.key(label), label).ifPresent(target -> {
                    expected.add(target.topic());
                    expectation(target, value).ifPresent(expect::add);
                })));
        List<RouteTestSuite.Target> none = new ArrayList<>();
        m.get("none").flatMap(YamlNode::sequence).ifPresent(items -> items.forEach(i -> i.nonEmptyString()
                .flatMap(label -> resolver.output(i, label)).ifPresent(target -> {
                    if (expected.contains(target.topic())) {
                        i.problem("'" + target.label() + "' is also under 'expect'");
                    } else {
                        none.add(target);
                    }
                })));
        if (m.get("expect").isEmpty() && m.get("none").isEmpty()) {
            node.problem("a test needs 'expect' or 'none'");
        }
        return Optional.of(new RouteTestSuite.TestCase(name, node.location(), tables, given, expect, none));
    }

    private Map<String, List<RouteTestSuite.Row>> tables(YamlNode node, Resolver resolver) {
        Map<String, List<RouteTestSuite.Row>> out = new LinkedHashMap<>();
        node.namedEntries().ifPresent(t -> t.entries().forEach((table, rows) -> {
            if (resolver.routes.file().table(table).isEmpty()) {
                t.key(table).problem("no table '" + table + "' in the route file"
                        + Suggestions.didYouMean(table, resolver.routes.file().tables().keySet()));
                return;
            }
            List<RouteTestSuite.Row> list = new ArrayList<>();
            rows.sequence().ifPresent(items -> items.forEach(item -> item.mapping(ROW_FIELDS).ifPresent(r -> {
                Optional<YamlNode> key = r.require("key");
                Optional<YamlNode> value = r.require("value");
                if (key.isPresent() && value.isPresent()) {
                    if (key.get().isNull()) {
                        key.get().problem("a table row needs a key");
                    } else {
                        list.add(new RouteTestSuite.Row(item.location(), key.get().plain(), value.get().plain()));
                    }
                }
            })));
            out.put(table, list);
        }));
        return out;
    }

    private Optional<RouteTestSuite.Step> step(YamlNode item, Resolver resolver) {
        if (item.isMapping() && item.namedEntries().map(e -> e.entries().keySet().stream().anyMatch(ADVANCE_FIELDS::contains)).orElse(false)) {
            return item.mapping(ADVANCE_FIELDS).map(a -> {
                Duration stream = a.get("advance").flatMap(d -> d.duration(Duration.ZERO, MAX_ADVANCE)).orElse(Duration.ZERO);
                Duration wall = a.get("advanceWallClock").flatMap(d -> d.duration(Duration.ZERO, MAX_ADVANCE)).orElse(Duration.ZERO);
                // advance moves both clocks; advanceWallClock only the wall clock
                return new RouteTestSuite.Advance(item.location(), stream, a.get("advance").isPresent() ? stream.plus(wall) : wall);
            });
        }
        Optional<YamlNode.Mapping> mapping = item.mapping(INPUT_FIELDS);
        if (mapping.isEmpty()) {
            return Optional.empty();
        }
        YamlNode.Mapping m = mapping.get();
        Optional<String> topic;
        if (m.get("topic").isPresent() == m.get("route").isPresent()) {
            item.problem("a given record needs 'topic' or 'route' (one of them), or is an 'advance' step");
            topic = Optional.empty();
        } else if (m.get("route").isPresent()) {
            YamlNode r = m.get("route").get();
            topic = r.nonEmptyString().flatMap(name -> {
                Optional<RouteDefinition> route = resolver.routes.file().route(name);
                if (route.isEmpty()) {
                    r.problem("no route '" + name + "' in the route file"
                            + Suggestions.didYouMean(name, resolver.routes.file().routes().keySet()));
                }
                return route.map(RouteDefinition::from);
            });
        } else {
            YamlNode t = m.get("topic").get();
            topic = t.nonEmptyString().flatMap(name -> resolver.input(t, name));
        }
        if (m.get("value").isPresent() && m.get("raw").isPresent()) {
            m.key("raw").problem("give 'value' or 'raw', not both");
        }
        if (m.get("value").isEmpty() && m.get("raw").isEmpty()) {
            item.problem("missing required field 'value' (or 'raw' for bytes sent as they are)");
        }
        Object key = m.get("key").map(YamlNode::plain).orElse(null);
        Object value = m.get("value").map(YamlNode::plain).orElse(null);
        Optional<String> raw = m.get("raw").flatMap(YamlNode::string);
        Map<String, String> headers = m.get("headers").map(YamlNode::stringMap).orElse(Map.of());
        Optional<Instant> timestamp = m.get("timestamp").flatMap(RouteTestLoader::timestamp);
        return topic.map(t -> new RouteTestSuite.Input(item.location(), t, key, value, raw, headers, timestamp));
    }

    private static Optional<Instant> timestamp(YamlNode node) {
        return node.string().flatMap(text -> {
            String t = text.trim();
            try {
                if (t.matches("-?\\d{1,15}")) {
                    return Optional.of(Instant.ofEpochMilli(Long.parseLong(t)));
                }
                return Optional.of(Instant.parse(t));
            } catch (DateTimeParseException | NumberFormatException e) {
                node.problem("expected an instant such as 2026-11-02T08:15:00Z or milliseconds since the epoch but found '" + text + "'");
                return Optional.empty();
            }
        });
    }

    private Optional<RouteTestSuite.Expectation> expectation(RouteTestSuite.Target target, YamlNode node) {
        if (node.isSequence()) {
            List<RouteTestSuite.RecordMatcher> records = new ArrayList<>();
            node.sequence().ifPresent(items -> items.forEach(i -> matcher(i).ifPresent(records::add)));
            return Optional.of(new RouteTestSuite.Expectation(target, OptionalInt.empty(), records));
        }
        return node.mapping(EXPECTATION_FIELDS).map(m -> {
            OptionalInt count = m.get("count").flatMap(c -> c.integer(0, 1_000_000)).map(OptionalInt::of).orElse(OptionalInt.empty());
            List<RouteTestSuite.RecordMatcher> records = new ArrayList<>();
            m.get("records").flatMap(YamlNode::sequence).ifPresent(items -> items.forEach(i -> matcher(i).ifPresent(records::add)));
            if (m.get("count").isEmpty() && m.get("records").isEmpty()) {
                node.problem("expected 'count' or 'records' (or a list of records)");
            }
            if (count.isPresent() && m.get("records").isPresent() && count.getAsInt() < records.size()) {
                m.get("count").get().problem("count " + count.getAsInt() + " is less than the " + records.size() + " records listed");
            }
            return new RouteTestSuite.Expectation(target, count, records);
        });
    }

    private Optional<RouteTestSuite.RecordMatcher> matcher(YamlNode node) {
        return node.mapping(MATCHER_FIELDS).map(m -> {
            if (m.entries().isEmpty()) {
                node.problem("expected at least one of " + String.join(", ", MATCHER_FIELDS.stream().map(f -> "'" + f + "'").toList()));
            }
            if (m.get("value").isPresent() && m.get("contains").isPresent()) {
                m.key("contains").problem("give 'value' (the whole value) or 'contains' (a part of it), not both");
            }
            m.get("contains").filter(c -> !c.isMapping()).ifPresent(c -> c.problem("expected a mapping of the fields the value must contain"));
            Optional<YamlNode> key = m.get("key");
            Optional<YamlNode> value = m.get("value");
            return new RouteTestSuite.RecordMatcher(node.location(),
                    key.filter(k -> !k.isNull()).map(YamlNode::plain), key.map(YamlNode::isNull).orElse(false),
                    value.filter(v -> !v.isNull()).map(YamlNode::plain), value.map(YamlNode::isNull).orElse(false),
                    m.get("contains").filter(YamlNode::isMapping).map(YamlNode::plain),
                    m.get("headers").map(YamlNode::stringMap).orElse(Map.of()),
                    m.get("reason").flatMap(YamlNode::nonEmptyString),
                    m.get("timestamp").flatMap(RouteTestLoader::timestamp));
        });
    }

    /** The topics a test may name: what the application reads (given) and writes (expect, none). */
    private static final class Resolver {
        final CheckedFile routes;
        final Map<String, String> outputs = new LinkedHashMap<>();
        final Set<String> inputs = new LinkedHashSet<>();

        Resolver(CheckedFile routes) {
            this.routes = routes;
            String app = routes.file().application();
            for (StageInfo s : routes.stageInfos()) {
                outputs.put(s.route() + "." + s.stage(), s.topic());
            }
            for (StageInfo s : routes.stageInfos()) {
                s.destinations().forEach(d -> outputs.putIfAbsent(d, d));
            }
            for (String route : routes.file().routes().keySet()) {
                outputs.put(route + ".dlq", TopicNames.deadLetter(app, route));
            }
            for (TopicSpec t : routes.topics()) {
                switch (t.role()) {
                    case STAGE, DEAD_LETTER, DESTINATION -> outputs.putIfAbsent(t.name(), t.name());
                    case INPUT, TABLE -> inputs.add(t.name());
                    default -> { }
                }
            }
            // A destination that another route reads is both.
            routes.file().routes().values().forEach(r -> inputs.add(r.from()));
        }

        Optional<RouteTestSuite.Target> output(YamlNode where, String label) {
            String topic = outputs.get(label);
            if (topic == null) {
                where.problem("'" + label + "' is no stage ('<route>.<stage>'), dead-letter topic ('<route>.dlq') or topic the application writes"
                        + Suggestions.didYouMean(label, outputs.keySet()));
                return Optional.empty();
            }
            return Optional.of(new RouteTestSuite.Target(where.location(), label, topic));
        }

        Optional<String> input(YamlNode where, String topic) {
            if (!inputs.contains(topic)) {
                where.problem("the application reads no topic '" + topic + "'" + Suggestions.didYouMean(topic, inputs));
                return Optional.empty();
            }
            return Optional.of(topic);
        }
    }
}
