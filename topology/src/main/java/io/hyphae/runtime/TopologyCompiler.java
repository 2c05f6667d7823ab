package io.hyphae.runtime;

import io.hyphae.cel.CelEngine;
import io.hyphae.cel.CompiledExpression;
import io.hyphae.cel.ResultKind;
import io.hyphae.format.Formats;
import io.hyphae.format.PayloadFormat;
import io.hyphae.route.Expression;
import io.hyphae.route.Location;
import io.hyphae.route.RouteDefinition;
import io.hyphae.route.RouteFile;
import io.hyphae.route.StageDefinition;
import io.hyphae.route.TableDefinition;
import io.hyphae.route.TableMode;
import io.hyphae.route.loader.Problems;
import io.hyphae.route.loader.RouteFileLoader;
import io.hyphae.route.loader.Suggestions;
import io.hyphae.runtime.internals.EventSerializer;
import io.hyphae.runtime.internals.HashTableStore;
import io.hyphae.runtime.internals.IngestProcessor;
import io.hyphae.runtime.internals.JoinKeyPartitioner;
import io.hyphae.runtime.internals.RekeyProcessor;
import io.hyphae.runtime.internals.SourceBytesSerializer;
import io.hyphae.runtime.internals.StageProcessor;
import io.hyphae.runtime.internals.TableUpdater;
import io.hyphae.stage.BuildContext;
import io.hyphae.stage.StageBuilder;
import io.hyphae.stage.StageLogic;
import io.hyphae.stage.StageTypes;
import io.hyphae.stage.router.RouterDefinition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Compiles a route file into a Kafka Streams {@link Topology} built with the Processor API.
 *
 * <p>Per route: a source on the input topic, an ingest node that decodes and stamps lineage, then
 * one node per stage. Each stage node writes its stage topic and hands the event to the next stage in
 * memory (no re-read from the stage topic); failures go to the route's dead-letter topic. A join with a
 * partitioned table inserts a rekey node and a repartition topic in front of its stage.
 */
public final class TopologyCompiler {

    private static final ByteArrayDeserializer BYTES_IN = new ByteArrayDeserializer();
    private static final ByteArraySerializer BYTES_OUT = new ByteArraySerializer();

    private final RouteFile file;
    private final String app;
    private final Problems problems = new Problems();
    private final CelEngine cel = new CelEngine();
    private final Topology topology = new Topology();
    private final Map<String, TopicSpec> topics = new LinkedHashMap<>();
    private final Map<String, String> writers = new HashMap<>();
    private final List<StageInfo> stageInfos = new ArrayList<>();
    private final Set<String> storesAdded = new HashSet<>();

    private final Formats formats;
    private final Map<String, PayloadFormat> tableFormats = new HashMap<>();

    private TopologyCompiler(RouteFile file, Formats formats) {
        this.file = file;
        this.app = file.application();
        this.formats = formats;
    }

    /** Compiles the file or throws a {@link io.hyphae.route.RouteFileException} listing every problem. */
    public static CompiledApplication compile(RouteFile file) {
        return compile(file, new Formats(file.registry()));
    }

    /** Compiles with the given formats (and so schema registry). */
    public static CompiledApplication compile(RouteFile file, Formats formats) {
        return new TopologyCompiler(file, formats).run();
    }

    /** Checks everything compilation checks (CEL, references, topics, cycles) without keeping the result. */
    public static void check(RouteFile file) {
        compile(file);
    }

