package io.hyphae.cli;

import io.hyphae.client.TopicReader;
import io.hyphae.format.Formats;
import io.hyphae.format.avro.AvroFormat;
import io.hyphae.plan.CheckedFile;
import io.hyphae.plan.CheckedSubscriber;
import io.hyphae.plan.StageInfo;
import io.hyphae.plan.TopicNames;
import io.hyphae.plan.TopicSpec;
import io.hyphae.route.Format;
import io.hyphae.route.RouteDefinition;
import io.hyphae.route.RouteFile;
import io.hyphae.route.SchemaSource;
import io.hyphae.route.TableDefinition;
import io.hyphae.runtime.HyphaeApplication;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.stream.Collectors;

@Command(name = "demo",
        description = {"Run a route file once over sample files and show what arrived where.",
            "Creates the topics, loads the given files (tables first, before processing starts, so the first events find "
                + "their rows), processes until every input is consumed, prints the records this run added to each stage "
                + "topic, destination and dead-letter topic, and stops the application. Without bootstrap servers it uses "
                + "(and leaves running) the local broker."},
        mixinStandardHelpOptions = true)
final class DemoCommand implements Callable<Integer> {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    @Parameters(index = "0", paramLabel = "FILE", description = "The route file.")
    Path file;

    @Option(names = {"-l", "--load"}, paramLabel = "TOPIC=FILE[:KEY_FIELD]",
            description = "Send FILE's lines to TOPIC, keyed by the JSON field KEY_FIELD; repeatable, in order.")
    List<String> loads = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120", description = "Give up waiting for the inputs to be consumed after this long (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Option(names = "--width", paramLabel = "CHARS", defaultValue = "0", description = "Cut printed values to this width; 0 prints them whole (default: ${DEFAULT-VALUE}).")
    int width;

    @Mixin
    ClientOptions client;

    @Spec
    CommandSpec spec;

    private Display display;

    private record Load(String topic, Path file, String keyField) {
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Consumer<String> progress = m -> {
            out.println(LocalTime.now().format(TIME) + " " + m);
            out.flush();
        };
        CheckedFile checked = RouteFileOption.loadChecked(file, spec.commandLine().getErr());
        RouteFile routes = checked.file();
        progress.accept("route file " + file + " is valid (application '" + routes.application() + "')");
        routes = client.resolveRegistry(routes, progress);
        display = new Display(routes);
        List<Load> parsed = loads.stream().map(DemoCommand::parseLoad).toList();
        String bootstrap = client.resolveBootstrap(Optional.of(routes), progress);
        var props = client.clientProperties(Optional.of(routes), bootstrap);
        Set<String> tableTopics = routes.tables().values().stream().map(t -> t.topic()).collect(Collectors.toSet());

        try (HyphaeApplication app = new HyphaeApplication(checked.withFile(routes), bootstrap, m -> { }); Admin admin = Admin.create(props)) {
            progress.accept("creating missing topics");
            app.provision();
            List<String> shown = shownTopics(app, routes);
            Map<TopicPartition, Long> before = endOffsets(admin, shown);

            for (Load load : parsed) {
                if (tableTopics.contains(load.topic)) {
                    progress.accept(produce(load, props, routes));
                }
            }
            progress.accept("starting the application (tables load before processing)");
            long started = System.nanoTime();
            app.start();
            app.awaitRunning(Duration.ofSeconds(timeoutSeconds));
            progress.accept(String.format("application running after %.1f s", (System.nanoTime() - started) / 1e9));
            boolean delivering = client.applySubscribers(app.compiled().checked(), bootstrap, progress);
            for (Load load : parsed) {
                if (!tableTopics.contains(load.topic)) {
                    progress.accept(produce(load, props, routes));
                }
            }
            List<String> inputs = routes.routes().values().stream().map(RouteDefinition::from).distinct().toList();
            progress.accept("processing...");
            awaitConsumed(admin, routes.application(), inputs, Duration.ofSeconds(timeoutSeconds));
            if (delivering) {
                for (CheckedSubscriber s : app.compiled().checked().subscribers()) {
                    progress.accept("waiting for subscriber " + s.definition().name() + " (" + s.definition().url() + ")...");
                    if (SubscriberProgress.awaitDone(admin, props, s, Duration.ofSeconds(timeoutSeconds))) {
                        progress.accept("subscriber " + s.definition().name() + ": every record of " + s.topic() + " delivered or filtered out, "
                                + SubscriberProgress.deadLettered(admin, s) + " dead-lettered in all (" + s.deadLetterTopic() + ")");
                    } else {
                        progress.accept("warning: subscriber " + s.definition().name() + " still has " + SubscriberProgress.pending(admin, s)
                                + " offset(s) to go; see 'hyphae connectors status " + file + "'");
                    }
                }
            }
            progress.accept("every input record is processed; what this run added to each topic:");
            print(out, props, routes, app, before);
        }
        out.println();
        out.println("The local stack keeps running for you to explore, e.g.:");
        out.println("  ./hyphae tap -f " + file + " " + routes.routes().keySet().iterator().next() + " "
                + routes.routes().values().iterator().next().stages().get(0).name() + " --headers");
        out.println("  ./hyphae local status        ./hyphae local stop");
        out.flush();
        return 0;
    }

    private static Load parseLoad(String spec) {
        int eq = spec.indexOf('=');
        if (eq <= 0) {
            throw new CommandLine.ParameterException(new CommandLine(new DemoCommand()), "--load expects TOPIC=FILE[:KEY_FIELD] but got '" + spec + "'");
        }
        String rest = spec.substring(eq + 1);
        int colon = rest.lastIndexOf(':');
        return colon > 0 ? new Load(spec.substring(0, eq), Path.of(rest.substring(0, colon)), rest.substring(colon + 1))
                : new Load(spec.substring(0, eq), Path.of(rest), null);
    }

    private String produce(Load load, Properties props, RouteFile routes) throws Exception {
        Optional<LineProducer.AvroWriter> avro = Optional.empty();
        Optional<SchemaSource> schema = avroSchemaOf(routes, load.topic);
        if (schema.isPresent()) {
            AvroFormat format = (AvroFormat) new Formats(routes.registry()).of(Format.AVRO, Optional.empty());
            avro = Optional.of(new LineProducer.AvroWriter(format, new Schema.Parser().parse(schema.get().text()), schema.get().path()));
        }
        LineProducer.KeyRule keys = new LineProducer.KeyRule(load.keyField, null);
        int sent;
        try (BufferedReader reader = Files.newBufferedReader(load.file, StandardCharsets.UTF_8)) {
            sent = new LineProducer(props, spec.commandLine().getErr()).send(load.topic, reader, load.file.toString(), keys, Map.of(), avro);
        }
        return "sent " + sent + " record" + (sent == 1 ? "" : "s") + " to " + load.topic + " from " + load.file;
    }

    /** The Avro schema of the route or table reading the topic, when it is Avro; an Avro topic without one cannot be loaded from JSON. */
    private static Optional<SchemaSource> avroSchemaOf(RouteFile routes, String topic) {
        for (RouteDefinition r : routes.routes().values()) {
            if (r.from().equals(topic) && r.format() == Format.AVRO) {
                return Optional.of(r.schema().orElseThrow(() -> new IllegalArgumentException(
                        "route " + r.name() + " reads Avro without a 'schema': there is no schema to write " + topic + " with")));
            }
        }
        for (TableDefinition t : routes.tables().values()) {
            if (t.topic().equals(topic) && t.format() == Format.AVRO) {
                return Optional.of(t.schema().orElseThrow(() -> new IllegalArgumentException(
                        "table " + t.name() + " is Avro without a 'schema': there is no schema to write " + topic + " with")));
            }
        }
        return Optional.empty();
    }

    private static List<String> shownTopics(HyphaeApplication app, RouteFile routes) {
        Set<String> topics = new LinkedHashSet<>();
        app.compiled().stages().forEach(s -> topics.add(s.topic()));
        app.compiled().topics().stream().filter(t -> t.role() == TopicSpec.Role.DESTINATION || t.role() == TopicSpec.Role.DEAD_LETTER
                || t.role() == TopicSpec.Role.INPUT).forEach(t -> topics.add(t.name()));
        return List.copyOf(topics);
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, List<String> topics) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        admin.describeTopics(topics).allTopicNames().get().forEach((name, d) ->
                d.partitions().forEach(p -> request.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listOffsets(request).all().get().forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    /** Until the application's committed offsets reach the end of every input, twice in a row (routes feed routes). */
    private static void awaitConsumed(Admin admin, String group, List<String> inputs, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        int stable = 0;
        while (stable < 2) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the inputs were not all consumed within " + timeout.toSeconds() + " s");
            }
            Thread.sleep(300);
            Map<TopicPartition, Long> ends = endOffsets(admin, inputs);
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            boolean done = ends.entrySet().stream().allMatch(e -> e.getValue() == 0
                    || (committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() >= e.getValue()));
            stable = done ? stable + 1 : 0;
        }
    }

    private void print(PrintWriter out, Properties props, RouteFile routes, HyphaeApplication app,
                       Map<TopicPartition, Long> before) {
        try (TopicReader reader = new TopicReader(props)) {
            for (RouteDefinition route : routes.routes().values()) {
                out.println();
                out.println("route " + route.name() + " (input " + route.from() + ")");
                for (StageInfo stage : app.compiled().stages()) {
                    if (stage.route().equals(route.name())) {
                        show(out, reader, before, "stage " + stage.stage(), stage.topic(), false);
                        if (stage.type().equals("route")) {
                            for (String destination : stage.destinations()) {
                                show(out, reader, before, "  → destination", destination, false);
                            }
                        }
                    }
                }
                show(out, reader, before, "dead letters", TopicNames.deadLetter(routes.application(), route.name()), true);
            }
        }
        out.flush();
    }

    private void show(PrintWriter out, TopicReader reader, Map<TopicPartition, Long> before,
                      String label, String topic, boolean reasons) {
        reader.assign(reader.partitions(topic, Duration.ofSeconds(10))).seekToBeginning().seek(before);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        reader.readToEnd(Duration.ofSeconds(10), batch -> batch.forEach(records::add));
        out.printf("  %-22s %s: %d record%s%n", label, topic, records.size(), records.size() == 1 ? "" : "s");
        for (ConsumerRecord<byte[], byte[]> r : records) {
            String key = r.key() == null ? "null" : new String(r.key(), StandardCharsets.UTF_8);
            String value = display.text(r.topic(), r.value());
            out.printf("      %-10s %s%n", key, cut(value));
            if (reasons) {
                Header reason = r.headers().lastHeader("hyphae.error.reason");
                Header stage = r.headers().lastHeader("hyphae.error.stage");
                out.printf("      %-10s ↳ %s: %s%n", "", stage == null ? "?" : new String(stage.value(), StandardCharsets.UTF_8),
                        reason == null ? "?" : new String(reason.value(), StandardCharsets.UTF_8));
            }
        }
    }

    private String cut(String value) {
        return width > 0 && value.length() > width ? value.substring(0, width - 3) + "..." : value;
    }
}
