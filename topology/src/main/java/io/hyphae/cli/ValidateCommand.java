package io.hyphae.cli;

import io.hyphae.route.Problem;
import io.hyphae.route.RouteFile;
import io.hyphae.route.RouteFileException;
import io.hyphae.route.loader.RouteFileLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "validate",
        description = {"Check route files without touching Kafka.",
            "Checks YAML syntax, fields, names, the tables and routes referred to, CEL syntax and types, topic names and "
                + "cycles. Prints one line per problem as file:line:column: field: message."},
        footer = {"", "Exit status: 0 when every file is valid, 1 otherwise."},
        mixinStandardHelpOptions = true)
final class ValidateCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Route files to check.")
    List<Path> files;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        int failed = 0;
        for (Path file : files) {
            try {
                RouteFile routes = new RouteFileLoader().load(file);
                int stages = routes.routes().values().stream().mapToInt(r -> r.stages().size()).sum();
                spec.commandLine().getOut().printf("%s: OK (application '%s': %d route%s, %d stage%s, %d table%s, %d subscriber%s)%n", file,
                        routes.application(), routes.routes().size(), plural(routes.routes().size()), stages, plural(stages),
                        routes.tables().size(), plural(routes.tables().size()), routes.subscribers().size(), plural(routes.subscribers().size()));
            } catch (RouteFileException e) {
                failed++;
                for (Problem p : e.problems()) {
                    spec.commandLine().getErr().println(p.format());
                }
                spec.commandLine().getErr().printf("%s: %d problem%s%n", file, e.problems().size(), plural(e.problems().size()));
            }
        }
        return failed == 0 ? 0 : 1;
    }

    private static String plural(int n) {
        return n == 1 ? "" : "s";
    }
}
