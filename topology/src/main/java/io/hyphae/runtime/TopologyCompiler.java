package io.hyphae.runtime;

import io.hyphae.cel.CompiledExpression;
import io.hyphae.format.Formats;
import io.hyphae.format.PayloadFormat;
import io.hyphae.plan.CheckedFile;
import io.hyphae.plan.CheckedStage;
import io.hyphae.plan.RouteChecker;
import io.hyphae.plan.TopicNames;
import io.hyphae.route.Expression;
import io.hyphae.route.KeyFormat;
import io.hyphae.route.RouteDefinition;
import io.hyphae.route.RouteFile;
import io.hyphae.route.StageDefinition;
import io.hyphae.route.TableDefinition;
import io.hyphae.route.TableMode;
import io.hyphae.runtime.internals.EventSerializer;
import io.hyphae.runtime.internals.HashTableStore;
import io.hyphae.runtime.internals.IngestProcessor;
import io.hyphae.runtime.internals.JoinKeyPartitioner;
import io.hyphae.runtime.internals.RekeyProcessor;
import io.hyphae.runtime.internals.SourceBytesSerializer;
import io.hyphae.runtime.internals.StageProcessor;
import io.hyphae.runtime.internals.TableUpdater;
import io.hyphae.spec.StoreDeclaration;
import io.hyphae.stage.BuildContext;
import io.hyphae.stage.StageBuilder;
import io.hyphae.stage.StageLogic;
import io.hyphae.stage.StageTypes;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Wires a checked route file into a Kafka Streams {@link Topology} built with the Processor API. Every rule was
 * checked before ({@link RouteChecker}); this class only builds.
 *
 * <p>Per route: a source on the input topic, an ingest node that decodes and stamps lineage, then
 * one node per stage. Each stage node writes its stage topic and hands the event to the next stage in
 * memory (no re-read from the stage topic); failures go to the route's dead-letter topic. A join with a
 * partitioned table inserts a rekey node and a repartition topic in front of its stage.
 */
public final class TopologyCompiler {

    private static final ByteArrayDeserializer BYTES_IN = new ByteArrayDeserializer();
    private static final ByteArraySerializer BYTES_OUT = new ByteArraySerializer();

    private final CheckedFile checked;
    private final RouteFile file;
    private final String app;
    private final Topology topology = new Topology();
    private final Set<String> storesAdded = new HashSet<>();
    private final Formats formats;
    private final Map<String, PayloadFormat> tableFormats = new HashMap<>();
    private final RouteMetrics metrics;

    private TopologyCompiler(CheckedFile checked, Formats formats, RouteMetrics metrics) {
        this.checked = checked;
        this.metrics = metrics;
        this.file = checked.file();
        this.app = file.application();
        this.formats = formats;
    }

    /** Checks and compiles the file, or throws a {@link io.hyphae.route.RouteFileException} listing every problem. */
    public static CompiledApplication compile(RouteFile file) {
        return compile(RouteChecker.check(file), new Formats(file.registry()));
    }

    /** Checks and compiles with the given formats (and so schema registry). */
    public static CompiledApplication compile(RouteFile file, Formats formats) {
        return compile(RouteChecker.check(file), formats);
    }

    /** Compiles a file the checker passed, with no meters. */
    public static CompiledApplication compile(CheckedFile checked, Formats formats) {
        return compile(checked, formats, RouteMetrics.NONE);
    }

    /** Compiles a file the checker passed; its processors count into {@code metrics}. */
    public static CompiledApplication compile(CheckedFile checked, Formats formats, RouteMetrics metrics) {
        return new TopologyCompiler(checked, formats, metrics).run();
    }

    private CompiledApplication run() {
        checked.routes().forEach((route, stages) -> wireRoute(file.route(route).orElseThrow(), stages));
        return new CompiledApplication(checked, topology);
    }

