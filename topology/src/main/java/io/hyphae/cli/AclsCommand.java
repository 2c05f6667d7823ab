package io.hyphae.cli;

import io.hyphae.connect.TableConnectors;
import io.hyphae.plan.CheckedBridge;
import io.hyphae.plan.CheckedFile;
import io.hyphae.route.BridgeDefinition;
import io.hyphae.plan.CheckedSubscriber;
import io.hyphae.plan.TopicNames;
import io.hyphae.plan.TopicSpec;
import io.hyphae.route.RouteFile;
import io.hyphae.route.TableDefinition;
import io.hyphae.runtime.StreamsConfigFactory;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "acls",
        description = {"Print the minimal ACLs the application's principal needs, as kafka-acls.sh commands.",
            "Read on inputs and tables; Write on stage, dead-letter, destination and stage output topics; Read, Write and "
                + "Delete on repartition topics (the purge of what was consumed); Read and Write on the changelogs of the stages' "
                + "state stores; Create on the topics Hyphae (or Kafka Streams, for changelogs) creates when missing (Describe "
                + "where neither Read nor Write implies it); Read on the consumer group (the application id); Write on the "
                + "transactional ids of exactly-once (prefixed '<application>-'); plus what 'hyphae dlq replay' needs "
                + "(prefixed '<application>.'). Each printed operation is one the broker checks: 'hyphae run' and 'dlq replay' "
                + "fail, naming it, without it."},
        mixinStandardHelpOptions = true)
