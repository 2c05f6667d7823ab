package io.hyphae.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The subscriber of the webhook benchmark: the JDK's HttpServer on 127.0.0.1 that answers 204 a fixed latency after
 * each request arrived. The wait holds no thread: the response is sent by a scheduler, so the number of open requests
 * is limited by the sender only. Per request it records, at arrival, the wall clock (microseconds), a monotonic clock,
 * the record's {@code id} and {@code producedAtMicros} from the JSON body and the number of requests open (arrived,
 * not yet answered). A request counts as open from its arrival until its response is started.
 */
final class WebhookReceiver implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService handlers;
    private final ScheduledExecutorService responder;
    private final long latencyMicros;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong unavailable = new AtomicLong();
    private volatile Run run = new Run(0);

    /** One measured run: the requests from {@link #expect} on. */
    static final class Run {
        final int capacity;
        final AtomicInteger count = new AtomicInteger();
        final AtomicInteger maxOpen = new AtomicInteger();
        final AtomicLong unparsed = new AtomicLong();
        final long[] arrivalWallMicros;
        final long[] arrivalNanos;
        final long[] ids;
        final long[] producedMicros;
        final CountDownLatch first = new CountDownLatch(1);
        final CountDownLatch done;

        Run(int capacity) {
            this.capacity = capacity;
            arrivalWallMicros = new long[capacity];
            arrivalNanos = new long[capacity];
            ids = new long[capacity];
            producedMicros = new long[capacity];
            done = new CountDownLatch(capacity == 0 ? 0 : 1);
        }

        /** Requests received (the ones past the capacity are counted, not recorded). */
        int count() {
            return count.get();
        }
    }

    WebhookReceiver(long latencyMs) throws IOException {
        this.latencyMicros = latencyMs * 1000;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
        handlers = Executors.newFixedThreadPool(4, daemon("receiver-handler"));
        responder = Executors.newScheduledThreadPool(2, daemon("receiver-responder"));
        server.setExecutor(handlers);
        server.createContext("/", this::handle);
        server.createContext("/unavailable", this::unavailable);
        server.start();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    /** A URL that answers every request 503 at once, counted in {@link #unavailableAnswers()}, not recorded in a run. */
    String unavailableUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/unavailable";
    }

    long unavailableAnswers() {
        return unavailable.get();
    }

    private void unavailable(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            in.readAllBytes();
        }
        unavailable.incrementAndGet();
        exchange.sendResponseHeaders(503, -1);
        exchange.close();
    }

    /** Starts recording a run of {@code n} expected deliveries; what arrived before is forgotten. */
    Run expect(int n) {
        Run r = new Run(n);
        run = r;
        return r;
    }

    private void handle(HttpExchange exchange) throws IOException {
        long nanos = System.nanoTime();
        Instant now = Instant.now();
        int nowOpen = open.incrementAndGet();
        Run r = run;
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        int i = r.count.getAndIncrement();
        r.maxOpen.accumulateAndGet(nowOpen, Math::max);
        if (i < r.capacity) {
            r.arrivalNanos[i] = nanos;
            r.arrivalWallMicros[i] = now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
            long id = longField(body, "\"id\":");
            long produced = longField(body, "\"producedAtMicros\":");
            if (id < 0 || produced < 0) {
                r.unparsed.incrementAndGet();
            }
            r.ids[i] = id;
            r.producedMicros[i] = produced;
            if (i == 0) {
                r.first.countDown();
            }
            if (i == r.capacity - 1) {
                r.done.countDown();
            }
        }
        long wait = latencyMicros - (System.nanoTime() - nanos) / 1000;
        responder.schedule(() -> respond(exchange), Math.max(0, wait), TimeUnit.MICROSECONDS);
    }

    private void respond(HttpExchange exchange) {
        open.decrementAndGet();
        try {
            exchange.sendResponseHeaders(204, -1);
        } catch (IOException e) {
            // the sender gave up (timeout): it retries
        } finally {
            exchange.close();
        }
    }

    /** The non-negative integer after {@code name} in a JSON body, or -1. */
    static long longField(byte[] body, String name) {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + n.length < body.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (body[i + j] != n[j]) {
                    continue outer;
                }
            }
            int k = i + n.length;
            while (k < body.length && body[k] == ' ') {
                k++;
            }
            long v = 0;
            int digits = 0;
            while (k < body.length && body[k] >= '0' && body[k] <= '9') {
                v = v * 10 + (body[k++] - '0');
                digits++;
            }
            return digits == 0 ? -1 : v;
        }
        return -1;
    }

    @Override
    public void close() {
        server.stop(0);
        responder.shutdownNow();
        handlers.shutdownNow();
    }
}