    private void wireRoute(RouteDefinition route, List<CheckedStage> checkedStages) {
        if (checkedStages.isEmpty()) {
            return;
        }
        String r = route.name();
        PayloadFormat format = formats.of(route.format(), route.schema());
        String deadLetterTopic = TopicNames.deadLetter(app, r);
        List<Supplier<StageLogic>> logic = new ArrayList<>();
        for (CheckedStage stage : checkedStages) {
            logic.add(build(StageTypes.of(stage.definition().type()).orElseThrow(), stage.definition(), new Context(stage)));
        }

        String source = NodeNames.source(r);
        String ingest = NodeNames.ingest(r);
        topology.addSource(source, BYTES_IN, BYTES_IN, route.from());
        String first = entryNode(checkedStages.get(0));
        String ingestDlq = NodeNames.part(ingest, "dlq");
        topology.addProcessor(ingest, () -> new IngestProcessor(r, "ingest", format, route.keyFormat(), false, first, ingestDlq, metrics), source);
        topology.addSink(ingestDlq, deadLetterTopic, BYTES_OUT, new SourceBytesSerializer(), ingest);

        String parent = ingest;
        for (int i = 0; i < checkedStages.size(); i++) {
            CheckedStage stage = checkedStages.get(i);
            String name = stage.definition().name();
            String node = NodeNames.stage(r, name);
            if (stage.repartition().isPresent()) {
                parent = addRepartition(route, stage, format, parent, deadLetterTopic);
            }
            String next = i + 1 < checkedStages.size() ? entryNode(checkedStages.get(i + 1)) : null;
            List<String> branchSinks = new ArrayList<>();
            for (int b = 0; b < stage.branchTopics().size(); b++) {
                branchSinks.add(NodeNames.part(node, "to-" + b));
            }
            String topicSink = NodeNames.part(node, "topic");
            String dlqSink = NodeNames.part(node, "dlq");
            Map<String, String> outputSinks = new LinkedHashMap<>();
            stage.outputs().keySet().forEach(output -> outputSinks.put(output, NodeNames.part(node, "output-" + output)));
            Map<String, String> stores = new LinkedHashMap<>();
            stage.stores().forEach(store -> stores.put(store.declaration().name(), store.name()));
            StageProcessor.Wiring wiring = new StageProcessor.Wiring(r, name, topicSink, next, dlqSink, branchSinks, stage.branchTopics(),
                    Map.copyOf(outputSinks), Map.copyOf(stores), format, route.keyFormat(), stage.topic());
            Supplier<StageLogic> stageLogic = logic.get(i);
            RouteMetrics.Stage meters = metrics.stage(r, name);
            topology.addProcessor(node, () -> new StageProcessor(wiring, stageLogic.get(), meters), parent);
            topology.addSink(topicSink, stage.topic(), BYTES_OUT, new EventSerializer(format), node);
            topology.addSink(dlqSink, deadLetterTopic, BYTES_OUT, new SourceBytesSerializer(), node);
            for (int b = 0; b < branchSinks.size(); b++) {
                topology.addSink(branchSinks.get(b), stage.branchTopics().get(b), BYTES_OUT, new EventSerializer(format), node);
            }
            outputSinks.forEach((output, sink) -> topology.addSink(sink, stage.outputs().get(output), BYTES_OUT, new EventSerializer(format), node));
            for (CheckedStage.Store store : stage.stores()) {
                topology.addStateStore(storeBuilder(store), node);
            }
            for (TableDefinition table : stage.joins()) {
                if (table.mode() == TableMode.PARTITIONED) {
                    topology.connectProcessorAndStateStores(node, storeName(table));
                }
            }
            parent = node;
        }
    }

    /** The node that receives the event from the previous stage: the rekey node for a partitioned join. */
    private static String entryNode(CheckedStage stage) {
        String node = NodeNames.stage(stage.route().name(), stage.definition().name());
        return stage.repartition().isPresent() ? NodeNames.part(node, "rekey") : node;
    }

