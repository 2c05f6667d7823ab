package io.hyphae.plan;

import io.hyphae.cel.CelEngine;
import io.hyphae.cel.CompiledExpression;
import io.hyphae.cel.ResultKind;
import io.hyphae.route.BridgeDefinition;
import io.hyphae.route.Expression;
import io.hyphae.route.Format;
import io.hyphae.route.KeyFormat;
import io.hyphae.route.SubscriberDefinition;
import io.hyphae.route.Location;
import io.hyphae.route.RouteDefinition;
import io.hyphae.route.RouteFile;
import io.hyphae.route.StageDefinition;
import io.hyphae.route.TableDefinition;
import io.hyphae.route.TableMode;
import io.hyphae.net.AddressRules;
import io.hyphae.route.loader.Names;
import io.hyphae.route.loader.Problems;
import io.hyphae.route.loader.Suggestions;
import io.hyphae.spec.StageDeclarations;
import io.hyphae.spec.StageSpec;
import io.hyphae.spec.StageSpecs;
import io.hyphae.spec.StoreDeclaration;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every static rule of a route file that needs more than one field to decide: CEL syntax and types in each stage's
 * scope, tables and routes referred to, topic collisions, routes sharing an input, terminal stages, cycles between
 * routes; and the topic plan. Builds no runtime: the loader runs it on every file, the stream runtime wires what it
 * returns, and the connectors read the same plan.
 */
public final class RouteChecker {

    /** Headers a subscriber may not set: the HTTP client's own and the Standard Webhooks signature's. */
    private static final Set<String> RESERVED_HEADERS = Set.of("host", "content-length", "connection", "transfer-encoding", "upgrade",
            "expect", "webhook-id", "webhook-timestamp", "webhook-signature");

    private final RouteFile file;
    private final String app;
    private final Map<String, Integer> parsedUntil;
    private final CelEngine cel;
    private final Problems problems;
    private final Map<String, TopicSpec> topics = new LinkedHashMap<>();
    private final Map<String, String> writers = new HashMap<>();
    private final Map<String, List<CheckedStage>> routes = new LinkedHashMap<>();
    private final Map<String, Set<String>> routeTargets = new HashMap<>();

    private RouteChecker(RouteFile file, Map<String, Integer> parsedUntil, CelEngine cel, Problems problems) {
        this.file = file;
        this.app = file.application();
        this.parsedUntil = parsedUntil;
        this.cel = cel;
        this.problems = problems;
    }

    /** Checks a loaded file; throws a {@link io.hyphae.route.RouteFileException} listing every problem. */
    public static CheckedFile check(RouteFile file) {
        Problems problems = new Problems();
        CheckedFile checked = check(file, Map.of(), problems);
        problems.throwIfAny();
        return checked;
    }

    /**
     * Checks what parsed of a file, adding what it finds to {@code problems}, whose caller reports them.
     * {@code parsedUntil} gives, for a route some stage of which did not parse, how many of its stages parsed before
     * it: the expressions of the stages after that are checked for syntax only, since the variables the missing stage
     * would declare are unknown. The result is complete only when no problem was added.
     */
    public static CheckedFile check(RouteFile file, Map<String, Integer> parsedUntil, Problems problems) {
        return new RouteChecker(file, parsedUntil, new CelEngine(), problems).run();
    }

    private CheckedFile run() {
        Map<String, String> inputs = new HashMap<>();
        for (TableDefinition table : file.tables().values()) {
            addTopic(table.topic(), TopicSpec.Role.TABLE, "table " + table.name(), Map.of("cleanup.policy", "compact"), Optional.empty());
        }
        for (RouteDefinition route : file.routes().values()) {
            String other = inputs.putIfAbsent(route.from(), route.name());
            if (other != null) {
                problems.add(route.location(), "routes." + route.name() + ".from",
                        "topic '" + route.from() + "' is already the input of route '" + other + "'; a topic feeds one route");
            }
            file.tables().values().stream().filter(t -> t.topic().equals(route.from())).findFirst().ifPresent(t ->
                    problems.add(route.location(), "routes." + route.name() + ".from",
                            "topic '" + route.from() + "' is the topic of table '" + t.name() + "'"));
            addTopic(route.from(), TopicSpec.Role.INPUT, "route " + route.name(), Map.of(), Optional.empty());
        }
        for (RouteDefinition route : file.routes().values()) {
            if (route.name().equals(inputs.get(route.from()))) {
                checkRoute(route);
            }
        }
        checkCycles();
        List<CheckedSubscriber> subscribers = new ArrayList<>();
        file.subscribers().values().forEach(s -> checkSubscriber(s).ifPresent(subscribers::add));
        List<CheckedBridge> bridges = new ArrayList<>();
        file.bridges().values().forEach(b -> checkBridge(b).ifPresent(bridges::add));
        return new CheckedFile(file, List.copyOf(topics.values()), Collections.unmodifiableMap(new LinkedHashMap<>(routes)),
                List.copyOf(subscribers), List.copyOf(bridges));
    }

