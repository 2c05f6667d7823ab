package io.hyphae.cli;

import io.hyphae.plan.CheckedFile;
import io.hyphae.route.RouteFile;
import io.hyphae.runtime.HyphaeApplication;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "run",
        description = {"Run a route file as a Kafka Streams application.",
            "Validates the file, creates missing topics (inputs, tables, stage topics, dead-letter topics, destinations), "
                + "refuses to start if an existing topic conflicts with the file, then processes until stopped. "
                + "SIGTERM or Ctrl-C shuts down cleanly."},
        mixinStandardHelpOptions = true)
final class RunCommand implements Callable<Integer> {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    @Parameters(paramLabel = "FILE", description = "The route file.")
    Path file;

    @Option(names = "--state-file", paramLabel = "PATH",
            description = "Keep the application's state (CREATED, REBALANCING, RUNNING, ...) in this file, e.g. for a container health check.")
    Path stateFile;

    @Mixin
    ClientOptions client;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        CheckedFile checked = RouteFileOption.loadChecked(file, spec.commandLine().getErr());
        RouteFile routes = checked.file();
        String bootstrap = client.resolveBootstrap(Optional.of(routes), LocalCommand.printer(spec, true));
        RouteFile effective = client.resolveRegistry(withClientProperties(routes), LocalCommand.printer(spec, true));
        HyphaeApplication app = new HyphaeApplication(checked.withFile(effective), bootstrap, message -> {
            out.println(LocalTime.now().format(TIME) + " " + message);
            out.flush();
        });
        out.printf("running %s (application '%s') against %s%n", file, routes.application(), bootstrap);
        out.flush();
        Thread shutdown = new Thread(() -> {
            out.println("stopping...");
            out.flush();
            app.close();
        }, "hyphae-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        if (stateFile != null) {
            app.onStateChange(state -> writeState(state.name(), out));
        }
        app.start();
        client.applySubscribers(app.compiled().checked(), bootstrap, message -> {
            out.println(LocalTime.now().format(TIME) + " " + message);
            out.flush();
        });
        app.awaitStop();
        if (app.failure().isPresent()) {
            spec.commandLine().getErr().println(spec.commandLine().getColorScheme().errorText("error: " + app.failure().get().getMessage()));
            spec.commandLine().getErr().flush();
            return 1;
        }
        return app.state().toString().equals("ERROR") ? 1 : 0;
    }

    /** Replaces the file atomically: a health check never reads a half-written state. */
    private synchronized void writeState(String state, PrintWriter out) {
        try {
            Path tmp = stateFile.resolveSibling(stateFile.getFileName() + ".tmp");
            java.nio.file.Files.writeString(tmp, state + System.lineSeparator());
            java.nio.file.Files.move(tmp, stateFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (java.io.IOException e) {
            out.println("cannot write " + stateFile + ": " + e.getMessage());
        }
    }

    private RouteFile withClientProperties(RouteFile routes) {
        if (client.properties.isEmpty()) {
            return routes;
        }
        var props = new java.util.LinkedHashMap<>(routes.kafka().properties());
        props.putAll(client.properties);
        return routes.withKafka(new io.hyphae.route.KafkaSettings(routes.kafka().bootstrapServers(), props, routes.kafka().streams()));
    }
}
