package io.hyphae.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.hyphae.net.StandardWebhooks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** {@code hyphae receive}: a webhook receiver that prints what it gets and checks Standard Webhooks signatures. */
@Command(name = "receive", mixinStandardHelpOptions = true,
        description = {"Receive webhook deliveries on 127.0.0.1 and print each one: method, path, webhook-id, whether its "
                + "Standard Webhooks signature is valid, and the body. For trying subscribers out; answers 204 (or --status)."})
final class ReceiveCommand implements Callable<Integer> {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final int MAX_SHOWN_BODY = 2_000;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "38099", description = "Port on 127.0.0.1 (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--secret-env", paramLabel = "NAME",
            description = "Environment variable holding the signing secret(s), whsec_..., separated by spaces; without it signatures are not checked.")
    String secretEnv;

    @Option(names = "--status", paramLabel = "CODE", defaultValue = "204", description = "HTTP status to answer (default ${DEFAULT-VALUE}).")
    int status;

    @Option(names = "--count", paramLabel = "N", description = "Exit after N deliveries (default: run until stopped).")
    Integer count;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "With --count: give up after this many seconds (exit 1).")
    Integer timeoutSeconds;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<byte[]> keys = List.of();
        if (secretEnv != null) {
            String secrets = System.getenv(secretEnv);
            if (secrets == null || secrets.isBlank()) {
                throw new IllegalArgumentException("$" + secretEnv + " is not set");
            }
            keys = StandardWebhooks.keys(secrets);
        }
        List<byte[]> signingKeys = keys;
        AtomicInteger received = new AtomicInteger();
        AtomicInteger invalid = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(count == null ? 1 : count);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", exchange -> {
            try (exchange) {
                String line = describe(exchange, signingKeys, invalid);
                synchronized (out) {
                    out.println(LocalTime.now().format(TIME) + " " + line);
                    out.flush();
                }
                exchange.sendResponseHeaders(status, -1);
                received.incrementAndGet();
                if (count != null) {
                    done.countDown();
                }
            }
        });
        server.start();
        out.println("receiving on http://127.0.0.1:" + server.getAddress().getPort() + "/ (Ctrl-C stops)"
                + (signingKeys.isEmpty() ? "" : "; checking signatures with " + signingKeys.size() + " secret(s) from $" + secretEnv));
        out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0)));
        try {
            if (count == null) {
                done.await();
                return 0;
            }
            boolean all = timeoutSeconds == null ? awaitForever(done) : done.await(timeoutSeconds, TimeUnit.SECONDS);
            out.println(received.get() + " delivered, " + invalid.get() + " with an invalid signature");
            out.flush();
            return all && invalid.get() == 0 ? 0 : 1;
        } finally {
            server.stop(0);
        }
    }

    private static boolean awaitForever(CountDownLatch latch) throws InterruptedException {
        latch.await();
        return true;
    }

    private static String describe(HttpExchange exchange, List<byte[]> keys, AtomicInteger invalid) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        String id = exchange.getRequestHeaders().getFirst(StandardWebhooks.ID_HEADER);
        String timestamp = exchange.getRequestHeaders().getFirst(StandardWebhooks.TIMESTAMP_HEADER);
        String signature = exchange.getRequestHeaders().getFirst(StandardWebhooks.SIGNATURE_HEADER);
        String check;
        if (keys.isEmpty()) {
            check = signature == null ? "unsigned" : "signed (not checked)";
        } else {
            boolean valid;
            try {
                long ts = Long.parseLong(timestamp);
                valid = StandardWebhooks.verify(keys, id, ts, body, signature)
                        && Math.abs(Instant.now().getEpochSecond() - ts) <= 300; // the spec's tolerance against replays
            } catch (RuntimeException e) {
                valid = false;
            }
            if (!valid) {
                invalid.incrementAndGet();
            }
            check = valid ? "signature valid" : "SIGNATURE INVALID";
        }
        String text = new String(body, StandardCharsets.UTF_8);
        if (text.length() > MAX_SHOWN_BODY) {
            text = text.substring(0, MAX_SHOWN_BODY) + "...";
        }
        String query = exchange.getRequestURI().getRawQuery();
        return exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + (query == null ? "" : "?" + query)
                + " id=" + id + " " + check + " " + text;
    }
}
