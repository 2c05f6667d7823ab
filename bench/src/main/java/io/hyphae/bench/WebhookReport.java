package io.hyphae.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The webhook benchmark's figures with the ratios and the targets, as Markdown. */
final class WebhookReport {

    static final double LIMIT_TARGET = 0.85;
    static final double NAIVE_TARGET = 20;
    static final double P99_TARGET_MS = 20;

    private final WebhookBenchmark.Results results;
    private final WebhookBenchmark.Options options;

    WebhookReport(WebhookBenchmark.Results results) {
        this.results = results;
        this.options = results.options();
    }

    private double limit(int maxInFlight) {
        return maxInFlight * 1000.0 / options.latencyMs();
    }

    /** Hyphae's delivery rate over the physical limit, or NaN. */
    double ratioToLimit() {
        WebhookBenchmark.Throughput h = results.sink("hyphae");
        return h == null ? Double.NaN : h.perSecond() / limit(h.maxInFlight());
    }

    /** Hyphae's delivery rate over the HTTP ceiling's, or NaN. */
    double ratioToCeiling() {
        WebhookBenchmark.Throughput h = results.sink("hyphae");
        WebhookBenchmark.Throughput c = results.sink("http-ceiling");
        return h == null || c == null ? Double.NaN : h.perSecond() / c.perSecond();
    }

    /** Hyphae's delivery rate over the naive sink's, or NaN. */
    double ratioToNaive() {
        WebhookBenchmark.Throughput h = results.sink("hyphae");
        WebhookBenchmark.Throughput n = results.sink("naive");
        return h == null || n == null ? Double.NaN : h.perSecond() / n.perSecond();
    }

    String figures() {
        StringBuilder out = new StringBuilder();
        out.append("| sink | max in flight | records | deliveries/s | limit/s | ratio to limit | CPU s of the worker per M deliveries | max open at the receiver |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (WebhookBenchmark.Throughput t : results.throughput()) {
            out.append(String.format(Locale.ROOT, "| %s | %d | %,d | %,.0f | %,.0f | %.2f | %s | %d |%n", switch (t.sink()) {
                        case "hyphae" -> "Hyphae";
                        case "naive" -> "naive (one request at a time)";
                        case "http-ceiling" -> "HTTP ceiling (JDK HttpClient alone, no Kafka)";
                        default -> t.sink();
                    }, t.maxInFlight(), t.records(), t.perSecond(),
                    limit(t.maxInFlight()), t.perSecond() / limit(t.maxInFlight()),
                    t.cpuSeconds() < 0 ? "-" : String.format(Locale.ROOT, "%.1f", t.cpuPerMillion()), t.maxOpen()));
        }
        out.append(String.format(Locale.ROOT, "%n| ratio | measured | target |%n|---|---:|---:|%n"
                + "| Hyphae / physical limit (%d in flight / %d ms) | %.2f | ≥ %.2f |%n| Hyphae / naive | %.1f× | ≥ %.0f× |%n"
                + "| Hyphae / HTTP ceiling of the machine (same client, same receiver, no Kafka) | %.2f | - |%n",
                options.maxInFlight(), options.latencyMs(), ratioToLimit(), LIMIT_TARGET, ratioToNaive(), NAIVE_TARGET, ratioToCeiling()));
        if (!results.latency().isEmpty()) {
            out.append("\n| latency run: consumer settings | offered/s | deliveries counted | p50 ms | p99 ms | p99.9 ms | max ms | max open |\n");
            out.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
            for (WebhookBenchmark.Latency l : results.latency()) {
                out.append(String.format(Locale.ROOT, "| %s | %,.0f | %,d | %.1f | %.1f | %.1f | %.1f | %d |%n", l.consumerSettings(),
                        l.offeredPerSecond(), l.counted(), l.p50(), l.p99(), l.p999(), l.max(), l.maxOpen()));
            }
        }
        return out.toString();
    }