    private void checkRoute(RouteDefinition route) {
        String r = route.name();
        if (app != null) {
            addWritten(TopicNames.deadLetter(app, r), TopicSpec.Role.DEAD_LETTER, "the dead-letter topic of route " + r,
                    route.location(), Optional.empty());
        }
        Set<String> scope = new LinkedHashSet<>();
        List<Declarations> declared = new ArrayList<>();
        for (int i = 0; i < route.stages().size(); i++) {
            StageDefinition def = route.stages().get(i);
            Declarations d = new Declarations(route, def, i, scope, i >= parsedUntil.getOrDefault(r, Integer.MAX_VALUE));
            declare(StageSpecs.of(def.type()).orElseThrow(), def, d);
            if (d.terminal && i < route.stages().size() - 1) {
                problems.add(def.location(), d.path(), "a " + def.type() + " stage sends events elsewhere, so it must be the last stage of its route");
            }
            declared.add(d);
        }
        List<CheckedStage> stages = new ArrayList<>();
        for (int i = 0; i < declared.size(); i++) {
            Declarations d = declared.get(i);
            String name = d.stage.name();
            String topic = app == null ? null : TopicNames.stage(app, r, name);
            Optional<CheckedStage.Repartition> repartition = Optional.empty();
            List<CheckedStage.Store> stores = new ArrayList<>();
            Map<String, String> outputs = new LinkedHashMap<>();
            if (app != null) {
                String repartitionTopic = TopicNames.repartition(app, r, name);
                if (d.partitionedJoin != null) {
                    repartition = Optional.of(new CheckedStage.Repartition(d.partitionedJoin.key(), d.partitionedJoin.table().keyFormat(),
                            repartitionTopic, d.partitionedJoin.table().topic()));
                } else if (d.colocation != null) {
                    repartition = Optional.of(new CheckedStage.Repartition(d.colocation, KeyFormat.STRING, repartitionTopic, route.from()));
                }
                repartition.ifPresent(p -> addWritten(p.topic(), TopicSpec.Role.REPARTITION, "the repartition topic of stage " + r + "." + name,
                        d.stage.location(), Optional.of(p.copartitionWith())));
                for (StoreDeclaration store : d.stores) {
                    String storeName = TopicNames.store(r, name, store.name());
                    String changelog = TopicNames.changelog(app, storeName);
                    stores.add(new CheckedStage.Store(store, storeName, changelog));
                    addWritten(changelog, TopicSpec.Role.CHANGELOG, "the changelog of store " + storeName, d.stage.location(), Optional.empty());
                }
                for (String output : d.outputs) {
                    String outputTopic = TopicNames.output(app, r, name, output);
                    outputs.put(output, outputTopic);
                    addWritten(outputTopic, TopicSpec.Role.OUTPUT, "the " + output + " topic of stage " + r + "." + name, d.stage.location(),
                            Optional.empty());
                }
            }
            if (topic != null) {
                addWritten(topic, TopicSpec.Role.STAGE, "the topic of stage " + r + "." + name, d.stage.location(), Optional.empty());
            }
            List<String> destinations = i + 1 < declared.size() ? List.of(declared.get(i + 1).stage.name()) : List.copyOf(d.branchTopics);
            stages.add(new CheckedStage(route, d.stage, i, topic, Map.copyOf(d.expressions), List.copyOf(d.joins),
                    List.copyOf(d.branchTopics), Optional.ofNullable(d.partitionedJoin), destinations, List.copyOf(stores), repartition,
                    Collections.unmodifiableMap(outputs)));
        }
        routes.put(r, List.copyOf(stages));
    }

