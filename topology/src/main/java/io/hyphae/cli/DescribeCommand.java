package io.hyphae.cli;

import io.hyphae.format.Formats;
import io.hyphae.plan.CheckedFile;
import io.hyphae.plan.CheckedStage;
import io.hyphae.plan.CheckedBridge;
import io.hyphae.plan.CheckedSubscriber;
import io.hyphae.route.BridgeDefinition;
import io.hyphae.plan.StageInfo;
import io.hyphae.plan.TopicNames;
import io.hyphae.route.RouteDefinition;
import io.hyphae.route.RouteFile;
import io.hyphae.route.SubscriberDefinition;
import io.hyphae.route.TableDefinition;
import io.hyphae.route.loader.Durations;
import io.hyphae.spec.StoreDeclaration;
import io.hyphae.runtime.CompiledApplication;
import io.hyphae.runtime.TopologyCompiler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "describe",
        description = {"Show the stages, their topics, the topology and a Mermaid diagram.",
            "Prints every stage with its type and topic, the tables, the dead-letter topics, the Kafka Streams topology, "
                + "and a Mermaid flowchart (paste it into any Markdown that renders Mermaid)."},
        mixinStandardHelpOptions = true)
final class DescribeCommand implements Callable<Integer> {

    enum Part { stages, topology, mermaid, all }

    @Parameters(paramLabel = "FILE", description = "The route file.")
    Path file;

    @Option(names = "--show", paramLabel = "PART", defaultValue = "all",
            description = "What to print: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Part show;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        CheckedFile checked = RouteFileOption.loadChecked(file, spec.commandLine().getErr());
        RouteFile routes = checked.file();
        CompiledApplication app = TopologyCompiler.compile(checked, new Formats(routes.registry()));
        if (show == Part.stages || show == Part.all) {
            stages(out, app);
        }
        if (show == Part.topology || show == Part.all) {
            out.println("Kafka Streams topology:");
            out.println(app.topology().describe());
        }
        if (show == Part.mermaid || show == Part.all) {
            if (show == Part.all) {
                out.println("Mermaid:");
                out.println("```mermaid");
            }
            out.print(MermaidRenderer.render(app));
            if (show == Part.all) {
                out.println("```");
            }
        }
        out.flush();
        return 0;
    }

    private static void stages(PrintWriter out, CompiledApplication app) {
        RouteFile f = app.file();
        out.printf("application %s (%s)%n%n", f.application(), f.source());
        if (!f.tables().isEmpty()) {
            out.println("Tables:");
            for (TableDefinition t : f.tables().values()) {
                out.printf("  %-20s topic %-32s %s, keys %s, %s%n", t.name(), t.topic(), t.format().id(), t.keyFormat().id(), t.mode().id());
            }
            out.println();
        }
        String row = "  %-20s %-10s %-45s %s%n";
        for (RouteDefinition route : f.routes().values()) {
            out.printf("Route %s: reads %s (%s)%n", route.name(), route.from(), route.format().id());
            out.printf(row, "STAGE", "TYPE", "TOPIC", "THEN");
            for (StageInfo s : app.stages()) {
                if (s.route().equals(route.name())) {
                    out.printf(row, s.stage(), s.type(), s.topic(), s.destinations().isEmpty() ? "-" : String.join(", ", s.destinations()));
                    for (String output : s.outputs()) {
                        out.printf(row, "", "", output, "(output)");
                    }
                }
            }
            out.printf("  dead letters: %s%n", TopicNames.deadLetter(f.application(), route.name()));
            for (CheckedStage stage : app.checked().routes().getOrDefault(route.name(), List.of())) {
                stage.repartition().ifPresent(p -> out.printf("  repartition before %s: %s (partitioned like %s)%n",
                        stage.definition().name(), p.topic(), p.copartitionWith()));
                for (CheckedStage.Store store : stage.stores()) {
                    out.printf("  state of %s: store %s (%s%s), changelog %s%n", stage.definition().name(), store.name(),
                            store.declaration().kind() == StoreDeclaration.Kind.WINDOW ? "window" : "key-value",
                            store.declaration().retention().map(r -> ", retention " + Durations.format(r)).orElse(""), store.changelog());
                }
            }
            out.println();
        }
        if (!app.checked().subscribers().isEmpty()) {
            out.println("Subscribers (webhooks, delivered by Kafka Connect):");
            for (CheckedSubscriber s : app.checked().subscribers()) {
                SubscriberDefinition d = s.definition();
                out.printf("  %-20s %s %s <- %s%s%n", d.name(), d.method(), d.url(), s.topic(), d.filter().map(e -> " where " + e.text()).orElse(""));
                out.printf("  %-20s connector %s, dead letters %s, %s%n", "", s.connector(), s.deadLetterTopic(),
                        d.secrets().isEmpty() ? "unsigned" : "signed with " + d.secrets().size() + " secret(s)");
            }
            out.println();
        }
        if (!app.checked().bridges().isEmpty()) {
            out.println("Bridges (MQTT, RabbitMQ, run by Kafka Connect):");
            for (CheckedBridge b : app.checked().bridges()) {
                BridgeDefinition d = b.definition();
                boolean in = d.direction() == BridgeDefinition.Direction.IN;
                String broker = d.mqtt().map(m -> m.url() + (in ? " " + m.filters() : " topic " + m.topic().map(e -> e.text()).orElse("")))
                        .orElseGet(() -> d.rabbitmq().map(r -> in ? "queue " + r.queue().orElse("") : "exchange '" + r.exchange().orElse("")
                                + "' routing key " + r.routingKey().map(e -> e.text()).orElse("")).orElse(""));
                out.printf("  %-20s %s %s %s %s%s%n", d.name(), d.protocol(), broker, in ? "->" : "<-", b.topic(),
                        d.key().map(e -> " key " + e.text()).orElse(""));
                out.printf("  %-20s connector %s, dead letters %s%n", "", b.connector(), b.deadLetterTopic());
            }
            out.println();
        }
    }
}