    /** A stage's own store: persistent, changelogged (the changelog named by Kafka Streams), no cache. */
    private static StoreBuilder<?> storeBuilder(CheckedStage.Store store) {
        StoreDeclaration declaration = store.declaration();
        if (declaration.kind() == StoreDeclaration.Kind.WINDOW) {
            Duration retention = declaration.retention().orElseThrow();
            return Stores.windowStoreBuilder(Stores.persistentWindowStore(store.name(), retention, retention, false),
                    Serdes.Bytes(), Serdes.ByteArray()).withCachingDisabled().withLoggingEnabled(Map.of());
        }
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store.name()), Serdes.Bytes(), Serdes.ByteArray())
                .withCachingDisabled().withLoggingEnabled(Map.of());
    }

    /** rekey → repartition topic → re-ingest, in front of a join with a partitioned table or a co-located stage. */
    private String addRepartition(RouteDefinition route, CheckedStage stage, PayloadFormat format, String parent, String deadLetterTopic) {
        String r = route.name();
        String name = stage.definition().name();
        String node = NodeNames.stage(r, name);
        String rekey = entryNode(stage);
        CheckedStage.Repartition repartition = stage.repartition().orElseThrow();
        String topic = repartition.topic();
        CompiledExpression joinKey = repartition.key();
        KeyFormat keyFormat = repartition.keyFormat();
        String repartitionSink = NodeNames.part(node, "repartition");
        String rekeyDlq = NodeNames.part(rekey, "dlq");
        topology.addProcessor(rekey, () -> new RekeyProcessor(r, name, joinKey, keyFormat, repartitionSink, rekeyDlq, metrics.stage(r, name)), parent);
        topology.addSink(rekeyDlq, deadLetterTopic, BYTES_OUT, new SourceBytesSerializer(), rekey);
        topology.addSink(repartitionSink, topic, BYTES_OUT, new EventSerializer(format), new JoinKeyPartitioner(), rekey);
        String resume = NodeNames.part(node, "resume");
        String repartitionSource = NodeNames.part(node, "repartition-source");
        String resumeDlq = NodeNames.part(resume, "dlq");
        topology.addSource(repartitionSource, BYTES_IN, BYTES_IN, topic);
        topology.addProcessor(resume, () -> new IngestProcessor(r, name, format, route.keyFormat(), true, node, resumeDlq, metrics), repartitionSource);
        topology.addSink(resumeDlq, deadLetterTopic, BYTES_OUT, new SourceBytesSerializer(), resume);
        return resume;
    }

    @SuppressWarnings("unchecked")
    private static <D extends StageDefinition> Supplier<StageLogic> build(StageBuilder<D> builder, StageDefinition def, BuildContext ctx) {
        return builder.build((D) def, ctx);
    }

    private static String storeName(TableDefinition table) {
        return "hyphae.table." + table.name();
    }

    /** Adds a table's store once, whichever stage joins it first. */
    private String addTable(TableDefinition table) {
        String store = storeName(table);
        if (storesAdded.add(store)) {
            StoreBuilder<KeyValueStore<Bytes, byte[]>> builder =
                    Stores.keyValueStoreBuilder(HashTableStore.supplier(store), Serdes.Bytes(), Serdes.ByteArray()).withLoggingDisabled();
            String source = NodeNames.tableSource(table.name());
            String updater = NodeNames.tableUpdate(table.name());
            if (table.mode() == TableMode.GLOBAL) {
                topology.addGlobalStore(builder, source, BYTES_IN, BYTES_IN, table.topic(), updater, () -> new TableUpdater(store));
            } else {
                // The table topic is the store's changelog: restoring replays it, nothing else is written.
                topology.addReadOnlyStateStore(builder, source, BYTES_IN, BYTES_IN, table.topic(), updater, () -> new TableUpdater(store));
            }
        }
        return store;
    }

    /** The wiring's side of one checked stage's build. */
    private final class Context implements BuildContext {
        private final CheckedStage stage;

        Context(CheckedStage stage) {
            this.stage = stage;
        }

        @Override
        public CompiledExpression expression(Expression expression) {
            CompiledExpression compiled = stage.expressions().get(expression);
            if (compiled == null) {
                throw new IllegalStateException(stage.path() + ": the spec did not declare the expression '" + expression.text() + "'");
            }
            return compiled;
        }

        @Override
        public TableDefinition table(String name) {
            return stage.joins().stream().filter(t -> t.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalStateException(stage.path() + ": the spec did not declare a join with table '" + name + "'"));
        }

        @Override
        public String store(TableDefinition table) {
            return addTable(table);
        }

        @Override
        public KeyFormat keyFormat() {
            return stage.route().keyFormat();
        }

        @Override
        public PayloadFormat format(TableDefinition table) {
            return tableFormats.computeIfAbsent(table.name(), n -> formats.of(table.format(), table.schema()));
        }
    }
}