    private Optional<CheckedSubscriber> checkSubscriber(SubscriberDefinition subscriber) {
        String path = "subscribers." + subscriber.name();
        String topic;
        Format format = subscriber.format();
        KeyFormat keyFormat = subscriber.keyFormat();
        if (subscriber.stage().isPresent()) {
            SubscriberDefinition.StageRef ref = subscriber.stage().get();
            Optional<RouteDefinition> route = file.route(ref.route());
            if (route.isEmpty()) {
                problems.add(ref.location(), ref.path(), "unknown route '" + ref.route() + "'" + Suggestions.didYouMean(ref.route(), file.routes().keySet())
                        + "; routes of this file: " + file.routes().keySet());
                return Optional.empty();
            }
            List<String> stageNames = route.get().stages().stream().map(StageDefinition::name).toList();
            if (!stageNames.contains(ref.stage())) {
                problems.add(ref.location(), ref.path(), "route '" + ref.route() + "' has no stage '" + ref.stage() + "'"
                        + Suggestions.didYouMean(ref.stage(), stageNames) + "; its stages: " + stageNames);
                return Optional.empty();
            }
            topic = app == null ? null : TopicNames.stage(app, ref.route(), ref.stage());
            format = route.get().format();
            keyFormat = route.get().keyFormat();
        } else {
            topic = subscriber.topic().orElseThrow();
        }
        Set<String> noAliases = Set.of();
        subscriber.filter().ifPresent(e -> compile(e, noAliases, ResultKind.BOOL));
        subscriber.body().ifPresent(e -> compile(e, noAliases, ResultKind.ANY));
        subscriber.headers().values().forEach(e -> compile(e, noAliases, ResultKind.ANY));
        subscriber.query().values().forEach(e -> compile(e, noAliases, ResultKind.ANY));
        for (String header : subscriber.headers().keySet()) {
            if (RESERVED_HEADERS.contains(header.toLowerCase(Locale.ROOT))) {
                problems.add(subscriber.location(), path + ".headers." + header, "'" + header + "' is set by the HTTP client or the signature; it cannot be a subscriber header");
            }
        }
        boolean networksParse = true;
        try {
            AddressRules.allowing(subscriber.allowNetworks());
        } catch (IllegalArgumentException e) {
            networksParse = false;
            problems.add(subscriber.location(), path + ".allowNetworks", e.getMessage());
        }
        String problem = networksParse ? AddressRules.check(subscriber.url(), subscriber.allowNetworks()) : null;
        if (problem != null) {
            problems.add(subscriber.location(), path + ".url", problem);
        }
        if (app == null || topic == null) {
            return Optional.empty();
        }
        String deadLetter = TopicNames.subscriberDeadLetter(app, subscriber.name());
        addWritten(deadLetter, TopicSpec.Role.SUBSCRIBER_DEAD_LETTER, "the dead-letter topic of subscriber " + subscriber.name(), subscriber.location(), Optional.empty());
        return Optional.of(new CheckedSubscriber(subscriber, topic, format, keyFormat, TopicNames.subscriberConnector(app, subscriber.name()), deadLetter));
    }

