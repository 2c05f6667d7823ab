package io.hyphae.cli;

import io.hyphae.plan.TopicNames;
import io.hyphae.route.RouteFile;
import io.hyphae.runtime.CompiledApplication;
import io.hyphae.plan.TopicSpec;
import io.hyphae.runtime.TopologyCompiler;
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

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        RouteFile routes = RouteFileOption.load(file, spec.commandLine().getErr());
        PrintWriter out = spec.commandLine().getOut();
        out.println("# ACLs for application '" + routes.application() + "' (" + file + "), principal " + principal);
        out.println("# Apply with a bootstrap server and admin credentials, e.g. BOOTSTRAP=broker:9092 sh acls.sh");
        for (String line : commands(routes, principal)) {
            out.println(line);
        }
        out.flush();
        return 0;
    }

    /** kafka-acls.sh --add lines, one per resource, operations merged. */
    static List<String> commands(RouteFile routes, String principal) {
        CompiledApplication app = TopologyCompiler.compile(routes);
        Map<String, Set<String>> topics = new LinkedHashMap<>();
        for (TopicSpec t : app.topics()) {
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
            topics.get(io.hyphae.plan.TopicNames.deadLetter(routes.application(), r.name())).add("Read");
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

    private static String ops(Iterable<String> ops) {
        StringBuilder s = new StringBuilder();
        ops.forEach(o -> s.append(" --operation ").append(o));
        return s.toString();
    }
}