    private String verdicts() {
        StringBuilder out = new StringBuilder("| target | measured | verdict |\n|---|---|---|\n");
        double r = ratioToLimit();
        out.append(String.format(Locale.ROOT, "| Hyphae ≥ %.2f of the limit | %.2f | %s |%n", LIMIT_TARGET, r, r >= LIMIT_TARGET ? "met" : "missed"));
        double n = ratioToNaive();
        out.append(String.format(Locale.ROOT, "| Hyphae ≥ %.0f× the naive sink | %.1f× | %s |%n", NAIVE_TARGET, n, n >= NAIVE_TARGET ? "met" : "missed"));
        for (WebhookBenchmark.Latency l : results.latency()) {
            out.append(String.format(Locale.ROOT, "| p99 added latency ≤ %.0f ms at %,d/s (%s) | %.1f ms | %s |%n", P99_TARGET_MS, options.rate(),
                    l.consumerSettings(), l.p99(), l.p99() <= P99_TARGET_MS ? "met" : "missed"));
        }
        return out.toString();
    }

    String markdown() {
        WebhookBenchmark.Throughput h = results.sink("hyphae");
        return "# Webhook delivery benchmark " + BenchmarkRunner.today() + "\n\n"
                + String.format(Locale.ROOT, "One local broker (Kafka 4.3.1, topics of %d partitions) and one Kafka Connect distributed worker "
                        + "(Kafka 4.3.1, as `LocalConnect` starts it: -Xmx384m -XX:+UseSerialGC), the webhook plugin of "
                        + "`connectors/webhook/target/plugin` on its plugin path; a receiver (the JDK's HttpServer on 127.0.0.1) that answers "
                        + "204 %d ms after each request arrived, the wait on a scheduler, holding no thread. Records: about %d bytes of JSON "
                        + "over %,d keys, loaded before the connector is applied (not timed). Hyphae's connector: `WebhookSinkConnector`, "
                        + "one task, `webhook.max.in.flight` %d, `webhook.ordering` key, `CelRequestRenderer` with `webhook.event.format` json "
                        + "and the filter `%s` (true for every record), `errors.tolerance` all with a dead-letter topic, "
                        + "ByteArrayConverter for key, value and header. The naive sink is the same connector with `webhook.max.in.flight` 1: "
                        + "one synchronous request per record, what HTTP sink connectors do by default.%n%n",
                        WebhookBenchmark.PARTITIONS, options.latencyMs(), results.valueBytes(), options.keys(), options.maxInFlight(),
                        WebhookBenchmark.FILTER)
                + "Throughput: deliveries per second from the connector's first delivery to the N-th, at the receiver. The physical "
                + "limit is max in flight / receiver latency. CPU: user + system seconds of the worker process (from `/proc`) "
                + "between the first and the N-th delivery, per million deliveries"
                + (h == null || h.workerRssMb() < 0 ? "" : String.format(Locale.ROOT, " (the worker's peak RSS after the Hyphae run: %d MB)", h.workerRssMb()))
                + ". The HTTP ceiling row is the JDK's HttpClient (the connector's) alone in the benchmark's JVM, POSTing the same "
                + "bodies to the same receiver with the same max in flight, after a warm-up round: what this machine allows over HTTP "
                + "at the time, without Kafka or Connect. A run counts only after its deliveries are verified: every record exactly once, the records of each key in "
                + "offset order, never more requests open at the receiver than max in flight.\n\n"
                + String.format(Locale.ROOT, "Latency: %,d records/s offered by a producer at a fixed rate (`linger.ms` 0) for %d s of warm-up, "
                        + "then %d s counted; the added latency of a delivery is its arrival at the receiver minus the produce time "
                        + "in the record's value (both this machine's wall clock, microseconds), so the receiver's own %d ms are not in it. "
                        + "The first row runs with the Connect worker's consumer defaults (`fetch.min.bytes` 1, `fetch.max.wait.ms` 500, "
                        + "`max.poll.records` 500); further rows with the `consumer.override.*` settings named.%n%n",
                        options.rate(), options.latencyWarmUpSeconds(), options.latencySeconds(), options.latencyMs())
                + "Machine: " + Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + ", Java " + System.getProperty("java.version")
                + String.format(Locale.ROOT, ". Load average (1, 5, 15 min) before the run: %s, after: %s (the machine is shared). "
                        + "Whole run (broker and worker start included): %.0f s.%n%n", results.loadBefore(), results.loadAfter(), results.runSeconds())
                + figures() + "\n## Against the targets\n\n" + verdicts();
    }

    Path write() throws IOException {
        Path md = WebhookBenchmark.resultsFile(options);
        Files.writeString(md, markdown());
        return md;
    }
}