    private Optional<CheckedBridge> checkBridge(BridgeDefinition bridge) {
        String path = "bridges." + bridge.name();
        String topic;
        Format format = bridge.format();
        KeyFormat keyFormat = bridge.keyFormat();
        List<String> templateVariables = List.of();
        if (bridge.direction() == BridgeDefinition.Direction.IN) {
            if (bridge.route().isPresent()) {
                String name = bridge.route().get();
                Optional<RouteDefinition> route = file.route(name);
                if (route.isEmpty()) {
                    problems.add(bridge.location(), path + ".route", "unknown route '" + name + "'" + Suggestions.didYouMean(name, file.routes().keySet())
                            + "; routes of this file: " + file.routes().keySet());
                    return Optional.empty();
                }
                topic = route.get().from();
                format = route.get().format();
                keyFormat = route.get().keyFormat();
            } else {
                topic = bridge.topic().orElseThrow();
                if (writers.containsKey(topic)) {
                    problems.add(bridge.location(), path + ".topic", "'" + topic + "' is " + writers.get(topic) + "; a bridge cannot write it");
                    return Optional.empty();
                }
                addTopic(topic, TopicSpec.Role.BRIDGE, "bridge " + bridge.name(), Map.of(), Optional.empty());
            }
            Set<String> scope = new LinkedHashSet<>();
            if (bridge.mqtt().isPresent()) {
                List<String> filters = bridge.mqtt().get().filters();
                for (int i = 0; i < filters.size(); i++) {
                    int index = i;
                    BridgeVariables.filterProblem(filters.get(i)).ifPresent(p ->
                            problems.add(bridge.location(), path + ".mqtt.topics[" + index + "]", p));
                }
                templateVariables = BridgeVariables.templateVariables(filters);
                scope.addAll(BridgeVariables.MQTT);
                for (String variable : templateVariables) {
                    if (CelEngine.RESERVED_VARIABLES.contains(variable) || BridgeVariables.MQTT.contains(variable)) {
                        problems.add(bridge.location(), path + ".mqtt.topics", "'{" + variable + "}' would hide the built-in variable '"
                                + variable + "'; choose another name");
                    }
                    scope.add(variable);
                }
            } else {
                scope.addAll(BridgeVariables.RABBITMQ);
            }
            bridge.key().ifPresent(e -> compile(e, scope, ResultKind.ANY));
        } else {
            if (bridge.stage().isPresent()) {
                SubscriberDefinition.StageRef ref = bridge.stage().get();
                Optional<RouteDefinition> route = file.route(ref.route());
                if (route.isEmpty()) {
                    problems.add(ref.location(), ref.path(), "unknown route '" + ref.route() + "'" + Suggestions.didYouMean(ref.route(), file.routes().keySet())
                            + "; routes of this file: " + file.routes().keySet());
                    return Optional.empty();
                }
                List<String> stageNames = route.get().stages().stream().map(StageDefinition::name).toList();
                if (!stageNames.contains(ref.stage())) {
                    problems.add(ref.location(), ref.path(), "route '" + ref.route() + "' has no stage '" + ref.stage() + "'"
                            + Suggestions.didYouMean(ref.stage(), stageNames) + "; its stages: " + stageNames);
                    return Optional.empty();
                }
                topic = app == null ? null : TopicNames.stage(app, ref.route(), ref.stage());
                format = route.get().format();
                keyFormat = route.get().keyFormat();
            } else {
                topic = bridge.topic().orElseThrow();
                addTopic(topic, TopicSpec.Role.BRIDGE, "bridge " + bridge.name(), Map.of(), Optional.empty());
            }
            Set<String> noAliases = Set.of();
            bridge.mqtt().flatMap(BridgeDefinition.Mqtt::topic).ifPresent(e -> compile(e, noAliases, ResultKind.ANY));
            bridge.rabbitmq().flatMap(BridgeDefinition.RabbitMq::routingKey).ifPresent(e -> compile(e, noAliases, ResultKind.ANY));
        }
        if (app == null || topic == null) {
            return Optional.empty();
        }
        String deadLetter = TopicNames.bridgeDeadLetter(app, bridge.name());
        addWritten(deadLetter, TopicSpec.Role.BRIDGE_DEAD_LETTER, "the dead-letter topic of bridge " + bridge.name(), bridge.location(), Optional.empty());
        return Optional.of(new CheckedBridge(bridge, topic, format, keyFormat, templateVariables,
                TopicNames.bridgeConnector(app, bridge.name()), deadLetter));
    }

    private void compile(Expression expression, Set<String> scope, ResultKind kind) {
        cel.compile(expression, scope, kind).issues()
                .forEach(issue -> problems.add(issue.location(), expression.path(), "invalid CEL: " + issue.message()));
    }

    @SuppressWarnings("unchecked")
    private static <D extends StageDefinition> void declare(StageSpec<D> spec, StageDefinition def, StageDeclarations declarations) {
        spec.declare((D) def, declarations);
    }