    private CompiledApplication run() {
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
            if (inputs.get(route.from()) != null && inputs.get(route.from()).equals(route.name())) {
                compileRoute(route);
            }
        }
        checkCycles();
        problems.throwIfAny();
        return new CompiledApplication(file, topology, List.copyOf(topics.values()), List.copyOf(stageInfos));
    }

    private void compileRoute(RouteDefinition route) {
        String r = route.name();
        PayloadFormat format = formats.of(route.format(), route.schema());
        String deadLetterTopic = TopicNames.deadLetter(app, r);
        addWritten(deadLetterTopic, TopicSpec.Role.DEAD_LETTER, "the dead-letter topic of route " + r, route.location(), Optional.empty());

        // First pass: build every stage, so each node knows the name of the node after it.
        Set<String> scope = new LinkedHashSet<>();
        List<Compiled> stages = new ArrayList<>();
        for (int i = 0; i < route.stages().size(); i++) {
            StageDefinition def = route.stages().get(i);
            Context ctx = new Context(route, def, i, scope);
            Supplier<StageLogic> logic = build(StageTypes.of(def.type()).orElseThrow(), def, ctx);
            if (def instanceof RouterDefinition && i < route.stages().size() - 1) {
                problems.add(def.location(), ctx.path(), "a route stage sends events elsewhere, so it must be the last stage of its route");
            }
            stages.add(new Compiled(def, ctx, logic));
        }
        if (stages.isEmpty()) {
            return;
        }

        String source = r + ".source";
        String ingest = r + ".ingest";
        topology.addSource(source, BYTES_IN, BYTES_IN, route.from());
        String first = stages.get(0).entryNode();
        topology.addProcessor(ingest, () -> new IngestProcessor(r, "ingest", format, route.keyFormat(), false, first, ingest + ".dlq"), source);
        topology.addSink(ingest + ".dlq", deadLetterTopic, BYTES_OUT, new SourceBytesSerializer(), ingest);

        String parent = ingest;
        for (int i = 0; i < stages.size(); i++) {
            Compiled stage = stages.get(i);
            String name = stage.def.name();
            String node = stage.node();
            if (stage.ctx.partitionedTable != null) {
                parent = addRepartition(route, stage, format, parent, deadLetterTopic);
            }
            String stageTopic = TopicNames.stage(app, r, name);
            addWritten(stageTopic, TopicSpec.Role.STAGE, "the topic of stage " + r + "." + name, stage.def.location(), Optional.empty());
            String next = i + 1 < stages.size() ? stages.get(i + 1).entryNode() : null;
            List<String> branchSinks = new ArrayList<>();
            for (int b = 0; b < stage.ctx.branchTopics.size(); b++) {
                branchSinks.add(node + ".to-" + b);
            }
            StageProcessor.Wiring wiring = new StageProcessor.Wiring(r, name, node + ".topic", next, node + ".dlq",
                    branchSinks, List.copyOf(stage.ctx.branchTopics));
            Supplier<StageLogic> logic = stage.logic;
            topology.addProcessor(node, () -> new StageProcessor(wiring, logic.get()), parent);
            topology.addSink(node + ".topic", stageTopic, BYTES_OUT, new EventSerializer(format), node);
            topology.addSink(node + ".dlq", deadLetterTopic, BYTES_OUT, new SourceBytesSerializer(), node);
            for (int b = 0; b < branchSinks.size(); b++) {
                topology.addSink(branchSinks.get(b), stage.ctx.branchTopics.get(b), BYTES_OUT, new EventSerializer(format), node);
            }
            if (stage.ctx.partitionedTable != null) {
                topology.connectProcessorAndStateStores(node, stage.ctx.storeName);
            }
            List<String> destinations = next != null ? List.of(stages.get(i + 1).def.name()) : List.copyOf(stage.ctx.branchTopics);
            stageInfos.add(new StageInfo(r, name, stage.def.type(), stageTopic, destinations));
            parent = node;
        }
    }

    /** rekey → repartition topic → re-ingest, in front of a join with a partitioned table. */
    private String addRepartition(RouteDefinition route, Compiled stage, PayloadFormat format, String parent, String deadLetterTopic) {
        String r = route.name();
        String node = stage.node();
        String rekey = stage.entryNode();
        String topic = TopicNames.repartition(app, r, stage.def.name());
        TableDefinition table = stage.ctx.partitionedTable;
        addWritten(topic, TopicSpec.Role.REPARTITION, "the repartition topic of stage " + r + "." + stage.def.name(),
                stage.def.location(), Optional.of(table.topic()));
        CompiledExpression joinKey = stage.ctx.joinKey;
        topology.addProcessor(rekey, () -> new RekeyProcessor(r, stage.def.name(), joinKey, table.keyFormat(),
                node + ".repartition", rekey + ".dlq"), parent);
        topology.addSink(rekey + ".dlq", deadLetterTopic, BYTES_OUT, new SourceBytesSerializer(), rekey);
        topology.addSink(node + ".repartition", topic, BYTES_OUT, new EventSerializer(format), new JoinKeyPartitioner(), rekey);
        String resume = node + ".resume";
        topology.addSource(node + ".repartition-source", BYTES_IN, BYTES_IN, topic);
        topology.addProcessor(resume, () -> new IngestProcessor(r, stage.def.name(), format, route.keyFormat(), true,
                node, resume + ".dlq"), node + ".repartition-source");
        topology.addSink(resume + ".dlq", deadLetterTopic, BYTES_OUT, new SourceBytesSerializer(), resume);
        return resume;
    }

    @SuppressWarnings("unchecked")
    private static <D extends StageDefinition> Supplier<StageLogic> build(StageBuilder<D> builder, StageDefinition def, BuildContext ctx) {
        return builder.build((D) def, ctx);
    }

    private void addTopic(String name, TopicSpec.Role role, String owner, Map<String, String> extraConfig, Optional<String> copartition) {
        if (topics.containsKey(name)) {
            return;
        }
        Map<String, String> config = new LinkedHashMap<>();
        if (role != TopicSpec.Role.INPUT && role != TopicSpec.Role.TABLE) {
            // Whatever an input topic accepted must fit on the topics Hyphae writes, dead letters included.
            config.put("max.message.bytes", Integer.toString(StreamsConfigFactory.MAX_RECORD_BYTES));
        }
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
        Map<String, Set<String>> edges = new HashMap<>();
        for (RouteDefinition route : file.routes().values()) {
            Set<String> targets = new LinkedHashSet<>();
            for (StageDefinition stage : route.stages()) {
                if (stage instanceof RouterDefinition router) {
                    router.branches().stream().map(RouterDefinition.Branch::to).filter(file.routes()::containsKey).forEach(targets::add);
                }
            }
            edges.put(route.name(), targets);
        }
        Set<String> done = new HashSet<>();
        for (RouteDefinition route : file.routes().values()) {
            List<String> path = new ArrayList<>();
            if (findCycle(route.name(), edges, new HashSet<>(), done, path)) {
                problems.add(route.location(), "routes." + route.name(),
                        "routes form a cycle: " + String.join(" -> ", path) + "; an event would loop forever");
                return;
            }
        }
    }

    private static boolean findCycle(String node, Map<String, Set<String>> edges, Set<String> onPath, Set<String> done, List<String> path) {
        if (onPath.contains(node)) {
            path.add(node);
            return true;
        }
        if (!done.add(node)) {
            return false;
        }
        onPath.add(node);
        path.add(node);
        for (String next : edges.getOrDefault(node, Set.of())) {
            if (findCycle(next, edges, onPath, done, path)) {
                return true;
            }
        }
        onPath.remove(node);
        path.remove(path.size() - 1);
        return false;
    }

    private record Compiled(StageDefinition def, Context ctx, Supplier<StageLogic> logic) {
        String node() {
            return ctx.route.name() + "." + def.name();
        }

        /** The node that receives the event from the previous stage: the rekey node for a partitioned join. */
        String entryNode() {
            return ctx.partitionedTable != null ? node() + ".rekey" : node();
        }
    }

    /** The compiler's side of one stage's build. */
    private final class Context implements BuildContext {
        final RouteDefinition route;
        final StageDefinition stage;
        final int index;
        final Set<String> scope;
        final List<String> branchTopics = new ArrayList<>();
        TableDefinition partitionedTable;
        CompiledExpression joinKey;
        String storeName;

        Context(RouteDefinition route, StageDefinition stage, int index, Set<String> scope) {
            this.route = route;
            this.stage = stage;
            this.index = index;
            this.scope = scope;
        }

        String path() {
            return "routes." + route.name() + ".stages[" + index + "]." + stage.name() + "." + stage.type();
        }

        @Override
        public RouteDefinition route() {
            return route;
        }

        @Override
        public String stageName() {
            return stage.name();
        }

        @Override
        public CompiledExpression expression(Expression expression, ResultKind kind) {
            CelEngine.Result result = cel.compile(expression, scope, kind);
            result.issues().forEach(issue -> problems.add(issue.location(), expression.path(), "invalid CEL: " + issue.message()));
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
        public String join(TableDefinition table, CompiledExpression key) {
            String store = "hyphae.table." + table.name();
            StoreBuilder<KeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]>> builder =
                    Stores.keyValueStoreBuilder(HashTableStore.supplier(store), Serdes.Bytes(), Serdes.ByteArray()).withLoggingDisabled();
            if (storesAdded.add(store)) {
                String source = "table." + table.name() + ".source";
                String updater = "table." + table.name() + ".update";
                if (table.mode() == TableMode.GLOBAL) {
                    topology.addGlobalStore(builder, source, BYTES_IN, BYTES_IN, table.topic(), updater, () -> new TableUpdater(store));
                } else {
                    // The table topic is the store's changelog: restoring replays it, nothing else is written.
                    topology.addReadOnlyStateStore(builder, source, BYTES_IN, BYTES_IN, table.topic(), updater, () -> new TableUpdater(store));
                }
            }
            if (table.mode() == TableMode.PARTITIONED) {
                partitionedTable = table;
                joinKey = key;
                storeName = store;
            }
            return store;
        }

        @Override
        public void declareVariable(String name, Location location, String field) {
            String path = path() + "." + field;
            if (CelEngine.RESERVED_VARIABLES.contains(name)) {
                problems.add(location, path, "'" + name + "' is a built-in variable; choose another name");
            } else if (!RouteFileLoader.NAME.matcher(name).matches() || name.contains("-") || Character.isDigit(name.charAt(0))) {
                problems.add(location, path, "'" + name + "' cannot be a CEL variable: use letters, digits and '_', starting with a letter");
            } else if (!scope.add(name)) {
                problems.add(location, path, "'" + name + "' is already declared by an earlier enrich stage of this route");
            }
        }

        @Override
        public int branch(String to, Location location, String path) {
            Optional<RouteDefinition> target = file.route(to);
            String topic;
            if (target.isPresent()) {
                topic = target.get().from();
            } else if (!Suggestions.didYouMean(to, file.routes().keySet()).isEmpty()) {
                // Almost a route name: far more likely a typo than a new topic.
                problems.add(location, path, "'" + to + "' is not a route of this file" + Suggestions.didYouMean(to, file.routes().keySet())
                        + "; name an existing route, or a topic whose name is not this close to a route's");
                topic = to;
            } else if (RouteFileLoader.TOPIC.matcher(to).matches() && !to.equals(".") && !to.equals("..")) {
                topic = to;
                if (writers.containsKey(topic)) {
                    problems.add(location, path, "'" + to + "' is " + writers.get(topic) + "; route to another route or topic");
                }
                addTopic(topic, TopicSpec.Role.DESTINATION, "route " + route.name(), Map.of(), Optional.empty());
            } else {
                problems.add(location, path, "'" + to + "' is neither a route of this file" + Suggestions.didYouMean(to, file.routes().keySet())
                        + " nor a valid topic name");
                topic = to;
            }
            branchTopics.add(topic);
            return branchTopics.size() - 1;
        }

        @Override
        public PayloadFormat format(TableDefinition table) {
            return tableFormats.computeIfAbsent(table.name(), n -> formats.of(table.format(), table.schema()));
        }

        @Override
        public void problem(Location location, String path, String message) {
            problems.add(location, path, message);
        }
    }
}
