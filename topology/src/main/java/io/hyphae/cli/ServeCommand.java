package io.hyphae.cli;

import io.hyphae.api.ApiServer;
import io.hyphae.connect.ConnectRestClient;
import io.hyphae.connect.SubscriberConnectors;
import io.hyphae.connect.webhook.FanOutConnectorConfig;
import io.hyphae.format.Formats;
import io.hyphae.plan.TopicNames;
import io.hyphae.route.RouteFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

@Command(name = "serve",
        description = {"Serve the HTTP API of a route file: send events into its routes, manage subscribers.",
            "POST /v1/topics/{topic}/events produces JSON events to a route's input topic (idempotent producer, 202 once the "
                + "broker has them; Idempotency-Key makes a retry produce once); PUT/GET/DELETE /v1/subscribers/{name} keep "
                + "subscribers in the compacted topic <application>.subscribers, checked like the route file's. The OpenAPI "
                + "document is at /v1/openapi.json. GET /v1/subscribers/{name}/status tells what was delivered. The fan-out connector "
                + "<application>-subscribers that delivers them is applied to the Kafka Connect worker (--connect-url, "
                + "$HYPHAE_CONNECT_URL, else on the local broker the local worker). Every other call needs 'Authorization: Bearer <token>', the token taken "
                + "from the environment variable --token-env names."},
        mixinStandardHelpOptions = true)
final class ServeCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", description = "The route file.")
    Path file;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:38085",
            description = "Where to listen (default: ${DEFAULT-VALUE}); another address than loopback exposes the API to the network.")
    String listen;

    @Option(names = "--token-env", paramLabel = "NAME", defaultValue = "HYPHAE_API_TOKEN",
            description = "The environment variable holding the bearer token (default: ${DEFAULT-VALUE}); required.")
    String tokenEnv;

    @Option(names = "--max-body", paramLabel = "BYTES", defaultValue = "1048576",
            description = "The largest request body accepted; larger ones get 413 (default: ${DEFAULT-VALUE}).")
    int maxBody;

    @Mixin
    ClientOptions client;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        String token = System.getenv(tokenEnv);
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("set the environment variable " + tokenEnv + " to the bearer token clients must send; "
                    + "the API does not run without one");
        }
        InetSocketAddress address = address(listen);
        RouteFile routes = RouteFileOption.load(file, spec.commandLine().getErr());
        String bootstrap = client.resolveBootstrap(Optional.of(routes), LocalCommand.printer(spec, true));
        RouteFile effective = routes.usesAvro() ? client.resolveRegistry(routes, LocalCommand.printer(spec, true)) : routes;
        Properties props = client.clientProperties(Optional.of(effective), bootstrap);
        CountDownLatch stopped = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        try (ApiServer server = new ApiServer(effective, new Formats(effective.registry()), props, address, token, maxBody).start()) {
            // on SIGTERM: let the main thread close the server and the producer (in-flight events acknowledged or refused) before the JVM halts
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stopped.countDown();
                try {
                    closed.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "hyphae-serve-shutdown"));
            InetSocketAddress bound = server.address();
            if (!bound.getAddress().isLoopbackAddress()) {
                out.println("warning: listening on " + bound.getAddress().getHostAddress() + ", not only on this machine");
            }
            out.printf("serving the API of %s on http://%s:%d (inputs %s; subscribers in %s); OpenAPI at /v1/openapi.json%n", file,
                    bound.getAddress().getHostAddress(), bound.getPort(), server.inputs(), TopicNames.subscriptions(routes.application()));
            out.flush();
            applyFanOut(effective, bootstrap, props);
            stopped.await();
            out.println("stopping...");
            out.flush();
        } finally {
            closed.countDown();
        }
        return 0;
    }

    /** The subscribers written here are delivered by the fan-out connector: create or update it on the worker, if there is one. */
    private void applyFanOut(RouteFile routes, String bootstrap, Properties props) throws Exception {
        Consumer<String> progress = LocalCommand.printer(spec, true);
        if (!FanOutConnectorConfig.applies(routes)) {
            return;
        }
        Optional<String> worker = client.resolveConnect(Optional.of(routes), bootstrap, progress);
        if (worker.isEmpty()) {
            progress.accept("warning: no Kafka Connect worker is configured (--connect-url, $" + ClientOptions.CONNECT_ENV + "): the subscribers "
                    + "are kept but nothing is delivered to them until 'hyphae connectors apply' runs against one");
            return;
        }
        try {
            SubscriberConnectors.applyFanOut(routes, props, new ConnectRestClient(worker.get()), progress);
        } catch (IOException e) {
            progress.accept("warning: could not apply the fan-out connector to " + worker.get() + " (" + e.getMessage() + "): the subscribers "
                    + "are kept but nothing is delivered to them until 'hyphae connectors apply' succeeds");
        }
    }

    private static InetSocketAddress address(String listen) throws Exception {
        int colon = listen.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("--listen takes HOST:PORT, e.g. 127.0.0.1:38085, not '" + listen + "'");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(listen.substring(0, colon)), Integer.parseInt(listen.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--listen takes HOST:PORT; '" + listen.substring(colon + 1) + "' is not a port");
        }
    }
}
