package io.hyphae.cli;

import io.hyphae.plan.CheckedFile;
import io.hyphae.route.RouteFile;
import io.hyphae.observe.ObserveServer;
import io.hyphae.runtime.HyphaeApplication;
import io.hyphae.runtime.RouteMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
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

    @Option(names = "--http", paramLabel = "[HOST:]PORT",
            description = "Serve /metrics (Prometheus), /health, /ready and a web console (/) over HTTP on this address; a bare port "
                + "binds 127.0.0.1, port 0 picks a free one. Off by default.")
    String http;

    @Mixin
    ClientOptions client;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        InetSocketAddress httpAddress = http == null ? null : httpAddress(http);
        CheckedFile checked = RouteFileOption.loadChecked(file, spec.commandLine().getErr());
        RouteFile routes = checked.file();
        String bootstrap = client.resolveBootstrap(Optional.of(routes), LocalCommand.printer(spec, true));
        RouteFile effective = client.resolveRegistry(withClientProperties(routes), LocalCommand.printer(spec, true));
        PrometheusMeterRegistry registry = null;
        RouteMetrics metrics = RouteMetrics.NONE;
        if (httpAddress != null) {
            registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            registry.config().commonTags("application", routes.application());
            new JvmMemoryMetrics().bindTo(registry);
            new ProcessorMetrics().bindTo(registry);
            metrics = RouteMetrics.of(registry);
        }
        HyphaeApplication app = new HyphaeApplication(checked.withFile(effective), bootstrap, message -> {
            out.println(LocalTime.now().format(TIME) + " " + message);
            out.flush();
        }, metrics);
        out.printf("running %s (application '%s') against %s%n", file, routes.application(), bootstrap);
        ObserveServer server = null;
        if (httpAddress != null) {
            server = ObserveServer.start(httpAddress, registry, app);
            String base = "http://" + server.address().getHostString() + ":" + server.address().getPort();
            out.printf("serving %s/metrics, %s/health and %s/ready; the console at %s/%n", base, base, base, base);
        }
        out.flush();
        ObserveServer httpServer = server;
        Thread shutdown = new Thread(() -> {
            out.println("stopping...");
            out.flush();
            app.close();
            if (httpServer != null) {
                httpServer.close();
            }
        }, "hyphae-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        if (stateFile != null) {
            app.onStateChange(state -> writeState(state.name(), out));
        }
        app.start();
        client.applyConnectors(app.compiled().checked(), bootstrap, message -> {
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

    /** {@code PORT} (on 127.0.0.1) or {@code HOST:PORT}. */
    private InetSocketAddress httpAddress(String value) {
        int colon = value.lastIndexOf(':');
        String host = colon < 0 ? "127.0.0.1" : value.substring(0, colon);
        String port = colon < 0 ? value : value.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            int p = Integer.parseInt(port);
            if (p < 0 || p > 65535 || host.isEmpty()) {
                throw new NumberFormatException();
            }
            return new InetSocketAddress(host, p);
        } catch (NumberFormatException e) {
            throw new ParameterException(spec.commandLine(), "--http: expected [HOST:]PORT, e.g. 9464 or 127.0.0.1:9464, got '" + value + "'");
        }
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