    private void addTopic(String name, TopicSpec.Role role, String owner, Map<String, String> extraConfig, Optional<String> copartition) {
        if (topics.containsKey(name)) {
            return;
        }
        Map<String, String> config = new LinkedHashMap<>();
        // Every topic Hyphae creates takes the records it reads and writes, dead letters included.
        config.put("max.message.bytes", Integer.toString(TopicSpec.MAX_RECORD_BYTES));
        config.putAll(file.topics().config());
        config.putAll(extraConfig);
        boolean ownSizing = role != TopicSpec.Role.TABLE && role != TopicSpec.Role.REPARTITION;
        topics.put(name, new TopicSpec(name, role, owner,
                ownSizing ? file.topics().partitions() : Optional.empty(),
                role == TopicSpec.Role.REPARTITION ? Optional.empty() : file.topics().replicationFactor(),
                Map.copyOf(config), copartition));
    }

    /** A topic this application writes: it must not be written by anything else, nor be an input or a table. */
    private void addWritten(String name, TopicSpec.Role role, String owner, Location location, Optional<String> copartition) {
        String previous = writers.putIfAbsent(name, owner);
        if (previous != null) {
            problems.add(location, "", "topic '" + name + "' would be both " + previous + " and " + owner);
            return;
        }
        TopicSpec existing = topics.get(name);
        if (existing != null && (existing.role() == TopicSpec.Role.INPUT || existing.role() == TopicSpec.Role.TABLE)) {
            problems.add(location, "", "topic '" + name + "' would be both " + owner + " and the " + existing.owner() + " input");
            return;
        }
        if (name.length() > 249) {
            problems.add(location, "", "topic name '" + name + "' is longer than Kafka's limit of 249 characters");
        }
        addTopic(name, role, owner, Map.of(), copartition);
    }

    private void checkCycles() {
        Set<String> done = new HashSet<>();
        for (RouteDefinition route : file.routes().values()) {
            List<String> path = new ArrayList<>();
            if (findCycle(route.name(), new HashSet<>(), done, path)) {
                problems.add(route.location(), "routes." + route.name(),
                        "routes form a cycle: " + String.join(" -> ", path) + "; an event would loop forever");
                return;
            }
        }
    }

    private boolean findCycle(String node, Set<String> onPath, Set<String> done, List<String> path) {
        if (onPath.contains(node)) {
            path.add(node);
            return true;
        }
        if (!done.add(node)) {
            return false;
        }
        onPath.add(node);
        path.add(node);
        for (String next : routeTargets.getOrDefault(node, Set.of())) {
            if (findCycle(next, onPath, done, path)) {
                return true;
            }
        }
        onPath.remove(node);
        path.remove(path.size() - 1);
        return false;
    }

    /** What one stage's spec declared. */
    private final class Declarations implements StageDeclarations {
        final RouteDefinition route;
        final StageDefinition stage;
        final int index;
        final Set<String> scope;
        final Map<Expression, CompiledExpression> expressions = new LinkedHashMap<>();
        final List<TableDefinition> joins = new ArrayList<>();
        final List<String> branchTopics = new ArrayList<>();
        CheckedStage.Join partitionedJoin;
        CompiledExpression colocation;
        final List<StoreDeclaration> stores = new ArrayList<>();
        final List<String> outputs = new ArrayList<>();
        final boolean syntaxOnly;
        boolean terminal;

        Declarations(RouteDefinition route, StageDefinition stage, int index, Set<String> scope, boolean syntaxOnly) {
            this.route = route;
            this.stage = stage;
            this.index = index;
            this.scope = scope;
            this.syntaxOnly = syntaxOnly;
        }

        String path() {
            return CheckedStage.path(route, stage, index);
        }

        @Override
        public CompiledExpression expression(Expression expression, ResultKind kind) {
            if (syntaxOnly) {
                cel.checkSyntax(expression).forEach(issue -> problems.add(issue.location(), expression.path(), "invalid CEL: " + issue.message()));
                return null;
            }
            CelEngine.Result result = cel.compile(expression, scope, kind);
            result.issues().forEach(issue -> problems.add(issue.location(), expression.path(), "invalid CEL: " + issue.message()));
            if (result.ok()) {
                expressions.put(expression, result.expression());
            }
            return result.expression();
        }

