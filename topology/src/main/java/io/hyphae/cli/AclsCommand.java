package io.hyphae.cli;

import io.hyphae.plan.CheckedBridge;
import io.hyphae.plan.CheckedFile;
import io.hyphae.route.BridgeDefinition;
import io.hyphae.plan.CheckedSubscriber;
import io.hyphae.plan.TopicNames;
import io.hyphae.plan.TopicSpec;
import io.hyphae.route.RouteFile;
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
            "Read on inputs and tables; write on stage, dead-letter and destination topics; create on the topics Hyphae "
                + "creates when missing; the consumer group (the application id) and the transactional ids of "
                + "exactly-once (prefixed by the application id); plus what 'hyphae dlq replay' needs."},
        mixinStandardHelpOptions = true)
final class AclsCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", description = "The route file.")
    Path file;

    @Option(names = "--principal", paramLabel = "PRINCIPAL", defaultValue = "User:hyphae",
            description = "The application's principal (default: ${DEFAULT-VALUE}).")
    String principal;

    @Option(names = "--connect-principal", paramLabel = "PRINCIPAL", defaultValue = "User:connect",
            description = "The principal of the Kafka Connect worker that runs the file's subscribers (default ${DEFAULT-VALUE}).")
    String connectPrincipal;

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
        if (!checked.subscribers().isEmpty() || !checked.bridges().isEmpty()) {
            out.println();
            out.println("# ACLs for the Kafka Connect worker's principal " + connectPrincipal + " that runs the subscribers' and bridges' connectors");
            out.println("# (on top of what the worker itself needs: its group, config, offset and status topics)");
            connectorCommands(checked, connectPrincipal).forEach(out::println);
        }
        out.flush();
        return 0;
    }

    /** kafka-acls.sh --add lines, one per resource, operations merged. */
    static List<String> commands(CheckedFile checked, String principal) {
        RouteFile routes = checked.file();
        Map<String, Set<String>> topics = new LinkedHashMap<>();
        for (TopicSpec t : checked.topics()) {
            Set<String> ops = topics.computeIfAbsent(t.name(), k -> new LinkedHashSet<>());
            ops.add("Describe");
            ops.add("Create");
            switch (t.role()) {
                case INPUT, TABLE -> ops.add("Read");
                case STAGE, DEAD_LETTER, DESTINATION -> ops.add("Write");
                case REPARTITION -> {
                    ops.add("Read");
                    ops.add("Write");
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
        topics.forEach((topic, ops) -> lines.add(base + ops(ops) + " --topic " + topic));
        lines.add(base + ops(List.of("Read", "Describe")) + " --group " + routes.application());
        lines.add(base + ops(List.of("Write", "Describe")) + " --transactional-id " + routes.application() + " --resource-pattern-type prefixed");
        lines.add(base + ops(List.of("Read", "Describe")) + " --group " + routes.application() + ". --resource-pattern-type prefixed");
        return lines;
    }

    /** The Connect worker's principal, for the subscribers' connectors: read the topic, write the dead letters, commit. */
    static List<String> connectorCommands(CheckedFile checked, String principal) {
        List<String> lines = new ArrayList<>();
        String base = "kafka-acls.sh --bootstrap-server \"$BOOTSTRAP\" --add --allow-principal " + principal;
        for (CheckedSubscriber s : checked.subscribers()) {
            lines.add("# subscriber " + s.definition().name() + " (connector " + s.connector() + ")");
            lines.add(base + ops(List.of("Read", "Describe")) + " --topic " + s.topic());
            lines.add(base + ops(List.of("Write", "Describe")) + " --topic " + s.deadLetterTopic());
            lines.add(base + ops(List.of("Read", "Describe")) + " --group connect-" + s.connector());
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

    private static String ops(Iterable<String> ops) {
        StringBuilder s = new StringBuilder();
        ops.forEach(o -> s.append(" --operation ").append(o));
        return s.toString();
    }
}
