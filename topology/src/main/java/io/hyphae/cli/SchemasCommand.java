package io.hyphae.cli;

import io.hyphae.format.avro.HttpSchemaRegistry;
import io.hyphae.format.avro.SchemaRegistry;
import io.hyphae.route.Format;
import io.hyphae.route.RouteDefinition;
import io.hyphae.route.RouteFile;
import io.hyphae.route.SchemaSource;
import io.hyphae.route.SubjectStrategy;
import io.hyphae.route.TableDefinition;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "schemas",
        description = {"Compare the route file's Avro schemas with the schema registry.",
            "'check' reports, per subject, whether the schema a route or table reads with can read the latest version registered "
                + "(Avro's reader/writer rules), and what the registry itself says when it can tell. Exit status 1 if any cannot."},
        mixinStandardHelpOptions = true,
        subcommands = {SchemasCommand.Check.class})
final class SchemasCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "check", description = "Check each Avro reader schema of the route file against its subject's latest version.",
            mixinStandardHelpOptions = true)
    static final class Check implements Callable<Integer> {

        @Parameters(paramLabel = "FILE", description = "The route file.")
        Path file;

        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            RouteFile routes = RouteFileOption.load(file, spec.commandLine().getErr());
            Map<String, SchemaSource> subjects = new LinkedHashMap<>();
            for (RouteDefinition r : routes.routes().values()) {
                if (r.format() == Format.AVRO && r.schema().isPresent()) {
                    subjects.put(subject(routes, r.from(), r.schema().get()), r.schema().get());
                }
            }
            for (TableDefinition t : routes.tables().values()) {
                if (t.format() == Format.AVRO && t.schema().isPresent()) {
                    subjects.put(subject(routes, t.topic(), t.schema().get()), t.schema().get());
                }
            }
            PrintWriter out = spec.commandLine().getOut();
            if (subjects.isEmpty()) {
                out.println("no Avro route or table of " + file + " names a schema: nothing to check");
                return 0;
            }
            String url = client.resolveRegistryUrl(Optional.of(routes), LocalCommand.printer(spec, true));
            SchemaRegistry registry = new HttpSchemaRegistry(routes.registry().withUrl(url));
            int failed = 0;
            for (Map.Entry<String, SchemaSource> e : subjects.entrySet()) {
                Schema reader = new Schema.Parser().parse(e.getValue().text());
                Optional<Schema> latest = registry.latest(e.getKey());
                if (latest.isEmpty()) {
                    out.printf("%-45s not registered yet (%s registers on first write)%n", e.getKey(), e.getValue().path());
                    continue;
                }
                var result = SchemaCompatibility.checkReaderWriterCompatibility(reader, latest.get());
                boolean ok = result.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
                String registrySays = registry.compatible(e.getKey(), reader).map(c -> c ? "compatible" : "incompatible").orElse("cannot tell");
                out.printf("%-45s %s: %s can %sread the latest version%s; registry: %s%n", e.getKey(), ok ? "OK" : "INCOMPATIBLE",
                        e.getValue().path(), ok ? "" : "not ", ok ? "" : " (" + result.getDescription() + ")", registrySays);
                failed += ok ? 0 : 1;
            }
            out.flush();
            return failed == 0 ? 0 : 1;
        }

        private static String subject(RouteFile routes, String topic, SchemaSource schema) {
            return routes.registry().subjectStrategy() == SubjectStrategy.TOPIC ? topic + "-value" : new Schema.Parser().parse(schema.text()).getFullName();
        }
    }
}
