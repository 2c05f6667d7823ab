package io.hyphae.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The fleet benchmark's results as a table with the ratios, and a Markdown file. */
final class FleetReport {

    private final List<FleetBenchmark.Result> results;
    private final FleetBenchmark.Options options;
    private final FleetWorkload.Delivery delivery;
    private final String loadBefore;
    private final String loadAfter;

    FleetReport(List<FleetBenchmark.Result> results, FleetBenchmark.Options options, FleetWorkload.Delivery delivery, String loadBefore,
                String loadAfter) {
        this.results = results;
        this.options = options;
        this.delivery = delivery;
        this.loadBefore = loadBefore;
        this.loadAfter = loadAfter;
    }

    /** The machine's 1, 5 and 15 minute load averages (the machine may be shared), or "-". */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "-";
        }
    }

    static String megabytes(long bytes) {
        return bytes < 0 ? "-" : String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    /** Each system's best round per guarantee, with the ratios; then every round. */
    String table() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Each system's best of %d rounds:%n%n", options.rounds()));
        rows(out, best());
        out.append("\n| guarantee | (a)/(b) Hyphae / hand-written Streams | (a)/(a') Hyphae with / without dedupe + resequence "
                + "| (b)/(a') hand-written / Hyphae without them |\n|---|---:|---:|---:|\n");
        for (String guarantee : guarantees()) {
            out.append("| ").append(guarantee).append(" | ").append(ratio("hyphae", "streams", guarantee)).append(" | ")
                    .append(ratio("hyphae", "hyphae-stateless", guarantee)).append(" | ").append(ratio("streams", "hyphae-stateless", guarantee))
                    .append(" |\n");
        }
        out.append("\nEvery round:\n\n");
        rows(out, results);
        return out.toString();
    }

    private void rows(StringBuilder out, List<FleetBenchmark.Result> rows) {
        out.append("| system | guarantee | round | records/s | CPU s per M records | peak RSS MB | dedupe store on disk, MB per M ids "
                + "| dedupe changelog, MB per M ids | all state on disk, MB |\n");
        out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (FleetBenchmark.Result r : rows) {
            out.append(String.format(Locale.ROOT, "| %s | %s | %d | %,.0f | %.1f | %d | %s | %s | %.1f |%n", label(r.system()), r.guarantee(),
                    r.round(), r.eventsPerSecond(), r.cpuSecondsPerMillion(), r.peakRssMb(), perMillionIds(r.seenStoreBytes()),
                    perMillionIds(r.seenChangelogBytes()), r.stateBytes() / 1e6));
        }
    }

    /** Per system and guarantee, the round with the highest throughput, in the order of the first round. */
    private List<FleetBenchmark.Result> best() {
        Map<String, FleetBenchmark.Result> best = new LinkedHashMap<>();
        for (FleetBenchmark.Result r : results) {
            best.merge(r.system() + "|" + r.guarantee(), r, (x, y) -> y.eventsPerSecond() > x.eventsPerSecond() ? y : x);
        }
        return new ArrayList<>(best.values());
    }

    private static String label(String system) {
        return switch (system) {
            case "hyphae" -> "(a) Hyphae, fleet route";
            case "hyphae-stateless" -> "(a') Hyphae, without dedupe + resequence";
            case "streams" -> "(b) hand-written Streams";
            default -> system;
        };
    }

    private String perMillionIds(long bytes) {
        return bytes < 0 ? "-" : String.format(Locale.ROOT, "%.1f", bytes / 1e6 / delivery.readings() * 1e6);
    }

    private Set<String> guarantees() {
        Set<String> g = new LinkedHashSet<>();
        results.forEach(r -> g.add(r.guarantee()));
        return g;
    }

    private String ratio(String a, String b, String guarantee) {
        FleetBenchmark.Result x = find(a, guarantee);
        FleetBenchmark.Result y = find(b, guarantee);
        return x == null || y == null ? "-" : String.format(Locale.ROOT, "%.2f", x.eventsPerSecond() / y.eventsPerSecond());
    }

    private FleetBenchmark.Result find(String system, String guarantee) {
        return best().stream().filter(r -> r.system().equals(system) && r.guarantee().equals(guarantee)).findFirst().orElse(null);
    }

    Path write() throws IOException {
        Files.createDirectories(options.results());
        String name = BenchmarkRunner.today() + "-fleet" + (options.events() < 1_000_000 ? "-" + options.events() + "-readings" : "");
        Path md = options.results().resolve(name + ".md");
        String text = "# Fleet benchmark " + BenchmarkRunner.today() + "\n\n"
                + String.format(Locale.ROOT, "%,d telemetry readings (distinct ids) of %,d drones in flights of %d, delivered as %,d records: "
                        + "%,d duplicates (%.1f %%) and %,d readings before their predecessor (%.1f %%); a registry table of the drones; one local "
                        + "broker (3 partitions); each system in its own JVM (%s), one after another on the same data. Throughput is input "
                        + "records (duplicates included) per second, from RUNNING until the system's group committed the end of the input "
                        + "and of its repartition topic.%n%n", delivery.readings(), options.drones(), FleetWorkload.FLIGHT_LENGTH, delivery.records(),
                delivery.duplicates(), 100.0 * delivery.duplicates() / delivery.records(), delivery.reordered(),
                100.0 * delivery.reordered() / delivery.readings(), String.join(" ", SystemLauncher.SYSTEM_JVM_OPTIONS))
                + "Machine: " + Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + ", Java " + System.getProperty("java.version") + "; load average (1, 5, 15 min) "
                + loadBefore + " before, " + loadAfter + " after.\n\n"
                + table();
        Files.writeString(md, text);
        return md;
    }
}
