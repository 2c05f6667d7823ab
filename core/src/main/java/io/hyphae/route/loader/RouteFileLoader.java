package io.hyphae.route.loader;

import io.hyphae.route.BridgeDefinition;
import io.hyphae.route.Format;
import io.hyphae.route.KafkaSettings;
import io.hyphae.route.KeyFormat;
import io.hyphae.route.Location;
import io.hyphae.route.PostgresSource;
import io.hyphae.route.Secret;
import io.hyphae.route.RouteDefinition;
import io.hyphae.route.RouteFile;
import io.hyphae.route.RouteFileException;
import io.hyphae.route.StageDefinition;
import io.hyphae.route.TableDefinition;
import io.hyphae.route.TopicSettings;
import io.hyphae.route.RegistrySettings;
import io.hyphae.route.SchemaSource;
import io.hyphae.route.Problem;
import io.hyphae.plan.CheckedFile;
import io.hyphae.plan.CheckedSubscriber;
import io.hyphae.plan.RouteChecker;
import io.hyphae.spec.BridgeSpec;
import io.hyphae.spec.StageSpec;
import io.hyphae.spec.StageSpecs;
import io.hyphae.spec.SubscriberSpec;
import io.hyphae.spec.RouteFileSpec;
import io.hyphae.spec.field.Values;
import io.hyphae.route.SubscriberDefinition;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads and validates a route file before anything starts. Every problem is collected with its
 * file:line:column and field path; {@link #load} throws a {@link RouteFileException} listing all of
 * them, or returns a file whose routes are known to compile. Not thread-safe: one load at a time per instance.
 */
public final class RouteFileLoader {

    private final Function<String, String> environment;
    /** Per route with a stage that did not parse: how many stages parsed before it. */
    private final Map<String, Integer> parsedUntil = new HashMap<>();
    private Path baseDir = Path.of("");

    public RouteFileLoader() {
        this(System::getenv);
    }

    public RouteFileLoader(Function<String, String> environment) {
        this.environment = environment;
    }

    public RouteFile load(Path path) {
        return load(path.toString(), read(path));
    }

    private static String read(Path path) {
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new RouteFileException(List.of(new Problem(new Location(path.toString(), 0, 0), "", "no such file")));
        } catch (IOException e) {
            throw new RouteFileException(List.of(new Problem(new Location(path.toString(), 0, 0), "", "cannot read: " + e.getMessage())));
        }
    }

    /** Parses and checks the structure, then runs the {@link RouteChecker} so that semantic problems are found too. */
    public RouteFile load(String fileName, String text) {
        return loadChecked(fileName, text).file();
    }

    /** {@link #load(Path)}, keeping what the checker found: the topic plan and the compiled expressions. */
    public CheckedFile loadChecked(Path path) {
        return loadChecked(path.toString(), read(path));
    }

    public CheckedFile loadChecked(String fileName, String text) {
        Problems problems = new Problems();
        RouteFile file = parse(fileName, text, problems);
        // The checker runs on whatever parsed, so one run reports structural and semantic problems alike.
        CheckedFile checked = file == null ? null : RouteChecker.check(file, Map.copyOf(parsedUntil), problems);
        problems.throwIfAny();
        return checked;
    }

    /**
     * A subscriber written as JSON (or YAML) on its own, e.g. sent to the HTTP API, read with the same spec and checked
     * against {@code file} as if the file declared it; problem paths are relative to the subscriber ({@code url},
     * {@code retry.maxAttempts}). {@code ${ENV}} references are not expanded: a subscriber from outside must not reach
     * the server's environment.
     */
    public CheckedSubscriber subscriber(RouteFile file, String source, String name, String text) {
        Problems problems = new Problems();
        if (!Names.NAME.matcher(name).matches()) {
            problems.add(new Location(source, 1, 1), "", "'" + name + "' is not a valid subscriber name: use letters, digits, '-' and '_'");
            problems.throwIfAny();
        }
        String prefix = "subscribers." + name;
        Optional<YamlNode> root = YamlDocument.parse(source, text, variable -> null, problems,
                "the subscriber is empty; expected at least 'stage' or 'topic', and 'url'", prefix);
        problems.throwIfAny();
        Optional<SubscriberDefinition> definition = SubscriberSpec.define(name, root.orElseThrow());
        throwRelative(problems, prefix);
        RouteFile alone = new RouteFile(file.source(), file.application(), file.kafka(), file.registry(), file.topics(), file.tables(),
                file.routes(), Map.of(name, definition.orElseThrow()), Map.of());
        Problems checks = new Problems();
        CheckedFile checked = RouteChecker.check(alone, Map.of(), checks);
        throwRelative(checks, prefix);
        return checked.subscribers().get(0);
    }

    /** Throws the subscriber's problems with paths relative to it ({@code url}, not {@code subscribers.x.url}), if any. */
    private static void throwRelative(Problems problems, String prefix) {
        List<Problem> own = problems.list().stream().filter(p -> p.path().equals(prefix) || p.path().startsWith(prefix + "."))
                .map(p -> new Problem(p.location(), p.path().equals(prefix) ? "" : p.path().substring(prefix.length() + 1), p.message()))
                .toList();
        if (!own.isEmpty()) {
            throw new RouteFileException(own);
        }
        problems.throwIfAny();
    }

    /** Structure only: YAML syntax, fields, types and names. */
    public RouteFile parse(String fileName, String text) {
        Problems problems = new Problems();
        RouteFile file = parse(fileName, text, problems);
        problems.throwIfAny();
        return file;
    }

    private RouteFile parse(String fileName, String text, Problems problems) {
        parsedUntil.clear();
        Path parent = Path.of(fileName).toAbsolutePath().getParent();
        baseDir = parent == null ? Path.of("").toAbsolutePath() : parent;
        return YamlDocument.parse(fileName, text, environment, problems, "the file is empty; expected 'application' and 'routes'")
                .map(root -> readFile(root, fileName, problems)).orElse(null);
    }

    private RouteFile readFile(YamlNode root, String fileName, Problems problems) {
        Optional<Values> top = RouteFileSpec.FILE.read(root);
        if (top.isEmpty()) {
            return null;
        }
        Values v = top.get();
        String application = v.get(RouteFileSpec.APPLICATION).orElse(null);
        KafkaSettings kafka = v.get(RouteFileSpec.KAFKA_SECTION).map(this::kafka).orElse(KafkaSettings.NONE);
        TopicSettings topics = v.get(RouteFileSpec.TOPICS_SECTION).map(this::topics).orElse(TopicSettings.BROKER_DEFAULTS);
        RegistrySettings registry = v.get(RouteFileSpec.REGISTRY_SECTION).map(this::registry).orElse(RegistrySettings.NONE);
        Map<String, TableDefinition> tables = new LinkedHashMap<>();
        v.get(RouteFileSpec.TABLES).flatMap(YamlNode::namedEntries).ifPresent(t -> t.entries().forEach((name, node) -> {
            if (checkName(node, name, "table")) {
                table(name, node).ifPresent(def -> tables.put(name, def));
            }
        }));
        Map<String, RouteDefinition> routes = new LinkedHashMap<>();
        v.get(RouteFileSpec.ROUTES).flatMap(YamlNode::namedEntries).ifPresent(r -> {
            if (r.entries().isEmpty()) {
                r.owner().problem("at least one route is needed");
            }
            r.entries().forEach((name, node) -> {
                if (checkName(node, name, "route")) {
                    route(name, node).ifPresent(def -> routes.put(name, def));
                }
            });
        });
        Map<String, SubscriberDefinition> subscribers = new LinkedHashMap<>();
        v.get(RouteFileSpec.SUBSCRIBERS).flatMap(YamlNode::namedEntries).ifPresent(s -> s.entries().forEach((name, node) -> {
            if (checkName(node, name, "subscriber")) {
                SubscriberSpec.define(name, node).ifPresent(def -> {
                    if (def.from().isPresent()) {
                        problems.add(def.location(), "subscribers." + name + ".from", "'from' is for subscribers added through the HTTP API "
                                + "(hyphae serve); a subscriber of the file starts where its connector's consumer group starts");
                    }
                    subscribers.put(name, def);
                });
            }
        }));
        Map<String, BridgeDefinition> bridges = new LinkedHashMap<>();
        v.get(RouteFileSpec.BRIDGES).flatMap(YamlNode::namedEntries).ifPresent(b -> b.entries().forEach((name, node) -> {
            if (checkName(node, name, "bridge")) {
                BridgeSpec.define(name, node).ifPresent(def -> bridges.put(name, def));
            }
        }));
        return new RouteFile(fileName, application, kafka, registry, topics, tables, routes, subscribers, bridges);
    }

    private KafkaSettings kafka(YamlNode node) {
        return RouteFileSpec.KAFKA.read(node).map(v -> new KafkaSettings(
                // an empty value (e.g. ${KAFKA_BOOTSTRAP:}) means "not configured"
                v.get(RouteFileSpec.BOOTSTRAP).map(String::trim).filter(b -> !b.isEmpty()),
                v.get(RouteFileSpec.CLIENT_PROPERTIES).orElse(Map.of()),
                v.get(RouteFileSpec.STREAMS).orElse(Map.of()))).orElse(KafkaSettings.NONE);
    }

    private RegistrySettings registry(YamlNode node) {
        return RouteFileSpec.REGISTRY.read(node).map(v -> new RegistrySettings(
                // an empty value (e.g. ${SCHEMA_REGISTRY_URL:}) means "not configured"
                v.get(RouteFileSpec.REGISTRY_URL).map(String::trim).filter(u -> !u.isEmpty()),
                v.get(RouteFileSpec.BASIC_AUTH).filter(u -> !u.isEmpty()),
                v.get(RouteFileSpec.REGISTRY_PROPERTIES).orElse(Map.of()),
                v.value(RouteFileSpec.AUTO_REGISTER),
                v.value(RouteFileSpec.SUBJECT_STRATEGY)))
                .orElse(RegistrySettings.NONE);
    }

    /** Reads the Avro schema a {@code schema:} field names (relative to the route file) and checks that it parses. */
    private Optional<SchemaSource> schema(YamlNode node, String path, Format format) {
        if (format != Format.AVRO) {
            node.problem("'schema' applies to format avro only");
            return Optional.empty();
        }
        Path file = baseDir.resolve(path);
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            new Schema.Parser().parse(text);
            return Optional.of(new SchemaSource(file.toString(), text));
        } catch (NoSuchFileException e) {
            node.problem("schema file " + file + " does not exist");
        } catch (IOException e) {
            node.problem("cannot read schema file " + file + ": " + e.getMessage());
        } catch (SchemaParseException e) {
            node.problem("schema file " + file + " is not a valid Avro schema: " + e.getMessage());
        }
        return Optional.empty();
    }

    private TopicSettings topics(YamlNode node) {
        return RouteFileSpec.TOPICS.read(node).map(v -> new TopicSettings(
                v.get(RouteFileSpec.PARTITIONS),
                v.get(RouteFileSpec.REPLICATION_FACTOR).map(Integer::shortValue),
                v.get(RouteFileSpec.TOPIC_CONFIG).orElse(Map.of()))).orElse(TopicSettings.BROKER_DEFAULTS);
    }

    private Optional<TableDefinition> table(String name, YamlNode node) {
        return RouteFileSpec.TABLE.read(node).flatMap(v -> {
            Format format = v.value(RouteFileSpec.TABLE_FORMAT);
            Optional<SchemaSource> schema = v.get(RouteFileSpec.TABLE_SCHEMA).flatMap(path -> schema(v.node(RouteFileSpec.TABLE_SCHEMA).orElseThrow(), path, format));
            KeyFormat keyFormat = v.value(RouteFileSpec.TABLE_KEY_FORMAT);
            Optional<PostgresSource> source = v.get(RouteFileSpec.TABLE_SOURCE)
                    .flatMap(s -> s.get(RouteFileSpec.SOURCE_POSTGRES)).flatMap(pg -> postgres(pg, keyFormat));
            if (v.has(RouteFileSpec.TABLE_SOURCE) && source.isEmpty()) {
                return Optional.empty();
            }
            return v.get(RouteFileSpec.TABLE_TOPIC).map(t -> new TableDefinition(name, t, format, keyFormat,
                    v.value(RouteFileSpec.TABLE_MODE), schema, source, node.location()));
        });
    }

    /** {@code source: { postgres: { ... } }}: the database table the table's topic follows. */
    private static Optional<PostgresSource> postgres(Values pg, KeyFormat keyFormat) {
        List<String> key = pg.get(RouteFileSpec.PG_KEY).orElse(List.of());
        YamlNode keyNode = pg.node(RouteFileSpec.PG_KEY).orElse(pg.owner());
        if (key.size() > 1 && keyFormat == KeyFormat.STRING) {
            keyNode.problem("a key of " + key.size() + " columns " + key + " is written as a JSON object "
                    + "(e.g. {\"" + key.get(0) + "\":...}): set the table's keyFormat: json, and build the enrich key as a map "
                    + "with the same fields in the same order");
            return Optional.empty();
        }
        if (key.size() != new HashSet<>(key).size()) {
            keyNode.problem("a key column is listed twice: " + key);
            return Optional.empty();
        }
        if (!pg.complete()) {
            return Optional.empty();
        }
        String[] table = pg.value(RouteFileSpec.PG_TABLE).split("\\.", -1);
        Optional<Secret> password = Optional.ofNullable(pg.value(RouteFileSpec.PG_PASSWORD)).filter(p -> !p.isEmpty()).map(Secret::new);
        return Optional.of(new PostgresSource(pg.value(RouteFileSpec.PG_HOST), pg.value(RouteFileSpec.PG_PORT), pg.value(RouteFileSpec.PG_DATABASE),
                pg.value(RouteFileSpec.PG_USER), password, table.length == 2 ? table[0] : PostgresSource.DEFAULT_SCHEMA,
                table[table.length - 1], key, pg.get(RouteFileSpec.PG_COLUMNS).orElse(List.of()), pg.value(RouteFileSpec.PG_HEARTBEAT),
                pg.owner().location()));
    }

    private Optional<RouteDefinition> route(String name, YamlNode node) {
        return RouteFileSpec.ROUTE.read(node).flatMap(v -> {
            Format format = v.value(RouteFileSpec.ROUTE_FORMAT);
            Optional<SchemaSource> schema = v.get(RouteFileSpec.ROUTE_SCHEMA).flatMap(path -> schema(v.node(RouteFileSpec.ROUTE_SCHEMA).orElseThrow(), path, format));
            List<StageDefinition> stages = new ArrayList<>();
            Set<String> stageNames = new HashSet<>();
            v.get(RouteFileSpec.STAGES).ifPresent(stagesNode -> stagesNode.sequence().ifPresent(items -> {
                if (items.isEmpty()) {
                    stagesNode.problem("a route needs at least one stage");
                }
                for (YamlNode item : items) {
                    Optional<StageDefinition> stage = stage(item, stageNames);
                    stage.ifPresentOrElse(stages::add, () -> parsedUntil.putIfAbsent(name, stages.size()));
                }
            }));
            return v.get(RouteFileSpec.FROM).map(f -> new RouteDefinition(name, f, format, v.value(RouteFileSpec.ROUTE_KEY_FORMAT),
                    schema, stages, node.location()));
        });
    }

    /** {@code - <stage name>: { <type>: <body> }} */
    private Optional<StageDefinition> stage(YamlNode item, Set<String> stageNames) {
        Optional<YamlNode.Mapping> outer = item.namedEntries();
        if (outer.isEmpty()) {
            return Optional.empty();
        }
        Map<String, YamlNode> entries = outer.get().entries();
        if (entries.size() != 1) {
            item.problem("each stage is written '- <stage name>: { <type>: ... }' with exactly one name, but found "
                    + (entries.isEmpty() ? "none" : entries.size() + ": " + entries.keySet()));
            return Optional.empty();
        }
        Map.Entry<String, YamlNode> entry = entries.entrySet().iterator().next();
        String stageName = entry.getKey();
        YamlNode body = entry.getValue();
        if (!checkName(body, stageName, "stage")) {
            return Optional.empty();
        }
        if (!stageNames.add(stageName)) {
            body.problem("duplicate stage name '" + stageName + "' in this route");
            return Optional.empty();
        }
        if (!body.isMapping()) {
            body.problem("expected '<type>: ...' with a type among " + StageSpecs.names());
            return Optional.empty();
        }
        Optional<YamlNode.Mapping> typed = body.namedEntries();
        if (typed.isEmpty()) {
            return Optional.empty();
        }
        Map<String, YamlNode> types = typed.get().entries();
        for (Map.Entry<String, YamlNode> t : types.entrySet()) {
            if (StageSpecs.of(t.getKey()).isEmpty()) {
                typed.get().key(t.getKey()).problem("unknown stage type '" + t.getKey() + "'" + Suggestions.didYouMean(t.getKey(), StageSpecs.names())
                        + "; expected one of " + StageSpecs.names());
                return Optional.empty();
            }
        }
        if (types.size() != 1) {
            body.problem("a stage has exactly one type, one of " + StageSpecs.names() + ", but found "
                    + (types.isEmpty() ? "none" : types.keySet()));
            return Optional.empty();
        }
        Map.Entry<String, YamlNode> typeEntry = types.entrySet().iterator().next();
        StageSpec<?> spec = StageSpecs.of(typeEntry.getKey()).orElseThrow();
        return spec.define(stageName, body.location(), typeEntry.getValue()).map(StageDefinition.class::cast);
    }

    private static boolean checkName(YamlNode node, String name, String what) {
        if (!Names.NAME.matcher(name).matches()) {
            node.problem("'" + name + "' is not a valid " + what + " name: use letters, digits, '-' and '_' (it becomes part of topic names)");
            return false;
        }
        return true;
    }
}