final class AclsCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", description = "The route file.")
    Path file;

    @Option(names = "--principal", paramLabel = "PRINCIPAL", defaultValue = "User:hyphae",
            description = "The application's principal (default: ${DEFAULT-VALUE}).")
    String principal;

    @Option(names = "--connect-principal", paramLabel = "PRINCIPAL", defaultValue = "User:connect",
            description = "The principal of the Kafka Connect worker that runs the file's table sources and subscribers (default ${DEFAULT-VALUE}).")
    String connectPrincipal;

    @Option(names = "--runtime-subscribers",
            description = "Also what the fan-out connector <application>-subscribers needs, which delivers the subscribers of the HTTP API (hyphae serve).")
    boolean runtimeSubscribers;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        CheckedFile checked = RouteFileOption.loadChecked(file, spec.commandLine().getErr());
        RouteFile routes = checked.file();
        PrintWriter out = spec.commandLine().getOut();
        out.println("# ACLs for application '" + routes.application() + "' (" + file + "), principal " + principal);
        out.println("# Apply with a bootstrap server and admin credentials, e.g. BOOTSTRAP=broker:9092 sh acls.sh");
        for (String line : commands(checked, principal)) {
            out.println(line);
        }
        if (!checked.subscribers().isEmpty() || !checked.bridges().isEmpty() || !TableConnectors.sourced(routes).isEmpty()) {
            out.println();
            out.println("# ACLs for the Kafka Connect worker's principal " + connectPrincipal
                    + " that runs the table sources', subscribers' and bridges' connectors");
            out.println("# (on top of what the worker itself needs: its group, config, offset and status topics)");
            connectorCommands(checked, connectPrincipal).forEach(out::println);
        }
        if (runtimeSubscribers) {
            out.println();
            out.println("# ACLs for the Kafka Connect worker's principal " + connectPrincipal + " that runs the fan-out connector "
                    + TopicNames.fanOutConnector(routes.application()) + " of the HTTP API's subscribers");
            fanOutCommands(checked, connectPrincipal).forEach(out::println);
        }
        out.flush();
        return 0;
    }

    /**
     * kafka-acls.sh --add lines, one per resource, operations merged. Describe is printed only where neither Read nor
     * Write is: the authorizer implies Describe from either, so every printed operation is one the application uses.
     */
    static List<String> commands(CheckedFile checked, String principal) {
        RouteFile routes = checked.file();
        Map<String, Set<String>> topics = new LinkedHashMap<>();
        for (TopicSpec t : checked.topics()) {
            Set<String> ops = topics.computeIfAbsent(t.name(), k -> new LinkedHashSet<>());
            switch (t.role()) {
                case INPUT, TABLE -> ops.add("Read");
                case STAGE, DEAD_LETTER, DESTINATION, OUTPUT -> ops.add("Write");
                case REPARTITION -> {
                    ops.add("Read");
                    ops.add("Write");
                    // What the application consumed of it is deleted (deleteRecords).
                    ops.add("Delete");
                }
                case CHANGELOG -> {
                    // Kafka Streams creates it, checks its configs, writes it and reads it back when restoring a store.
                    ops.add("Read");
                    ops.add("Write");
                    ops.add("DescribeConfigs");
                }
                default -> { }
            }
        }
        // dlq replay reads the dead letters and writes the input.
        routes.routes().values().forEach(r -> {
            topics.get(TopicNames.deadLetter(routes.application(), r.name())).add("Read");
            topics.get(r.from()).add("Write");
        });
        List<String> lines = new ArrayList<>();
        String base = "kafka-acls.sh --bootstrap-server \"$BOOTSTRAP\" --add --allow-principal " + principal;
        // Hyphae creates the topics that are missing, so each needs Create (and Describe, implied or given).
        topics.forEach((topic, ops) -> lines.add(base + ops(ordered(ops, true)) + " --topic " + topic));
        lines.add(base + ops(List.of("Read")) + " --group " + routes.application());
        if (exactlyOnce(routes)) {
            // Kafka Streams' transactional ids under exactly_once_v2: <application.id>-<process id>-<thread>.
            lines.add(base + ops(List.of("Write")) + " --transactional-id " + routes.application() + "- --resource-pattern-type prefixed");
        }
        // dlq replay: group and transactional id <application>.<route>.dlq-replay
        lines.add(base + ops(List.of("Write")) + " --transactional-id " + routes.application() + ". --resource-pattern-type prefixed");
        lines.add(base + ops(List.of("Read")) + " --group " + routes.application() + ". --resource-pattern-type prefixed");
        return lines;
    }

    /** Whether the file's Streams run under exactly-once (the default), which needs transactional ids. */
    static boolean exactlyOnce(RouteFile routes) {
        Object guarantee = StreamsConfigFactory.forRun(routes, "unused:9092").get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG);
        return !StreamsConfig.AT_LEAST_ONCE.equals(guarantee);
    }

    /** Read, Write, then Create; Describe only when neither Read nor Write implies it; then any other operation. */
    private static List<String> ordered(Set<String> ops, boolean create) {
        List<String> out = new ArrayList<>();
        for (String op : List.of("Read", "Write")) {
            if (ops.contains(op)) {
                out.add(op);
            }
        }
        if (create) {
            out.add("Create");
        }
        if (!ops.contains("Read") && !ops.contains("Write")) {
            out.add("Describe");
        }
        // What a stateful stage needs besides: Delete on repartition topics (the purge), DescribeConfigs on changelogs.
        for (String op : ops) {
            if (!out.contains(op) && !op.equals("Describe") && !op.equals("Create")) {
                out.add(op);
            }
        }
        return out;
    }

    /**
     * The Connect worker's principal: for a table source's connector, write (and create) the table's topic; for a
     * subscriber's, read the topic, write the dead letters, commit.
     */
    static List<String> connectorCommands(CheckedFile checked, String principal) {
        List<String> lines = new ArrayList<>();
        String base = "kafka-acls.sh --bootstrap-server \"$BOOTSTRAP\" --add --allow-principal " + principal;
        for (TableDefinition t : TableConnectors.sourced(checked.file())) {
            lines.add("# table " + t.name() + " (connector " + TopicNames.tableConnector(checked.file().application(), t.name()) + ")");
            lines.add(base + ops(List.of("Write", "Create")) + " --topic " + t.topic());
        }
        for (CheckedSubscriber s : checked.subscribers()) {
            lines.add("# subscriber " + s.definition().name() + " (connector " + s.connector() + ")");
            lines.add(base + ops(List.of("Read")) + " --topic " + s.topic());
            lines.add(base + ops(List.of("Write")) + " --topic " + s.deadLetterTopic());
            lines.add(base + ops(List.of("Read")) + " --group connect-" + s.connector());
        }
        for (CheckedBridge b : checked.bridges()) {
            lines.add("# bridge " + b.definition().name() + " (connector " + b.connector() + ")");
            if (b.definition().direction() == BridgeDefinition.Direction.IN) {
                // the messages enter the topic; those whose key cannot be computed go to the dead letters
                lines.add(base + ops(List.of("Write", "Describe")) + " --topic " + b.topic());
                lines.add(base + ops(List.of("Write", "Describe")) + " --topic " + b.deadLetterTopic());
            } else {
                lines.add(base + ops(List.of("Read", "Describe")) + " --topic " + b.topic());
                lines.add(base + ops(List.of("Write", "Describe")) + " --topic " + b.deadLetterTopic());
                lines.add(base + ops(List.of("Read", "Describe")) + " --group connect-" + b.connector());
            }
        }
        return lines;
    }

    /**
     * The fan-out connector: read every stage topic (and list its offsets by time) in its group; read the subscriptions
     * topic, read and write the status topic (creating both when missing); write (and create) each subscriber's
     * dead-letter topic, {@code <application>.subscriber.<name>.dlq}, named by a prefix since subscribers come and go.
     */
    static List<String> fanOutCommands(CheckedFile checked, String principal) {
        String application = checked.file().application();
        String base = "kafka-acls.sh --bootstrap-server \"$BOOTSTRAP\" --add --allow-principal " + principal;
        List<String> lines = new ArrayList<>();
        for (TopicSpec t : checked.topics()) {
            if (t.role() == TopicSpec.Role.STAGE) {
                lines.add(base + ops(List.of("Read")) + " --topic " + t.name());
            }
        }
        lines.add(base + ops(List.of("Read", "Create")) + " --topic " + TopicNames.subscriptions(application));
        lines.add(base + ops(List.of("Read", "Write", "Create")) + " --topic " + TopicNames.subscriberStatus(application));
        lines.add(base + ops(List.of("Write", "Create")) + " --topic " + TopicNames.subscriberDeadLetterPrefix(application)
                + " --resource-pattern-type prefixed");
        lines.add(base + ops(List.of("Read")) + " --group connect-" + TopicNames.fanOutConnector(application));
        return lines;
    }

    private static String ops(Iterable<String> ops) {
        StringBuilder s = new StringBuilder();
        ops.forEach(o -> s.append(" --operation ").append(o));
        return s.toString();
    }
}
