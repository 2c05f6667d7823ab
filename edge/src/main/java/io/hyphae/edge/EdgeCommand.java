package io.hyphae.edge;

import io.hyphae.edge.file.EdgeFile;
import io.hyphae.edge.file.EdgeFileLoader;
import io.hyphae.route.Problem;
import io.hyphae.route.RouteFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code hyphae edge FILE}: runs an edge node until stopped (Ctrl-C, SIGTERM). Its own entry point too, for a small JVM
 * without Kafka Streams: {@code java @edge/jvm.options -jar edge/target/hyphae-edge.jar FILE}.
 */
@Command(name = "edge",
        description = {"Run an edge node: local SQLite tables kept equal to topics, and local writes published to a route.",
            "The edge file names the node, its SQLite file, the topics it mirrors into tables and the tables it publishes. "
                + "See docs/edge.md."},
        footer = {"", "Exit status: 0 after a clean stop, 1 for an invalid edge file."},
        mixinStandardHelpOptions = true)
public final class EdgeCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "The edge file (YAML).")
    Path file;

    @Option(names = {"-b", "--bootstrap-server"}, description = "Bootstrap servers, when the edge file has no kafka.bootstrap.")
    String bootstrap;

    @Option(names = "--registry-url", description = "The schema registry, when the edge file has no registry.url (Avro only).")
    String registryUrl;

    @Option(names = "--check", description = "Check the edge file and exit.")
    boolean check;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new EdgeCommand());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        });
        System.exit(cli.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        EdgeFile edge;
        try {
            edge = new EdgeFileLoader().load(file);
        } catch (RouteFileException e) {
            for (Problem p : e.problems()) {
                spec.commandLine().getErr().println(p.format());
            }
            return 1;
        }
        if (registryUrl != null && edge.registry().url().isEmpty()) {
            edge = new EdgeFile(edge.fileName(), edge.node(), edge.database(), edge.bootstrap(), edge.kafkaProperties(),
                    edge.registry().withUrl(registryUrl), edge.rejectedTable(), edge.mirrors(), edge.publishes());
        }
        if (check) {
            spec.commandLine().getOut().printf("%s: OK (node '%s': %d mirror(s), %d published table(s), database %s)%n", file,
                    edge.node(), edge.mirrors().size(), edge.publishes().size(), edge.database());
            return 0;
        }
        String servers = edge.bootstrap().or(() -> Optional.ofNullable(bootstrap))
                .or(() -> Optional.ofNullable(System.getenv("KAFKA_BOOTSTRAP")).filter(s -> !s.isBlank()))
                .orElseThrow(() -> new IllegalArgumentException("no broker: set kafka.bootstrap in " + file
                        + ", --bootstrap-server or $KAFKA_BOOTSTRAP"));
        EdgeNode node = new EdgeNode(edge, servers);
        node.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "hyphae-edge-shutdown"));
        spec.commandLine().getOut().printf("edge node %s running (database %s)%n", edge.node(), edge.database());
        spec.commandLine().getOut().flush();
        node.await();
        return 0;
    }
}