        @Override
        public Optional<TableDefinition> table(String name, Location location, String path) {
            Optional<TableDefinition> table = file.table(name);
            if (table.isEmpty()) {
                problems.add(location, path(), "unknown table '" + name + "'" + Suggestions.didYouMean(name, file.tables().keySet())
                        + (file.tables().isEmpty() ? "; the file declares no tables" : "; declared tables: " + file.tables().keySet()));
            }
            return table;
        }

        @Override
        public void join(TableDefinition table, CompiledExpression key) {
            joins.add(table);
            if (table.mode() == TableMode.PARTITIONED) {
                if (partitionedJoin != null) {
                    problems.add(stage.location(), path(), "a stage can join at most one partitioned table");
                }
                if (colocation != null) {
                    problems.add(stage.location(), path(), "a stage repartitions its events once: by its partitioned table's key or by its co-location key");
                }
                partitionedJoin = new CheckedStage.Join(table, key);
            }
        }

        @Override
        public void store(StoreDeclaration store) {
            if (stores.stream().anyMatch(s -> s.name().equals(store.name()))) {
                throw new IllegalStateException(path() + ": the spec declared store '" + store.name() + "' twice");
            }
            stores.add(store);
        }

        @Override
        public void colocate(Expression expression, CompiledExpression key) {
            // The record key itself: events of one key already share a partition.
            if (key == null || expression.text().trim().equals("key")) {
                return;
            }
            if (partitionedJoin != null || colocation != null) {
                problems.add(expression.location(), expression.path(),
                        "a stage repartitions its events once: by its partitioned table's key or by its co-location key");
                return;
            }
            colocation = key;
        }

        @Override
        public void output(String name, Location location, String path) {
            if (name.equals("repartition") || name.equals(TopicNames.DEAD_LETTER_SUFFIX) || !Names.NAME.matcher(name).matches()) {
                throw new IllegalStateException(path() + ": '" + name + "' cannot name a stage output");
            }
            if (!outputs.contains(name)) {
                outputs.add(name);
            }
        }

        @Override
        public void declareVariable(String name, Location location, String field) {
            String path = path() + "." + field;
            if (CelEngine.RESERVED_VARIABLES.contains(name)) {
                problems.add(location, path, "'" + name + "' is a built-in variable; choose another name");
            } else if (!Names.NAME.matcher(name).matches() || name.contains("-") || Character.isDigit(name.charAt(0))) {
                problems.add(location, path, "'" + name + "' cannot be a CEL variable: use letters, digits and '_', starting with a letter");
            } else if (!scope.add(name)) {
                problems.add(location, path, "'" + name + "' is already declared by an earlier enrich stage of this route");
            }
        }

        @Override
        public void branch(String to, Location location, String path) {
            Optional<RouteDefinition> target = file.route(to);
            String topic = to;
            if (target.isPresent()) {
                topic = target.get().from();
                routeTargets.computeIfAbsent(route.name(), r -> new LinkedHashSet<>()).add(to);
            } else if (!Suggestions.didYouMean(to, file.routes().keySet()).isEmpty()) {
                // Almost a route name: far more likely a typo than a new topic.
                problems.add(location, path, "'" + to + "' is not a route of this file" + Suggestions.didYouMean(to, file.routes().keySet())
                        + "; name an existing route, or a topic whose name is not this close to a route's");
            } else if (Names.isTopic(to)) {
                if (writers.containsKey(topic)) {
                    problems.add(location, path, "'" + to + "' is " + writers.get(topic) + "; route to another route or topic");
                }
                addTopic(topic, TopicSpec.Role.DESTINATION, "route " + route.name(), Map.of(), Optional.empty());
            } else {
                problems.add(location, path, "'" + to + "' is neither a route of this file" + Suggestions.didYouMean(to, file.routes().keySet())
                        + " nor a valid topic name");
            }
            branchTopics.add(topic);
        }

        @Override
        public void terminal() {
            terminal = true;
        }

        @Override
        public void problem(Location location, String path, String message) {
            problems.add(location, path, message);
        }
    }
}
